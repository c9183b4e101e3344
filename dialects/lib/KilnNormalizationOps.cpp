//===- KilnNormalizationOps.cpp - softmax, log_softmax, layer/rms norm ---===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

static LogicalResult verifyRowAxis(Operation *op, int64_t axis) {
  return verifyAxis(op, axis, tensorType(op->getOperand(0)).getRank());
}

LogicalResult SoftmaxOp::verify() { return verifyRowAxis(*this, getAxis()); }
LogicalResult LogSoftmaxOp::verify() { return verifyRowAxis(*this, getAxis()); }

/// Checks that each parameter (gamma, beta) has the shape of dims [axis, rank) of the input and
/// the input's element type, and that the result has the input's type.
static LogicalResult verifyNormalization(Operation *op, int64_t axis, ValueRange params,
                                         ArrayRef<StringRef> names, float epsilon) {
  auto input = tensorType(op->getOperand(0));
  auto normalized = verifyAxis(op, axis, input.getRank());
  if (failed(normalized))
    return failure();
  if (!(epsilon >= 0.0f))
    return op->emitOpError() << "expects epsilon >= 0, got " << epsilon;
  auto expected =
      RankedTensorType::get(input.getShape().drop_front(*normalized), input.getElementType());
  for (auto [param, name] : llvm::zip(params, names))
    if (param.getType() != expected)
      return op->emitOpError() << "expects " << name << " of type " << expected
                               << " (the normalized dimensions), got " << param.getType();
  return verifyResultType(op, tensorType(op->getResult(0)), input.getShape(),
                          input.getElementType());
}

LogicalResult LayerNormOp::verify() {
  return verifyNormalization(*this, getAxis(), {getGamma(), getBeta()}, {"gamma", "beta"},
                             getEpsilon().convertToFloat());
}

LogicalResult RmsNormOp::verify() {
  return verifyNormalization(*this, getAxis(), {getGamma()}, {"gamma"},
                             getEpsilon().convertToFloat());
}
