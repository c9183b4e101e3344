//===- KilnShapeOps.cpp - transpose, reshape, broadcast_to, concat, ... -===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

//===----------------------------------------------------------------------===//
// TransposeOp, ReshapeOp, BroadcastToOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::verify() {
  auto input = tensorType(getInput());
  ArrayRef<int64_t> perm = getPermutation();
  if (static_cast<int64_t>(perm.size()) != input.getRank())
    return emitOpError() << "permutation has " << perm.size() << " entries but the input has rank "
                         << input.getRank();
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank())
      return emitOpError() << "permutation entry " << p << " is out of range [0, "
                           << input.getRank() << ")";
    if (seen[p])
      return emitOpError() << "permutation entry " << p << " is repeated";
    seen[p] = true;
    shape.push_back(input.getDimSize(p));
  }
  return verifyResultType(*this, tensorType(getResult()), shape, input.getElementType());
}

/// The elements of `dense` with their dimensions permuted as `kiln.transpose` does.
static DenseElementsAttr transposeElements(DenseElementsAttr dense, RankedTensorType resultType,
                                           ArrayRef<int64_t> perm) {
  if (dense.isSplat())
    return dense.resizeSplat(resultType);
  ArrayRef<int64_t> inputShape = dense.getType().getShape();
  SmallVector<int64_t> inputStrides(inputShape.size(), 1);
  for (int64_t d = static_cast<int64_t>(inputShape.size()) - 2; d >= 0; --d)
    inputStrides[d] = inputStrides[d + 1] * inputShape[d + 1];
  // The input offset of each result element, in the result's row-major order.
  SmallVector<int64_t> sourceOffsets;
  sourceOffsets.reserve(dense.getNumElements());
  SmallVector<int64_t> index(perm.size(), 0);
  ArrayRef<int64_t> resultShape = resultType.getShape();
  for (int64_t n = 0, e = dense.getNumElements(); n < e; ++n) {
    int64_t offset = 0;
    for (auto [d, i] : llvm::enumerate(index))
      offset += i * inputStrides[perm[d]];
    sourceOffsets.push_back(offset);
    for (int64_t d = static_cast<int64_t>(index.size()) - 1; d >= 0; --d) {
      if (++index[d] < resultShape[d])
        break;
      index[d] = 0;
    }
  }
  Type element = dense.getElementType();
  if (element.isInteger(1)) {
    auto values = llvm::to_vector(dense.getValues<bool>());
    SmallVector<bool> permuted;
    for (int64_t offset : sourceOffsets)
      permuted.push_back(values[offset]);
    return DenseElementsAttr::get(resultType, permuted);
  }
  // Every other Kiln element type is a whole number of bytes, stored densely.
  size_t bytes = element.getIntOrFloatBitWidth() / 8;
  ArrayRef<char> raw = dense.getRawData();
  SmallVector<char> permuted;
  permuted.reserve(raw.size());
  for (int64_t offset : sourceOffsets)
    permuted.append(raw.begin() + offset * bytes, raw.begin() + (offset + 1) * bytes);
  return DenseElementsAttr::getFromRawBuffer(resultType, permuted);
}

/// Constants up to this many elements are transposed at build time; a larger one stays a
/// kiln.transpose, which costs one pass over it per call but keeps the build's memory bounded.
static constexpr int64_t kMaxFoldedTransposeElements = 1 << 20;

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getInput();
  // transpose(transpose(x, inner), perm) reads x[inner[perm[i]]]: one transpose.
  if (auto producer = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(producer.getPermutation()[p]);
    getInputMutable().assign(producer.getInput());
    setPermutation(composed);
    if (llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())))
      return getInput();
    return getResult();
  }
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
      dense && (dense.isSplat() || dense.getNumElements() <= kMaxFoldedTransposeElements))
    return transposeElements(dense, getType(), perm);
  return {};
}

namespace {
/// A transpose that moves only dimensions of size 1 keeps the row-major order of the elements:
/// it is a reshape, which costs nothing once lowered (a view), where a transpose copies.
struct TransposeOfUnitDimsToReshape : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op, PatternRewriter &rewriter) const override {
    if (!movesOnlyUnitDims(tensorType(op.getInput()).getShape(), op.getPermutation()))
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getInput());
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<TransposeOfUnitDimsToReshape>(context);
}

