//===- LoweringUtils.h - Builders shared by the Kiln-to-linalg lowerings --===//
#ifndef KILN_COMPILER_CONVERSION_LOWERINGUTILS_H
#define KILN_COMPILER_CONVERSION_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace kiln {

using ScalarBodyFn =
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The map from a result's iteration space (sizes `resultShape`) to an operand broadcast into
/// it with NumPy rules: trailing dims align, size-1 dims read index 0.
mlir::AffineMap broadcastMap(llvm::ArrayRef<int64_t> resultShape,
                             llvm::ArrayRef<int64_t> operandShape, mlir::MLIRContext *ctx);

/// A parallel linalg.generic producing `resultType`, reading `inputs` through `maps` (one per
/// input; the output map is the identity) and computing each element with `body`.
mlir::Value buildParallelGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::RankedTensorType resultType, mlir::ValueRange inputs,
                                 llvm::ArrayRef<mlir::AffineMap> maps, ScalarBodyFn body);

/// buildParallelGeneric with NumPy broadcasting maps for every input.
mlir::Value buildBroadcastingGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                     mlir::RankedTensorType resultType, mlir::ValueRange inputs,
                                     ScalarBodyFn body);

/// Reduces `input` over the sorted, distinct `axes` (dropped from the result) into element type
/// `accType`, starting from `init`, combining with `combine(element, accumulator)`. Elements
/// are converted to `accType` before combining.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                           llvm::ArrayRef<int64_t> axes, mlir::Type accType, mlir::TypedAttr init,
                           ScalarBodyFn combine);

/// A tensor of `shape` with every element `value` (tensor.empty + linalg.fill).
mlir::Value buildFilled(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> shape,
                        mlir::TypedAttr value);

/// The identity of max (`lowest`: -inf, or the smallest integer) or of min (+inf, or the
/// largest). i1 orders false < true.
mlir::TypedAttr extremeValue(mlir::OpBuilder &b, mlir::Type type, bool lowest);

/// The map that reads a tensor whose `axes` were reduced away from the full iteration space.
mlir::AffineMap droppedAxesMap(int64_t rank, llvm::ArrayRef<int64_t> axes, mlir::MLIRContext *ctx);

/// Reinterprets `value` with the same elements as `type` (equal element count) through
/// tensor.collapse_shape / tensor.expand_shape.
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                          mlir::RankedTensorType type);

/// The type arithmetic is done in: f32 for f16/bf16 (rounded once per op result), else itself.
mlir::Type computeType(mlir::Type elementType);
/// Converts a scalar between element types (float ext/trunc, signed int ext/trunc, int<->float).
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value, mlir::Type to);

} // namespace kiln

#endif
