//===- ExpandMath.cpp - The kiln-expand-math pass -------------------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_KILNEXPANDMATH
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

struct ExpandAbsI : public OpRewritePattern<math::AbsIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AbsIOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(x.getType()));
    Value negative = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, x, zero);
    Value negated = arith::SubIOp::create(rewriter, loc, zero, x);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, negative, negated, x);
    return success();
  }
};

struct ExpandIsInf : public OpRewritePattern<math::IsInfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::IsInfOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    auto type = dyn_cast<FloatType>(getElementTypeOrSelf(x.getType()));
    if (!type || x.getType() != type)
      return rewriter.notifyMatchFailure(op, "scalars only");
    Value inf = arith::ConstantOp::create(
        rewriter, loc, rewriter.getFloatAttr(type, APFloat::getInf(type.getFloatSemantics())));
    rewriter.replaceOpWithNewOp<arith::CmpFOp>(op, arith::CmpFPredicate::OEQ,
                                               math::AbsFOp::create(rewriter, loc, x), inf);
    return success();
  }
};

/// The type of `like`'s shape with `element` elements.
Type withElementType(Type like, Type element) {
  if (auto vector = dyn_cast<VectorType>(like))
    return vector.clone(element);
  return element;
}

/// `nearest`, a conversion rounded to nearest, made the conversion rounded "to odd": one ulp
/// back toward zero if it rounded up in magnitude, then the last bit set if it was inexact.
/// Neighbouring floats of one sign are neighbouring integers in their bits.
Value roundedToOdd(PatternRewriter &rewriter, Location loc, Value nearest, Value inexact,
                   Value roundedUp) {
  unsigned width = getElementTypeOrSelf(nearest.getType()).getIntOrFloatBitWidth();
  Type bitsType = withElementType(nearest.getType(), rewriter.getIntegerType(width));
  Value bits = arith::BitcastOp::create(rewriter, loc, bitsType, nearest);
  Value one = createScalarOrSplatConstant(rewriter, loc, bitsType, 1);
  Value towardZero = arith::SelectOp::create(rewriter, loc, roundedUp,
                                             arith::SubIOp::create(rewriter, loc, bits, one), bits);
  Value odd = arith::SelectOp::create(rewriter, loc, inexact,
                                      arith::OrIOp::create(rewriter, loc, towardZero, one), bits);
  return arith::BitcastOp::create(rewriter, loc, nearest.getType(), odd);
}

/// f64 -> bf16 rounded once: LLVM calls __truncdfbf2, which nothing provides, and rounding
/// through f32 to nearest twice can differ from once in ties. Rounding to f32 "to odd" (toward
/// zero, then the last bit set if anything was dropped) keeps the information the second
/// rounding needs: with 24 >= 8 + 2 bits, round-to-nearest-even of it to bf16 equals one
/// rounding of the f64 (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums:
/// proved algorithms using rounding to odd", 2008).
struct RoundF64ToBF16Once : public OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op, PatternRewriter &rewriter) const override {
    Value x = op.getIn();
    if (!getElementTypeOrSelf(x.getType()).isF64() || !getElementTypeOrSelf(op.getType()).isBF16())
      return rewriter.notifyMatchFailure(op, "f64 -> bf16 only");
    Location loc = op.getLoc();
    Value nearest = arith::TruncFOp::create(rewriter, loc,
                                            withElementType(x.getType(), rewriter.getF32Type()), x);
    Value back = arith::ExtFOp::create(rewriter, loc, x.getType(), nearest);
    // Ordered: a NaN is exact, and stays the NaN that the bf16 rounding then keeps.
    Value inexact = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::ONE, back, x);
    Value roundedUp = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OGT,
                                            math::AbsFOp::create(rewriter, loc, back),
                                            math::AbsFOp::create(rewriter, loc, x));
    rewriter.replaceOpWithNewOp<arith::TruncFOp>(
        op, op.getType(), roundedToOdd(rewriter, loc, nearest, inexact, roundedUp));
    return success();
  }
};

/// A wide integer -> f64 rounded to odd (see RoundF64ToBF16Once).
Value intToF64RoundedToOdd(PatternRewriter &rewriter, Location loc, Value x, bool isSigned) {
  Type f64 = withElementType(x.getType(), rewriter.getF64Type());
  unsigned width = getElementTypeOrSelf(x.getType()).getIntOrFloatBitWidth();
  Value nearest = isSigned ? Value(arith::SIToFPOp::create(rewriter, loc, f64, x))
                           : Value(arith::UIToFPOp::create(rewriter, loc, f64, x));
  // 2^63 (2^64 unsigned), from x near the largest integer, has no integer: converting it back
  // is poison, so it is decided apart.
  Value top = arith::CmpFOp::create(
      rewriter, loc, arith::CmpFPredicate::OGE, nearest,
      createScalarOrSplatConstant(rewriter, loc, f64,
                                  APFloat(std::ldexp(1.0, isSigned ? width - 1 : width))));
  Value back = isSigned ? Value(arith::FPToSIOp::create(rewriter, loc, x.getType(), nearest))
                        : Value(arith::FPToUIOp::create(rewriter, loc, x.getType(), nearest));
  Value inexact = arith::OrIOp::create(
      rewriter, loc, top, arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne, back, x));
  Value roundedUp;
  if (isSigned) {
    Value zero = createScalarOrSplatConstant(rewriter, loc, x.getType(), 0);
    Value above = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, back, x);
    Value negative = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, x, zero);
    roundedUp = arith::XOrIOp::create(rewriter, loc, above, negative);
  } else {
    roundedUp = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt, back, x);
  }
  roundedUp = arith::OrIOp::create(rewriter, loc, top, roundedUp);
  return roundedToOdd(rewriter, loc, nearest, inexact, roundedUp);
}

