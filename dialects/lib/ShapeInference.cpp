//===- ShapeInference.cpp - NumPy shape rules -----------------------------===//
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace llvm;

namespace kiln {

std::optional<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    result[i] = da == 1 ? db : da;
  }
  return result;
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

bool movesOnlyUnitDims(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm) {
  int64_t lastMoved = -1;
  for (int64_t p : perm) {
    if (shape[p] == 1)
      continue;
    if (p < lastMoved)
      return false;
    lastMoved = p;
  }
  return true;
}

SmallVector<int64_t> reducedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes, bool keepDims) {
  SmallVector<int64_t> result;
  for (auto [i, dim] : enumerate(shape)) {
    if (!is_contained(axes, static_cast<int64_t>(i)))
      result.push_back(dim);
    else if (keepDims)
      result.push_back(1);
  }
  return result;
}

SmallVector<int64_t> gatheredShape(ArrayRef<int64_t> input, ArrayRef<int64_t> indices,
                                   int64_t axis) {
  SmallVector<int64_t> result(input.take_front(axis));
  llvm::append_range(result, indices);
  llvm::append_range(result, input.drop_front(axis + 1));
  return result;
}

std::optional<int64_t> windowedSize(int64_t size, int64_t padLow, int64_t padHigh, int64_t window,
                                    int64_t stride, int64_t dilation) {
  int64_t span = dilation * (window - 1) + 1;
  int64_t padded = size + padLow + padHigh;
  if (padded < span)
    return std::nullopt;
  return (padded - span) / stride + 1;
}

std::optional<int64_t> transposedWindowedSize(int64_t size, int64_t padLow, int64_t padHigh,
                                              int64_t window, int64_t stride, int64_t dilation) {
  // In 128 bits: the attributes are arbitrary int64 values.
  __int128 full =
      static_cast<__int128>(size - 1) * stride + static_cast<__int128>(dilation) * (window - 1) + 1;
  __int128 result = full - padLow - padHigh;
  if (size < 1 || result < 1 || result > static_cast<__int128>(kMaxTensorBytes))
    return std::nullopt;
  return static_cast<int64_t>(result);
}

std::string formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (auto [i, dim] : enumerate(shape))
    s += (i ? "x" : "") + std::to_string(dim);
  return s;
}

std::optional<int64_t> byteSize(mlir::ShapedType type) {
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  uint64_t bytes = std::max(1u, bits / 8);
  for (int64_t dim : type.getShape()) {
    if (dim < 0)
      return std::nullopt;
    if (dim != 0 && bytes > kMaxTensorBytes / static_cast<uint64_t>(dim))
      return std::nullopt;
    bytes *= dim;
  }
  return static_cast<int64_t>(bytes);
}

} // namespace kiln
