//===- FuseElementwise.cpp - The kiln-fuse-elementwise pass ---------------===//
//
// linalg's elementwise fusion with one change in what it may fuse: contractions (matmul and
// friends) are kept whole. Upstream's pass propagates reshapes through a linalg.matmul by
// turning it into a linalg.generic and then fuses its producers into it, which is right for
// loops but takes the matmul away from kiln-packed-matmul's micro-kernel: an f32 convolution
// lowered as im2col + matmul would become a convolution loop nest again.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFUSEELEMENTWISE
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

bool isContraction(Operation *op) { return op && isa<linalg::ContractionOpInterface>(op); }

/// Whether `op` reads the value of its output (an in-place update, such as softmax's scaling
/// of the exponentials it wrote). Fused into a consumer that iterates over more dimensions, it
/// would keep that output and rewrite it once per extra iteration, reading its own result.
bool updatesInPlace(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && llvm::any_of(linalgOp.getDpsInitsMutable(), [&](OpOperand &init) {
           return linalgOp.payloadUsesValueFromOperand(&init);
         });
}

/// Upstream's default (fuse a producer with a single use), never into or out of a contraction,
/// nor a producer that updates its output in place.
bool shouldFuse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  return producer && producer->hasOneUse() && !isContraction(producer) &&
         !isContraction(fused->getOwner()) && !updatesInPlace(producer);
}

struct KilnFuseElementwisePass : public impl::KilnFuseElementwiseBase<KilnFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, shouldFuse);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, shouldFuse);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace kiln
