//===- Matmul.cpp - kiln.matmul to linalg.matmul / linalg.generic ---------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace kiln {
namespace {

/// The type products are summed in: f32 for f16/bf16, the result type otherwise (i32 for
/// i8 x i8).
Type accumulatorType(RankedTensorType result) { return computeType(result.getElementType()); }

Value zeroFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type type) {
  return buildFilled(b, loc, shape, cast<TypedAttr>(b.getZeroAttr(type)));
}

/// Batched matmul with broadcast batch dimensions as one generic over (batch..., m, n, k).
Value buildBatchedMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         RankedTensorType accType) {
  MLIRContext *ctx = b.getContext();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t rank = accType.getRank(), loops = rank + 1;
  ArrayRef<int64_t> batch = accType.getShape().drop_back(2);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  auto operandMap = [&](RankedTensorType type, AffineExpr row, AffineExpr col) {
    // Batch dims align to the right of the result's batch dims; size-1 dims broadcast.
    AffineMap batchMap = broadcastMap(batch, type.getShape().drop_back(2), ctx);
    SmallVector<AffineExpr> exprs(batchMap.getResults());
    exprs.push_back(row);
    exprs.push_back(col);
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  AffineExpr m = d(rank - 2), n = d(rank - 1), k = d(rank);
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < rank; ++i)
    outExprs.push_back(d(i));
  SmallVector<AffineMap> maps = {operandMap(lhsType, m, k), operandMap(rhsType, k, n),
                                 AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);

  Type acc = accType.getElementType();
  Value init = zeroFilled(b, loc, accType.getShape(), acc);
  auto generic = linalg::GenericOp::create(
      b, loc, accType, ValueRange{lhs, rhs}, init, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value x = convertScalar(nb, nl, args[0], acc), y = convertScalar(nb, nl, args[1], acc);
        Value sum =
            isa<FloatType>(acc)
                ? Value(arith::AddFOp::create(nb, nl, args[2], arith::MulFOp::create(nb, nl, x, y)))
                : Value(
                      arith::AddIOp::create(nb, nl, args[2], arith::MulIOp::create(nb, nl, x, y)));
        linalg::YieldOp::create(nb, nl, sum);
      });
  return generic.getResult(0);
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

/// The batch dims of `type` aligned to the right of `batchRank` dims, padded with 1s.
SmallVector<int64_t> paddedBatch(RankedTensorType type, size_t batchRank) {
  ArrayRef<int64_t> own = type.getShape().drop_back(2);
  SmallVector<int64_t> dims(batchRank - own.size(), 1);
  llvm::append_range(dims, own);
  return dims;
}

/// A batched matmul as named matmuls where no operand is broadcast against the other's batch,
/// which kiln-packed-matmul turns into packed kernels: one 2-D matmul over all the rows of the
/// batch when the rhs has no batch (activations times shared weights), else one batch_matmul
/// over the flattened batch. Null when an operand is broadcast.
Value buildNamedBatchedMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                              RankedTensorType accType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  ArrayRef<int64_t> batch = accType.getShape().drop_back(2);
  int64_t m = accType.getDimSize(accType.getRank() - 2), n = accType.getShape().back();
  int64_t k = lhsType.getShape().back(), count = product(batch);
  Type acc = accType.getElementType();
  SmallVector<int64_t> lhsBatch = paddedBatch(lhsType, batch.size());
  SmallVector<int64_t> rhsBatch = paddedBatch(rhsType, batch.size());
  if (ArrayRef<int64_t>(lhsBatch) != batch)
    return nullptr;
  auto reshape = [&](Value v, ArrayRef<int64_t> shape, Type element) {
    return reshapeTensor(b, loc, v, RankedTensorType::get(shape, element));
  };
  Value flat;
  if (product(rhsBatch) == 1) {
    Value rows = reshape(lhs, {count * m, k}, lhsType.getElementType());
    Value weights = reshape(rhs, {k, n}, rhsType.getElementType());
    Value init = zeroFilled(b, loc, {count * m, n}, acc);
    flat =
        linalg::MatmulOp::create(b, loc, ValueRange{rows, weights}, ValueRange{init}).getResult(0);
  } else if (ArrayRef<int64_t>(rhsBatch) == batch) {
    Value lhs3 = reshape(lhs, {count, m, k}, lhsType.getElementType());
    Value rhs3 = reshape(rhs, {count, k, n}, rhsType.getElementType());
    Value init = zeroFilled(b, loc, {count, m, n}, acc);
    flat = linalg::BatchMatmulOp::create(b, loc, ValueRange{lhs3, rhs3}, ValueRange{init})
               .getResult(0);
  } else {
    return nullptr;
  }
  return reshapeTensor(b, loc, flat, accType);
}

