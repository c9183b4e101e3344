//===- RowReduction.h - Row reductions by a block of GPU threads -*- C++ -*-===//
//
// Shared by kiln-cuda-block-reductions (one reduction per kernel) and kiln-cuda-row-kernels
// (the passes of softmax and the normalizations in one kernel): thread t of a block of T
// threads combines elements t, t + T, ... of a row, and gpu.all_reduce combines the threads.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TRANSFORMS_GPU_ROWREDUCTION_H
#define KILN_COMPILER_TRANSFORMS_GPU_ROWREDUCTION_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace kiln {

/// The block-wide operation of a combining op and its identity element.
struct Combiner {
  mlir::gpu::AllReduceOperation kind;
  mlir::TypedAttr identity;
};

/// A generic reducing rows: buffers, one output, parallel dimensions then one reduction
/// dimension, static sizes, and a body `out = combine(out, f(inputs))` with `out` used once
/// and a combiner that gpu.all_reduce has.
struct RowReduction {
  mlir::linalg::GenericOp op;
  mlir::Operation *combine;
  mlir::Value contribution; ///< f(inputs), the operand of `combine` that is not the accumulator
  Combiner combiner;
  llvm::SmallVector<int64_t> sizes;
};

std::optional<RowReduction> matchRowReduction(mlir::linalg::GenericOp op);

/// The indices `map` gives for loop indices `ivs`.
llvm::SmallVector<mlir::Value> applyMap(mlir::OpBuilder &b, mlir::Location loc, mlir::AffineMap map,
                                        mlir::ValueRange ivs);

/// The value of one input of a generic at loop indices `ivs`.
using InputReader = llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                                   mlir::OpOperand *, mlir::ValueRange ivs)>;

/// Loads the operand at `ivs` through its indexing map (scalars are used as they are).
mlir::Value loadInput(mlir::OpBuilder &b, mlir::Location loc, mlir::OpOperand *input,
                      mlir::ValueRange ivs);

/// Clones the body of `op` (but `skip`) for loop indices `ivs`, its inputs (and outputs whose
/// old value the body reads) given by `read`; returns the mapping, which holds the yielded
/// values.
mlir::IRMapping cloneBody(mlir::OpBuilder &b, mlir::Location loc, mlir::linalg::GenericOp op,
                          mlir::ValueRange ivs, InputReader read, mlir::Operation *skip = nullptr);

/// This thread's part of row `outer` of the reduction: its elements lane, lane + threads, ...
/// combined, starting from the identity.
mlir::Value buildPartialReduction(mlir::OpBuilder &b, mlir::Location loc,
                                  const RowReduction &reduction, mlir::ValueRange outer,
                                  mlir::Value lane, int64_t threads, InputReader read);

/// The partial results of the block's threads combined (gpu.all_reduce, the same in every
/// thread).
mlir::Value buildBlockTotal(mlir::OpBuilder &b, mlir::Location loc, const RowReduction &reduction,
                            mlir::Value partial);

/// `total` combined with `old`, the output's value before the reduction.
mlir::Value combineWithOld(mlir::OpBuilder &b, const RowReduction &reduction, mlir::Value total,
                           mlir::Value old);

} // namespace kiln

#endif
