//===- Elementwise.cpp - Binary, unary, cmp, select and cast evaluation ---===//
#include "Evaluators.h"
#include "Numerics.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <functional>

using namespace mlir;

namespace kiln::interp {
namespace {

//===----------------------------------------------------------------------===//
// Scalar rules. Integer functions take sign-extended (i1: 0/1) values and return the exact or
// 64-bit-wrapped result; the walker wraps it to the result's width afterwards. Unsigned
// arithmetic keeps the wrapping well defined in C++.
//===----------------------------------------------------------------------===//

int64_t wrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t wrappingSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
int64_t wrappingMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
/// Truncating division with x / 0 = 0. INT_MIN / -1 wraps to INT_MIN: for narrow types the
/// exact 2^(w-1) wraps afterwards; for i64 it would overflow here, so it is spelled out.
int64_t kilnIntDiv(int64_t a, int64_t b) {
  if (b == 0)
    return 0;
  if (b == -1)
    return wrappingSub(0, a);
  return a / b;
}

/// kiln.shift_left/shift_right of the value `x` by `n` for `width`-bit integers: an amount
/// outside [0, width) shifts every bit out. Unsigned values are non-negative, so the arithmetic
/// right shift of int64 is their logical one; the walker wraps a left shift to the width.
int64_t shiftBy(int64_t x, int64_t n, unsigned width, bool left) {
  if (n < 0 || n >= static_cast<int64_t>(width))
    return left || x >= 0 ? 0 : -1;
  return left ? static_cast<int64_t>(static_cast<uint64_t>(x) << n) : x >> n;
}

using FloatBinaryFn = double (*)(double, double);
using IntBinaryFn = int64_t (*)(int64_t, int64_t);

struct BinaryRule {
  FloatBinaryFn onFloats;
  IntBinaryFn onInts; // null where the verifier admits floats only
};

/// max and min on i1 are `or` and `and`, which the signed order of 0 < 1 already gives.
BinaryRule binaryRule(Operation *op) {
  return llvm::TypeSwitch<Operation *, BinaryRule>(op)
      .Case([](AddOp) { return BinaryRule{[](double a, double b) { return a + b; }, wrappingAdd}; })
      .Case([](SubOp) { return BinaryRule{[](double a, double b) { return a - b; }, wrappingSub}; })
      .Case([](MulOp) { return BinaryRule{[](double a, double b) { return a * b; }, wrappingMul}; })
      .Case([](DivOp) { return BinaryRule{[](double a, double b) { return a / b; }, kilnIntDiv}; })
      .Case([](MaxOp) {
        return BinaryRule{ieeeMaximum, [](int64_t a, int64_t b) { return std::max(a, b); }};
      })
      .Case([](MinOp) {
        return BinaryRule{ieeeMinimum, [](int64_t a, int64_t b) { return std::min(a, b); }};
      })
      .Case([](PowOp) {
        return BinaryRule{[](double a, double b) { return std::pow(a, b); }, nullptr};
      })
      .Default([](Operation *) { return BinaryRule{nullptr, nullptr}; });
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// The float function of a unary op; gelu reads its `approximate` attribute.
std::function<double(double)> floatUnaryRule(Operation *op) {
  using Fn = std::function<double(double)>;
  return llvm::TypeSwitch<Operation *, Fn>(op)
      .Case([](NegOp) { return [](double x) { return -x; }; })
      .Case([](AbsOp) { return [](double x) { return std::fabs(x); }; })
      // relu is max(x, 0) with kiln.max's rules: NaN stays NaN, -0 becomes +0.
      .Case([](ReluOp) { return [](double x) { return ieeeMaximum(x, 0.0); }; })
      .Case([](ExpOp) { return [](double x) { return std::exp(x); }; })
      .Case([](LogOp) { return [](double x) { return std::log(x); }; })
      .Case([](SqrtOp) { return [](double x) { return std::sqrt(x); }; })
      .Case([](RsqrtOp) { return [](double x) { return 1.0 / std::sqrt(x); }; })
      .Case([](TanhOp) { return [](double x) { return std::tanh(x); }; })
      .Case([](SigmoidOp) { return sigmoid; })
      .Case([](SiluOp) { return [](double x) { return x * sigmoid(x); }; })
      .Case([](ErfOp) { return [](double x) { return std::erf(x); }; })
      .Case([](FloorOp) { return [](double x) { return std::floor(x); }; })
      .Case([](CeilOp) { return [](double x) { return std::ceil(x); }; })
      // Ties to even: std::nearbyint in the default rounding mode, which nothing here changes.
      .Case([](RoundOp) { return [](double x) { return std::nearbyint(x); }; })
      .Case([](SinOp) { return [](double x) { return std::sin(x); }; })
      .Case([](CosOp) { return [](double x) { return std::cos(x); }; })
      .Case([](TanOp) { return [](double x) { return std::tan(x); }; })
      .Case([](AsinOp) { return [](double x) { return std::asin(x); }; })
      .Case([](AcosOp) { return [](double x) { return std::acos(x); }; })
      .Case([](AtanOp) { return [](double x) { return std::atan(x); }; })
      .Case([](SinhOp) { return [](double x) { return std::sinh(x); }; })
      .Case([](CoshOp) { return [](double x) { return std::cosh(x); }; })
      .Case([](AsinhOp) { return [](double x) { return std::asinh(x); }; })
      .Case([](AcoshOp) { return [](double x) { return std::acosh(x); }; })
      .Case([](AtanhOp) { return [](double x) { return std::atanh(x); }; })
      .Case([](GeluOp gelu) -> Fn {
        if (gelu.getApproximate() == "tanh")
          return [](double x) {
            const double k = std::sqrt(2.0 / llvm::numbers::pi);
            return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
          };
        return [](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); };
      })
      .Default([](Operation *) { return Fn(); });
}

using IntUnaryFn = int64_t (*)(int64_t);

/// The integer function of a unary op (neg, abs and relu take integers); |INT_MIN| wraps.
IntUnaryFn intUnaryRule(Operation *op) {
  return llvm::TypeSwitch<Operation *, IntUnaryFn>(op)
      .Case([](NegOp) -> IntUnaryFn { return [](int64_t x) { return wrappingSub(0, x); }; })
      .Case([](AbsOp) -> IntUnaryFn {
        return [](int64_t x) { return x < 0 ? wrappingSub(0, x) : x; };
      })
      .Case([](ReluOp) -> IntUnaryFn { return [](int64_t x) { return std::max<int64_t>(x, 0); }; })
      .Default([](Operation *) { return IntUnaryFn(); });
}

LogicalResult unsupported(Operation *op) {
  return op->emitError() << "'" << op->getName()
                         << "' on these operand types is not supported by the reference "
                            "interpreter";
}

/// Whether `pred` holds between `a` and `b`. C++'s comparisons are IEEE's: every comparison
/// with NaN is false except !=.
template <typename T> bool compare(StringRef pred, T a, T b) {
  if (pred == "eq")
    return a == b;
  if (pred == "ne")
    return a != b;
  if (pred == "lt")
    return a < b;
  if (pred == "le")
    return a <= b;
  if (pred == "gt")
    return a > b;
  return a >= b; // "ge", the only other predicate the verifier admits
}

} // namespace

FailureOr<RefTensor> evaluateBinary(Operation *op, Operands operands) {
  const RefTensor &lhs = *operands[0], &rhs = *operands[1];
  RefTensor result(resultTypeOf(op));
  std::vector<int64_t> lhsAt = broadcastSources(lhs.getShape(), result.getShape());
  std::vector<int64_t> rhsAt = broadcastSources(rhs.getShape(), result.getShape());
  if (isa<ShiftLeftOp, ShiftRightOp>(op)) {
    unsigned width = intWidth(result.getElementType());
    for (size_t i = 0; i < lhsAt.size(); ++i)
      result.ints()[i] =
          shiftBy(lhs.ints()[lhsAt[i]], rhs.ints()[rhsAt[i]], width, isa<ShiftLeftOp>(op));
    return result;
  }
  BinaryRule rule = binaryRule(op);
  if (result.isFloat() && rule.onFloats) {
    for (size_t i = 0; i < lhsAt.size(); ++i)
      result.floats()[i] = rule.onFloats(lhs.floats()[lhsAt[i]], rhs.floats()[rhsAt[i]]);
    return result;
  }
  if (!result.isFloat() && rule.onInts) {
    for (size_t i = 0; i < lhsAt.size(); ++i)
      result.ints()[i] = rule.onInts(lhs.ints()[lhsAt[i]], rhs.ints()[rhsAt[i]]);
    return result;
  }
  return unsupported(op);
}

FailureOr<RefTensor> evaluateUnary(Operation *op, Operands operands) {
  const RefTensor &input = *operands[0];
  RefTensor result(resultTypeOf(op));
  if (input.isFloat()) {
    std::function<double(double)> fn = floatUnaryRule(op);
    if (!fn)
      return unsupported(op);
    for (auto [in, out] : llvm::zip_equal(input.floats(), result.floats()))
      out = fn(in);
    return result;
  }
  IntUnaryFn fn = intUnaryRule(op);
  if (!fn)
    return unsupported(op);
  for (auto [in, out] : llvm::zip_equal(input.ints(), result.ints()))
    out = fn(in);
  return result;
}

FailureOr<RefTensor> evaluateCmp(CmpOp op, Operands operands) {
  const RefTensor &lhs = *operands[0], &rhs = *operands[1];
  RefTensor result(op.getType());
  std::vector<int64_t> lhsAt = broadcastSources(lhs.getShape(), result.getShape());
  std::vector<int64_t> rhsAt = broadcastSources(rhs.getShape(), result.getShape());
  StringRef pred = op.getPredicate();
  // Integers compare as signed; i1, stored as 0/1, then orders false < true.
  for (size_t i = 0; i < lhsAt.size(); ++i)
    result.ints()[i] = lhs.isFloat() ? compare(pred, lhs.floats()[lhsAt[i]], rhs.floats()[rhsAt[i]])
                                     : compare(pred, lhs.ints()[lhsAt[i]], rhs.ints()[rhsAt[i]]);
  return result;
}

FailureOr<RefTensor> evaluateSelect(SelectOp op, Operands operands) {
  const RefTensor &cond = *operands[0], &onTrue = *operands[1], &onFalse = *operands[2];
  RefTensor result(op.getType());
  std::vector<int64_t> condAt = broadcastSources(cond.getShape(), result.getShape());
  std::vector<int64_t> trueAt = broadcastSources(onTrue.getShape(), result.getShape());
  std::vector<int64_t> falseAt = broadcastSources(onFalse.getShape(), result.getShape());
  auto select = [&](auto whenTrue, auto whenFalse, auto out) {
    for (size_t i = 0; i < condAt.size(); ++i)
      out[i] = cond.ints()[condAt[i]] ? whenTrue[trueAt[i]] : whenFalse[falseAt[i]];
  };
  if (result.isFloat())
    select(onTrue.floats(), onFalse.floats(), result.floats());
  else
    select(onTrue.ints(), onFalse.ints(), result.ints());
  return result;
}

FailureOr<RefTensor> evaluateCast(CastOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  RefTensor result(op.getType());
  Type from = input.getElementType(), to = result.getElementType();
  if (input.isFloat() && result.isFloat()) {
    // The walker rounds to the result type once, to nearest even.
    llvm::copy(input.floats(), result.floats().begin());
  } else if (input.isFloat()) {
    for (auto [in, out] : llvm::zip_equal(input.floats(), result.ints()))
      out = saturatingFloatToInt(in, to);
  } else if (result.isFloat()) {
    // i1 reads as 0/1 and ui8/ui16/ui32 as their values (unsigned); other integers as signed.
    bool isUnsigned = from.isInteger(1) || from.isUnsignedInteger();
    for (auto [in, out] : llvm::zip_equal(input.ints(), result.floats()))
      out = intToFloat(in, isUnsigned, to);
  } else if (to.isInteger(1)) {
    for (auto [in, out] : llvm::zip_equal(input.ints(), result.ints()))
      out = in != 0;
  } else {
    // int -> int: the stored value is exact; the walker wraps it to the result width, and
    // i1's 0/1 widens to 0/1.
    llvm::copy(input.ints(), result.ints().begin());
  }
  return result;
}

} // namespace kiln::interp
