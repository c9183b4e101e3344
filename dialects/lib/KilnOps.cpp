//===- KilnOps.cpp - Kiln op verifiers, folders and custom assembly -------===//
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace kiln;

using namespace kiln::detail;

LogicalResult kiln::detail::verifyResultType(Operation *op, RankedTensorType result,
                                             ArrayRef<int64_t> shape, Type elementType) {
  auto expected = RankedTensorType::get(shape, elementType);
  if (result != expected)
    return op->emitOpError() << "expected result type " << expected << ", got " << result;
  return success();
}

FailureOr<int64_t> kiln::detail::verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  auto normalized = normalizeAxis(axis, rank);
  if (!normalized)
    return op->emitOpError() << "axis " << axis << " is out of range for rank " << rank
                             << " (expected [" << -rank << ", " << rank << "))";
  return *normalized;
}

FailureOr<SmallVector<int64_t>> kiln::detail::verifyAxes(Operation *op, ArrayRef<int64_t> axes,
                                                         int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    auto normalized = verifyAxis(op, axis, rank);
    if (failed(normalized))
      return failure();
    if (llvm::is_contained(result, *normalized))
      return op->emitOpError() << "axis " << axis << " is repeated";
    result.push_back(*normalized);
  }
  return result;
}

LogicalResult kiln::detail::verifyArrayAttr(Operation *op, StringRef name, ArrayRef<int64_t> values,
                                            size_t size, int64_t min) {
  if (values.size() != size)
    return op->emitOpError() << "expects " << size << " entries in '" << name << "', got "
                             << values.size();
  for (int64_t v : values)
    if (v < min)
      return op->emitOpError() << "expects every entry of '" << name << "' to be >= " << min
                               << ", got " << v;
  return success();
}

LogicalResult kiln::detail::verifyScalarAttr(Operation *op, StringRef name, Attribute attr,
                                             Type elementType) {
  bool ok = isa<FloatType>(elementType) ? isa<FloatAttr>(attr) : isa<IntegerAttr>(attr);
  if (auto integer = dyn_cast<IntegerAttr>(attr); ok && integer)
    ok = integer.getType().isSignlessInteger();
  if (!ok)
    return op->emitOpError() << "'" << name << "' must be a "
                             << (isa<FloatType>(elementType) ? "float" : "signless integer")
                             << " attribute for element type " << elementType << ", got " << attr;
  return success();
}

//===----------------------------------------------------------------------===//
// Shared verifiers (KilnTraits.h)
//===----------------------------------------------------------------------===//

LogicalResult kiln::detail::verifyBroadcastingElementwise(Operation *op) {
  auto lhs = tensorType(op->getOperand(0)), rhs = tensorType(op->getOperand(1));
  if (lhs.getElementType() != rhs.getElementType())
    return op->emitOpError() << "operand element types must match, got " << lhs.getElementType()
                             << " and " << rhs.getElementType();
  auto shape = broadcastShapes(lhs.getShape(), rhs.getShape());
  if (!shape)
    return op->emitOpError() << "operand shapes " << formatShape(lhs.getShape()) << " and "
                             << formatShape(rhs.getShape()) << " are not broadcast-compatible";
  return verifyResultType(op, tensorType(op->getResult(0)), *shape, lhs.getElementType());
}

LogicalResult kiln::detail::verifyUnaryElementwise(Operation *op) {
  auto input = tensorType(op->getOperand(0));
  return verifyResultType(op, tensorType(op->getResult(0)), input.getShape(),
                          input.getElementType());
}

LogicalResult kiln::detail::verifyFloatOnly(Operation *op) {
  Type element = tensorType(op->getOperand(0)).getElementType();
  if (!isa<FloatType>(element))
    return op->emitOpError() << "expects a floating-point operand, got element type " << element;
  return success();
}

LogicalResult kiln::detail::verifyNotBool(Operation *op) {
  for (Value operand : op->getOperands())
    if (tensorType(operand).getElementType().isInteger(1))
      return op->emitOpError()
             << "does not take i1 operands (kiln.cast them to an integer type first)";
  return success();
}

