//===- TileCopy.h - Tiles of a matrix copied in 16-byte pieces -*- C++ -*-===//
//
// The GPU matmuls stage each k step of A and B in shared memory: a block's threads copy a tile
// in 16-byte vector pieces (thread t takes pieces t, t + T, ... in row-major order), loading
// them into registers one step ahead and storing them once the previous step is consumed.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TRANSFORMS_GPU_TILECOPY_H
#define KILN_COMPILER_TRANSFORMS_GPU_TILECOPY_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace kiln {

/// A `rows` x `cols` tile of a static `matrix` of `matrixRows` x `matrixCols` elements,
/// copied by `threads` threads in pieces of `width` elements (16 bytes). The matrix's rows
/// must start 16-byte aligned and its column count be a multiple of `width`, so that a piece
/// is wholly inside or outside the matrix.
struct TileCopy {
  mlir::Value matrix;
  int64_t rows, cols;
  int64_t matrixRows, matrixCols;
  int64_t width;
  int64_t threads;

  /// The pieces each thread copies.
  int64_t piecesPerThread() const { return rows * cols / width / threads; }

  /// This thread's pieces of the tile at (rowOrigin, colOrigin); zeros outside the matrix.
  llvm::SmallVector<mlir::Value> load(mlir::ImplicitLocOpBuilder &b, mlir::Value rowOrigin,
                                      mlir::Value colOrigin, mlir::Value thread) const;

  /// Stores the pieces `load` gave into `shared` (a rows x cols-or-wider buffer).
  void store(mlir::ImplicitLocOpBuilder &b, mlir::ValueRange pieces, mlir::Value shared,
             mlir::Value thread) const;
};

/// Where a block's thread stands in the tile of C its block computes.
struct BlockTile {
  mlir::Value rowBase, colBase; ///< the tile's first row and column of C
  mlir::Value thread;           ///< the thread's index in the block
};

/// Opens the loops of a tiled matmul kernel writing `c`: a `kiln.gpu_block_loop` over its
/// `tile` x `tile` tiles and, inside, the loop over the block's `threads` threads, where it
/// leaves `b`.
BlockTile openBlockTiles(mlir::ImplicitLocOpBuilder &b, mlir::Value c, int64_t tile,
                         int64_t threads);

/// C[row, col] = combine(C[row, col], sum) when (row, col) is inside C, the output of
/// matmul `op`: `combine` is its body's `c + product` and `sum` a thread's sum of `product`
/// over k.
void addIntoOutput(mlir::ImplicitLocOpBuilder &b, mlir::linalg::MatmulOp op,
                   mlir::Operation *combine, mlir::Value product, mlir::Value row, mlir::Value col,
                   mlir::Value sum);

/// Whether groups of `alignment` consecutive elements of `type`'s innermost dimension, starting
/// at multiples of `alignment`, are contiguous and start `alignment` elements apart from the
/// base: unit inner stride, static offset and outer strides multiples of `alignment`.
bool hasAlignedRows(mlir::MemRefType type, int64_t alignment);

} // namespace kiln

#endif
