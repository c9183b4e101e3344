//===- KilnToLinalg.h - Patterns lowering Kiln ops to linalg on tensors ---===//
#ifndef KILN_COMPILER_KILNTOLINALG_H
#define KILN_COMPILER_KILNTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace kiln {
/// add sub mul div max min pow, the unary math ops, constants.
void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// matmul, 2-D and batched. With `foldTransposes`, a 2-D matmul reads a transposed operand
/// (kiln.transpose) through its indexing map instead of a transposed copy (the CPU's packed
/// kernel reads it in place; the GPU's tiled matmul takes the default maps only).
void populateMatmulToLinalgPatterns(mlir::RewritePatternSet &patterns, bool foldTransposes);
/// reduce_sum reduce_max reduce_min reduce_mean reduce_prod argmax argmin.
void populateReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// softmax log_softmax layer_norm rms_norm. With `softmaxScalesInPlace`, f32/f64 softmax writes
/// exp(x - max) to its result and scales it in place (the CPU's row kernels) instead of
/// computing the exponential in both the row sum and the output (the GPU's).
void populateNormalizationToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                           bool softmaxScalesInPlace);
/// transpose reshape broadcast_to concat slice pad.
void populateShapeToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// gather gather_elements iota.
void populateIndexingToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// cmp select cast.
void populateCompareSelectCastToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// conv2d max_pool2d avg_pool2d.
void populateConvolutionToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// conv_transpose2d, as one kiln.conv2d per stride phase.
void populateConvTransposeToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// cumsum top_k: loops along the axis.
void populateScanToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// map and reduce with user kernels.
void populateKernelToLinalgPatterns(mlir::RewritePatternSet &patterns);
} // namespace kiln

#endif
