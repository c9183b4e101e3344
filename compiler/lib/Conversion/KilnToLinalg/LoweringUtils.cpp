//===- LoweringUtils.cpp - Builders shared by the Kiln-to-linalg lowerings -===//
#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace kiln {

AffineMap broadcastMap(ArrayRef<int64_t> resultShape, ArrayRef<int64_t> operandShape,
                       MLIRContext *ctx) {
  int64_t offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, dim] : llvm::enumerate(operandShape)) {
    bool broadcast = dim == 1 && resultShape[offset + i] != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, ctx) : getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

Value buildParallelGeneric(OpBuilder &b, Location loc, RankedTensorType resultType,
                           ValueRange inputs, ArrayRef<AffineMap> maps, ScalarBodyFn body) {
  SmallVector<AffineMap> indexingMaps(maps.begin(), maps.end());
  indexingMaps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iterators(resultType.getRank(), utils::IteratorType::parallel);
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(), resultType.getElementType());
  auto generic =
      linalg::GenericOp::create(b, loc, resultType, inputs, init, indexingMaps, iterators,
                                [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
                                  Value v = body(nested, nestedLoc, args.drop_back());
                                  linalg::YieldOp::create(nested, nestedLoc, v);
                                });
  return generic.getResult(0);
}

Value buildBroadcastingGeneric(OpBuilder &b, Location loc, RankedTensorType resultType,
                               ValueRange inputs, ScalarBodyFn body) {
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(
        resultType.getShape(), cast<RankedTensorType>(input.getType()).getShape(), b.getContext()));
  return buildParallelGeneric(b, loc, resultType, inputs, maps, body);
}

AffineMap droppedAxesMap(int64_t rank, ArrayRef<int64_t> axes, MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (!llvm::is_contained(axes, i))
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value buildFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, TypedAttr value) {
  Value init = arith::ConstantOp::create(b, loc, value);
  Value empty = tensor::EmptyOp::create(b, loc, shape, value.getType());
  return linalg::FillOp::create(b, loc, init, empty).getResult(0);
}

TypedAttr extremeValue(OpBuilder &b, Type type, bool lowest) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.getFloatAttr(type, APFloat::getInf(floatType.getFloatSemantics(), lowest));
  unsigned bits = type.getIntOrFloatBitWidth();
  if (type.isInteger(1))
    return b.getIntegerAttr(type, lowest ? 0 : 1);
  return b.getIntegerAttr(type,
                          lowest ? APInt::getSignedMinValue(bits) : APInt::getSignedMaxValue(bits));
}

Value buildReduction(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Type accType,
                     TypedAttr init, ScalarBodyFn combine) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i)
    if (!llvm::is_contained(axes, i))
      shape.push_back(inputType.getDimSize(i));
  auto resultType = RankedTensorType::get(shape, accType);

  Value filled = buildFilled(b, loc, shape, init);

  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i)
    iterators.push_back(llvm::is_contained(axes, i) ? utils::IteratorType::reduction
                                                    : utils::IteratorType::parallel);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 droppedAxesMap(rank, axes, b.getContext())};
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, input, filled, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value element = convertScalar(nested, nestedLoc, args[0], accType);
        linalg::YieldOp::create(nested, nestedLoc, combine(nested, nestedLoc, {element, args[1]}));
      });
  return generic.getResult(0);
}

Value reshapeTensor(OpBuilder &b, Location loc, Value value, RankedTensorType type) {
  auto source = cast<RankedTensorType>(value.getType());
  if (source == type)
    return value;
  // A one-element tensor and a scalar tensor convert with an empty reassociation.
  if (source.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, type, value, ArrayRef<ReassociationIndices>{});
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, value, ArrayRef<ReassociationIndices>{});
  // Otherwise through rank 1, which every pair of equal-size shapes collapses to and expands from.
  auto allDims = [](int64_t rank) {
    return SmallVector<ReassociationIndices>{llvm::to_vector(llvm::seq<int64_t>(0, rank))};
  };
  auto flat = RankedTensorType::get({source.getNumElements()}, source.getElementType());
  Value collapsed =
      source.getRank() == 1
          ? value
          : tensor::CollapseShapeOp::create(b, loc, flat, value, allDims(source.getRank()))
                .getResult();
  if (type.getRank() == 1)
    return collapsed;
  return tensor::ExpandShapeOp::create(b, loc, type, collapsed, allDims(type.getRank()));
}

Type computeType(Type elementType) {
  if (elementType.isF16() || elementType.isBF16())
    return Float32Type::get(elementType.getContext());
  return elementType;
}

Value convertScalar(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (fromFloat && toFloat)
    return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
               ? Value(arith::ExtFOp::create(b, loc, to, value))
               : Value(arith::TruncFOp::create(b, loc, to, value));
  if (!fromFloat && !toFloat)
    return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
               ? Value(arith::ExtSIOp::create(b, loc, to, value))
               : Value(arith::TruncIOp::create(b, loc, to, value));
  if (!fromFloat)
    return arith::SIToFPOp::create(b, loc, to, value);
  return arith::FPToSIOp::create(b, loc, to, value);
}

} // namespace kiln
