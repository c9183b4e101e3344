//===- MergeModules.cpp - The kiln-cuda-merge-modules pass ----------------===//
#include "kiln/Compiler/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCUDAMERGEMODULES
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

constexpr llvm::StringLiteral kKernelModuleName = "kiln_kernels";

/// Shared buffers are 16-byte aligned: ldmatrix reads 16-byte rows and the matmuls copy 16
/// bytes at a time (without the attribute, the buffer gets its element type's alignment).
void alignWorkgroupBuffers(gpu::GPUFuncOp kernel) {
  Builder b(kernel.getContext());
  for (unsigned i = 0, e = kernel.getNumWorkgroupAttributions(); i < e; ++i)
    if (!kernel.getWorkgroupAttributionAttr(i, LLVM::LLVMDialect::getAlignAttrName()))
      kernel.setWorkgroupAttributionAttr(i, LLVM::LLVMDialect::getAlignAttrName(),
                                         b.getI64IntegerAttr(16));
}

struct MergeModulesPass : impl::KilnCUDAMergeModulesBase<MergeModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto gpuModules = llvm::to_vector(module.getOps<gpu::GPUModuleOp>());
    if (gpuModules.empty())
      return;
    if (module.lookupSymbol(kKernelModuleName)) {
      module.emitError() << "the symbol '" << kKernelModuleName << "' is already taken";
      return signalPassFailure();
    }
    OpBuilder b(gpuModules.front());
    auto merged = gpu::GPUModuleOp::create(b, gpuModules.front().getLoc(), kKernelModuleName);
    SymbolTable mergedSymbols(merged);
    // Outlining names each module uniquely but may reuse a kernel's name across modules, so
    // a kernel takes its module's name.
    llvm::DenseMap<SymbolRefAttr, StringAttr> renamed;
    for (gpu::GPUModuleOp source : gpuModules) {
      auto kernels = llvm::to_vector(source.getOps<gpu::GPUFuncOp>());
      for (gpu::GPUFuncOp kernel : kernels) {
        StringAttr name = kernels.size() == 1
                              ? source.getSymNameAttr()
                              : b.getStringAttr(source.getSymName() + "_" + kernel.getName());
        renamed[SymbolRefAttr::get(source.getSymNameAttr(),
                                   {FlatSymbolRefAttr::get(kernel.getNameAttr())})] = name;
        if (mergedSymbols.lookup(name)) {
          kernel.emitError() << "kernel '" << name.getValue() << "' is defined twice";
          return signalPassFailure();
        }
        kernel->remove();
        kernel.setName(name);
        alignWorkgroupBuffers(kernel);
        mergedSymbols.insert(kernel);
      }
      // What outlining copied next to each kernel (constant globals): one copy is enough.
      for (Operation &op : llvm::make_early_inc_range(source.getBody()->getOperations())) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!symbol || mergedSymbols.lookup(symbol.getName()))
          continue;
        op.remove();
        mergedSymbols.insert(&op);
      }
      source.erase();
    }
    WalkResult result = module.walk([&](gpu::LaunchFuncOp launch) {
      StringAttr name = renamed.lookup(launch.getKernel());
      if (!name) {
        launch.emitError("launches a kernel that is not in a gpu.module");
        return WalkResult::interrupt();
      }
      launch.setKernelAttr(
          SymbolRefAttr::get(merged.getSymNameAttr(), {FlatSymbolRefAttr::get(name)}));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
} // namespace kiln
