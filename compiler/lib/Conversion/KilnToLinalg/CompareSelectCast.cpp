//===- CompareSelectCast.cpp - cmp, select and cast to linalg.generic -----===//
//
// These ops are elementwise but change the element type, so they do not fit the shared
// table of Elementwise.cpp, which computes in the result's type.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace kiln {
namespace {

Value compareScalars(OpBuilder &b, Location loc, StringRef predicate, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType())) {
    // Ordered predicates make every comparison with NaN false; "ne" is unordered, so NaN != x.
    auto pred = llvm::StringSwitch<arith::CmpFPredicate>(predicate)
                    .Case("eq", arith::CmpFPredicate::OEQ)
                    .Case("ne", arith::CmpFPredicate::UNE)
                    .Case("lt", arith::CmpFPredicate::OLT)
                    .Case("le", arith::CmpFPredicate::OLE)
                    .Case("gt", arith::CmpFPredicate::OGT)
                    .Default(arith::CmpFPredicate::OGE);
    return arith::CmpFOp::create(b, loc, pred, lhs, rhs);
  }
  // i1 orders false < true, which is the unsigned order of 0 and 1.
  bool isBool = lhs.getType().isInteger(1);
  auto pred = llvm::StringSwitch<arith::CmpIPredicate>(predicate)
                  .Case("eq", arith::CmpIPredicate::eq)
                  .Case("ne", arith::CmpIPredicate::ne)
                  .Case("lt", isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt)
                  .Case("le", isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle)
                  .Case("gt", isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
                  .Default(isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge);
  return arith::CmpIOp::create(b, loc, pred, lhs, rhs);
}

struct CmpOpLowering : public OpRewritePattern<CmpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CmpOp op, PatternRewriter &rewriter) const override {
    StringRef predicate = op.getPredicate();
    Type compute = computeType(op.getLhs().getType().getElementType());
    rewriter.replaceOp(op, buildBroadcastingGeneric(
                               rewriter, op.getLoc(), op.getType(), op->getOperands(),
                               [&](OpBuilder &b, Location loc, ValueRange args) {
                                 return compareScalars(b, loc, predicate,
                                                       convertScalar(b, loc, args[0], compute),
                                                       convertScalar(b, loc, args[1], compute));
                               }));
    return success();
  }
};

struct SelectOpLowering : public OpRewritePattern<SelectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SelectOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildBroadcastingGeneric(
                               rewriter, op.getLoc(), op.getType(), op->getOperands(),
                               [&](OpBuilder &b, Location loc, ValueRange args) {
                                 return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
                               }));
    return success();
  }
};

/// float -> int: rounds toward zero, saturates at the type's limits, NaN -> 0. arith.fptosi
/// is poison out of range, so the out-of-range and NaN lanes are selected around it.
Value saturatingFloatToInt(OpBuilder &b, Location loc, Value x, IntegerType to) {
  Type floatType = x.getType();
  unsigned bits = to.getWidth();
  // -2^(bits-1) and 2^(bits-1) are powers of two, exact in every float type used here.
  double limit = std::ldexp(1.0, bits - 1);
  Value lo = arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, -limit));
  Value hi = arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, limit));
  Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, 0.0));
  Value aboveLo = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, lo);
  Value belowHi = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, hi);
  Value inRange = arith::AndIOp::create(b, loc, aboveLo, belowHi);
  Value safe = arith::SelectOp::create(b, loc, inRange, x, zero);
  Value converted = arith::FPToSIOp::create(b, loc, to, safe);
  Value maxInt =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(to, llvm::APInt::getSignedMaxValue(bits)));
  Value minInt =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(to, llvm::APInt::getSignedMinValue(bits)));
  Value tooHigh = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, hi);
  Value tooLow = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, x, lo);
  Value clamped = arith::SelectOp::create(b, loc, tooHigh, maxInt, converted);
  return arith::SelectOp::create(b, loc, tooLow, minInt, clamped);
}

/// The scalar conversion of kiln.cast (see its description in KilnOps.td).
Value castScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (to.isInteger(1)) {
    if (isa<FloatType>(from))
      // Ordered "not equal": NaN -> false, like NaN -> 0 for the other integer types.
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, x,
                                   arith::ConstantOp::create(b, loc, b.getFloatAttr(from, 0.0)));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 arith::ConstantOp::create(b, loc, b.getIntegerAttr(from, 0)));
  }
  if (from.isInteger(1))
    return isa<FloatType>(to) ? Value(arith::UIToFPOp::create(b, loc, to, x))
                              : Value(arith::ExtUIOp::create(b, loc, to, x));
  if (isa<FloatType>(from) && isa<IntegerType>(to))
    return saturatingFloatToInt(b, loc, convertScalar(b, loc, x, computeType(from)),
                                cast<IntegerType>(to));
  if (isa<IntegerType>(from) && (to.isF16() || to.isBF16()))
    // Through f64, exact up to 2^53 (f16 overflows long before); canonicalization folds the
    // pair into one sitofp, which kiln-expand-math rounds once to bf16, i64 included.
    return convertScalar(b, loc, convertScalar(b, loc, x, b.getF64Type()), to);
  if ((from.isBF16() && to.isF16()) || (from.isF16() && to.isBF16()))
    return convertScalar(b, loc, convertScalar(b, loc, x, b.getF32Type()), to);
  // f64 -> bf16 stays one arith.truncf, which kiln-expand-math rounds once.
  return convertScalar(b, loc, x, to);
}

struct CastOpLowering : public OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op, PatternRewriter &rewriter) const override {
    Type to = op.getType().getElementType();
    rewriter.replaceOp(
        op, buildBroadcastingGeneric(rewriter, op.getLoc(), op.getType(), op->getOperands(),
                                     [&](OpBuilder &b, Location loc, ValueRange args) {
                                       return castScalar(b, loc, args[0], to);
                                     }));
    return success();
  }
};

} // namespace

void populateCompareSelectCastToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CmpOpLowering, SelectOpLowering, CastOpLowering>(patterns.getContext());
}

} // namespace kiln
