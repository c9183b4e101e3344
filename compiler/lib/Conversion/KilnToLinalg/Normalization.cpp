//===- Normalization.cpp - kiln.softmax to linalg.generic -----------------===//
//
// softmax(x) = exp(x - max(x)) / sum(exp(x - max(x))) along one axis, as three generics (max,
// exp+sum, divide) that elementwise fusion merges where it can.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/APFloat.h"

using namespace mlir;

namespace kiln {
namespace {

struct SoftmaxOpLowering : public OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SoftmaxOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    Type element = type.getElementType();
    auto acc = cast<FloatType>(computeType(element));
    auto accType = RankedTensorType::get(type.getShape(), acc);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap rowMap = droppedAxesMap(rank, {axis}, getContext());

    Value max = buildReduction(
        rewriter, loc, op.getInput(), {axis}, acc,
        rewriter.getFloatAttr(acc, APFloat::getInf(acc.getFloatSemantics(), /*Negative=*/true)),
        [](OpBuilder &b, Location l, ValueRange args) {
          return arith::MaximumFOp::create(b, l, args[0], args[1]);
        });
    Value exp = buildParallelGeneric(
        rewriter, loc, accType, {op.getInput(), max}, {identity, rowMap},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = convertScalar(b, l, args[0], acc);
          return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, x, args[1]));
        });
    Value sum = buildReduction(rewriter, loc, exp, {axis}, acc, rewriter.getZeroAttr(acc),
                               [](OpBuilder &b, Location l, ValueRange args) {
                                 return arith::AddFOp::create(b, l, args[0], args[1]);
                               });
    Value result = buildParallelGeneric(
        rewriter, loc, type, {exp, sum}, {identity, rowMap},
        [&](OpBuilder &b, Location l, ValueRange args) {
          return convertScalar(b, l, arith::DivFOp::create(b, l, args[0], args[1]), element);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateNormalizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxOpLowering>(patterns.getContext());
}

} // namespace kiln
