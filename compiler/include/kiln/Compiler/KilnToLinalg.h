//===- KilnToLinalg.h - Patterns lowering Kiln ops to linalg on tensors ---===//
#ifndef KILN_COMPILER_KILNTOLINALG_H
#define KILN_COMPILER_KILNTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace kiln {
/// add sub mul div max min, the unary math ops, constants.
void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// matmul, 2-D and batched.
void populateMatmulToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// reduce_sum reduce_max reduce_mean.
void populateReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// softmax.
void populateNormalizationToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// transpose reshape broadcast_to.
void populateShapeToLinalgPatterns(mlir::RewritePatternSet &patterns);
} // namespace kiln

#endif
