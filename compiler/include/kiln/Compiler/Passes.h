//===- Passes.h - Kiln compiler passes ------------------------------------===//
#ifndef KILN_COMPILER_PASSES_H
#define KILN_COMPILER_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace kiln {

/// Marks a linalg.generic whose reduction must run in row-major order (kiln.reduce with a user
/// kernel), which kiln-reassociate-reductions leaves alone.
inline constexpr llvm::StringLiteral kOrderedReductionAttr = "kiln.ordered_reduction";

/// Marks the host function of a graph's CUDA entry (kiln-cuda-entries).
inline constexpr llvm::StringLiteral kCUDAEntryAttr = "kiln.cuda_entry";

/// Marks the outer loop of a block-wide computation (kiln-cuda-block-reductions, the GPU
/// matmuls), which kiln-cuda-map-parallel-loops maps to blocks and its inner loop to
/// threads; workgroup-memory allocations in the inner loop become the block's shared memory.
inline constexpr llvm::StringLiteral kGPUBlockLoopAttr = "kiln.gpu_block_loop";

/// The suffix of a graph function that kiln-plan-workspace gave a workspace argument: codegen
/// defines the graph's C entry around `<graph>.body`.
inline constexpr llvm::StringLiteral kWorkspaceBodySuffix = ".body";

/// The number of calls, one per chunk of dimension 0, that a graph function split by
/// kiln-split-batch takes to compute its batch: codegen's C entry makes them.
inline constexpr llvm::StringLiteral kBatchSplitAttr = "kiln.batch_split";

#define GEN_PASS_DECL
#include "kiln/Compiler/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kiln/Compiler/Passes.h.inc"

} // namespace kiln

#endif
