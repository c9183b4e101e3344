//===- KilnShapeOps.cpp - transpose, reshape, broadcast_to, concat, ... -===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

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

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (llvm::equal(getPermutation(), llvm::seq<int64_t>(0, getPermutation().size())))
    return getInput();
  return {};
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
