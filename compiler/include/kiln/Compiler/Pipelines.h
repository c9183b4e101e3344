//===- Pipelines.h - The pass pipelines shared by kilnc and kiln-opt ------===//
#ifndef KILN_COMPILER_PIPELINES_H
#define KILN_COMPILER_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace kiln {

struct CPUPipelineOptions : public mlir::PassPipelineOptions<CPUPipelineOptions> {
  Option<bool> approximateMath{*this, "approximate-math",
                               llvm::cl::desc("Use polynomial approximations for f32 "
                                              "transcendentals (vectorizable)"),
                               llvm::cl::init(true)};
  Option<int64_t> vectorBits{*this, "vector-bits",
                             llvm::cl::desc("Width of the target's vector registers in bits "
                                            "(512 with AVX-512, 256 with AVX2, 128 below)"),
                             llvm::cl::init(512)};
  Option<bool> rowKernels{*this, "row-kernels",
                          llvm::cl::desc("Run the passes of softmax, layer_norm and rms_norm "
                                         "over a row back to back (kiln-fuse-row-loops), "
                                         "softmax with one exponential per element"),
                          llvm::cl::init(true)};
  Option<bool> transposedMatmulOperands{
      *this, "transposed-matmul-operands",
      llvm::cl::desc("Matmuls read transposed operands in place (kiln-to-linalg "
                     "fold-matmul-transposes; the packed kernel packs them)"),
      llvm::cl::init(true)};
  Option<bool> vnni{*this, "vnni",
                    llvm::cl::desc("i8 x i8 -> i32 matmuls use AVX-512 VNNI's vpdpbusd "
                                   "(kiln-packed-matmul; the target must have avx512vnni)"),
                    llvm::cl::init(false)};
  Option<int64_t> batchChunk{
      *this, "batch-chunk",
      llvm::cl::desc("Samples of dimension 0 that a batch-separable graph computes per call "
                     "(kiln-split-batch; 0: chosen for graphs with convolutions, -1: never "
                     "split)"),
      llvm::cl::init(0)};
};

struct CUDAPipelineOptions : public mlir::PassPipelineOptions<CUDAPipelineOptions> {
  ListOption<std::string> chips{*this, "chips",
                                llvm::cl::desc("SM architectures to generate PTX for, "
                                               "e.g. sm_80,sm_90")};
  Option<std::string> cudaPath{*this, "cuda-path",
                               llvm::cl::desc("CUDA toolkit whose libdevice is linked into the "
                                              "kernels (default: /usr/local/cuda)"),
                               llvm::cl::init("/usr/local/cuda")};
  Option<int64_t> blockSize{*this, "block-size",
                            llvm::cl::desc("Threads per block of elementwise kernels"),
                            llvm::cl::init(256)};
  Option<bool> emitLLVM{*this, "emit-llvm",
                        llvm::cl::desc("Make the gpu.binary hold the kernels' LLVM bitcode "
                                       "(libdevice linked, optimized) instead of PTX"),
                        llvm::cl::init(false)};
};

/// Kiln -> linalg on tensors -> fused -> bufferized into the caller's buffers.
void buildKilnBufferizePipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);
/// Bufferized linalg -> loops -> LLVM dialect.
void buildKilnLowerToLLVMPipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);
/// The whole CPU pipeline: the two above in sequence.
void buildKilnCPUPipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);

/// Kiln -> the host side of CUDA entries in the LLVM dialect (launches as calls of the Kiln
/// runtime) + one gpu.binary holding the kernels' PTX for each chip.
void buildKilnCUDAPipeline(mlir::OpPassManager &pm, const CUDAPipelineOptions &options);

/// Registers the pipelines above (kiln-bufferize, kiln-lower-to-llvm, kiln-cpu-pipeline,
/// kiln-cuda-pipeline).
void registerKilnPipelines();

} // namespace kiln

#endif