LogicalResult kiln::detail::verifyReduction(Operation *op) {
  auto input = tensorType(op->getOperand(0));
  auto axesAttr = op->getAttrOfType<DenseI64ArrayAttr>("axes");
  auto keepDims = op->getAttrOfType<BoolAttr>("keep_dims");
  auto axes = verifyAxes(op, axesAttr.asArrayRef(), input.getRank());
  if (failed(axes))
    return failure();
  if (axes->empty())
    return op->emitOpError() << "expects at least one axis";
  return verifyResultType(op, tensorType(op->getResult(0)),
                          reducedShape(input.getShape(), *axes, keepDims && keepDims.getValue()),
                          input.getElementType());
}

//===----------------------------------------------------------------------===//
// GraphOp
//===----------------------------------------------------------------------===//

bool kiln::isElementType(Type type) {
  return type.isF32() || type.isF64() || type.isF16() || type.isBF16() ||
         type.isSignlessInteger(1) || type.isSignlessInteger(8) || type.isSignlessInteger(16) ||
         type.isSignlessInteger(32) || type.isSignlessInteger(64);
}

bool kiln::isCIdentifier(StringRef name) {
  return !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
         llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

std::string GraphOp::getArgName(unsigned i) {
  if (auto names = getArgNames(); names && i < names->size()) {
    StringRef name = cast<StringAttr>((*names)[i]).getValue();
    if (isCIdentifier(name))
      return name.str();
  }
  return "arg" + std::to_string(i);
}

ParseResult GraphOp::parse(OpAsmParser &parser, OperationState &result) {
  Builder &builder = parser.getBuilder();
  StringAttr nameAttr;
  if (parser.parseSymbolName(nameAttr, SymbolTable::getSymbolAttrName(), result.attributes))
    return failure();

  SmallVector<OpAsmParser::Argument> args;
  SmallVector<Type> resultTypes;
  SmallVector<DictionaryAttr> resultAttrs;
  bool isVariadic = false;
  if (function_interface_impl::parseFunctionSignatureWithArguments(
          parser, /*allowVariadic=*/false, args, isVariadic, resultTypes, resultAttrs))
    return failure();

  SmallVector<Type> argTypes;
  SmallVector<Attribute> argNames;
  for (OpAsmParser::Argument &arg : args) {
    argTypes.push_back(arg.type);
    argNames.push_back(builder.getStringAttr(arg.ssaName.name.drop_front()));
  }
  result.addAttribute(getFunctionTypeAttrName(result.name),
                      TypeAttr::get(builder.getFunctionType(argTypes, resultTypes)));
  result.addAttribute(getArgNamesAttrName(result.name), builder.getArrayAttr(argNames));
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  call_interface_impl::addArgAndResultAttrs(builder, result, args, resultAttrs,
                                            getArgAttrsAttrName(result.name),
                                            getResAttrsAttrName(result.name));

  SMLoc bodyLoc = parser.getCurrentLocation();
  Region *body = result.addRegion();
  if (parser.parseRegion(*body, args, /*enableNameShadowing=*/false))
    return failure();
  if (body->empty())
    return parser.emitError(bodyLoc, "expected a non-empty graph body");
  return success();
}

void GraphOp::print(OpAsmPrinter &p) {
  p << ' ';
  p.printSymbolName(getSymName());
  function_interface_impl::printFunctionSignature(p, *this, getArgumentTypes(),
                                                  /*isVariadic=*/false, getResultTypes());
  function_interface_impl::printFunctionAttributes(p, *this,
                                                   {getFunctionTypeAttrName(),
                                                    getArgAttrsAttrName(), getResAttrsAttrName(),
                                                    getArgNamesAttrName()});
  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false, /*printBlockTerminators=*/true);
}

void GraphOp::getAsmBlockArgumentNames(Region &region, OpAsmSetValueNameFn setNameFn) {
  auto names = getArgNames();
  if (!names || region.empty())
    return;
  for (auto [arg, name] : llvm::zip(region.front().getArguments(), *names)) {
    StringRef s = cast<StringAttr>(name).getValue();
    if (isCIdentifier(s))
      setNameFn(arg, s);
  }
}

