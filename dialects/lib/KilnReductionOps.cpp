//===- KilnReductionOps.cpp - argmax, argmin, cumsum and top_k verifiers -===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

template <typename ArgOp> static LogicalResult verifyArgExtremum(ArgOp op) {
  auto input = tensorType(op.getInput());
  if (op.getAxes().size() != 1)
    return op.emitOpError() << "expects exactly one axis, got " << op.getAxes().size();
  auto axes = verifyAxes(op, op.getAxes(), input.getRank());
  if (failed(axes))
    return failure();
  return verifyResultType(op, tensorType(op.getResult()),
                          reducedShape(input.getShape(), *axes, op.getKeepDims()),
                          IntegerType::get(op.getContext(), 64));
}

LogicalResult ArgmaxOp::verify() { return verifyArgExtremum(*this); }
LogicalResult ArgminOp::verify() { return verifyArgExtremum(*this); }

LogicalResult CumsumOp::verify() {
  auto input = tensorType(getInput());
  if (failed(verifyAxis(*this, getAxis(), input.getRank())))
    return failure();
  return verifyResultType(*this, tensorType(getResult()), input.getShape(), input.getElementType());
}

LogicalResult TopKOp::verify() {
  auto input = tensorType(getInput());
  auto axis = verifyAxis(*this, getAxis(), input.getRank());
  if (failed(axis))
    return failure();
  int64_t k = getK(), size = input.getDimSize(*axis);
  if (k < 0 || k > size)
    return emitOpError() << "k = " << k << " is out of range for an axis of size " << size;
  SmallVector<int64_t> shape(input.getShape());
  shape[*axis] = k;
  if (failed(verifyResultType(*this, tensorType(getValues()), shape, input.getElementType())))
    return failure();
  return verifyResultType(*this, tensorType(getIndices()), shape,
                          IntegerType::get(getContext(), 64));
}
