//===- Reductions.cpp - Kiln reductions to linalg.generic -----------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

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

enum class ReductionKind { Sum, Max, Min, Mean, Prod };

TypedAttr initialValue(OpBuilder &b, ReductionKind kind, Type acc) {
  switch (kind) {
  case ReductionKind::Max:
    return extremeValue(b, acc, /*lowest=*/true);
  case ReductionKind::Min:
    return extremeValue(b, acc, /*lowest=*/false);
  case ReductionKind::Prod:
    return isa<FloatType>(acc) ? TypedAttr(b.getFloatAttr(acc, 1.0))
                               : TypedAttr(b.getIntegerAttr(acc, 1));
  default:
    return cast<TypedAttr>(b.getZeroAttr(acc));
  }
}

Value combine(OpBuilder &b, Location loc, ReductionKind kind, Value x, Value acc) {
  Type type = x.getType();
  bool isFloat = isa<FloatType>(type), isBool = type.isInteger(1);
  switch (kind) {
  case ReductionKind::Max:
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, x, acc);
    return isBool ? Value(arith::MaxUIOp::create(b, loc, x, acc))
                  : Value(arith::MaxSIOp::create(b, loc, x, acc));
  case ReductionKind::Min:
    if (isFloat)
      return arith::MinimumFOp::create(b, loc, x, acc);
    return isBool ? Value(arith::MinUIOp::create(b, loc, x, acc))
                  : Value(arith::MinSIOp::create(b, loc, x, acc));
  case ReductionKind::Prod:
    return isFloat ? Value(arith::MulFOp::create(b, loc, x, acc))
                   : Value(arith::MulIOp::create(b, loc, x, acc));
  default:
    return isFloat ? Value(arith::AddFOp::create(b, loc, x, acc))
                   : Value(arith::AddIOp::create(b, loc, x, acc));
  }
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

    Value reduced =
        buildReduction(rewriter, loc, op.getInput(), axes, acc, initialValue(rewriter, Kind, acc),
                       [&](OpBuilder &b, Location l, ValueRange args) {
                         return combine(b, l, Kind, args[0], args[1]);
                       });

    auto reducedType = cast<RankedTensorType>(reduced.getType());
    if (Kind == ReductionKind::Mean || acc != element) {
      int64_t count = 1;
      for (int64_t axis : axes)
        count *= inputType.getDimSize(axis);
      auto finalType = RankedTensorType::get(reducedType.getShape(), element);
      reduced = buildParallelGeneric(rewriter, loc, finalType, reduced,
                                     {rewriter.getMultiDimIdentityMap(reducedType.getRank())},
                                     [&](OpBuilder &b, Location l, ValueRange args) {
                                       Value v = args[0];
                                       if (Kind == ReductionKind::Mean) {
                                         Value n = arith::ConstantOp::create(
                                             b, l, b.getFloatAttr(acc, count));
                                         v = arith::DivFOp::create(b, l, v, n);
                                       }
                                       return convertScalar(b, l, v, element);
                                     });
    }
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, reduced, resultType));
    return success();
  }
};

/// argmax (argmin) as one reduction generic with two accumulators, the maximum (minimum) so far
/// and its index. A later element replaces it only when strictly greater (smaller), or when it
/// is the first NaN, so ties and NaNs resolve to the first occurrence as in numpy.argmax.
template <typename ArgOp, bool IsMax>
struct ArgExtremumOpLowering : public OpRewritePattern<ArgOp> {
  using OpRewritePattern<ArgOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ArgOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = inputType.getRank();
    int64_t axis = *normalizeAxis(op.getAxes().front(), rank);
    Type element = inputType.getElementType();
    Type acc = computeType(element);
    Type index = rewriter.getI64Type();
    SmallVector<int64_t> shape;
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis)
        shape.push_back(inputType.getDimSize(i));

    Value bestInit =
        buildFilled(rewriter, loc, shape, extremeValue(rewriter, acc, /*lowest=*/IsMax));
    Value indexInit = buildFilled(rewriter, loc, shape, rewriter.getI64IntegerAttr(0));

    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    AffineMap rowMap = droppedAxesMap(rank, {axis}, rewriter.getContext());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank), rowMap, rowMap};
    bool isFloat = isa<FloatType>(acc), isBool = acc.isInteger(1);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{bestInit.getType(), indexInit.getType()}, op.getInput(),
        ValueRange{bestInit, indexInit}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = convertScalar(b, l, args[0], acc), best = args[1];
          Value take;
          if (isFloat) {
            Value greater = arith::CmpFOp::create(
                b, l, IsMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, x, best);
            Value xIsNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
            Value bestIsNumber = arith::CmpFOp::create(b, l, arith::CmpFPredicate::ORD, best, best);
            take = arith::OrIOp::create(b, l, greater,
                                        arith::AndIOp::create(b, l, xIsNan, bestIsNumber));
          } else {
            arith::CmpIPredicate predicate =
                IsMax ? (isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
                      : (isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt);
            take = arith::CmpIOp::create(b, l, predicate, x, best);
          }
          Value position =
              arith::IndexCastOp::create(b, l, index, linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, take, x, best),
                         arith::SelectOp::create(b, l, take, position, args[2])});
        });
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, generic.getResult(1), op.getType()));
    return success();
  }
};

} // namespace

void populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReductionOpLowering<ReduceSumOp, ReductionKind::Sum>,
               ReductionOpLowering<ReduceMaxOp, ReductionKind::Max>,
               ReductionOpLowering<ReduceMinOp, ReductionKind::Min>,
               ReductionOpLowering<ReduceMeanOp, ReductionKind::Mean>,
               ReductionOpLowering<ReduceProdOp, ReductionKind::Prod>,
               ArgExtremumOpLowering<ArgmaxOp, true>, ArgExtremumOpLowering<ArgminOp, false>>(
      patterns.getContext());
}

} // namespace kiln
