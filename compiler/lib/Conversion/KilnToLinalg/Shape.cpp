//===- Shape.cpp - Kiln shape ops to linalg.transpose / tensor reshapes ---===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

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

} // namespace

void populateShapeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<TransposeOpLowering, ReshapeOpLowering, BroadcastToOpLowering>(
      patterns.getContext());
}

} // namespace kiln
