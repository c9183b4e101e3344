//===- Kernels.cpp - kiln.map and kiln.reduce to linalg.generic -----------===//
//
// A user kernel's body is cloned into the generic's body, so it is one more scalar region to
// the rest of the pipeline: it fuses with neighbouring elementwise generics like a built-in op.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Compiler/Passes.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace kiln {
namespace {

/// Emits the body of `kernel` applied to `args` and returns its yielded value.
Value inlineKernel(OpBuilder &b, KernelOp kernel, ValueRange args) {
  Block &body = kernel.getBody().front();
  IRMapping mapping;
  mapping.map(body.getArguments(), args);
  for (Operation &op : body.without_terminator())
    b.clone(op, mapping);
  return mapping.lookup(cast<YieldOp>(body.getTerminator()).getValue());
}

struct MapOpLowering : public OpRewritePattern<MapOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MapOp op, PatternRewriter &rewriter) const override {
    auto kernel = SymbolTable::lookupNearestSymbolFrom<KernelOp>(op, op.getKernelAttr());
    if (!kernel)
      return failure();
    rewriter.replaceOp(op,
                       buildBroadcastingGeneric(rewriter, op.getLoc(), op.getType(), op.getInputs(),
                                                [&](OpBuilder &b, Location, ValueRange args) {
                                                  return inlineKernel(b, kernel, args);
                                                }));
    return success();
  }
};

struct ReduceOpLowering : public OpRewritePattern<ReduceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op, PatternRewriter &rewriter) const override {
    auto kernel = SymbolTable::lookupNearestSymbolFrom<KernelOp>(op, op.getKernelAttr());
    if (!kernel)
      return failure();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    SmallVector<int64_t> axes;
    for (int64_t axis : op.getAxes())
      axes.push_back(*normalizeAxis(axis, inputType.getRank()));
    llvm::sort(axes);
    // The loops visit the reduced elements in row-major order and the kernel folds them as
    // acc = kernel(acc, x), so a non-associative kernel gives the documented result.
    Value reduced =
        buildReduction(rewriter, op.getLoc(), op.getInput(), axes, inputType.getElementType(),
                       op.getInit(), [&](OpBuilder &b, Location, ValueRange args) {
                         return inlineKernel(b, kernel, {args[1], args[0]});
                       });
    // Keeps kiln-reassociate-reductions off: built-in reductions may be reordered, kernels not.
    reduced.getDefiningOp()->setAttr(kOrderedReductionAttr, rewriter.getUnitAttr());
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(), reduced, op.getType()));
    return success();
  }
};

} // namespace

void populateKernelToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MapOpLowering, ReduceOpLowering>(patterns.getContext());
}

} // namespace kiln
