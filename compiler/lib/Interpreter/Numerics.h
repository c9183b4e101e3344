//===- Numerics.h - Scalar arithmetic and index helpers of the interpreter -===//
//
// The scalar rules every op family shares (IEEE maximum, exact conversions, integer views) and
// the row-major index arithmetic (broadcasting, reductions, windows). Written against the
// contract in docs/design.md and KilnOps.td, never against the lowering.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_LIB_INTERPRETER_NUMERICS_H
#define KILN_COMPILER_LIB_INTERPRETER_NUMERICS_H

#include "kiln/Interpreter/Interpreter.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace kiln::interp {

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

/// IEEE 754-2019 maximum/minimum: NaN propagates and -0 < +0, as kiln.max/min specify.
double ieeeMaximum(double a, double b);
double ieeeMinimum(double a, double b);

/// The bit width of an integer type (1 for i1).
unsigned intWidth(mlir::Type type);

/// The smallest and largest values of a Kiln integer type (i1: 0 and 1, as Kiln stores it;
/// ui8/ui16/ui32: 0 and 2^N - 1).
int64_t intTypeMin(mlir::Type type);
int64_t intTypeMax(mlir::Type type);

/// Two's complement wrap of `bits` to `width` bits, sign-extended; for width 1 the low bit.
int64_t wrapToWidth(uint64_t bits, unsigned width);

/// Integer `value` converted to float type `type` with one rounding (nearest even). `value` is
/// read as unsigned (its 64 bits) when `isUnsigned`; going through double first would round
/// twice for 64-bit integers.
double intToFloat(int64_t value, bool isUnsigned, mlir::Type type);

/// kiln.cast from a float to integer type `type`: NaN -> 0, truncation toward zero, saturation
/// at the type's bounds; to i1 it is `value != 0`.
int64_t saturatingFloatToInt(double value, mlir::Type type);

//===----------------------------------------------------------------------===//
// Row-major indexing
//===----------------------------------------------------------------------===//

/// The row-major strides of `shape` (the last dimension has stride 1).
llvm::SmallVector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> shape);

/// The number of elements of `shape`.
int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// Calls `fn` with every index of `shape` in row-major order.
void forEachIndex(llvm::ArrayRef<int64_t> shape,
                  llvm::function_ref<void(llvm::ArrayRef<int64_t>)> fn);

/// For each element of `resultShape`, the linear index of the element of a tensor of shape
/// `operandShape` that NumPy broadcasting reads for it.
std::vector<int64_t> broadcastSources(llvm::ArrayRef<int64_t> operandShape,
                                      llvm::ArrayRef<int64_t> resultShape);

/// For each element of `shape`, the linear index of the result element that a reduction over
/// the normalized `axes` folds it into (with or without keep_dims: size-1 dims do not move it).
std::vector<int64_t> reductionTargets(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> axes);

/// `axes` with negative entries counted from the end of a rank-`rank` shape (verified input).
llvm::SmallVector<int64_t> normalizeAxes(llvm::ArrayRef<int64_t> axes, int64_t rank);

/// A tensor of `type` whose element i is `source`'s element `sources[i]`; a negative entry
/// leaves the element zero (used for padding).
RefTensor gatherElements(const RefTensor &source, mlir::RankedTensorType type,
                         llvm::ArrayRef<int64_t> sources);

/// A tensor viewed around one axis as [outer, size, inner]: element (o, j, i) is at linear
/// index (o * size + j) * inner + i.
struct AxisView {
  AxisView(llvm::ArrayRef<int64_t> shape, int64_t axis);
  int64_t at(int64_t outer, int64_t j, int64_t inner) const {
    return (outer * size + j) * this->inner + inner;
  }
  int64_t outer = 1, size = 1, inner = 1;
};

/// The result type of a single-result op.
inline mlir::RankedTensorType resultTypeOf(mlir::Operation *op) {
  return mlir::cast<mlir::RankedTensorType>(op->getResult(0).getType());
}

} // namespace kiln::interp

#endif // KILN_COMPILER_LIB_INTERPRETER_NUMERICS_H
