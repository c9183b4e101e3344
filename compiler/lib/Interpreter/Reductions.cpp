//===- Reductions.cpp - reductions, argmax/argmin, cumsum and top_k -------===//
#include "Evaluators.h"
#include "Numerics.h"

#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
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

/// The first index of the maximum (minimum) along the axis, where NaN counts as both and its
/// first occurrence wins (numpy.argmax, numpy.argmin). An empty axis gives 0.
static RefTensor argExtremum(const RefTensor &input, RankedTensorType type, ArrayRef<int64_t> axes,
                             bool isMax) {
  RefTensor result(type);
  int64_t axis = normalizeAxes(axes, input.getShape().size()).front();
  AxisView view(input.getShape(), axis);
  auto beats = [&](auto x, auto current) { return isMax ? x > current : x < current; };
  for (int64_t o = 0; o < view.outer; ++o)
    for (int64_t i = 0; i < view.inner; ++i) {
      int64_t best = 0;
      for (int64_t j = 1; j < view.size; ++j) {
        int64_t at = view.at(o, j, i), bestAt = view.at(o, best, i);
        if (input.isFloat()) {
          double x = input.floats()[at], current = input.floats()[bestAt];
          if (std::isnan(current))
            break;
          if (std::isnan(x) || beats(x, current))
            best = j;
        } else if (beats(input.ints()[at], input.ints()[bestAt])) {
          best = j;
        }
      }
      result.ints()[o * view.inner + i] = best;
    }
  return result;
}

FailureOr<RefTensor> evaluateArgmax(ArgmaxOp op, Operands operands) {
  return argExtremum(*operands[0], op.getType(), op.getAxes(), /*isMax=*/true);
}

FailureOr<RefTensor> evaluateArgmin(ArgminOp op, Operands operands) {
  return argExtremum(*operands[0], op.getType(), op.getAxes(), /*isMax=*/false);
}

/// The running sum in double (floats, rounded once per element by the caller) or in wrapping
/// 64-bit integers, which wrap to the element type exactly as a narrower running sum does.
FailureOr<RefTensor> evaluateCumsum(CumsumOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  RefTensor result(op.getType());
  AxisView view(input.getShape(), *normalizeAxis(op.getAxis(), input.getShape().size()));
  auto scan = [&](auto in, auto out, auto zero) {
    for (int64_t o = 0; o < view.outer; ++o)
      for (int64_t i = 0; i < view.inner; ++i) {
        auto sum = zero;
        for (int64_t step = 0; step < view.size; ++step) {
          int64_t j = op.getReverse() ? view.size - 1 - step : step;
          int64_t at = view.at(o, j, i);
          if (op.getExclusive())
            out[at] = sum;
          sum += in[at];
          if (!op.getExclusive())
            out[at] = sum;
        }
      }
  };
  if (input.isFloat())
    scan(input.floats(), result.floats(), 0.0);
  else
    scan(input.ints(), result.ints(), uint64_t{0});
  return result;
}

/// Sorts each row's positions in top_k's order (NaN above every number, equal values by index)
/// and keeps the first k.
FailureOr<SmallVector<RefTensor>> evaluateTopK(TopKOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  RefTensor values(op.getValues().getType()), indices(op.getIndices().getType());
  int64_t axis = *normalizeAxis(op.getAxis(), input.getShape().size());
  AxisView view(input.getShape(), axis), out(values.getShape(), axis);
  bool largest = op.getLargest();
  // Whether a ranks before b on value alone; NaN ranks above every number.
  auto before = [&](int64_t a, int64_t b) {
    if (!input.isFloat())
      return largest ? input.ints()[a] > input.ints()[b] : input.ints()[a] < input.ints()[b];
    double x = input.floats()[a], y = input.floats()[b];
    if (std::isnan(x) || std::isnan(y))
      return largest ? std::isnan(x) && !std::isnan(y) : !std::isnan(x) && std::isnan(y);
    return largest ? x > y : x < y;
  };
  std::vector<int64_t> order(view.size);
  for (int64_t o = 0; o < view.outer; ++o)
    for (int64_t i = 0; i < view.inner; ++i) {
      for (int64_t j = 0; j < view.size; ++j)
        order[j] = j;
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return before(view.at(o, a, i), view.at(o, b, i));
      });
      for (int64_t j = 0; j < out.size; ++j) {
        int64_t from = view.at(o, order[j], i), to = out.at(o, j, i);
        if (input.isFloat())
          values.floats()[to] = input.floats()[from];
        else
          values.ints()[to] = input.ints()[from];
        indices.ints()[to] = order[j];
      }
    }
  return SmallVector<RefTensor>{std::move(values), std::move(indices)};
}

} // namespace kiln::interp
