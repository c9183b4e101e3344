//===- Shape.cpp - Kiln shape ops to linalg.transpose and tensor ops ------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace kiln {
namespace {

struct TransposeOpLowering : public OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    Value init =
        tensor::EmptyOp::create(rewriter, op.getLoc(), type.getShape(), type.getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(), op.getInput(), init,
                                                       op.getPermutation())
                               .getResult());
    return success();
  }
};

struct ReshapeOpLowering : public OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(), op.getInput(), op.getType()));
    return success();
  }
};

struct BroadcastToOpLowering : public OpRewritePattern<BroadcastToOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BroadcastToOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildBroadcastingGeneric(
                               rewriter, op.getLoc(), op.getType(), op.getInput(),
                               [](OpBuilder &, Location, ValueRange args) { return args[0]; }));
    return success();
  }
};

/// Each input is inserted at its offset along the axis of one result tensor.
struct ConcatOpLowering : public OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    Value result = tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType());
    int64_t offset = 0;
    for (Value input : op.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
      offsets[axis] = offset;
      result =
          tensor::InsertSliceOp::create(rewriter, loc, input, result, ValueRange{}, ValueRange{},
                                        ValueRange{}, offsets, inputType.getShape(), strides);
      offset += inputType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SliceOpLowering : public OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, op.getType(), op.getInput(), ValueRange{}, ValueRange{}, ValueRange{}, op.getStarts(),
        op.getType().getShape(), op.getStridesOrOnes());
    return success();
  }
};

struct PadOpLowering : public OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type element = op.getType().getElementType();
    TypedAttr value = cast<TypedAttr>(rewriter.getZeroAttr(element));
    if (auto given = op.getValueAttr()) {
      if (auto f = dyn_cast<FloatAttr>(given))
        value = rewriter.getFloatAttr(element, f.getValueAsDouble());
      else
        value = rewriter.getIntegerAttr(element, cast<IntegerAttr>(given).getValue().sextOrTrunc(
                                                     element.getIntOrFloatBitWidth()));
    }
    Value padding = arith::ConstantOp::create(rewriter, loc, value);
    rewriter.replaceOpWithNewOp<tensor::PadOp>(
        op, op.getType(), op.getInput(), getAsIndexOpFoldResult(getContext(), op.getLow()),
        getAsIndexOpFoldResult(getContext(), op.getHigh()), padding);
    return success();
  }
};

} // namespace

void populateShapeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<TransposeOpLowering, ReshapeOpLowering, BroadcastToOpLowering, ConcatOpLowering,
               SliceOpLowering, PadOpLowering>(patterns.getContext());
}

} // namespace kiln
