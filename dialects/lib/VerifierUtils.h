//===- VerifierUtils.h - Helpers shared by the Kiln op verifiers ----------===//
#ifndef KILN_DIALECT_LIB_VERIFIERUTILS_H
#define KILN_DIALECT_LIB_VERIFIERUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

namespace kiln::detail {

inline mlir::RankedTensorType tensorType(mlir::Value v) {
  return mlir::cast<mlir::RankedTensorType>(v.getType());
}

/// Checks that `result` has `shape` and element type `elementType`, naming both on mismatch.
mlir::LogicalResult verifyResultType(mlir::Operation *op, mlir::RankedTensorType result,
                                     llvm::ArrayRef<int64_t> shape, mlir::Type elementType);

/// Normalizes `axis` against `rank`, or reports it as out of range.
mlir::FailureOr<int64_t> verifyAxis(mlir::Operation *op, int64_t axis, int64_t rank);

/// Normalizes and checks a list of axes: each in [-rank, rank), none repeated.
mlir::FailureOr<llvm::SmallVector<int64_t>> verifyAxes(mlir::Operation *op,
                                                       llvm::ArrayRef<int64_t> axes, int64_t rank);

/// Checks that attribute `name` has `size` entries, each at least `min`.
mlir::LogicalResult verifyArrayAttr(mlir::Operation *op, llvm::StringRef name,
                                    llvm::ArrayRef<int64_t> values, size_t size, int64_t min);

/// Checks that `attr` is a scalar attribute usable as a value of `elementType`.
mlir::LogicalResult verifyScalarAttr(mlir::Operation *op, llvm::StringRef name,
                                     mlir::Attribute attr, mlir::Type elementType);

} // namespace kiln::detail

#endif
