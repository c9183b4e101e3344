//===- Elementwise.cpp - Kiln elementwise ops to linalg.generic -----------===//
//
// One table-driven pattern serves every elementwise op: the op's scalar semantics come from
// `buildScalar`, the iteration space and NumPy broadcasting from the shared generic builder.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace kiln {
namespace {

Value zeroOf(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
}

/// Integer division that never traps: x / 0 = 0 and INT_MIN / -1 wraps to INT_MIN, because a
/// data-dependent SIGFPE in a compiled graph would take the caller's process down.
Value buildSafeIntDiv(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  Type type = lhs.getType();
  Value zero = zeroOf(b, loc, type);
  Value one = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 1));
  Value minusOne = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, -1));
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rhs, zero);
  Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rhs, minusOne);
  Value unsafe = arith::OrIOp::create(b, loc, isZero, isMinusOne);
  Value divisor = arith::SelectOp::create(b, loc, unsafe, one, rhs);
  Value quotient = arith::DivSIOp::create(b, loc, lhs, divisor);
  Value negated = arith::SubIOp::create(b, loc, zero, lhs);
  Value byMinusOne = arith::SelectOp::create(b, loc, isMinusOne, negated, quotient);
  return arith::SelectOp::create(b, loc, isZero, zero, byMinusOne);
}

/// `x` shifted by `n` read as unsigned (kiln.shift_left/shift_right). LLVM's shifts are poison
/// for n >= N, so such amounts become 0 for a left shift (whose result is then 0) and N - 1 for
/// an arithmetic right shift (which then fills with the sign, as shifting everything out does).
Value buildShift(OpBuilder &b, Location loc, Value x, Value n, bool left) {
  Type type = x.getType();
  unsigned bits = type.getIntOrFloatBitWidth();
  Value width = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, bits));
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, n, width);
  if (left) {
    Value zero = zeroOf(b, loc, type);
    Value shifted =
        arith::ShLIOp::create(b, loc, x, arith::SelectOp::create(b, loc, inRange, n, zero));
    return arith::SelectOp::create(b, loc, inRange, shifted, zero);
  }
  Value last = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, bits - 1));
  return arith::ShRSIOp::create(b, loc, x, arith::SelectOp::create(b, loc, inRange, n, last));
}

/// GELU, x * Phi(x): exactly through erf, or with the tanh approximation of Hendrycks & Gimpel.
Value buildGelu(OpBuilder &b, Location loc, Value x, bool tanhApproximation) {
  Type type = x.getType();
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
  };
  if (tanhApproximation) {
    // (1 + tanh(u)) / 2 = 1 / (1 + exp(-2u)): the same value without cancellation for x < 0.
    Value cube = arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, x), x);
    Value poly =
        arith::AddFOp::create(b, loc, x, arith::MulFOp::create(b, loc, constant(0.044715), cube));
    Value minus2u = arith::MulFOp::create(b, loc, constant(-2 * 0.7978845608028654), poly);
    Value denom =
        arith::AddFOp::create(b, loc, constant(1.0), math::ExpOp::create(b, loc, minus2u));
    return arith::DivFOp::create(b, loc, x, denom);
  }
  // Phi(x) = erfc(-x / sqrt 2) / 2 rather than (1 + erf(x / sqrt 2)) / 2, which cancels
  // catastrophically for negative x.
  Value phi2 =
      math::ErfcOp::create(b, loc, arith::MulFOp::create(b, loc, x, constant(-0.7071067811865476)));
  return arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, constant(0.5), x), phi2);
}

