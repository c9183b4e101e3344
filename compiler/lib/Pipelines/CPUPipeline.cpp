//===- CPUPipeline.cpp - Kiln's CPU pass pipelines ------------------------===//
#include "kiln/Compiler/Passes.h"
#include "kiln/Compiler/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace kiln {

void buildKilnBufferizePipeline(OpPassManager &pm, const CPUPipelineOptions &options) {
  KilnToLinalgOptions toLinalg;
  toLinalg.softmaxScalesInPlace = options.rowKernels;
  toLinalg.foldMatmulTransposes = options.transposedMatmulOperands;
  KilnSplitBatchOptions splitBatch;
  splitBatch.chunk = options.batchChunk;
  pm.addPass(createKilnSplitBatch(splitBatch));
  pm.addPass(createKilnLowerUnsigned());
  // On Kiln ops, where a transpose is one op: after kiln-to-linalg it is a loop nest.
  pm.addPass(createKilnPropagateTransposes());
  pm.addPass(createKilnToLinalg(toLinalg));
  // Before fusion: the flag then travels with the combiner into fused generics, while the
  // generic of a user kernel's kiln.reduce still carries its kiln.ordered_reduction mark.
  pm.addPass(createKilnReassociateReductions());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createKilnFuseElementwise());

  pm.addNestedPass<func::FuncOp>(createKilnDistinctResults());
  // A generic that does not read its init gets a tensor.empty one in fusion; where its result
  // is inserted into a larger tensor (a scan's row, a concatenation), it then writes into that
  // tensor's slice instead of a buffer of its own, which a loop would allocate per iteration
  // (and a CUDA entry cannot allocate at all).
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion = bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));

  // Destination-passing style at the ABI: each result's allocation is replaced by the caller's
  // output buffer, so the graph writes its outputs in place with no final copy.
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addNestedPass<func::FuncOp>(createKilnForwardResultCopies());
  // CSE removes the self-copies that would otherwise lower to runtime calls (MACHINE-NOTES).
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  bufferization::buildBufferDeallocationPipeline(pm);
}

void buildKilnLowerToLLVMPipeline(OpPassManager &pm, const CPUPipelineOptions &options) {
  KilnPackedMatmulOptions packedMatmul;
  packedMatmul.vectorBits = options.vectorBits;
  packedMatmul.vnni = options.vnni;
  pm.addPass(createKilnPackedMatmul(packedMatmul));
  KilnDepthwiseConvOptions depthwise;
  depthwise.vectorBits = options.vectorBits;
  pm.addPass(createKilnDepthwiseConv(depthwise));
  pm.addPass(createKilnCopiesToLinalg());
  pm.addPass(createConvertLinalgToParallelLoopsPass());
  if (options.rowKernels)
    pm.addNestedPass<func::FuncOp>(createKilnFuseRowLoops());
  // After row fusion, which reasons about distinct buffers (views of one workspace are not).
  pm.addPass(createKilnPlanWorkspace());
  pm.addPass(createKilnOutlineParallelLoops());
  // After outlining, where a parallel loop is one call and the kernels are top-level ops.
  pm.addPass(createKilnMarkKernels());
  if (options.approximateMath)
    pm.addPass(createKilnApproximateMath());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // Ops with an LLVM intrinsic or expansion (ctlz, copysign, isnan, fpowi, rsqrt, absi, ...)
  // first; math-to-libm then calls libm for the rest (erf, atan2, ...). The other order would
  // call functions libm does not have, such as rsqrtf.
  // bf16 conversions too: see kiln-expand-math's description (__truncsfbf2, subnormals).
  KilnExpandMathOptions expandMath;
  expandMath.expandBF16 = true;
  pm.addPass(createKilnExpandMath(expandMath));
  ConvertMathToLLVMPassOptions mathToLLVM;
  mathToLLVM.approximateLog1p = false; // log(1 + x) loses all precision for small x.
  pm.addPass(createConvertMathToLLVMPass(mathToLLVM));
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  // Views at a dynamic offset (a batch_matmul's matrices) expand into affine.apply.
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  // Static shapes are in the metadata, so entries take bare pointers: the C ABI of docs/design.md.
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createKilnLowerParallelCalls());
  pm.addPass(createKilnWidenBoolMemory());
  pm.addPass(createCanonicalizerPass());
}

void buildKilnCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options) {
  buildKilnBufferizePipeline(pm, options);
  buildKilnLowerToLLVMPipeline(pm, options);
}

void registerKilnPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "kiln-bufferize",
      "Kiln -> linalg on tensors -> fused -> bufferized into the caller's buffers",
      buildKilnBufferizePipeline);
  PassPipelineRegistration<CPUPipelineOptions>("kiln-lower-to-llvm",
                                               "Bufferized linalg -> loops -> LLVM dialect",
                                               buildKilnLowerToLLVMPipeline);
  PassPipelineRegistration<CPUPipelineOptions>(
      "kiln-cpu-pipeline", "The whole CPU pipeline: Kiln -> LLVM dialect", buildKilnCPUPipeline);
  PassPipelineRegistration<CUDAPipelineOptions>(
      "kiln-cuda-pipeline",
      "The whole CUDA pipeline: Kiln -> host code in the LLVM dialect + PTX per chip",
      buildKilnCUDAPipeline);
}

} // namespace kiln