/// The matrix that `v` transposes (a kiln.transpose of a 2-D tensor), else null.
Value transposedMatrix(Value v) {
  auto transpose = v.getDefiningOp<TransposeOp>();
  if (!transpose || transpose.getPermutation() != ArrayRef<int64_t>{1, 0})
    return nullptr;
  return transpose.getInput();
}

/// A 2-D matmul; with `foldTransposes`, an operand that is a transposed matrix is read through
/// the matmul's indexing map instead (A^T B, A B^T), which kiln-packed-matmul packs directly.
Value build2DMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs, RankedTensorType accType,
                    bool foldTransposes) {
  MLIRContext *ctx = b.getContext();
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  SmallVector<NamedAttribute> attrs;
  Value lhsT = foldTransposes ? transposedMatrix(lhs) : Value();
  Value rhsT = foldTransposes ? transposedMatrix(rhs) : Value();
  if (lhsT || rhsT) {
    auto map = [&](AffineExpr row, AffineExpr col) {
      return AffineMapAttr::get(AffineMap::get(3, 0, {row, col}, ctx));
    };
    SmallVector<Attribute> maps = {lhsT ? map(k, m) : map(m, k), rhsT ? map(n, k) : map(k, n),
                                   map(m, n)};
    attrs.push_back(b.getNamedAttr("indexing_maps", b.getArrayAttr(maps)));
  }
  // linalg.matmul sign-extends or float-extends its inputs to the accumulator type.
  Value init = zeroFilled(b, loc, accType.getShape(), accType.getElementType());
  return linalg::MatmulOp::create(b, loc, TypeRange{accType},
                                  ValueRange{lhsT ? lhsT : lhs, rhsT ? rhsT : rhs},
                                  ValueRange{init}, attrs)
      .getResult(0);
}

struct MatmulOpLowering : public OpRewritePattern<MatmulOp> {
  MatmulOpLowering(MLIRContext *ctx, bool foldTransposes)
      : OpRewritePattern(ctx), foldTransposes(foldTransposes) {}

  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    auto accType = RankedTensorType::get(resultType.getShape(), accumulatorType(resultType));
    Value product;
    if (resultType.getRank() == 2) {
      product = build2DMatmul(rewriter, loc, op.getLhs(), op.getRhs(), accType, foldTransposes);
    } else {
      product = buildNamedBatchedMatmul(rewriter, loc, op.getLhs(), op.getRhs(), accType);
      if (!product)
        product = buildBatchedMatmul(rewriter, loc, op.getLhs(), op.getRhs(), accType);
    }
    if (accType != resultType)
      product = buildParallelGeneric(
          rewriter, loc, resultType, product, {rewriter.getMultiDimIdentityMap(accType.getRank())},
          [&](OpBuilder &b, Location l, ValueRange args) {
            return convertScalar(b, l, args[0], resultType.getElementType());
          });
    rewriter.replaceOp(op, product);
    return success();
  }

  bool foldTransposes;
};

} // namespace

void populateMatmulToLinalgPatterns(RewritePatternSet &patterns, bool foldTransposes) {
  patterns.add<MatmulOpLowering>(patterns.getContext(), foldTransposes);
}

} // namespace kiln