/// The scalar semantics of a float elementwise op, on operands of the compute type.
Value buildFloatScalar(Operation *op, OpBuilder &b, Location loc, ValueRange args) {
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AddOp) { return arith::AddFOp::create(b, loc, args[0], args[1]); })
      .Case([&](SubOp) { return arith::SubFOp::create(b, loc, args[0], args[1]); })
      .Case([&](MulOp) { return arith::MulFOp::create(b, loc, args[0], args[1]); })
      .Case([&](DivOp) { return arith::DivFOp::create(b, loc, args[0], args[1]); })
      .Case([&](MaxOp) { return arith::MaximumFOp::create(b, loc, args[0], args[1]); })
      .Case([&](MinOp) { return arith::MinimumFOp::create(b, loc, args[0], args[1]); })
      .Case([&](NegOp) { return arith::NegFOp::create(b, loc, args[0]); })
      .Case([&](AbsOp) { return math::AbsFOp::create(b, loc, args[0]); })
      .Case([&](ReluOp) {
        return arith::MaximumFOp::create(b, loc, args[0], zeroOf(b, loc, args[0].getType()));
      })
      .Case([&](ExpOp) { return math::ExpOp::create(b, loc, args[0]); })
      .Case([&](LogOp) { return math::LogOp::create(b, loc, args[0]); })
      .Case([&](SqrtOp) { return math::SqrtOp::create(b, loc, args[0]); })
      .Case([&](RsqrtOp) {
        // 1 / sqrt rather than math.rsqrt: libm has no rsqrt for math-to-libm to call.
        Value one = arith::ConstantOp::create(b, loc, b.getFloatAttr(args[0].getType(), 1.0));
        return arith::DivFOp::create(b, loc, one, math::SqrtOp::create(b, loc, args[0]));
      })
      .Case([&](TanhOp) { return math::TanhOp::create(b, loc, args[0]); })
      .Case([&](SigmoidOp) {
        Type type = args[0].getType();
        Value one = arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 1.0));
        Value negExp = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, args[0]));
        return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, negExp));
      })
      .Case([&](PowOp) { return math::PowFOp::create(b, loc, args[0], args[1]); })
      .Case([&](SiluOp) {
        Value one = arith::ConstantOp::create(b, loc, b.getFloatAttr(args[0].getType(), 1.0));
        Value negExp = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, args[0]));
        return arith::DivFOp::create(b, loc, args[0], arith::AddFOp::create(b, loc, one, negExp));
      })
      .Case([&](ErfOp) { return math::ErfOp::create(b, loc, args[0]); })
      .Case([&](FloorOp) { return math::FloorOp::create(b, loc, args[0]); })
      .Case([&](CeilOp) { return math::CeilOp::create(b, loc, args[0]); })
      .Case([&](RoundOp) { return math::RoundEvenOp::create(b, loc, args[0]); })
      .Case([&](SinOp) { return math::SinOp::create(b, loc, args[0]); })
      .Case([&](CosOp) { return math::CosOp::create(b, loc, args[0]); })
      .Case([&](TanOp) { return math::TanOp::create(b, loc, args[0]); })
      .Case([&](AsinOp) { return math::AsinOp::create(b, loc, args[0]); })
      .Case([&](AcosOp) { return math::AcosOp::create(b, loc, args[0]); })
      .Case([&](AtanOp) { return math::AtanOp::create(b, loc, args[0]); })
      .Case([&](SinhOp) { return math::SinhOp::create(b, loc, args[0]); })
      .Case([&](CoshOp) { return math::CoshOp::create(b, loc, args[0]); })
      .Case([&](AsinhOp) { return math::AsinhOp::create(b, loc, args[0]); })
      .Case([&](AcoshOp) { return math::AcoshOp::create(b, loc, args[0]); })
      .Case([&](AtanhOp) { return math::AtanhOp::create(b, loc, args[0]); })
      .Case(
          [&](GeluOp gelu) { return buildGelu(b, loc, args[0], gelu.getApproximate() == "tanh"); })
      .Default([](Operation *) { return Value(); });
}

/// The scalar semantics of an integer elementwise op. Booleans (i1) order false < true, so
/// max/min on them are or/and.
Value buildIntScalar(Operation *op, OpBuilder &b, Location loc, ValueRange args) {
  bool isBool = args[0].getType().isInteger(1);
  return llvm::TypeSwitch<Operation *, Value>(op)
      .Case([&](AddOp) { return arith::AddIOp::create(b, loc, args[0], args[1]); })
      .Case([&](SubOp) { return arith::SubIOp::create(b, loc, args[0], args[1]); })
      .Case([&](MulOp) { return arith::MulIOp::create(b, loc, args[0], args[1]); })
      .Case([&](DivOp) { return buildSafeIntDiv(b, loc, args[0], args[1]); })
      .Case([&](ShiftLeftOp) { return buildShift(b, loc, args[0], args[1], /*left=*/true); })
      .Case([&](ShiftRightOp) { return buildShift(b, loc, args[0], args[1], /*left=*/false); })
      .Case([&](MaxOp) -> Value {
        if (isBool)
          return arith::MaxUIOp::create(b, loc, args[0], args[1]);
        return arith::MaxSIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](MinOp) -> Value {
        if (isBool)
          return arith::MinUIOp::create(b, loc, args[0], args[1]);
        return arith::MinSIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](NegOp) {
        return arith::SubIOp::create(b, loc, zeroOf(b, loc, args[0].getType()), args[0]);
      })
      .Case([&](AbsOp) -> Value {
        if (isBool)
          return args[0];
        return math::AbsIOp::create(b, loc, args[0]);
      })
      .Case([&](ReluOp) -> Value {
        if (isBool)
          return args[0];
        return arith::MaxSIOp::create(b, loc, args[0], zeroOf(b, loc, args[0].getType()));
      })
      .Default([](Operation *) { return Value(); });
}

struct ElementwiseOpLowering : public RewritePattern {
  ElementwiseOpLowering(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    // Softmax and log_softmax share the unary result-type rule but are row kernels.
    bool elementwise =
        op->hasTrait<OpTrait::BroadcastingElementwise>() ||
        (op->hasTrait<OpTrait::UnaryElementwise>() && !isa<SoftmaxOp, LogSoftmaxOp>(op));
    if (!elementwise || !isa<KilnDialect>(op->getDialect()))
      return failure();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    Type elementType = resultType.getElementType();
    Type compute = computeType(elementType);
    bool isFloat = isa<FloatType>(elementType);
    Value result =
        buildBroadcastingGeneric(rewriter, op->getLoc(), resultType, op->getOperands(),
                                 [&](OpBuilder &b, Location loc, ValueRange args) {
                                   SmallVector<Value> computeArgs;
                                   for (Value arg : args)
                                     computeArgs.push_back(convertScalar(b, loc, arg, compute));
                                   Value v = isFloat ? buildFloatScalar(op, b, loc, computeArgs)
                                                     : buildIntScalar(op, b, loc, computeArgs);
                                   return convertScalar(b, loc, v, elementType);
                                 });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConstantOpLowering : public OpRewritePattern<ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConstantOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

} // namespace

void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseOpLowering, ConstantOpLowering>(patterns.getContext());
}

} // namespace kiln
