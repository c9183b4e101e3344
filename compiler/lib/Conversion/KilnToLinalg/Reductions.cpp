//===- Reductions.cpp - Kiln reductions to linalg.generic -----------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/APFloat.h"

using namespace mlir;

namespace kiln {

/// The reduction's axes, normalized and sorted (the verifier has checked them).
static SmallVector<int64_t> sortedAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes)
    result.push_back(*normalizeAxis(axis, rank));
  llvm::sort(result);
  return result;
}

namespace {

enum class ReductionKind { Sum, Max, Mean };

TypedAttr initialValue(OpBuilder &b, ReductionKind kind, Type acc) {
  if (kind != ReductionKind::Max)
    return cast<TypedAttr>(b.getZeroAttr(acc));
  if (auto floatType = dyn_cast<FloatType>(acc))
    return b.getFloatAttr(acc, APFloat::getInf(floatType.getFloatSemantics(), /*Negative=*/true));
  if (acc.isInteger(1))
    return b.getIntegerAttr(acc, 0);
  return b.getIntegerAttr(acc, APInt::getSignedMinValue(acc.getIntOrFloatBitWidth()));
}

Value combine(OpBuilder &b, Location loc, ReductionKind kind, Value x, Value acc) {
  Type type = x.getType();
  if (kind == ReductionKind::Max) {
    if (isa<FloatType>(type))
      return arith::MaximumFOp::create(b, loc, x, acc);
    if (type.isInteger(1))
      return arith::MaxUIOp::create(b, loc, x, acc);
    return arith::MaxSIOp::create(b, loc, x, acc);
  }
  if (isa<FloatType>(type))
    return arith::AddFOp::create(b, loc, x, acc);
  return arith::AddIOp::create(b, loc, x, acc);
}

template <typename OpTy, ReductionKind Kind>
struct ReductionOpLowering : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    RankedTensorType resultType = op.getType();
    Type element = resultType.getElementType();
    Type acc = computeType(element);
    SmallVector<int64_t> axes = sortedAxes(op.getAxes(), inputType.getRank());

    Value reduced = buildReduction(
        rewriter, loc, op.getInput(), axes, acc, initialValue(rewriter, Kind, acc),
        [&](OpBuilder &b, Location l, ValueRange args) {
          return combine(b, l, Kind, args[0], args[1]);
        });

    auto reducedType = cast<RankedTensorType>(reduced.getType());
    if (Kind == ReductionKind::Mean || acc != element) {
      int64_t count = 1;
      for (int64_t axis : axes)
        count *= inputType.getDimSize(axis);
      auto finalType = RankedTensorType::get(reducedType.getShape(), element);
      reduced = buildParallelGeneric(
          rewriter, loc, finalType, reduced,
          {rewriter.getMultiDimIdentityMap(reducedType.getRank())},
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value v = args[0];
            if (Kind == ReductionKind::Mean) {
              Value n = arith::ConstantOp::create(b, l, b.getFloatAttr(acc, count));
              v = arith::DivFOp::create(b, l, v, n);
            }
            return convertScalar(b, l, v, element);
          });
    }
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, reduced, resultType));
    return success();
  }
};

} // namespace

void populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReductionOpLowering<ReduceSumOp, ReductionKind::Sum>,
               ReductionOpLowering<ReduceMaxOp, ReductionKind::Max>,
               ReductionOpLowering<ReduceMeanOp, ReductionKind::Mean>>(patterns.getContext());
}

} // namespace kiln
