//===- MatmulEpilogue.h - Elementwise epilogues fused into matmul tiles ---===//
#ifndef KILN_COMPILER_TRANSFORMS_MATMULEPILOGUE_H
#define KILN_COMPILER_TRANSFORMS_MATMULEPILOGUE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace kiln {

/// The elementwise linalg.generic that consumes a matmul's result buffer (bias, activation,
/// residual add, cast: `Y = f(C, ...)`), which kiln-packed-matmul applies to each output tile
/// while it is in registers, writing Y instead of C. The generic may run over C itself or over
/// an expand_shape of it that splits only the rows (a 1x1 convolution's NHWC output, whose
/// rows are the pixels); its operands are then read through 2-D views of the same rows.
struct MatmulEpilogue {
  mlir::linalg::GenericOp op;
  mlir::Value product;     ///< C, the matmul's output buffer
  mlir::Value productView; ///< what the generic reads of C: C, or its expand_shape
  mlir::Value output;      ///< Y, as a 2-D buffer of C's shape
  /// Per input of the generic: the buffer to read, as a 2-D view of C's shape for an operand
  /// read with the identity map; null for the product.
  llvm::SmallVector<mlir::Value> inputs;
};

/// The epilogue of a 2-D `matmul` on buffers, if its output is a buffer of its own that only
/// the generic reads afterwards: an all-parallel generic right after the matmul (only
/// allocations and pure ops between) reading C, or an expand_shape of C that splits only its
/// rows, with the identity map; its other operands through identity, last-dimension (a bias),
/// first-dimension (2-D only) or scalar maps; and a payload of elementwise arith/math ops.
/// Moves the allocation of Y above the matmul when needed, and builds the 2-D views there.
std::optional<MatmulEpilogue> findMatmulEpilogue(mlir::linalg::LinalgOp matmul);

/// Y[row][col : col + lanes] = f(sum, ...) for one vector of the output tile: the payload of the
/// epilogue on vectors, its other operands read at (row, col); reads and the write are masked
/// past the last column unless `inBounds`.
void emitEpilogueStore(mlir::OpBuilder &b, mlir::Location loc, const MatmulEpilogue &epilogue,
                       mlir::Value sum, mlir::Value row, mlir::Value col, bool inBounds);

/// Whether the payload of the epilogue computes a transcendental function or divides (GELU,
/// SiLU's sigmoid): more than a tile's accumulators leave registers for.
bool isCostly(const MatmulEpilogue &epilogue);

/// Erases the generic of an epilogue that was applied, and C's expand_shape it read.
void eraseEpilogue(MatmulEpilogue &epilogue);

} // namespace kiln

#endif
