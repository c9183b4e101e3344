//===- ScalarOps.cpp - The arith and math ops of kernel bodies ------------===//
//
// Each op computes in double or 64-bit integers and rounds (floats, to nearest even) or wraps
// (integers) its result once to its own scalar type, as compiled code computing in that type
// does. Integer operands are read the way arith reads them: signless bits that an op views as
// signed (i1's 1 is -1) or unsigned. Where arith gives undefined behaviour or poison (division
// by zero, signed division overflow, over-wide shifts, out-of-range float-to-int conversions)
// the interpreter reports an error instead of inventing a value. Fast-math and overflow flags
// are ignored: the exact result is computed.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"
#include "Numerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;

namespace kiln::interp {
namespace {

//===----------------------------------------------------------------------===//
// Integer views
//===----------------------------------------------------------------------===//

/// The signed value of a stored integer of `width` bits: i1's stored 1 is -1.
int64_t signedView(int64_t stored, unsigned width) { return width == 1 ? -stored : stored; }

/// The unsigned value of a stored integer of `width` bits.
uint64_t unsignedView(int64_t stored, unsigned width) {
  uint64_t bits = static_cast<uint64_t>(stored);
  return width >= 64 ? bits : bits & ((uint64_t{1} << width) - 1);
}

constexpr const char *divisionByZero = "integer division by zero";
constexpr const char *divisionOverflow = "signed division overflow (the minimum divided by -1)";
constexpr const char *shiftTooWide = "shift amount is not smaller than the bit width";
constexpr const char *conversionOutOfRange =
    "float-to-integer conversion of NaN or of a value outside the result type";

/// An integer binary rule: stored operands `a` and `b` of `width` bits in, result bits out.
using IntRule = const char *(*)(int64_t a, int64_t b, unsigned width, uint64_t &out);

/// Checks a signed division's operands; `out` gets the truncated quotient.
const char *signedDivide(int64_t a, int64_t b, unsigned width, int64_t &quotient,
                         int64_t &remainder) {
  int64_t sa = signedView(a, width), sb = signedView(b, width);
  if (sb == 0)
    return divisionByZero;
  if (sb == -1 && sa == llvm::minIntN(width))
    return divisionOverflow;
  quotient = sa / sb;
  remainder = sa % sb;
  return nullptr;
}

IntRule intRuleOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, IntRule>(op)
      .Case([](arith::AddIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(a) + static_cast<uint64_t>(b);
          return nullptr;
        };
      })
      .Case([](arith::SubIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(a) - static_cast<uint64_t>(b);
          return nullptr;
        };
      })
      .Case([](arith::MulIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
          return nullptr;
        };
      })
      .Case([](arith::DivSIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          int64_t q = 0, r = 0;
          const char *error = signedDivide(a, b, w, q, r);
          out = static_cast<uint64_t>(q);
          return error;
        };
      })
      .Case([](arith::RemSIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          int64_t q = 0, r = 0;
          const char *error = signedDivide(a, b, w, q, r);
          out = static_cast<uint64_t>(r);
          return error;
        };
      })
      .Case([](arith::CeilDivSIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          int64_t q = 0, r = 0;
          const char *error = signedDivide(a, b, w, q, r);
          // Truncation rounded toward zero; a positive inexact quotient must round up.
          bool positive = (signedView(a, w) < 0) == (signedView(b, w) < 0);
          out = static_cast<uint64_t>(q + (r != 0 && positive ? 1 : 0));
          return error;
        };
      })
      .Case([](arith::FloorDivSIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          int64_t q = 0, r = 0;
          const char *error = signedDivide(a, b, w, q, r);
          bool negative = (signedView(a, w) < 0) != (signedView(b, w) < 0);
          out = static_cast<uint64_t>(q - (r != 0 && negative ? 1 : 0));
          return error;
        };
      })
      .Case([](arith::DivUIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          uint64_t ub = unsignedView(b, w);
          if (ub == 0)
            return divisionByZero;
          out = unsignedView(a, w) / ub;
          return nullptr;
        };
      })
      .Case([](arith::RemUIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          uint64_t ub = unsignedView(b, w);
          if (ub == 0)
            return divisionByZero;
          out = unsignedView(a, w) % ub;
          return nullptr;
        };
      })
      .Case([](arith::CeilDivUIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          uint64_t ua = unsignedView(a, w), ub = unsignedView(b, w);
          if (ub == 0)
            return divisionByZero;
          out = ua / ub + (ua % ub != 0 ? 1 : 0);
          return nullptr;
        };
      })
      .Case([](arith::AndIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(a & b);
          return nullptr;
        };
      })
      .Case([](arith::OrIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(a | b);
          return nullptr;
        };
      })
      .Case([](arith::XOrIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(a ^ b);
          return nullptr;
        };
      })
      .Case([](arith::ShLIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          uint64_t amount = unsignedView(b, w);
          if (amount >= w)
            return shiftTooWide;
          out = static_cast<uint64_t>(a) << amount;
          return nullptr;
        };
      })
      .Case([](arith::ShRUIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          uint64_t amount = unsignedView(b, w);
          if (amount >= w)
            return shiftTooWide;
          out = unsignedView(a, w) >> amount;
          return nullptr;
        };
      })
      .Case([](arith::ShRSIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          uint64_t amount = unsignedView(b, w);
          if (amount >= w)
            return shiftTooWide;
          // >> of a negative int64_t is an arithmetic shift (guaranteed since C++20, and
          // what GCC and Clang have always done).
          out = static_cast<uint64_t>(signedView(a, w) >> amount);
          return nullptr;
        };
      })
      .Case([](arith::MaxSIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(signedView(a, w) >= signedView(b, w) ? a : b);
          return nullptr;
        };
      })
      .Case([](arith::MinSIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(signedView(a, w) <= signedView(b, w) ? a : b);
          return nullptr;
        };
      })
      .Case([](arith::MaxUIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(unsignedView(a, w) >= unsignedView(b, w) ? a : b);
          return nullptr;
        };
      })
      .Case([](arith::MinUIOp) -> IntRule {
        return [](int64_t a, int64_t b, unsigned w, uint64_t &out) -> const char * {
          out = static_cast<uint64_t>(unsignedView(a, w) <= unsignedView(b, w) ? a : b);
          return nullptr;
        };
      })
      .Default([](Operation *) { return IntRule(); });
}

