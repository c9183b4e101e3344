//===- ZeroFill.h - Fills of zeros that a kernel can start from instead ---===//
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

} // namespace kiln

#endif
