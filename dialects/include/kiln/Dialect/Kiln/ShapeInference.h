//===- ShapeInference.h - NumPy shape rules shared by verifiers and lowerings -===//
#ifndef KILN_DIALECT_KILN_SHAPEINFERENCE_H
#define KILN_DIALECT_KILN_SHAPEINFERENCE_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>

namespace kiln {

/// The NumPy broadcast of two shapes, or nullopt if they are incompatible.
std::optional<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                          llvm::ArrayRef<int64_t> b);

/// Normalizes `axis` (negative counts from the end) against `rank`; nullopt if out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// The shape of a reduction of `shape` over the (normalized, distinct) `axes`.
llvm::SmallVector<int64_t> reducedShape(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> axes,
                                        bool keepDims);

/// The shape of kiln.gather's result: `input[:axis] + indices + input[axis + 1:]` (`axis`
/// normalized).
llvm::SmallVector<int64_t> gatheredShape(llvm::ArrayRef<int64_t> input,
                                         llvm::ArrayRef<int64_t> indices, int64_t axis);

/// Whether transposing `shape` by `perm` keeps the order of the dimensions larger than 1, so
/// that the elements keep their row-major order: the transpose is a reshape.
bool movesOnlyUnitDims(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> perm);

/// Number of positions of a window of `window` elements spread by `dilation`, moved by `stride`
/// over `size` elements padded by `padLow` and `padHigh`; nullopt when not even one fits.
std::optional<int64_t> windowedSize(int64_t size, int64_t padLow, int64_t padHigh, int64_t window,
                                    int64_t stride, int64_t dilation);

/// Number of positions of conv_transpose2d's result along an axis of `size` input positions
/// spread by `stride`, with a window of `window` spread by `dilation`, cropped by `padLow` and
/// `padHigh` (negative values extend it); nullopt unless it is between 1 and kMaxTensorBytes.
std::optional<int64_t> transposedWindowedSize(int64_t size, int64_t padLow, int64_t padHigh,
                                              int64_t window, int64_t stride, int64_t dilation);
/// Elements of the range [start, limit) taken with `stride` >= 1.
inline int64_t stridedCount(int64_t start, int64_t limit, int64_t stride) {
  return limit <= start ? 0 : (limit - start + stride - 1) / stride;
}

/// "3x4" for diagnostics; "scalar" for rank 0.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// The largest tensor Kiln accepts, in bytes (and so in elements): 2^62. No machine holds
/// such a buffer, and every size and offset the generated code computes from it (element
/// counts, byte offsets, sums of two of them) stays exact in int64.
constexpr uint64_t kMaxTensorBytes = uint64_t(1) << 62;

/// Number of bytes of a tensor, or nullopt when it exceeds kMaxTensorBytes.
std::optional<int64_t> byteSize(mlir::ShapedType type);

} // namespace kiln

#endif
