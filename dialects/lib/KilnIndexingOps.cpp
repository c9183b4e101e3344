//===- KilnIndexingOps.cpp - gather and gather_elements verifiers ---------===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

/// Indices are signed integers; i1 would only ever select elements 0 and -1.
static LogicalResult verifyIndexType(Operation *op, RankedTensorType indices) {
  auto element = dyn_cast<IntegerType>(indices.getElementType());
  if (!element || !element.isSignless() || element.getWidth() < 8)
    return op->emitOpError() << "expects integer indices (i8, i16, i32 or i64), got "
                             << indices.getElementType();
  return success();
}

LogicalResult GatherOp::verify() {
  auto input = tensorType(getInput());
  auto indices = tensorType(getIndices());
  if (failed(verifyIndexType(*this, indices)))
    return failure();
  auto axis = verifyAxis(*this, getAxis(), input.getRank());
  if (failed(axis))
    return failure();
  return verifyResultType(*this, tensorType(getResult()),
                          gatheredShape(input.getShape(), indices.getShape(), *axis),
                          input.getElementType());
}

LogicalResult GatherElementsOp::verify() {
  auto input = tensorType(getInput());
  auto indices = tensorType(getIndices());
  if (failed(verifyIndexType(*this, indices)))
    return failure();
  if (indices.getRank() != input.getRank())
    return emitOpError() << "expects indices of the input's rank " << input.getRank()
                         << ", got rank " << indices.getRank();
  auto axis = verifyAxis(*this, getAxis(), input.getRank());
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < input.getRank(); ++d)
    if (d != *axis && indices.getDimSize(d) > input.getDimSize(d))
      return emitOpError() << "indices dimension " << d << " has size " << indices.getDimSize(d)
                           << ", larger than the input's " << input.getDimSize(d);
  return verifyResultType(*this, tensorType(getResult()), indices.getShape(),
                          input.getElementType());
}
