//===- Matmul.cpp - numpy.matmul evaluation -------------------------------===//
#include "Evaluators.h"
#include "Numerics.h"

using namespace mlir;

namespace kiln::interp {

/// Floats accumulate in double and round once to the result type (f16/bf16 included), so the
/// result is the exactly rounded dot product up to double's own rounding. Integers accumulate
/// with 64-bit wrapping, which agrees with wrapping to the result width at the end: i8 x i8 ->
/// i32 is exact, and other widths wrap as their two's complement arithmetic does.
FailureOr<RefTensor> evaluateMatmul(MatmulOp op, Operands operands) {
  const RefTensor &lhs = *operands[0], &rhs = *operands[1];
  RefTensor result(op.getType());
  ArrayRef<int64_t> shape = result.getShape();
  int64_t m = shape[shape.size() - 2], n = shape.back(), k = lhs.getShape().back();
  // Each batch entry of the result reads a broadcast matrix of each operand.
  ArrayRef<int64_t> batchShape = shape.drop_back(2);
  std::vector<int64_t> lhsBatch = broadcastSources(lhs.getShape().drop_back(2), batchShape);
  std::vector<int64_t> rhsBatch = broadcastSources(rhs.getShape().drop_back(2), batchShape);

  auto multiply = [&](auto a, auto b, auto out, auto zero, auto madd) {
    for (size_t batch = 0; batch < lhsBatch.size(); ++batch) {
      int64_t aBase = lhsBatch[batch] * m * k, bBase = rhsBatch[batch] * k * n;
      int64_t outBase = static_cast<int64_t>(batch) * m * n;
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          auto acc = zero;
          for (int64_t p = 0; p < k; ++p)
            acc = madd(acc, a[aBase + i * k + p], b[bBase + p * n + j]);
          out[outBase + i * n + j] = acc;
        }
    }
  };
  if (result.isFloat()) {
    multiply(lhs.floats(), rhs.floats(), result.floats(), 0.0,
             [](double acc, double x, double y) { return acc + x * y; });
  } else {
    multiply(lhs.ints(), rhs.ints(), result.ints(), uint64_t{0},
             [](uint64_t acc, int64_t x, int64_t y) {
               return acc + static_cast<uint64_t>(x) * static_cast<uint64_t>(y);
             });
  }
  return result;
}

} // namespace kiln::interp
