//===- Reductions.cpp - reduce_sum/max/min/mean/prod and argmax -----------===//
#include "Evaluators.h"
#include "Numerics.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;

namespace kiln::interp {
namespace {

/// How a reduction folds: its start value and combining step in each domain. Integer steps
/// wrap at 64 bits; the walker wraps to the result width (consistent for sum and product).
struct Fold {
  double floatInit;
  double (*floatStep)(double acc, double x);
  int64_t intInit;
  int64_t (*intStep)(int64_t acc, int64_t x);
};

Fold foldOf(Operation *op, Type element) {
  bool isInt = isa<IntegerType>(element);
  // Empty reductions give the identity: -inf/+inf or the integer type's bounds for max/min.
  int64_t lo = isInt ? intTypeMin(element) : 0, hi = isInt ? intTypeMax(element) : 0;
  auto add = [](double acc, double x) { return acc + x; };
  auto addInts = [](int64_t acc, int64_t x) {
    return static_cast<int64_t>(static_cast<uint64_t>(acc) + static_cast<uint64_t>(x));
  };
  return llvm::TypeSwitch<Operation *, Fold>(op)
      .Case<ReduceSumOp, ReduceMeanOp>([&](auto) { return Fold{0.0, add, 0, addInts}; })
      .Case([&](ReduceProdOp) {
        return Fold{1.0, [](double acc, double x) { return acc * x; }, 1,
                    [](int64_t acc, int64_t x) {
                      return static_cast<int64_t>(static_cast<uint64_t>(acc) *
                                                  static_cast<uint64_t>(x));
                    }};
      })
      // NaN propagates, as in kiln.max/min; on i1 these are any/all.
      .Case([&](ReduceMaxOp) {
        return Fold{-INFINITY, ieeeMaximum, lo,
                    [](int64_t acc, int64_t x) { return std::max(acc, x); }};
      })
      .Case([&](ReduceMinOp) {
        return Fold{INFINITY, ieeeMinimum, hi,
                    [](int64_t acc, int64_t x) { return std::min(acc, x); }};
      });
}

} // namespace

/// Folds every input element into its result element in row-major input order, which visits
/// each result's reduced elements in row-major order too.
FailureOr<RefTensor> evaluateReduction(Operation *op, Operands operands) {
  const RefTensor &input = *operands[0];
  RefTensor result(resultTypeOf(op));
  auto axesAttr = op->getAttrOfType<DenseI64ArrayAttr>("axes");
  SmallVector<int64_t> axes = normalizeAxes(axesAttr.asArrayRef(), input.getShape().size());
  std::vector<int64_t> targets = reductionTargets(input.getShape(), axes);
  Fold fold = foldOf(op, input.getElementType());
  if (input.isFloat()) {
    llvm::fill(result.floats(), fold.floatInit);
    for (auto [x, target] : llvm::zip_equal(input.floats(), targets))
      result.floats()[target] = fold.floatStep(result.floats()[target], x);
  } else {
    llvm::fill(result.ints(), fold.intInit);
    for (auto [x, target] : llvm::zip_equal(input.ints(), targets))
      result.ints()[target] = fold.intStep(result.ints()[target], x);
  }
  if (isa<ReduceMeanOp>(op) && result.getNumElements() > 0) {
    double count = static_cast<double>(input.getNumElements() / result.getNumElements());
    for (double &value : result.floats())
      value /= count;
  }
  return result;
}

/// The first index of the maximum along the axis, where NaN counts as the maximum and its
/// first occurrence wins (numpy.argmax). An empty axis gives 0.
FailureOr<RefTensor> evaluateArgmax(ArgmaxOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  RefTensor result(op.getType());
  int64_t axis = normalizeAxes(op.getAxes(), input.getShape().size()).front();
  AxisView view(input.getShape(), axis);
  for (int64_t o = 0; o < view.outer; ++o)
    for (int64_t i = 0; i < view.inner; ++i) {
      int64_t best = 0;
      for (int64_t j = 1; j < view.size; ++j) {
        int64_t at = view.at(o, j, i), bestAt = view.at(o, best, i);
        if (input.isFloat()) {
          double x = input.floats()[at], current = input.floats()[bestAt];
          if (std::isnan(current))
            break;
          if (std::isnan(x) || x > current)
            best = j;
        } else if (input.ints()[at] > input.ints()[bestAt]) {
          best = j;
        }
      }
      result.ints()[o * view.inner + i] = best;
    }
  return result;
}

} // namespace kiln::interp
