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
};

/// Kiln -> linalg on tensors -> fused -> bufferized into the caller's buffers.
void buildKilnBufferizePipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);
/// Bufferized linalg -> loops -> LLVM dialect.
void buildKilnLowerToLLVMPipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);
/// The whole CPU pipeline: the two above in sequence.
void buildKilnCPUPipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);

/// Registers the pipelines above (kiln-bufferize, kiln-lower-to-llvm, kiln-cpu-pipeline).
void registerKilnPipelines();

} // namespace kiln

#endif
