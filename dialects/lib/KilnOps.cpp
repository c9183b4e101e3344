//===- KilnOps.cpp - Shared verifiers, graph, return and constant -------===//
//
// The helpers and family traits that every op file uses, the structure ops (graph, return,
// constant) and the op classes. The other ops live in a file per family, as in KilnToLinalg/.
//
//===----------------------------------------------------------------------===//
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

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

LogicalResult kiln::detail::verifyIntegerOnly(Operation *op) {
  Type element = tensorType(op->getOperand(0)).getElementType();
  if (!isa<IntegerType>(element) || element.isInteger(1))
    return op->emitOpError() << "expects integer operands (not i1), got element type " << element;
  return success();
}

LogicalResult kiln::detail::verifyNoUnsigned(Operation *op) {
  for (Type type : llvm::concat<const Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto tensor = dyn_cast<RankedTensorType>(type);
        tensor && tensor.getElementType().isUnsignedInteger())
      return op->emitOpError() << "does not take unsigned integers (" << tensor.getElementType()
                               << "); kiln.cast them to a signed type first";
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

bool kiln::isTensorElementType(Type type) {
  return isElementType(type) || type.isUnsignedInteger(8) || type.isUnsignedInteger(16) ||
         type.isUnsignedInteger(32);
}

bool kiln::isCIdentifier(StringRef name) {
  return !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_') &&
         llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// Entry `i` of `names` when it is a C identifier, else `fallback` followed by `i`.
static std::string cNameOr(std::optional<ArrayAttr> names, unsigned i, StringRef fallback) {
  if (names && i < names->size()) {
    StringRef name = cast<StringAttr>((*names)[i]).getValue();
    if (isCIdentifier(name))
      return name.str();
  }
  return (fallback + Twine(i)).str();
}

std::string GraphOp::getArgName(unsigned i) { return cNameOr(getArgNames(), i, "arg"); }

std::string GraphOp::getResultName(unsigned i) { return cNameOr(getResultNames(), i, "result"); }

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
    if (!isTensorElementType(element))
      return emitOpError() << what << " " << index << " has unsupported element type " << element;
    // MLIR lowers a memref with a zero-size dimension after the first to a descriptor, not the
    // bare pointer of the C ABI (codegen's verifyBarePointerEntries would refuse the lowered
    // entry). Inside a graph such tensors work; at its boundary they are refused here.
    if (tensor.getRank() > 1 && llvm::is_contained(tensor.getShape().drop_front(), 0))
      return emitOpError() << what << " " << index << " of type " << type
                           << " has a zero-size dimension after its first, which a graph's "
                              "arguments and results cannot have yet (only the first dimension "
                              "may be 0; inside a graph, any may)";
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
  if (auto names = getResultNames(); names && names->size() != getResultTypes().size())
    return emitOpError() << "has " << names->size() << " result names for "
                         << getResultTypes().size() << " results";
  return success();
}

LogicalResult GraphOp::verifyRegions() {
  Block &entry = getBody().front();
  if (entry.getArgumentTypes() != getArgumentTypes())
    return emitOpError() << "entry block arguments do not match the graph signature";
  // Byte sizes are at most 2^62 (kMaxTensorBytes) so that every offset computation in the
  // generated code and every size in the header is exact.
  WalkResult oversized = walk([&](Operation *op) -> WalkResult {
    for (Value value : op->getResults())
      if (auto tensor = dyn_cast<RankedTensorType>(value.getType());
          tensor && tensor.hasStaticShape() && !byteSize(tensor)) {
        op->emitOpError() << "result type " << tensor << " has more than 2^62 bytes";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (oversized.wasInterrupted())
    return failure();
  for (auto [i, type] : llvm::enumerate(getArgumentTypes()))
    if (!byteSize(cast<RankedTensorType>(type)))
      return emitOpError() << "argument " << i << " of type " << type
                           << " has more than 2^62 bytes";
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
// ConstantOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

#define GET_OP_CLASSES
#include "kiln/Dialect/Kiln/KilnOps.cpp.inc"
