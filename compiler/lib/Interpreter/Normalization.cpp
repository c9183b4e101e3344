//===- Normalization.cpp - softmax, log_softmax, layer_norm, rms_norm -----===//
//
// Each row is normalized in double with the textbook formulas of KilnOps.td; only the final
// values are rounded (by the walker), never the max, sums, mean or variance.
//
//===----------------------------------------------------------------------===//
#include "Evaluators.h"
#include "Numerics.h"

#include "kiln/Dialect/Kiln/ShapeInference.h"

#include <cmath>

using namespace mlir;

namespace kiln::interp {

/// softmax = exp(x - max) / sum(exp(x - max)); log_softmax = x - max - log(sum(exp(x - max))).
FailureOr<RefTensor> evaluateSoftmax(Operation *op, Operands operands) {
  const RefTensor &input = *operands[0];
  RefTensor result(resultTypeOf(op));
  int64_t axis = op->getAttrOfType<IntegerAttr>("axis").getInt();
  AxisView view(input.getShape(), *normalizeAxis(axis, input.getType().getRank()));
  bool logarithmic = isa<LogSoftmaxOp>(op);
  ArrayRef<double> x = input.floats();
  MutableArrayRef<double> y = result.floats();
  for (int64_t o = 0; o < view.outer; ++o)
    for (int64_t i = 0; i < view.inner; ++i) {
      double max = -INFINITY;
      for (int64_t j = 0; j < view.size; ++j)
        max = ieeeMaximum(max, x[view.at(o, j, i)]);
      double sum = 0.0;
      for (int64_t j = 0; j < view.size; ++j)
        sum += std::exp(x[view.at(o, j, i)] - max);
      for (int64_t j = 0; j < view.size; ++j) {
        int64_t at = view.at(o, j, i);
        y[at] = logarithmic ? x[at] - max - std::log(sum) : std::exp(x[at] - max) / sum;
      }
    }
  return result;
}

namespace {

/// The rows of a layer_norm/rms_norm input: `count` rows of `size` elements, normalized over
/// the trailing dims [axis, rank), which is also the shape of gamma and beta.
struct Rows {
  Rows(const RefTensor &input, int64_t axis) {
    ArrayRef<int64_t> shape = input.getShape();
    int64_t normalized = *normalizeAxis(axis, shape.size());
    count = numElements(shape.take_front(normalized));
    size = numElements(shape.drop_front(normalized));
  }
  int64_t count, size;
};

} // namespace

/// (x - mean) / sqrt(var + eps) * gamma + beta with the biased variance, computed in two
/// passes so that it does not lose digits to cancellation.
FailureOr<RefTensor> evaluateLayerNorm(LayerNormOp op, Operands operands) {
  const RefTensor &input = *operands[0], &gamma = *operands[1], &beta = *operands[2];
  RefTensor result(op.getType());
  Rows rows(input, op.getAxis());
  double epsilon = op.getEpsilon().convertToDouble();
  ArrayRef<double> x = input.floats();
  for (int64_t r = 0; r < rows.count; ++r) {
    ArrayRef<double> row = x.slice(r * rows.size, rows.size);
    double mean = 0.0, var = 0.0;
    for (double v : row)
      mean += v;
    mean /= rows.size;
    for (double v : row)
      var += (v - mean) * (v - mean);
    var /= rows.size;
    double deviation = std::sqrt(var + epsilon);
    for (int64_t j = 0; j < rows.size; ++j)
      result.floats()[r * rows.size + j] =
          (row[j] - mean) / deviation * gamma.floats()[j] + beta.floats()[j];
  }
  return result;
}

/// x / sqrt(mean(x^2) + eps) * gamma.
FailureOr<RefTensor> evaluateRmsNorm(RmsNormOp op, Operands operands) {
  const RefTensor &input = *operands[0], &gamma = *operands[1];
  RefTensor result(op.getType());
  Rows rows(input, op.getAxis());
  double epsilon = op.getEpsilon().convertToDouble();
  ArrayRef<double> x = input.floats();
  for (int64_t r = 0; r < rows.count; ++r) {
    ArrayRef<double> row = x.slice(r * rows.size, rows.size);
    double squares = 0.0;
    for (double v : row)
      squares += v * v;
    double rms = std::sqrt(squares / rows.size + epsilon);
    for (int64_t j = 0; j < rows.size; ++j)
      result.floats()[r * rows.size + j] = row[j] / rms * gamma.floats()[j];
  }
  return result;
}

} // namespace kiln::interp
