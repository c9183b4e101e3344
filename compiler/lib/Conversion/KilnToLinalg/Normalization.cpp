//===- Normalization.cpp - softmax, log_softmax, layer_norm, rms_norm -----===//
//
// Each op becomes a few generics (row statistics as reductions, then an elementwise pass that
// reads them through a broadcasting map) that elementwise fusion merges where it can. All
// arithmetic is in the compute type (f32 for f16/bf16); the result is rounded once.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace kiln {
namespace {

/// What the row kernels share: the input's type, the normalized axes and the maps between the
/// full iteration space and the row statistics.
struct RowContext {
  RowContext(OpBuilder &b, Value input, int64_t firstAxis, bool toEnd)
      : type(cast<RankedTensorType>(input.getType())),
        acc(cast<FloatType>(computeType(type.getElementType()))) {
    int64_t rank = type.getRank();
    int64_t axis = *normalizeAxis(firstAxis, rank);
    for (int64_t i = axis; i < (toEnd ? rank : axis + 1); ++i) {
      axes.push_back(i);
      count *= type.getDimSize(i);
    }
    identity = b.getMultiDimIdentityMap(rank);
    rowMap = droppedAxesMap(rank, axes, b.getContext());
    SmallVector<AffineExpr> exprs;
    for (int64_t i : axes)
      exprs.push_back(b.getAffineDimExpr(i));
    paramMap = AffineMap::get(rank, 0, exprs, b.getContext());
    accType = RankedTensorType::get(type.getShape(), acc);
  }

  Value constant(OpBuilder &b, Location loc, double v) const {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(acc, v));
  }

  /// A row sum divided by the number of elements in a row.
  Value mean(OpBuilder &b, Location loc, Value sum) const {
    return arith::DivFOp::create(b, loc, sum, constant(b, loc, static_cast<double>(count)));
  }

  /// 1 / sqrt(mean + epsilon) of a row sum of squares: the scale of layer_norm and rms_norm.
  /// It depends on the row only, so LLVM hoists it out of the loop over a row, which is left
  /// with one multiplication per element instead of a division.
  Value inverseRootMeanPlus(OpBuilder &b, Location loc, Value sumOfSquares, double epsilon) const {
    return reciprocal(b, loc,
                      math::SqrtOp::create(b, loc,
                                           arith::AddFOp::create(b, loc, mean(b, loc, sumOfSquares),
                                                                 constant(b, loc, epsilon))));
  }

  Value reciprocal(OpBuilder &b, Location loc, Value v) const {
    return arith::DivFOp::create(b, loc, constant(b, loc, 1.0), v);
  }

  /// Sums `f(x, stats...)` over the normalized axes of `input`, reading `stats` per row.
  Value rowSum(OpBuilder &b, Location loc, Value input, ValueRange stats,
               llvm::function_ref<Value(OpBuilder &, Location, ValueRange)> f) const {
    Value terms = input;
    if (f) {
      SmallVector<Value> operands = {input};
      SmallVector<AffineMap> maps = {identity};
      for (Value s : stats) {
        operands.push_back(s);
        maps.push_back(rowMap);
      }
      terms = buildParallelGeneric(
          b, loc, accType, operands, maps, [&](OpBuilder &nb, Location l, ValueRange args) {
            SmallVector<Value> converted = {convertScalar(nb, l, args[0], acc)};
            converted.append(args.begin() + 1, args.end());
            return f(nb, l, converted);
          });
    }
    return buildReduction(b, loc, terms, axes, acc, b.getZeroAttr(acc),
                          [](OpBuilder &nb, Location l, ValueRange args) {
                            return arith::AddFOp::create(nb, l, args[0], args[1]);
                          });
  }

  Value rowMax(OpBuilder &b, Location loc, Value input) const {
    return buildReduction(b, loc, input, axes, acc, extremeValue(b, acc, /*lowest=*/true),
                          [](OpBuilder &nb, Location l, ValueRange args) {
                            return arith::MaximumFOp::create(nb, l, args[0], args[1]);
                          });
  }

  RankedTensorType type;
  FloatType acc;
  RankedTensorType accType;
  SmallVector<int64_t> axes;
  int64_t count = 1;
  AffineMap identity, rowMap, paramMap;
};

