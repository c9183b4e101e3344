//===- KilnReductionOps.cpp - argmax verifier ---------------------------===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

LogicalResult ArgmaxOp::verify() {
  auto input = tensorType(getInput());
  if (getAxes().size() != 1)
    return emitOpError() << "expects exactly one axis, got " << getAxes().size();
  auto axes = verifyAxes(*this, getAxes(), input.getRank());
  if (failed(axes))
    return failure();
  return verifyResultType(*this, tensorType(getResult()),
                          reducedShape(input.getShape(), *axes, getKeepDims()),
                          IntegerType::get(getContext(), 64));
}
