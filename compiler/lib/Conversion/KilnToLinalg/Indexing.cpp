//===- Indexing.cpp - Kiln gathers and iota to linalg.generic -------------===//
//
// Both gathers are parallel generics over the result that read their index operand through an
// indexing map and the gathered tensor with tensor.extract (a load after bufferization), so
// they lower to plain loops on the CPU and one thread per element on GPUs. An out-of-range
// index reads element 0 and yields zero, so no access leaves the tensor whatever the caller
// passes (docs/language.md). iota is a generic of the positions themselves.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln {
namespace {

/// A position along a dimension of `size`, normalized from an index element, and whether it
/// lies inside; an index outside [-size, size) gives position 0.
struct Position {
  Value at;
  Value inRange;
};

Position normalizeIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value n = arith::ConstantIndexOp::create(b, loc, size);
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
  Value wrapped = arith::SelectOp::create(b, loc, negative, arith::AddIOp::create(b, loc, i, n), i);
  // Unsigned, so that an index below -size (still negative after wrapping) is out of range.
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, wrapped, n);
  return {arith::SelectOp::create(b, loc, inRange, wrapped, zero), inRange};
}

/// input[coordinates] where `position` is in range, else zero.
Value extractOrZero(OpBuilder &b, Location loc, Value input, ValueRange coordinates,
                    Value inRange) {
  Value element = tensor::ExtractOp::create(b, loc, input, coordinates);
  Value zero = arith::ConstantOp::create(b, loc, cast<TypedAttr>(b.getZeroAttr(element.getType())));
  return arith::SelectOp::create(b, loc, inRange, element, zero);
}

/// Every index of an empty input is out of range; the generics below would still read
/// element 0 of it.
bool replaceEmptyInputByZeros(Operation *op, Value input, PatternRewriter &rewriter) {
  if (cast<RankedTensorType>(input.getType()).getNumElements() != 0)
    return false;
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  rewriter.replaceOp(op, buildFilled(rewriter, op->getLoc(), type.getShape(),
                                     cast<TypedAttr>(rewriter.getZeroAttr(type.getElementType()))));
  return true;
}

/// The result dims [axis, axis + indexRank) iterate over the indices; the others over the input
/// dims before and after `axis`.
struct GatherOpLowering : public OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op, PatternRewriter &rewriter) const override {
    if (replaceEmptyInputByZeros(op, op.getInput(), rewriter))
      return success();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t axis = *normalizeAxis(op.getAxis(), inputType.getRank());
    int64_t indexRank = indicesType.getRank();
    RankedTensorType resultType = op.getType();
    AffineMap indicesMap = AffineMap::getMultiDimIdentityMap(resultType.getRank(), getContext())
                               .getSliceMap(axis, indexRank);
    Value input = op.getInput();
    int64_t size = inputType.getDimSize(axis);
    rewriter.replaceOp(op, buildParallelGeneric(
                               rewriter, op.getLoc(), resultType, op.getIndices(), indicesMap,
                               [&](OpBuilder &b, Location loc, ValueRange args) {
                                 Position position = normalizeIndex(b, loc, args[0], size);
                                 SmallVector<Value> coordinates;
                                 for (int64_t d = 0; d < axis; ++d)
                                   coordinates.push_back(linalg::IndexOp::create(b, loc, d));
                                 coordinates.push_back(position.at);
                                 for (int64_t d = axis + indexRank; d < resultType.getRank(); ++d)
                                   coordinates.push_back(linalg::IndexOp::create(b, loc, d));
                                 return extractOrZero(b, loc, input, coordinates, position.inRange);
                               }));
    return success();
  }
};

struct GatherElementsOpLowering : public OpRewritePattern<GatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherElementsOp op, PatternRewriter &rewriter) const override {
    if (replaceEmptyInputByZeros(op, op.getInput(), rewriter))
      return success();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = inputType.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    Value input = op.getInput();
    int64_t size = inputType.getDimSize(axis);
    rewriter.replaceOp(op, buildParallelGeneric(
                               rewriter, op.getLoc(), op.getType(), op.getIndices(),
                               rewriter.getMultiDimIdentityMap(rank),
                               [&](OpBuilder &b, Location loc, ValueRange args) {
                                 Position position = normalizeIndex(b, loc, args[0], size);
                                 SmallVector<Value> coordinates;
                                 for (int64_t d = 0; d < rank; ++d)
                                   coordinates.push_back(d == axis
                                                             ? position.at
                                                             : linalg::IndexOp::create(b, loc, d));
                                 return extractOrZero(b, loc, input, coordinates, position.inRange);
                               }));
    return success();
  }
};

/// iota as a generic that converts each element's position along the axis.
struct IotaOpLowering : public OpRewritePattern<IotaOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(IotaOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    int64_t axis = *normalizeAxis(op.getAxis(), type.getRank());
    Value result = buildParallelGeneric(
        rewriter, op.getLoc(), type, ValueRange{}, {}, [&](OpBuilder &b, Location l, ValueRange) {
          Value position =
              arith::IndexCastOp::create(b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          return convertScalar(b, l, position, type.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateIndexingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherOpLowering, GatherElementsOpLowering, IotaOpLowering>(patterns.getContext());
}

} // namespace kiln