LogicalResult ReshapeOp::verify() {
  auto input = tensorType(getInput()), result = tensorType(getResult());
  if (input.getElementType() != result.getElementType())
    return emitOpError() << "element types must match, got " << input.getElementType() << " and "
                         << result.getElementType();
  if (input.getNumElements() != result.getNumElements())
    return emitOpError() << "cannot reshape " << formatShape(input.getShape()) << " ("
                         << input.getNumElements() << " elements) into "
                         << formatShape(result.getShape()) << " (" << result.getNumElements()
                         << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    if (getInput().getType() == getType())
      return getInput();
    return getResult();
  }
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

LogicalResult BroadcastToOp::verify() {
  auto input = tensorType(getInput()), result = tensorType(getResult());
  if (input.getElementType() != result.getElementType())
    return emitOpError() << "element types must match, got " << input.getElementType() << " and "
                         << result.getElementType();
  auto shape = broadcastShapes(input.getShape(), result.getShape());
  if (input.getRank() > result.getRank() || !shape ||
      ArrayRef<int64_t>(*shape) != result.getShape())
    return emitOpError() << "cannot broadcast " << formatShape(input.getShape()) << " to "
                         << formatShape(result.getShape());
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
      dense && dense.isSplat())
    return SplatElementsAttr::get(getType(), dense.getSplatValue<Attribute>());
  return {};
}

//===----------------------------------------------------------------------===//
// ConcatOp, SliceOp, PadOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "expects at least one input";
  auto first = tensorType(getInputs().front());
  auto axis = verifyAxis(*this, getAxis(), first.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (auto [i, value] : llvm::enumerate(getInputs())) {
    auto type = tensorType(value);
    if (type.getElementType() != first.getElementType())
      return emitOpError() << "input " << i << " has element type " << type.getElementType()
                           << ", expected " << first.getElementType();
    bool sameRank = type.getRank() == first.getRank();
    for (int64_t d = 0; sameRank && d < first.getRank(); ++d)
      if (d != *axis && type.getDimSize(d) != first.getDimSize(d))
        sameRank = false;
    if (!sameRank)
      return emitOpError() << "input " << i << " has shape " << formatShape(type.getShape())
                           << ", which differs from input 0's " << formatShape(first.getShape())
                           << " outside axis " << *axis;
    shape[*axis] += type.getDimSize(*axis);
  }
  return verifyResultType(*this, tensorType(getResult()), shape, first.getElementType());
}

LogicalResult SliceOp::verify() {
  auto input = tensorType(getInput());
  size_t rank = input.getRank();
  SmallVector<int64_t> strides = getStridesOrOnes();
  if (failed(verifyArrayAttr(*this, "starts", getStarts(), rank, 0)) ||
      failed(verifyArrayAttr(*this, "limits", getLimits(), rank, 0)) ||
      failed(verifyArrayAttr(*this, "strides", strides, rank, 1)))
    return failure();
  SmallVector<int64_t> shape;
  for (size_t d = 0; d < rank; ++d) {
    int64_t start = getStarts()[d], limit = getLimits()[d], size = input.getDimSize(d);
    if (start > limit || limit > size)
      return emitOpError() << "dimension " << d << " expects 0 <= start <= limit <= " << size
                           << ", got start " << start << " and limit " << limit;
    shape.push_back(stridedCount(start, limit, strides[d]));
  }
  return verifyResultType(*this, tensorType(getResult()), shape, input.getElementType());
}

LogicalResult PadOp::verify() {
  auto input = tensorType(getInput());
  size_t rank = input.getRank();
  if (failed(verifyArrayAttr(*this, "low", getLow(), rank, 0)) ||
      failed(verifyArrayAttr(*this, "high", getHigh(), rank, 0)))
    return failure();
  if (auto value = getValueAttr();
      value && failed(verifyScalarAttr(*this, "value", value, input.getElementType())))
    return failure();
  SmallVector<int64_t> shape;
  for (size_t d = 0; d < rank; ++d)
    shape.push_back(input.getDimSize(d) + getLow()[d] + getHigh()[d]);
  return verifyResultType(*this, tensorType(getResult()), shape, input.getElementType());
}

LogicalResult IotaOp::verify() {
  auto result = tensorType(getResult());
  if (result.getElementType().isInteger(1))
    return emitOpError() << "does not produce i1 (positions are numbers)";
  return verifyAxis(*this, getAxis(), result.getRank());
}
