//===- Evaluators.h - Per-family evaluators of the interpreter ------------===//
//
// Each family of Kiln ops is evaluated in its own file. An evaluator computes its result in
// double/int64 and may leave it unrounded: the graph walker (Interpreter.cpp) rounds every op
// result once to its element type, so "round once per op" holds in one place.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_LIB_INTERPRETER_EVALUATORS_H
#define KILN_COMPILER_LIB_INTERPRETER_EVALUATORS_H

#include "kiln/Interpreter/Interpreter.h"

namespace kiln::interp {

/// The operand values of an op, in operand order.
using Operands = llvm::ArrayRef<const RefTensor *>;

// Elementwise.cpp
mlir::FailureOr<RefTensor> evaluateBinary(mlir::Operation *op, Operands operands);
mlir::FailureOr<RefTensor> evaluateUnary(mlir::Operation *op, Operands operands);
mlir::FailureOr<RefTensor> evaluateCmp(CmpOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateSelect(SelectOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateCast(CastOp op, Operands operands);

// Matmul.cpp
mlir::FailureOr<RefTensor> evaluateMatmul(MatmulOp op, Operands operands);

// Reductions.cpp
mlir::FailureOr<RefTensor> evaluateReduction(mlir::Operation *op, Operands operands);
mlir::FailureOr<RefTensor> evaluateArgmax(ArgmaxOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateArgmin(ArgminOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateCumsum(CumsumOp op, Operands operands);
/// The values and the indices.
mlir::FailureOr<llvm::SmallVector<RefTensor>> evaluateTopK(TopKOp op, Operands operands);

// Normalization.cpp
mlir::FailureOr<RefTensor> evaluateSoftmax(mlir::Operation *op, Operands operands);
mlir::FailureOr<RefTensor> evaluateLayerNorm(LayerNormOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateRmsNorm(RmsNormOp op, Operands operands);

// Shape.cpp
mlir::FailureOr<RefTensor> evaluateConstant(ConstantOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateTranspose(TransposeOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateReshape(ReshapeOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateBroadcastTo(BroadcastToOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateConcat(ConcatOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateSlice(SliceOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluatePad(PadOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateGather(GatherOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateGatherElements(GatherElementsOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateIota(IotaOp op, Operands operands);

// Convolution.cpp
mlir::FailureOr<RefTensor> evaluateConv2D(Conv2DOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateConvTranspose2D(ConvTranspose2DOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateMaxPool2D(MaxPool2DOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateAvgPool2D(AvgPool2DOp op, Operands operands);

// Kernels.cpp
mlir::FailureOr<RefTensor> evaluateMap(MapOp op, Operands operands);
mlir::FailureOr<RefTensor> evaluateReduce(ReduceOp op, Operands operands);

} // namespace kiln::interp

#endif // KILN_COMPILER_LIB_INTERPRETER_EVALUATORS_H