//===----------------------------------------------------------------------===//
// Float rules
//===----------------------------------------------------------------------===//

using FloatUnary = double (*)(double);
using FloatBinary = double (*)(double, double);

FloatUnary floatUnaryOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, FloatUnary>(op)
      .Case([](arith::NegFOp) -> FloatUnary { return [](double x) { return -x; }; })
      .Case([](math::AbsFOp) -> FloatUnary { return [](double x) { return std::fabs(x); }; })
      .Case([](math::ExpOp) -> FloatUnary { return [](double x) { return std::exp(x); }; })
      .Case([](math::Exp2Op) -> FloatUnary { return [](double x) { return std::exp2(x); }; })
      .Case([](math::ExpM1Op) -> FloatUnary { return [](double x) { return std::expm1(x); }; })
      .Case([](math::LogOp) -> FloatUnary { return [](double x) { return std::log(x); }; })
      .Case([](math::Log2Op) -> FloatUnary { return [](double x) { return std::log2(x); }; })
      .Case([](math::Log10Op) -> FloatUnary { return [](double x) { return std::log10(x); }; })
      .Case([](math::Log1pOp) -> FloatUnary { return [](double x) { return std::log1p(x); }; })
      .Case([](math::SqrtOp) -> FloatUnary { return [](double x) { return std::sqrt(x); }; })
      .Case([](math::RsqrtOp) -> FloatUnary { return [](double x) { return 1.0 / std::sqrt(x); }; })
      .Case([](math::CbrtOp) -> FloatUnary { return [](double x) { return std::cbrt(x); }; })
      .Case([](math::SinOp) -> FloatUnary { return [](double x) { return std::sin(x); }; })
      .Case([](math::CosOp) -> FloatUnary { return [](double x) { return std::cos(x); }; })
      .Case([](math::TanOp) -> FloatUnary { return [](double x) { return std::tan(x); }; })
      .Case([](math::AsinOp) -> FloatUnary { return [](double x) { return std::asin(x); }; })
      .Case([](math::AcosOp) -> FloatUnary { return [](double x) { return std::acos(x); }; })
      .Case([](math::AtanOp) -> FloatUnary { return [](double x) { return std::atan(x); }; })
      .Case([](math::SinhOp) -> FloatUnary { return [](double x) { return std::sinh(x); }; })
      .Case([](math::CoshOp) -> FloatUnary { return [](double x) { return std::cosh(x); }; })
      .Case([](math::TanhOp) -> FloatUnary { return [](double x) { return std::tanh(x); }; })
      .Case([](math::AsinhOp) -> FloatUnary { return [](double x) { return std::asinh(x); }; })
      .Case([](math::AcoshOp) -> FloatUnary { return [](double x) { return std::acosh(x); }; })
      .Case([](math::AtanhOp) -> FloatUnary { return [](double x) { return std::atanh(x); }; })
      .Case([](math::ErfOp) -> FloatUnary { return [](double x) { return std::erf(x); }; })
      .Case([](math::ErfcOp) -> FloatUnary { return [](double x) { return std::erfc(x); }; })
      .Case([](math::FloorOp) -> FloatUnary { return [](double x) { return std::floor(x); }; })
      .Case([](math::CeilOp) -> FloatUnary { return [](double x) { return std::ceil(x); }; })
      .Case([](math::TruncOp) -> FloatUnary { return [](double x) { return std::trunc(x); }; })
      // math.round rounds halfway cases away from zero, math.roundeven to even (nearbyint in
      // the default rounding mode).
      .Case([](math::RoundOp) -> FloatUnary { return [](double x) { return std::round(x); }; })
      .Case([](math::RoundEvenOp) -> FloatUnary {
        return [](double x) { return std::nearbyint(x); };
      })
      // Widening is exact; narrowing is the one rounding every float result gets.
      .Case<arith::ExtFOp, arith::TruncFOp>(
          [](auto) -> FloatUnary { return [](double x) { return x; }; })
      .Default([](Operation *) { return FloatUnary(); });
}