LogicalResult GraphOp::verify() {
  auto checkType = [&](Type type, StringRef what, unsigned index) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return emitOpError() << what << " " << index << " must be a statically shaped tensor, got "
                           << type;
    Type element = tensor.getElementType();
    if (!isElementType(element))
      return emitOpError() << what << " " << index << " has unsupported element type " << element;
    return success();
  };
  for (auto [i, type] : llvm::enumerate(getArgumentTypes()))
    if (failed(checkType(type, "argument", i)))
      return failure();
  for (auto [i, type] : llvm::enumerate(getResultTypes()))
    if (failed(checkType(type, "result", i)))
      return failure();
  if (auto names = getArgNames(); names && names->size() != getArgumentTypes().size())
    return emitOpError() << "has " << names->size() << " argument names for "
                         << getArgumentTypes().size() << " arguments";
  return success();
}

LogicalResult GraphOp::verifyRegions() {
  Block &entry = getBody().front();
  if (entry.getArgumentTypes() != getArgumentTypes())
    return emitOpError() << "entry block arguments do not match the graph signature";
  // Byte sizes must fit in 63 bits so that every offset computation in the generated code and
  // every size in the header is exact.
  WalkResult oversized = walk([&](Operation *op) -> WalkResult {
    for (Value value : op->getResults())
      if (auto tensor = dyn_cast<RankedTensorType>(value.getType());
          tensor && tensor.hasStaticShape() && !byteSize(tensor)) {
        op->emitOpError() << "result type " << tensor << " has more than 2^63 bytes";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (oversized.wasInterrupted())
    return failure();
  for (auto [i, type] : llvm::enumerate(getArgumentTypes()))
    if (!byteSize(cast<RankedTensorType>(type)))
      return emitOpError() << "argument " << i << " of type " << type
                           << " has more than 2^63 bytes";
  return success();
}

//===----------------------------------------------------------------------===//
// ReturnOp
//===----------------------------------------------------------------------===//

LogicalResult ReturnOp::verify() {
  auto graph = (*this)->getParentOfType<GraphOp>();
  ArrayRef<Type> expected = graph.getResultTypes();
  if (getNumOperands() != expected.size())
    return emitOpError() << "returns " << getNumOperands() << " values but graph @"
                         << graph.getSymName() << " has " << expected.size() << " results";
  for (auto [i, value, type] : llvm::enumerate(getOperands(), expected))
    if (value.getType() != type)
      return emitOpError() << "result " << i << " has type " << value.getType() << " but graph @"
                           << graph.getSymName() << " returns " << type;
  return success();
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  auto lhs = tensorType(getLhs()), rhs = tensorType(getRhs());
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOpError() << "expects operands of rank >= 2, got ranks " << lhs.getRank() << " and "
                         << rhs.getRank();
  Type element = lhs.getElementType();
  if (element != rhs.getElementType())
    return emitOpError() << "operand element types must match, got " << element << " and "
                         << rhs.getElementType();
  if (element.isInteger(1))
    return emitOpError() << "does not multiply i1 tensors";
  ArrayRef<int64_t> a = lhs.getShape(), b = rhs.getShape();
  int64_t k = a.back(), kRhs = b[b.size() - 2];
  if (k != kRhs)
    return emitOpError() << "contracting dimensions differ: lhs " << formatShape(a)
                         << " has K = " << k << ", rhs " << formatShape(b) << " has K = " << kRhs;
  auto batch = broadcastShapes(a.drop_back(2), b.drop_back(2));
  if (!batch)
    return emitOpError() << "batch dimensions " << formatShape(a.drop_back(2)) << " and "
                         << formatShape(b.drop_back(2)) << " are not broadcast-compatible";
  SmallVector<int64_t> shape = *batch;
  shape.push_back(a[a.size() - 2]);
  shape.push_back(b.back());
  Type resultElement = tensorType(getResult()).getElementType();
  // i8 x i8 accumulates in i32, the building block of quantized layers.
  bool widening = element.isInteger(8) && resultElement.isInteger(32);
  return verifyResultType(*this, tensorType(getResult()), shape,
                          widening ? resultElement : element);
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::verify() {
  auto input = tensorType(getInput());
  ArrayRef<int64_t> perm = getPermutation();
  if (static_cast<int64_t>(perm.size()) != input.getRank())
    return emitOpError() << "permutation has " << perm.size() << " entries but the input has rank "
                         << input.getRank();
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank())
      return emitOpError() << "permutation entry " << p << " is out of range [0, "
                           << input.getRank() << ")";
    if (seen[p])
      return emitOpError() << "permutation entry " << p << " is repeated";
    seen[p] = true;
    shape.push_back(input.getDimSize(p));
  }
  return verifyResultType(*this, tensorType(getResult()), shape, input.getElementType());
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (llvm::equal(getPermutation(), llvm::seq<int64_t>(0, getPermutation().size())))
    return getInput();
  return {};
}

LogicalResult ReshapeOp::verify() {
  auto input = tensorType(getInput()), result = tensorType(getResult());
  if (input.getElementType() != result.getElementType())
    return emitOpError() << "element types must match, got " << input.getElementType() << " and "
                         << result.getElementType();
  if (input.getNumElements() != result.getNumElements())
    return emitOpError() << "cannot reshape " << formatShape(input.getShape()) << " ("
                         << input.getNumElements() << " elements) into "
                         << formatShape(result.getShape()) << " (" << result.getNumElements()
                         << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

LogicalResult BroadcastToOp::verify() {
  auto input = tensorType(getInput()), result = tensorType(getResult());
  if (input.getElementType() != result.getElementType())
    return emitOpError() << "element types must match, got " << input.getElementType() << " and "
                         << result.getElementType();
  auto shape = broadcastShapes(input.getShape(), result.getShape());
  if (input.getRank() > result.getRank() || !shape ||
      ArrayRef<int64_t>(*shape) != result.getShape())
    return emitOpError() << "cannot broadcast " << formatShape(input.getShape()) << " to "
                         << formatShape(result.getShape());
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
      dense && dense.isSplat())
    return SplatElementsAttr::get(getType(), dense.getSplatValue<Attribute>());
  return {};
}

//===----------------------------------------------------------------------===//
// Constant folding
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

/// Folds an elementwise binary op whose operands are constants of the result's type (folding
/// across broadcasts would materialize large constants, so it is left to the lowering).
template <typename FloatFn, typename IntFn>
static OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands, FloatFn floatFn,
                               IntFn intFn) {
  Type type = op->getResult(0).getType();
  if (op->getOperand(0).getType() != type || op->getOperand(1).getType() != type)
    return {};
  if (isa<FloatType>(cast<ShapedType>(type).getElementType()))
    return constFoldBinaryOp<FloatAttr>(operands, type, floatFn);
  return constFoldBinaryOp<IntegerAttr>(operands, type, intFn);
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &b) { return a + b; },
      [](const APInt &a, const APInt &b) { return a + b; });
}
OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &b) { return a - b; },
      [](const APInt &a, const APInt &b) { return a - b; });
}
OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &b) { return a * b; },
      [](const APInt &a, const APInt &b) { return a * b; });
}
OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &b) { return a / b; },
      [](const APInt &a, const APInt &b) {
        // Matches the lowering: x / 0 = 0, and INT_MIN / -1 wraps.
        return b.isZero() ? APInt::getZero(a.getBitWidth()) : a.sdiv(b);
      });
}
OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return llvm::maximum(a, b); },
      [](const APInt &a, const APInt &b) {
        // i1 orders false < true: unsigned, as in the lowering.
        bool aFirst = a.getBitWidth() == 1 ? a.uge(b) : a.sge(b);
        return aFirst ? a : b;
      });
}
OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return llvm::minimum(a, b); },
      [](const APInt &a, const APInt &b) {
        bool aFirst = a.getBitWidth() == 1 ? a.ule(b) : a.sle(b);
        return aFirst ? a : b;
      });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto producer = getInput().getDefiningOp<NegOp>())
    return producer.getInput();
  Type type = getType();
  if (isa<FloatType>(getType().getElementType()))
    return constFoldUnaryOp<FloatAttr>(adaptor.getOperands(), type,
                                       [](const APFloat &a) { return -a; });
  return constFoldUnaryOp<IntegerAttr>(adaptor.getOperands(), type,
                                       [](const APInt &a) { return -a; });
}

#define GET_OP_CLASSES
#include "kiln/Dialect/Kiln/KilnOps.cpp.inc"
