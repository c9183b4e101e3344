//===- Scans.cpp - cumsum and top_k as loops along their axis -------------===//
//
// Each step of a scan depends on the one before, which no linalg op expresses (upstream has no
// scan; IREE's is in its own LinalgExt dialect). So both ops become an scf.for along the axis
// whose body is generics over the other dimensions: those stay parallel (and vectorize along the
// innermost one) and only the axis runs in sequence.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln {
namespace {

/// `shape` without dimension `axis`: the shape of one position along the axis.
SmallVector<int64_t> rowShape(ArrayRef<int64_t> shape, int64_t axis) {
  SmallVector<int64_t> row(shape);
  row.erase(row.begin() + axis);
  return row;
}

/// The offsets, sizes and strides of the slice of `shape` at `position` along `axis`.
struct AxisSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

AxisSlice sliceAt(OpBuilder &b, ArrayRef<int64_t> shape, int64_t axis, Value position) {
  AxisSlice slice;
  for (auto [d, size] : llvm::enumerate(shape)) {
    bool atAxis = static_cast<int64_t>(d) == axis;
    slice.offsets.push_back(atAxis ? OpFoldResult(position) : b.getIndexAttr(0));
    slice.sizes.push_back(b.getIndexAttr(atAxis ? 1 : size));
    slice.strides.push_back(b.getIndexAttr(1));
  }
  return slice;
}

/// The reassociation that drops the unit dimension `axis` of a rank-`rank` shape by joining it
/// to a neighbour. Spelled out rather than left to a rank-reducing slice: with several unit
/// dimensions, the canonicalizer may drop a different one than the lowering meant.
SmallVector<ReassociationIndices> dropAxis(int64_t rank, int64_t axis) {
  SmallVector<ReassociationIndices> groups;
  if (rank == 1)
    return groups;
  int64_t partner = axis > 0 ? axis - 1 : 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (d == axis)
      continue;
    if (d == partner)
      groups.push_back({std::min(d, axis), std::max(d, axis)});
    else
      groups.push_back({d});
  }
  return groups;
}

/// The slice of `tensor` at `position` along `axis`, without that dimension.
Value extractRow(OpBuilder &b, Location loc, Value tensor, int64_t axis, Value position) {
  auto type = cast<RankedTensorType>(tensor.getType());
  AxisSlice slice = sliceAt(b, type.getShape(), axis, position);
  Value unit =
      tensor::ExtractSliceOp::create(b, loc, tensor, slice.offsets, slice.sizes, slice.strides);
  auto rowType = RankedTensorType::get(rowShape(type.getShape(), axis), type.getElementType());
  return tensor::CollapseShapeOp::create(b, loc, rowType, unit, dropAxis(type.getRank(), axis));
}

/// `row` written into `tensor` at `position` along `axis`.
Value insertRow(OpBuilder &b, Location loc, Value row, Value tensor, int64_t axis, Value position) {
  auto type = cast<RankedTensorType>(tensor.getType());
  AxisSlice slice = sliceAt(b, type.getShape(), axis, position);
  SmallVector<int64_t> unitShape(type.getShape());
  unitShape[axis] = 1;
  Value unit =
      tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(unitShape, type.getElementType()),
                                    row, dropAxis(type.getRank(), axis));
  return tensor::InsertSliceOp::create(b, loc, unit, tensor, slice.offsets, slice.sizes,
                                       slice.strides);
}

/// `row` stored into `tensor` at `position` along `axis`, converted to the tensor's element type
/// (f32 sums to f16/bf16 results) by a generic over the unit slice itself: its result goes
/// straight into the insertion, where bufferization places it in the tensor's own row instead
/// of a buffer allocated inside the loop (which a CUDA entry cannot do).
Value storeRow(OpBuilder &b, Location loc, Value row, Value tensor, int64_t axis, Value position) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (cast<RankedTensorType>(row.getType()).getElementType() == type.getElementType())
    return insertRow(b, loc, row, tensor, axis, position);
  int64_t rank = type.getRank();
  AxisSlice slice = sliceAt(b, type.getShape(), axis, position);
  Value unit =
      tensor::ExtractSliceOp::create(b, loc, tensor, slice.offsets, slice.sizes, slice.strides);
  Value converted =
      linalg::GenericOp::create(
          b, loc, TypeRange{unit.getType()}, row, unit,
          SmallVector<AffineMap>{droppedAxesMap(rank, {axis}, b.getContext()),
                                 b.getMultiDimIdentityMap(rank)},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(nb, l, convertScalar(nb, l, args[0], type.getElementType()));
          })
          .getResult(0);
  return tensor::InsertSliceOp::create(b, loc, converted, tensor, slice.offsets, slice.sizes,
                                       slice.strides);
}