FloatBinary floatBinaryOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, FloatBinary>(op)
      .Case([](arith::AddFOp) -> FloatBinary { return [](double a, double b) { return a + b; }; })
      .Case([](arith::SubFOp) -> FloatBinary { return [](double a, double b) { return a - b; }; })
      .Case([](arith::MulFOp) -> FloatBinary { return [](double a, double b) { return a * b; }; })
      .Case([](arith::DivFOp) -> FloatBinary { return [](double a, double b) { return a / b; }; })
      // remf is C's fmod (LLVM's frem), exact in double.
      .Case([](arith::RemFOp) -> FloatBinary {
        return [](double a, double b) { return std::fmod(a, b); };
      })
      .Case([](arith::MaximumFOp) -> FloatBinary { return ieeeMaximum; })
      .Case([](arith::MinimumFOp) -> FloatBinary { return ieeeMinimum; })
      // maxnumf/minnumf return the other operand when one is NaN.
      .Case([](arith::MaxNumFOp) -> FloatBinary {
        return [](double a, double b) { return std::fmax(a, b); };
      })
      .Case([](arith::MinNumFOp) -> FloatBinary {
        return [](double a, double b) { return std::fmin(a, b); };
      })
      .Case([](math::PowFOp) -> FloatBinary {
        return [](double a, double b) { return std::pow(a, b); };
      })
      .Case([](math::Atan2Op) -> FloatBinary {
        return [](double a, double b) { return std::atan2(a, b); };
      })
      .Case([](math::CopySignOp) -> FloatBinary {
        return [](double a, double b) { return std::copysign(a, b); };
      })
      .Default([](Operation *) { return FloatBinary(); });
}

bool compareFloats(arith::CmpFPredicate predicate, double a, double b) {
  using P = arith::CmpFPredicate;
  bool unordered = std::isnan(a) || std::isnan(b);
  switch (predicate) {
  case P::AlwaysFalse:
    return false;
  case P::OEQ:
    return !unordered && a == b;
  case P::OGT:
    return !unordered && a > b;
  case P::OGE:
    return !unordered && a >= b;
  case P::OLT:
    return !unordered && a < b;
  case P::OLE:
    return !unordered && a <= b;
  case P::ONE:
    return !unordered && a != b;
  case P::ORD:
    return !unordered;
  case P::UEQ:
    return unordered || a == b;
  case P::UGT:
    return unordered || a > b;
  case P::UGE:
    return unordered || a >= b;
  case P::ULT:
    return unordered || a < b;
  case P::ULE:
    return unordered || a <= b;
  case P::UNE:
    return unordered || a != b;
  case P::UNO:
    return unordered;
  case P::AlwaysTrue:
    return true;
  }
  llvm_unreachable("unknown cmpf predicate");
}

