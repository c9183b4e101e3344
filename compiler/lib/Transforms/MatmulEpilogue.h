//===- MatmulEpilogue.h - Elementwise epilogues fused into matmul tiles ---===//
#ifndef KILN_COMPILER_TRANSFORMS_MATMULEPILOGUE_H
#define KILN_COMPILER_TRANSFORMS_MATMULEPILOGUE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace kiln {

/// The elementwise linalg.generic that consumes a matmul's result buffer (bias, activation,
/// residual add, cast: `Y = f(C, ...)`), which kiln-packed-matmul applies to each output tile
/// while it is in registers, writing Y instead of C.
struct MatmulEpilogue {
  mlir::linalg::GenericOp op;
  mlir::Value product; ///< C, the matmul's output buffer
  mlir::Value output;  ///< Y, the generic's output buffer
};

/// The epilogue of a 2-D `matmul` on buffers, if its output is a buffer of its own that only
/// the generic reads afterwards: an all-parallel 2-D generic right after the matmul (only
/// allocations and pure ops between) reading C with the identity map, its other operands
/// through identity, row (d1), column (d0) or scalar maps, and a payload of elementwise
/// arith/math ops. Moves the allocation of Y above the matmul when needed.
std::optional<MatmulEpilogue> findMatmulEpilogue(mlir::linalg::LinalgOp matmul);

/// Y[row][col : col + lanes] = f(sum, ...) for one vector of the output tile: the payload of the
/// epilogue on vectors, its other operands read at (row, col); reads and the write are masked
/// past the last column unless `inBounds`.
void emitEpilogueStore(mlir::OpBuilder &b, mlir::Location loc, const MatmulEpilogue &epilogue,
                       mlir::Value sum, mlir::Value row, mlir::Value col, bool inBounds);

} // namespace kiln

#endif