/// cumsum carries the running sum of the rows so far (in the compute type) through the loop.
/// Each step adds the next row to it in place and stores it (after the addition, or before it
/// when exclusive) as the result's row; `reverse` walks the axis from its end.
struct CumsumOpLowering : public OpRewritePattern<CumsumOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CumsumOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    // tensor.extract_slice has no offset into a dimension of size 0.
    if (type.getNumElements() == 0) {
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, type.getShape(), type.getElementType());
      return success();
    }
    int64_t axis = *normalizeAxis(op.getAxis(), type.getRank());
    Type element = type.getElementType(), acc = computeType(element);
    SmallVector<int64_t> row = rowShape(type.getShape(), axis);
    Value sumInit = buildFilled(rewriter, loc, row, cast<TypedAttr>(rewriter.getZeroAttr(acc)));
    Value resultInit = tensor::EmptyOp::create(rewriter, loc, type.getShape(), element);
    int64_t length = type.getDimSize(axis);
    bool isFloat = isa<FloatType>(acc), exclusive = op.getExclusive(), reverse = op.getReverse();
    Value input = op.getInput();

    auto constant = [&](OpBuilder &b, int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto loop = scf::ForOp::create(
        rewriter, loc, constant(rewriter, 0), constant(rewriter, length), constant(rewriter, 1),
        ValueRange{sumInit, resultInit},
        [&](OpBuilder &b, Location l, Value step, ValueRange carried) {
          Value position =
              reverse ? arith::SubIOp::create(b, l, constant(b, length - 1), step).getResult()
                      : step;
          Value sum = carried[0], result = carried[1];
          // Exclusive: the row is stored before this step's term is added, so that the
          // addition can update the sum in place.
          if (exclusive)
            result = storeRow(b, l, sum, result, axis, position);
          Value summed =
              linalg::GenericOp::create(
                  b, l, TypeRange{sum.getType()}, extractRow(b, l, input, axis, position),
                  ValueRange{sum}, SmallVector<AffineMap>(2, b.getMultiDimIdentityMap(row.size())),
                  SmallVector<utils::IteratorType>(row.size(), utils::IteratorType::parallel),
                  [&](OpBuilder &nb, Location nl, ValueRange args) {
                    Value x = convertScalar(nb, nl, args[0], acc);
                    Value next = isFloat ? arith::AddFOp::create(nb, nl, args[1], x).getResult()
                                         : arith::AddIOp::create(nb, nl, args[1], x).getResult();
                    linalg::YieldOp::create(nb, nl, next);
                  })
                  .getResult(0);
          if (!exclusive)
            result = storeRow(b, l, summed, result, axis, position);
          scf::YieldOp::create(b, l, ValueRange{summed, result});
        });
    rewriter.replaceOp(op, loop.getResult(1));
    return success();
  }
};

/// The order of top_k's results: whether (a, ai) comes before (b, bi). Values compare in the
/// compute type; NaN ranks above every number and equal values by ascending index.
Value ranksBefore(OpBuilder &b, Location loc, bool largest, Value a, Value ai, Value bv, Value bi) {
  Value firstIndex = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, ai, bi);
  Value before, same;
  if (isa<FloatType>(a.getType())) {
    Value aNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a, a);
    Value bNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, bv, bv);
    // Largest: a is NaN and b is not; smallest: b is NaN and a is not.
    Value nan = largest ? aNan : bNan, other = largest ? bNan : aNan;
    Value otherIsNumber =
        arith::XOrIOp::create(b, loc, other, arith::ConstantIntOp::create(b, loc, 1, 1));
    Value beyond = arith::AndIOp::create(b, loc, nan, otherIsNumber);
    Value ordered = arith::CmpFOp::create(
        b, loc, largest ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT, a, bv);
    before = arith::OrIOp::create(b, loc, beyond, ordered);
    same = arith::OrIOp::create(b, loc,
                                arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a, bv),
                                arith::AndIOp::create(b, loc, aNan, bNan));
  } else {
    before = arith::CmpIOp::create(
        b, loc, largest ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt, a, bv);
    same = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, bv);
  }
  return arith::OrIOp::create(b, loc, before, arith::AndIOp::create(b, loc, same, firstIndex));
}

/// A value that ranks before every element when paired with index -1: NaN among the largest
/// (NaN ranks first), -inf among the smallest, and the integers' extremes.
TypedAttr firstRanked(OpBuilder &b, Type acc, bool largest) {
  if (auto floatType = dyn_cast<FloatType>(acc))
    return largest ? b.getFloatAttr(acc, APFloat::getNaN(floatType.getFloatSemantics()))
                   : extremeValue(b, acc, /*lowest=*/true);
  return extremeValue(b, acc, /*lowest=*/!largest);
}