bool compareInts(arith::CmpIPredicate predicate, int64_t a, int64_t b, unsigned w) {
  using P = arith::CmpIPredicate;
  int64_t sa = signedView(a, w), sb = signedView(b, w);
  uint64_t ua = unsignedView(a, w), ub = unsignedView(b, w);
  switch (predicate) {
  case P::eq:
    return a == b;
  case P::ne:
    return a != b;
  case P::slt:
    return sa < sb;
  case P::sle:
    return sa <= sb;
  case P::sgt:
    return sa > sb;
  case P::sge:
    return sa >= sb;
  case P::ult:
    return ua < ub;
  case P::ule:
    return ua <= ub;
  case P::ugt:
    return ua > ub;
  case P::uge:
    return ua >= ub;
  }
  llvm_unreachable("unknown cmpi predicate");
}

//===----------------------------------------------------------------------===//
// Building evaluators
//===----------------------------------------------------------------------===//

unsigned widthOf(Value value) { return intWidth(value.getType()); }

/// The bits of a scalar of `type`, for bitcasts.
llvm::APInt bitsOf(const Scalar &s, Type type) {
  if (auto floatType = dyn_cast<FloatType>(type)) {
    llvm::APFloat value(s.f);
    bool losesInfo = false;
    value.convert(floatType.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    return value.bitcastToAPInt();
  }
  return llvm::APInt(intWidth(type), unsignedView(s.i, intWidth(type)));
}

Scalar fromBits(const llvm::APInt &bits, Type type) {
  Scalar s;
  if (auto floatType = dyn_cast<FloatType>(type))
    s.f = llvm::APFloat(floatType.getFloatSemantics(), bits).convertToDouble();
  else
    s.i = wrapToWidth(bits.getZExtValue(), bits.getBitWidth());
  return s;
}

/// Whether `value` is a normal number of float type `type` (not of double).
bool isNormalIn(double value, Type type) {
  const llvm::fltSemantics &semantics = cast<FloatType>(type).getFloatSemantics();
  double smallest = llvm::APFloat::getSmallestNormalized(semantics).convertToDouble();
  return std::isfinite(value) && std::fabs(value) >= smallest;
}

/// Float-to-integer conversions: poison (an error here) for NaN and out-of-range values.
ScalarFn floatToInt(Type result, bool isSigned) {
  unsigned w = intWidth(result);
  return [w, isSigned](ArrayRef<Scalar> a, Scalar &r) -> const char * {
    double t = std::trunc(a[0].f);
    double lo = isSigned ? -std::ldexp(1.0, w - 1) : 0.0;
    double hi = std::ldexp(1.0, isSigned ? w - 1 : w); // exclusive, exact in double
    if (std::isnan(t) || t < lo || t >= hi)
      return conversionOutOfRange;
    r.i = isSigned ? wrapToWidth(static_cast<uint64_t>(static_cast<int64_t>(t)), w)
                   : wrapToWidth(static_cast<uint64_t>(t), w);
    return nullptr;
  };
}

/// An op whose result is an i1 predicate of its float operand.
ScalarFn floatClass(Type operand, bool (*test)(double, Type)) {
  return [operand, test](ArrayRef<Scalar> a, Scalar &r) -> const char * {
    r.i = test(a[0].f, operand);
    return nullptr;
  };
}

/// Integer bit counts over the operand's `width` bits.
ScalarFn bitCount(unsigned w, int (*count)(uint64_t bits, unsigned w)) {
  return [w, count](ArrayRef<Scalar> a, Scalar &r) -> const char * {
    r.i = wrapToWidth(count(unsignedView(a[0].i, w), w), w);
    return nullptr;
  };
}

FailureOr<ScalarFn> conversionOrSpecial(Operation *op) {
  Type result = op->getNumResults() == 1 ? op->getResult(0).getType() : Type();
  auto none = [] { return FailureOr<ScalarFn>(failure()); };
  return llvm::TypeSwitch<Operation *, FailureOr<ScalarFn>>(op)
      .Case([&](arith::ConstantOp constant) -> FailureOr<ScalarFn> {
        Scalar value;
        if (auto f = dyn_cast<FloatAttr>(constant.getValue()))
          value.f = f.getValueAsDouble();
        else if (auto i = dyn_cast<IntegerAttr>(constant.getValue()))
          value.i = wrapToWidth(i.getValue().getZExtValue(), i.getValue().getBitWidth());
        else
          return none();
        return ScalarFn([value](ArrayRef<Scalar>, Scalar &r) -> const char * {
          r = value;
          return nullptr;
        });
      })
      .Case([&](arith::SelectOp) -> FailureOr<ScalarFn> {
        return ScalarFn([](ArrayRef<Scalar> a, Scalar &r) -> const char * {
          r = a[0].i ? a[1] : a[2];
          return nullptr;
        });
      })
      .Case([&](arith::CmpFOp cmp) -> FailureOr<ScalarFn> {
        arith::CmpFPredicate predicate = cmp.getPredicate();
        return ScalarFn([predicate](ArrayRef<Scalar> a, Scalar &r) -> const char * {
          r.i = compareFloats(predicate, a[0].f, a[1].f);
          return nullptr;
        });
      })
      .Case([&](arith::CmpIOp cmp) -> FailureOr<ScalarFn> {
        arith::CmpIPredicate predicate = cmp.getPredicate();
        unsigned w = widthOf(cmp.getLhs());
        return ScalarFn([predicate, w](ArrayRef<Scalar> a, Scalar &r) -> const char * {
          r.i = compareInts(predicate, a[0].i, a[1].i, w);
          return nullptr;
        });
      })
      .Case<arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp>([&](auto cast) {
        unsigned from = widthOf(cast.getIn()), to = intWidth(result);
        bool zeroExtend = isa<arith::ExtUIOp>(cast.getOperation());
        return FailureOr<ScalarFn>(
            ScalarFn([from, to, zeroExtend](ArrayRef<Scalar> a, Scalar &r) -> const char * {
              uint64_t bits = zeroExtend ? unsignedView(a[0].i, from)
                                         : static_cast<uint64_t>(signedView(a[0].i, from));
              r.i = wrapToWidth(bits, to);
              return nullptr;
            }));
      })
      .Case<arith::SIToFPOp, arith::UIToFPOp>([&](auto cast) {
        unsigned from = widthOf(cast.getIn());
        bool isUnsigned = isa<arith::UIToFPOp>(cast.getOperation());
        return FailureOr<ScalarFn>(
            ScalarFn([from, isUnsigned, result](ArrayRef<Scalar> a, Scalar &r) -> const char * {
              int64_t value = isUnsigned ? static_cast<int64_t>(unsignedView(a[0].i, from))
                                         : signedView(a[0].i, from);
              r.f = intToFloat(value, isUnsigned, result);
              return nullptr;
            }));
      })
      .Case([&](arith::FPToSIOp) { return FailureOr<ScalarFn>(floatToInt(result, true)); })
      .Case([&](arith::FPToUIOp) { return FailureOr<ScalarFn>(floatToInt(result, false)); })
      .Case([&](arith::BitcastOp bitcast) -> FailureOr<ScalarFn> {
        Type from = bitcast.getIn().getType();
        return ScalarFn([from, result](ArrayRef<Scalar> a, Scalar &r) -> const char * {
          r = fromBits(bitsOf(a[0], from), result);
          return nullptr;
        });
      })
      .Case([&](math::FmaOp) -> FailureOr<ScalarFn> {
        // One rounding of a * b + c in the result type, as a fused multiply-add does.
        return ScalarFn([result](ArrayRef<Scalar> a, Scalar &r) -> const char * {
          if (result.isF64()) {
            r.f = std::fma(a[0].f, a[1].f, a[2].f);
            return nullptr;
          }
          const llvm::fltSemantics &sem = cast<FloatType>(result).getFloatSemantics();
          auto in = [&](double x) {
            llvm::APFloat v(x);
            bool losesInfo = false;
            v.convert(sem, llvm::APFloat::rmNearestTiesToEven, &losesInfo); // exact
            return v;
          };
          llvm::APFloat acc = in(a[0].f);
          acc.fusedMultiplyAdd(in(a[1].f), in(a[2].f), llvm::APFloat::rmNearestTiesToEven);
          r.f = acc.convertToDouble();
          return nullptr;
        });
      })
      .Case([&](math::FPowIOp fpowi) -> FailureOr<ScalarFn> {
        unsigned w = widthOf(fpowi.getRhs());
        return ScalarFn([w, result](ArrayRef<Scalar> a, Scalar &r) -> const char * {
          r.f = roundToFloatType(std::pow(a[0].f, static_cast<double>(signedView(a[1].i, w))),
                                 result);
          return nullptr;
        });
      })
      .Case([&](math::IsNaNOp op) {
        return FailureOr<ScalarFn>(
            floatClass(op.getOperand().getType(), [](double x, Type) { return std::isnan(x); }));
      })
      .Case([&](math::IsInfOp op) {
        return FailureOr<ScalarFn>(
            floatClass(op.getOperand().getType(), [](double x, Type) { return std::isinf(x); }));
      })
      .Case([&](math::IsFiniteOp op) {
        return FailureOr<ScalarFn>(
            floatClass(op.getOperand().getType(), [](double x, Type) { return std::isfinite(x); }));
      })
      .Case([&](math::IsNormalOp op) {
        return FailureOr<ScalarFn>(floatClass(op.getOperand().getType(), isNormalIn));
      })
      .Case([&](math::AbsIOp op) -> FailureOr<ScalarFn> {
        unsigned w = widthOf(op.getOperand());
        return ScalarFn([w](ArrayRef<Scalar> a, Scalar &r) -> const char * {
          int64_t v = signedView(a[0].i, w);
          r.i = wrapToWidth(v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v), w);
          return nullptr;
        });
      })
      .Case([&](math::CountLeadingZerosOp op) {
        return FailureOr<ScalarFn>(bitCount(widthOf(op.getOperand()), [](uint64_t x, unsigned w) {
          return llvm::countl_zero(x) - static_cast<int>(64 - w);
        }));
      })
      .Case([&](math::CountTrailingZerosOp op) {
        return FailureOr<ScalarFn>(bitCount(widthOf(op.getOperand()), [](uint64_t x, unsigned w) {
          return x == 0 ? static_cast<int>(w) : llvm::countr_zero(x);
        }));
      })
      .Case([&](math::CtPopOp op) {
        return FailureOr<ScalarFn>(bitCount(
            widthOf(op.getOperand()), [](uint64_t x, unsigned) { return llvm::popcount(x); }));
      })
      .Default([&](Operation *) { return none(); });
}

