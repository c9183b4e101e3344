//===- ZeroFill.h - Fills of zeros that a kernel can start from instead ---===//
//
// Also the zero-padded copies that a kernel can read through instead: a buffer filled with
// zeros and given a copy of its input in its interior, which a convolution over the padded
// input reads.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TRANSFORMS_ZEROFILL_H
#define KILN_COMPILER_TRANSFORMS_ZEROFILL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace kiln {

/// The linalg.fill of zeros that writes `buffer` just before `op`, with nothing in between
/// that touches memory: a kernel that accumulates into `buffer` can start from zero
/// accumulators and drop the fill.
mlir::linalg::FillOp findZeroFill(mlir::Operation *op, mlir::Value buffer);

/// Whether the ops strictly between `first` and `last` (same block) leave `buffer` as it is:
/// pure ops, allocations, and fills of other buffers when one of the two is an allocation (a
/// kernel's own zero output, or a result computed in its out-parameter), so that
/// a kernel at `last` may read `buffer` as `first` left it.
bool leavesUnwritten(mlir::Operation *first, mlir::Operation *last, mlir::Value buffer);

/// Whether `op` sets all of `buffer` to zero: a linalg.fill of zero, or the linalg.map without
/// inputs that yields zero, which a tensor.pad bufferizes to.
bool isZeroFill(mlir::Operation *op, mlir::Value buffer);

/// Whether `value` is an f32 buffer of static shape and identity layout, of rank `rank` when
/// it is not negative: what the kernels that read buffers by flat offsets accept.
bool isStaticF32Buffer(mlir::Value value, int64_t rank = -1);

/// Where a kernel reads its input instead of its zero-padded copy: `source` (N x height x
/// width x C) stands at (top, left) of the padded buffer, which is zero elsewhere.
struct InputWindow {
  mlir::Value source;
  int64_t top = 0, left = 0;
  int64_t height, width;
};

/// The unpadded input behind `padded` (a 4-D NHWC buffer), when `padded` holds nothing but
/// zeros and a copy of it: allocated, zero-filled, given the copy of an identity-layout buffer
/// through a unit-stride subview, then read by `reader` alone, in the same block; and nothing
/// between the copy and `lastRead` (the kernel that will read the source instead) writes the
/// source. `erase` gets the ops that made the padded buffer, which go once nothing reads it.
std::optional<InputWindow> matchPaddedInput(mlir::Value padded, mlir::Operation *reader,
                                            mlir::Operation *lastRead,
                                            llvm::SmallVectorImpl<mlir::Operation *> &erase);

} // namespace kiln

#endif
