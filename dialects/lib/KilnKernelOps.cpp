//===- KilnKernelOps.cpp - user kernels: kernel, yield, map, reduce -------===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Interfaces/FunctionImplementation.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

ParseResult KernelOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildType = [](Builder &builder, ArrayRef<Type> args, ArrayRef<Type> results,
                      function_interface_impl::VariadicFlag,
                      std::string &) { return builder.getFunctionType(args, results); };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false, getFunctionTypeAttrName(result.name), buildType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void KernelOp::print(OpAsmPrinter &p) {
  function_interface_impl::printFunctionOp(p, *this, /*isVariadic=*/false,
                                           getFunctionTypeAttrName(), getArgAttrsAttrName(),
                                           getResAttrsAttrName());
}

LogicalResult KernelOp::verify() {
  for (auto [i, type] : llvm::enumerate(getArgumentTypes()))
    if (!isElementType(type))
      return emitOpError() << "argument " << i << " must be a scalar of a Kiln element type, got "
                           << type;
  if (getResultTypes().size() != 1 || !isElementType(getResultTypes().front()))
    return emitOpError() << "must return exactly one scalar of a Kiln element type";
  return success();
}

LogicalResult KernelOp::verifyRegions() {
  Block &entry = getBody().front();
  if (entry.getArgumentTypes() != getArgumentTypes())
    return emitOpError() << "entry block arguments do not match the kernel signature";
  for (Operation &op : entry.without_terminator()) {
    bool scalarDialect = isa<arith::ArithDialect, math::MathDialect>(op.getDialect());
    bool scalarTypes = llvm::all_of(op.getOperandTypes(), isElementType) &&
                       llvm::all_of(op.getResultTypes(), isElementType);
    if (!scalarDialect || !scalarTypes || op.getNumRegions() != 0)
      return op.emitOpError() << "is not allowed in a kernel: kernel bodies hold only scalar "
                                 "arith and math ops";
  }
  return success();
}

LogicalResult YieldOp::verify() {
  auto kernel = (*this)->getParentOfType<KernelOp>();
  Type expected = kernel.getResultTypes().front();
  if (getValue().getType() != expected)
    return emitOpError() << "yields " << getValue().getType() << " but kernel @"
                         << kernel.getSymName() << " returns " << expected;
  return success();
}

//===----------------------------------------------------------------------===//
// MapOp and ReduceOp
//===----------------------------------------------------------------------===//

/// Finds the kernel `op` applies, or reports that it is undefined.
static FailureOr<KernelOp> lookupKernel(Operation *op, FlatSymbolRefAttr name,
                                        SymbolTableCollection &symbols) {
  auto kernel = symbols.lookupNearestSymbolFrom<KernelOp>(op, name);
  if (!kernel)
    return op->emitOpError() << "references undefined kernel " << name;
  return kernel;
}

LogicalResult MapOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto kernel = lookupKernel(*this, getKernelAttr(), symbols);
  if (failed(kernel))
    return failure();
  ArrayRef<Type> params = kernel->getArgumentTypes();
  if (params.size() != getInputs().size())
    return emitOpError() << "applies kernel " << getKernelAttr() << " of " << params.size()
                         << " arguments to " << getInputs().size() << " operands";
  if (getInputs().empty())
    return emitOpError() << "expects at least one operand";
  SmallVector<int64_t> shape;
  for (auto [i, input, param] : llvm::enumerate(getInputs(), params)) {
    auto type = tensorType(input);
    if (type.getElementType() != param)
      return emitOpError() << "operand " << i << " has element type " << type.getElementType()
                           << " but kernel " << getKernelAttr() << " expects " << param;
    auto broadcast = broadcastShapes(shape, type.getShape());
    if (!broadcast)
      return emitOpError() << "operand " << i << " of shape " << formatShape(type.getShape())
                           << " does not broadcast with " << formatShape(shape);
    shape = *broadcast;
  }
  return verifyResultType(*this, tensorType(getResult()), shape, kernel->getResultTypes().front());
}

LogicalResult ReduceOp::verify() {
  auto input = tensorType(getInput());
  auto axes = verifyAxes(*this, getAxes(), input.getRank());
  if (failed(axes))
    return failure();
  if (axes->empty())
    return emitOpError() << "expects at least one axis";
  if (getInit().getType() != input.getElementType())
    return emitOpError() << "expects init of type " << input.getElementType() << ", got "
                         << getInit();
  if (failed(verifyScalarAttr(*this, "init", getInit(), input.getElementType())))
    return failure();
  return verifyResultType(*this, tensorType(getResult()),
                          reducedShape(input.getShape(), *axes, getKeepDims()),
                          input.getElementType());
}

LogicalResult ReduceOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto kernel = lookupKernel(*this, getKernelAttr(), symbols);
  if (failed(kernel))
    return failure();
  Type element = tensorType(getInput()).getElementType();
  auto expected = FunctionType::get(getContext(), {element, element}, {element});
  if (kernel->getFunctionType() != expected)
    return emitOpError() << "expects kernel " << getKernelAttr() << " of type " << expected
                         << ", got " << kernel->getFunctionType();
  return success();
}