std::string unsupported(Operation *op) {
  return "'" + op->getName().getStringRef().str() +
         "' is not supported by the reference interpreter (see docs/interpreter.md for the "
         "scalar arith and math ops kernels may use)";
}

} // namespace

FailureOr<ScalarFn> makeScalarFn(Operation *op, std::string &reason) {
  if (op->getNumResults() != 1) {
    reason = unsupported(op);
    return failure();
  }
  Type result = op->getResult(0).getType();
  if (auto truncf = dyn_cast<arith::TruncFOp>(op);
      truncf && truncf.getRoundingmode() &&
      *truncf.getRoundingmode() != arith::RoundingMode::to_nearest_even) {
    reason = "'arith.truncf' with rounding mode '" +
             arith::stringifyRoundingMode(*truncf.getRoundingmode()).str() +
             "' is not supported by the reference interpreter";
    return failure();
  }
  if (FloatUnary fn = floatUnaryOf(op))
    return ScalarFn([fn, result](ArrayRef<Scalar> a, Scalar &r) -> const char * {
      r.f = roundToFloatType(fn(a[0].f), result);
      return nullptr;
    });
  if (FloatBinary fn = floatBinaryOf(op))
    return ScalarFn([fn, result](ArrayRef<Scalar> a, Scalar &r) -> const char * {
      r.f = roundToFloatType(fn(a[0].f, a[1].f), result);
      return nullptr;
    });
  if (IntRule rule = intRuleOf(op)) {
    unsigned w = intWidth(result);
    return ScalarFn([rule, w](ArrayRef<Scalar> a, Scalar &r) -> const char * {
      uint64_t bits = 0;
      if (const char *error = rule(a[0].i, a[1].i, w, bits))
        return error;
      r.i = wrapToWidth(bits, w);
      return nullptr;
    });
  }
  FailureOr<ScalarFn> fn = conversionOrSpecial(op);
  if (failed(fn))
    reason = unsupported(op);
  return fn;
}

} // namespace kiln::interp