/// exp(x - max) / sum(exp(x - max)), or x - max - log(sum(exp(x - max))).
template <typename OpTy, bool Log> struct SoftmaxLikeLowering : public OpRewritePattern<OpTy> {
  SoftmaxLikeLowering(MLIRContext *ctx, bool scaleInPlace)
      : OpRewritePattern<OpTy>(ctx), scaleInPlace(scaleInPlace) {}

  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RowContext row(rewriter, op.getInput(), op.getAxis(), /*toEnd=*/false);
    Type element = row.type.getElementType();
    Value max = row.rowMax(rewriter, loc, op.getInput());
    if (!Log && scaleInPlace && element == row.acc) {
      rewriter.replaceOp(op, scaleExponentialsInPlace(rewriter, loc, row, op.getInput(), max));
      return success();
    }
    Value sum = row.rowSum(
        rewriter, loc, op.getInput(), max, [](OpBuilder &b, Location l, ValueRange args) {
          return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, args[0], args[1]));
        });
    Value result = buildParallelGeneric(
        rewriter, loc, row.type, {op.getInput(), max, sum}, {row.identity, row.rowMap, row.rowMap},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value shifted =
              arith::SubFOp::create(b, l, convertScalar(b, l, args[0], row.acc), args[1]);
          Value v =
              Log ? Value(arith::SubFOp::create(b, l, shifted, math::LogOp::create(b, l, args[2])))
                  : Value(arith::MulFOp::create(b, l, math::ExpOp::create(b, l, shifted),
                                                row.reciprocal(b, l, args[2])));
          return convertScalar(b, l, v, element);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  /// e = exp(x - max) in the result's buffer, then e * (1 / sum(e)) in place: one exponential
  /// per element, as a hand-written row loop does, once kiln-fuse-row-loops has fused the
  /// passes over a row. The two-uses of e keep elementwise fusion from recomputing it.
  static Value scaleExponentialsInPlace(OpBuilder &b, Location loc, const RowContext &row,
                                        Value input, Value max) {
    Value exps = buildParallelGeneric(b, loc, row.type, {input, max}, {row.identity, row.rowMap},
                                      [](OpBuilder &nb, Location l, ValueRange args) {
                                        return math::ExpOp::create(
                                            nb, l, arith::SubFOp::create(nb, l, args[0], args[1]));
                                      });
    Value sum = row.rowSum(b, loc, exps, {}, nullptr);
    SmallVector<utils::IteratorType> iterators(row.type.getRank(), utils::IteratorType::parallel);
    auto scaled = linalg::GenericOp::create(
        b, loc, row.type, sum, exps, ArrayRef<AffineMap>{row.rowMap, row.identity}, iterators,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value v = arith::MulFOp::create(nb, l, args[1], row.reciprocal(nb, l, args[0]));
          linalg::YieldOp::create(nb, l, v);
        });
    return scaled.getResult(0);
  }

  bool scaleInPlace;
};

/// (x - mean) * (1 / sqrt(var + eps)) * gamma + beta over [axis, rank), with the biased variance
/// taken as a second pass over the centred values (more accurate than E[x^2] - E[x]^2).
struct LayerNormOpLowering : public OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LayerNormOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RowContext row(rewriter, op.getInput(), op.getAxis(), /*toEnd=*/true);
    Type element = row.type.getElementType();
    double eps = op.getEpsilon().convertToDouble();
    Value sum = row.rowSum(rewriter, loc, op.getInput(), {}, nullptr);
    Value sumSq = row.rowSum(
        rewriter, loc, op.getInput(), sum, [&](OpBuilder &b, Location l, ValueRange args) {
          Value d = arith::SubFOp::create(b, l, args[0], row.mean(b, l, args[1]));
          return arith::MulFOp::create(b, l, d, d);
        });
    Value result = buildParallelGeneric(
        rewriter, loc, row.type, {op.getInput(), sum, sumSq, op.getGamma(), op.getBeta()},
        {row.identity, row.rowMap, row.rowMap, row.paramMap, row.paramMap},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = convertScalar(b, l, args[0], row.acc);
          Value centred = arith::SubFOp::create(b, l, x, row.mean(b, l, args[1]));
          Value normalized =
              arith::MulFOp::create(b, l, centred, row.inverseRootMeanPlus(b, l, args[2], eps));
          Value scaled =
              arith::MulFOp::create(b, l, normalized, convertScalar(b, l, args[3], row.acc));
          Value v = arith::AddFOp::create(b, l, scaled, convertScalar(b, l, args[4], row.acc));
          return convertScalar(b, l, v, element);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// x * (1 / sqrt(mean(x^2) + eps)) * gamma over [axis, rank).
struct RmsNormOpLowering : public OpRewritePattern<RmsNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RmsNormOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RowContext row(rewriter, op.getInput(), op.getAxis(), /*toEnd=*/true);
    Type element = row.type.getElementType();
    double eps = op.getEpsilon().convertToDouble();
    Value sumSq =
        row.rowSum(rewriter, loc, op.getInput(), {}, [](OpBuilder &b, Location l, ValueRange args) {
          return arith::MulFOp::create(b, l, args[0], args[0]);
        });
    Value result = buildParallelGeneric(
        rewriter, loc, row.type, {op.getInput(), sumSq, op.getGamma()},
        {row.identity, row.rowMap, row.paramMap}, [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = convertScalar(b, l, args[0], row.acc);
          Value scale = row.inverseRootMeanPlus(b, l, args[1], eps);
          Value v = arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, x, scale),
                                          convertScalar(b, l, args[2], row.acc));
          return convertScalar(b, l, v, element);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateNormalizationToLinalgPatterns(RewritePatternSet &patterns, bool softmaxScalesInPlace) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<SoftmaxLikeLowering<SoftmaxOp, false>, SoftmaxLikeLowering<LogSoftmaxOp, true>>(
      ctx, softmaxScalesInPlace);
  patterns.add<LayerNormOpLowering, RmsNormOpLowering>(ctx);
}

} // namespace kiln
