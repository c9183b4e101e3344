//===- CUDAPipeline.cpp - Kiln's CUDA pass pipeline -----------------------===//
//
// The shape of upstream's gpu-lower-to-nvvm-pipeline (GPUToNVVMPipeline.cpp), with Kiln's own
// loop mapping in front and its own host lowering behind:
//   Kiln -> bufferized linalg (shared with the CPU) -> parallel loops -> intermediates in one
//   planned workspace -> tiled and mapped to blocks and threads -> gpu.launch -> outlined
//   kernels in one gpu.module
//   device: -> NVVM -> PTX per chip (gpu-module-to-binary, format isa, libdevice linked)
//   host:   -> LLVM dialect -> launches and allocations as calls of the Kiln runtime
// kilnc then assembles each PTX with ptxas and packs the cubins with fatbinary
// (codegen/lib/CUDA).
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"
#include "kiln/Compiler/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace kiln {
namespace {

/// The lowest SM number of `chips` ("sm_80", "sm_90a"); 0 when none parses.
int64_t oldestSM(ArrayRef<std::string> chips) {
  int64_t oldest = std::numeric_limits<int64_t>::max();
  for (StringRef chip : chips) {
    unsigned sm;
    if (!chip.consume_front("sm_") || chip.take_while(llvm::isDigit).getAsInteger(10, sm))
      return 0;
    oldest = std::min<int64_t>(oldest, sm);
  }
  return chips.empty() ? 0 : oldest;
}

void addLoopMapping(OpPassManager &pm, const CUDAPipelineOptions &options) {
  pm.addPass(createKilnCUDAEntries());
  pm.addPass(createKilnCopiesToLinalg());
  KilnCUDARowKernelsOptions rowKernels;
  rowKernels.blockSize = options.blockSize;
  pm.addPass(createKilnCUDARowKernels(rowKernels));
  KilnCUDABlockReductionsOptions reductions;
  reductions.blockSize = options.blockSize;
  pm.addPass(createKilnCUDABlockReductions(reductions));
  KilnCUDATensorCoreMatmulOptions tensorCores;
  tensorCores.minSM = oldestSM(options.chips);
  pm.addPass(createKilnCUDATensorCoreMatmul(tensorCores));
  pm.addPass(createKilnCUDATiledMatmul());
  pm.addPass(createConvertLinalgToParallelLoopsPass());
  pm.addPass(createKilnCUDAVectorizeElementwise());
  // After the passes above, which reason about distinct buffers (views of one workspace are
  // not).
  KilnPlanWorkspaceOptions workspace;
  workspace.allocate = true;
  pm.addPass(createKilnPlanWorkspace(workspace));
  KilnCUDAMapParallelLoopsOptions mapping;
  mapping.blockSize = options.blockSize;
  pm.addPass(createKilnCUDAMapParallelLoops(mapping));
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createKilnCUDAMergeModules());
  pm.addPass(createCanonicalizerPass());
}

void addDeviceLowering(OpPassManager &pm, const CUDAPipelineOptions &options) {
  for (const std::string &chip : options.chips) {
    GpuNVVMAttachTargetOptions target;
    target.chip = chip;
    target.optLevel = 3;
    pm.addPass(createGpuNVVMAttachTarget(target));
  }
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(memref::createExpandStridedMetadataPass());
  device.addPass(createLowerAffinePass());
  device.addPass(createSCFToControlFlowPass());
  device.addPass(createKilnExpandMath());
  device.addPass(createConvertNVGPUToNVVMPass());
  // Kernels take bare pointers, as the host passes them (addHostLowering): every shape, offset
  // and stride is static, so the kernel rebuilds each descriptor from its type.
  ConvertGpuOpsToNVVMOpsOptions toNVVM;
  toNVVM.useBarePtrCallConv = true;
  device.addPass(createConvertGpuOpsToNVVMOps(toNVVM));
  device.addPass(createCanonicalizerPass());
  device.addPass(createReconcileUnrealizedCastsPass());
}

void addHostLowering(OpPassManager &pm) {
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  // Entries take bare pointers (the C ABI), and so do kernels (addDeviceLowering).
  GpuToLLVMConversionPassOptions gpuToLLVM;
  gpuToLLVM.hostBarePtrCallConv = true;
  gpuToLLVM.kernelBarePtrCallConv = true;
  pm.addPass(createGpuToLLVMConversionPass(gpuToLLVM));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createKilnCUDALowerLaunches());
}

} // namespace

void buildKilnCUDAPipeline(OpPassManager &pm, const CUDAPipelineOptions &options) {
  // One pass per row statistic suits the GPU's block reductions; exp(x - max) written to the
  // output and read back would cost a pass over global memory.
  CPUPipelineOptions front;
  front.rowKernels = false;
  // kiln-cuda-tiled-matmul takes matmuls with the default maps: a transposed copy and the tiled
  // kernel beat one thread per output.
  front.transposedMatmulOperands = false;
  buildKilnBufferizePipeline(pm, front);
  addLoopMapping(pm, options);
  addDeviceLowering(pm, options);
  addHostLowering(pm);
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.emitLLVM ? "llvm" : "isa";
  binary.toolkitPath = options.cudaPath;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createCanonicalizerPass());
}

} // namespace kiln