/// top_k as k selection passes. Pass j is one reduction over the axis that finds, among the
/// elements ranked after the one pass j - 1 chose, the first in rank order: the next value and
/// its index. The first pass starts after a sentinel that ranks before everything. This costs
/// k reads of the input, which suits the small k of classifiers and detection heads; sorting a
/// whole axis (k = n) would be quadratic.
struct TopKOpLowering : public OpRewritePattern<TopKOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TopKOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType valuesType = op.getValues().getType(), indicesType = op.getIndices().getType();
    if (valuesType.getNumElements() == 0) {
      rewriter.replaceOp(op, {tensor::EmptyOp::create(rewriter, loc, valuesType.getShape(),
                                                      valuesType.getElementType()),
                              tensor::EmptyOp::create(rewriter, loc, indicesType.getShape(),
                                                      indicesType.getElementType())});
      return success();
    }
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = inputType.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    Type element = inputType.getElementType(), acc = computeType(element);
    Type index = rewriter.getI64Type();
    bool largest = op.getLargest();
    SmallVector<int64_t> row = rowShape(inputType.getShape(), axis);
    auto rowOf = [&](Type t) { return RankedTensorType::get(row, t); };

    Value valuesInit = tensor::EmptyOp::create(rewriter, loc, valuesType.getShape(), element);
    Value indicesInit = tensor::EmptyOp::create(rewriter, loc, indicesType.getShape(), index);
    Value previousInit = buildFilled(rewriter, loc, row, firstRanked(rewriter, acc, largest));
    Value noIndex = buildFilled(rewriter, loc, row, rewriter.getI64IntegerAttr(-1));

    AffineMap rowMap = droppedAxesMap(rank, {axis}, getContext());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank), rowMap, rowMap, rowMap,
                                   rowMap};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;

    auto constant = [&](OpBuilder &b, int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    // Every row the passes write is carried through the loop, so that each pass works in place.
    Value bestInit = tensor::EmptyOp::create(rewriter, loc, row, acc);
    Value bestIndexInit = tensor::EmptyOp::create(rewriter, loc, row, index);
    auto loop = scf::ForOp::create(
        rewriter, loc, constant(rewriter, 0), constant(rewriter, op.getK()), constant(rewriter, 1),
        ValueRange{valuesInit, indicesInit, previousInit, noIndex, bestInit, bestIndexInit},
        [&](OpBuilder &b, Location l, Value step, ValueRange carried) {
          Value noBest =
              linalg::FillOp::create(
                  b, l, arith::ConstantOp::create(b, l, firstRanked(b, acc, largest)).getResult(),
                  carried[4])
                  .getResult(0);
          Value noBestIndex =
              linalg::FillOp::create(
                  b, l, arith::ConstantOp::create(b, l, b.getI64IntegerAttr(-1)).getResult(),
                  carried[5])
                  .getResult(0);
          auto pass = linalg::GenericOp::create(
              b, l, TypeRange{rowOf(acc), rowOf(index)},
              ValueRange{op.getInput(), carried[2], carried[3]}, ValueRange{noBest, noBestIndex},
              maps, iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
                Value x = convertScalar(nb, nl, args[0], acc);
                Value position = arith::IndexCastOp::create(nb, nl, index,
                                                            linalg::IndexOp::create(nb, nl, axis));
                Value best = args[3], bestIndex = args[4];
                Value eligible = ranksBefore(nb, nl, largest, args[1], args[2], x, position);
                Value none = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, bestIndex,
                                                   arith::ConstantIntOp::create(nb, nl, index, 0));
                Value better = arith::OrIOp::create(
                    nb, nl, none, ranksBefore(nb, nl, largest, x, position, best, bestIndex));
                Value take = arith::AndIOp::create(nb, nl, eligible, better);
                linalg::YieldOp::create(
                    nb, nl,
                    ValueRange{arith::SelectOp::create(nb, nl, take, x, best),
                               arith::SelectOp::create(nb, nl, take, position, bestIndex)});
              });
          Value best = pass.getResult(0), bestIndex = pass.getResult(1);
          Value values = storeRow(b, l, best, carried[0], axis, step);
          Value indices = insertRow(b, l, bestIndex, carried[1], axis, step);
          // The choice becomes the next pass's start.
          Value previous = linalg::CopyOp::create(b, l, best, carried[2]).getResult(0);
          Value previousIndex = linalg::CopyOp::create(b, l, bestIndex, carried[3]).getResult(0);
          scf::YieldOp::create(
              b, l, ValueRange{values, indices, previous, previousIndex, best, bestIndex});
        });
    rewriter.replaceOp(op, {loop.getResult(0), loop.getResult(1)});
    return success();
  }
};

} // namespace

void populateScanToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CumsumOpLowering, TopKOpLowering>(patterns.getContext());
}

} // namespace kiln
