//===- ApproximateMath.cpp - The kiln-approximate-math pass ---------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_KILNAPPROXIMATEMATH
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// `value` clamped to [lo, hi] with NaN kept: a compare that is true for NaN selects `value`.
/// (The unordered predicates are also what LLVM's x86 backend turns into one vmaxps/vminps.)
Value clampKeepingNaN(ImplicitLocOpBuilder &b, Value value, Value lo, Value hi) {
  Value aboveLo = arith::CmpFOp::create(b, arith::CmpFPredicate::UGE, value, lo);
  value = arith::SelectOp::create(b, aboveLo, value, lo);
  Value belowHi = arith::CmpFOp::create(b, arith::CmpFPredicate::ULE, value, hi);
  return arith::SelectOp::create(b, belowHi, value, hi);
}

/// f32 exp in 14 vector instructions, where MLIR's ExpApproximation takes 19 (two clamps of k
/// and a float-to-int conversion to build 2^k, and a degree-7 polynomial). Softmax computes
/// one exponential per element and is bound by them on one thread.
///
///   exp(x) = 2^(k-1) * Q(t),  k = round(x log2 e),  t = x - k ln 2 in [-ln2/2, ln2/2],
///   Q(t) ~ 2 e^t: a degree-6 polynomial with Q(0) = 2 exactly, so exp(0) = 1.
///
/// 2^(k-1) comes from k's bits: x log2 e + (1.5 * 2^23 + 126), rounded once by the fma, holds
/// k + 126 in its low mantissa bits; shifted left by 23 they are the exponent of 2^(k-1). Using
/// k - 1 instead of k lets k reach 128, so every finite exp(x) up to FLT_MAX (x <= 88.7228) is
/// computed, and x is clamped to [-87.6, 88.73] so that k + 126 stays in [0, 254]. Results
/// below about 2^-125.5 (1.66e-38: x < -86.99, where k = -126 makes the exponent field 0) are
/// flushed to zero, where MLIR's flushes below 2^-126: keeping them would take a second
/// scaling. Max error measured over every 37th f32 in [-86.9, 88.72] against float64: 1.18 ulp
/// (mean 0.06). NaN stays NaN: the clamp keeps it, so t and the polynomial are NaN (whatever
/// scale its payload bits make).
struct ExpF32Approximation : public OpRewritePattern<math::ExpOp> {
  // Above MLIR's patterns (benefit 1), which would otherwise expand f32 exp first.
  ExpF32Approximation(MLIRContext *context) : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(math::ExpOp op, PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isF32())
      return rewriter.notifyMatchFailure(op, "only f32");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type i32 = b.getI32Type();
    Type intType = i32;
    if (auto vector = dyn_cast<VectorType>(type))
      intType = vector.clone(i32);
    auto f32 = [&](float v) {
      return createScalarOrSplatConstant(b, b.getLoc(), type, APFloat(v));
    };
    auto fma = [&](Value x, Value y, Value z) { return math::FmaOp::create(b, x, y, z); };

    Value x = clampKeepingNaN(b, op.getOperand(), f32(-87.6f), f32(88.73f));
    Value magic = f32(0x1.8p23f + 126.0f);
    Value shifted = fma(x, f32(0x1.715476p+0f), magic); // log2(e)
    Value k = arith::SubFOp::create(b, shifted, magic);
    Value bits = arith::BitcastOp::create(b, intType, shifted);
    Value exponent =
        arith::ShLIOp::create(b, bits, createScalarOrSplatConstant(b, b.getLoc(), intType, 23));
    Value scale = arith::BitcastOp::create(b, type, exponent);
    // Cody-Waite: ln 2 in two parts, each product exact inside its fma.
    Value t = fma(k, f32(-0x1.62e430p-1f), x);
    t = fma(k, f32(0x1.05c610p-29f), t);
    // Remez minimax for the relative error of 2 e^t on [-ln2/2, ln2/2] with Q(0) = 2.
    const float coefficients[] = {0x1.709b64p-9f, 0x1.12903ep-6f, 0x1.55515ep-4f,
                                  0x1.5553c2p-2f, 0x1.000002p+0f, 0x1.000000p+1f};
    Value q = f32(coefficients[0]);
    for (float c : ArrayRef<float>(coefficients).drop_front())
      q = fma(q, t, f32(c));
    q = fma(q, t, f32(2.0f));
    rewriter.replaceOp(op, arith::MulFOp::create(b, q, scale));
    return success();
  }
};

struct KilnApproximateMathPass : public impl::KilnApproximateMathBase<KilnApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpF32Approximation>(&getContext());
    // MLIR's approximations (Cephes-style polynomials, a few ulp in f32) instead of a libm call
    // per element: they vectorize. Their accuracy is checked against float64 in test/e2e.
    populateMathPolynomialApproximationPatterns(patterns, MathPolynomialApproximationOptions{});
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace kiln