/// Integer -> bf16 rounded once: LLVM converts to f32 first, which rounds integers beyond 2^24
/// a first time (and then calls __truncsfbf2). Integers that f64 holds exactly go to f64,
/// wider ones to f64 rounded to odd; the f64 -> bf16 truncation is then RoundF64ToBF16Once's.
template <typename IntToFloatOp, bool isSigned>
struct RoundIntToBF16Once : public OpRewritePattern<IntToFloatOp> {
  using OpRewritePattern<IntToFloatOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(IntToFloatOp op, PatternRewriter &rewriter) const override {
    Value x = op.getIn();
    unsigned width = getElementTypeOrSelf(x.getType()).getIntOrFloatBitWidth();
    if (!getElementTypeOrSelf(op.getType()).isBF16() || width > 64)
      return rewriter.notifyMatchFailure(op, "integers of up to 64 bits -> bf16 only");
    Location loc = op.getLoc();
    Type f64 = withElementType(x.getType(), rewriter.getF64Type());
    Value wide = width > (isSigned ? 54u : 53u)
                     ? intToF64RoundedToOdd(rewriter, loc, x, isSigned)
                     : Value(IntToFloatOp::create(rewriter, loc, f64, x));
    rewriter.replaceOpWithNewOp<arith::TruncFOp>(op, op.getType(), wide);
    return success();
  }
};

/// `math.fpowi` with an exponent other than i32: LLVM's x86 backend only lowers llvm.powi with
/// an int exponent ("POWI exponent does not match sizeof(int)"). Narrower exponents are
/// sign-extended, which is exact. Wider ones are raised by square-and-multiply over every bit,
/// unrolled (kiln-expand-math runs after scf is gone): the multiplications of compiler-rt's
/// __powidf2 for an int exponent, so the result is what an i32 exponent of the same value gives.
struct WidenOrExpandPowIExponent : public OpRewritePattern<math::FPowIOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FPowIOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getLhs(), n = op.getRhs();
    Type exponentType = n.getType();
    unsigned width = getElementTypeOrSelf(exponentType).getIntOrFloatBitWidth();
    if (width == 32)
      return rewriter.notifyMatchFailure(op, "an i32 exponent lowers to llvm.powi");
    if (width < 32) {
      Value wide = arith::ExtSIOp::create(rewriter, loc,
                                          withElementType(exponentType, rewriter.getI32Type()), n);
      rewriter.replaceOpWithNewOp<math::FPowIOp>(op, x, wide);
      return success();
    }
    auto floatType = cast<FloatType>(getElementTypeOrSelf(x.getType()));
    Value one = createScalarOrSplatConstant(rewriter, loc, x.getType(),
                                            APFloat(floatType.getFloatSemantics(), 1));
    Value zero = createScalarOrSplatConstant(rewriter, loc, exponentType, 0);
    Value negative = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, n, zero);
    // The magnitude as an unsigned number: 0 - INT_MIN wraps to INT_MIN, which is 2^(width-1).
    Value magnitude = arith::SelectOp::create(rewriter, loc, negative,
                                              arith::SubIOp::create(rewriter, loc, zero, n), n);
    Value result = one, base = x;
    for (unsigned bit = 0; bit < width; ++bit) {
      Value mask =
          createScalarOrSplatConstant(rewriter, loc, exponentType, APInt::getOneBitSet(width, bit));
      Value set =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne,
                                arith::AndIOp::create(rewriter, loc, magnitude, mask), zero);
      result = arith::SelectOp::create(rewriter, loc, set,
                                       arith::MulFOp::create(rewriter, loc, result, base), result);
      if (bit + 1 < width)
        base = arith::MulFOp::create(rewriter, loc, base, base);
    }
    rewriter.replaceOpWithNewOp<arith::SelectOp>(
        op, negative, arith::DivFOp::create(rewriter, loc, one, result), result);
    return success();
  }
};

struct KilnExpandMathPass : public impl::KilnExpandMathBase<KilnExpandMathPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandAbsI, ExpandIsInf, WidenOrExpandPowIExponent, RoundF64ToBF16Once,
                 RoundIntToBF16Once<arith::SIToFPOp, /*isSigned=*/true>,
                 RoundIntToBF16Once<arith::UIToFPOp, /*isSigned=*/false>>(&getContext());
    if (expandBF16)
      arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace kiln
