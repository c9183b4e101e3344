//===- Frontend.cpp - Parse, verify and lower a Kiln module ---------------===//
#include "kiln/Compiler/Frontend.h"
#include "kiln/Compiler/CrashGuard.h"
#include "kiln/Compiler/Passes.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ParserGuards.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;

namespace kiln {

void registerKilnCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  registry.insert<KilnDialect>();
}

OwningOpRef<ModuleOp> parseKilnModule(llvm::SourceMgr &sourceMgr, MLIRContext &context) {
  context.loadDialect<KilnDialect>();
  if (failed(rejectParserCrashes(sourceMgr)))
    return nullptr;
  OwningOpRef<ModuleOp> module;
  {
    CrashPhase phase("parse", "parsing and verifying the input");
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  }
  if (!module)
    return nullptr;
  bool hasGraph = false;
  for (Operation &op : module->getBody()->getOperations()) {
    if (!isa<KilnDialect>(op.getDialect())) {
      op.emitError() << "unexpected '" << op.getName()
                     << "' at the top level of a Kiln module (expected kiln.graph)";
      return nullptr;
    }
    hasGraph |= isa<GraphOp>(op);
  }
  if (!hasGraph) {
    emitError(module->getLoc()) << "the input has no kiln.graph to compile";
    return nullptr;
  }
  return module;
}

LogicalResult lowerToLLVMDialect(ModuleOp module, const CPUPipelineOptions &options, bool timing) {
  PassManager pm(module.getContext());
  if (timing)
    pm.enableTiming();
  addCrashContext(pm);
  buildKilnCPUPipeline(pm, options);
  return pm.run(module);
}

LogicalResult lowerToCUDA(ModuleOp module, const CUDAPipelineOptions &options, bool timing) {
  PassManager pm(module.getContext());
  if (timing)
    pm.enableTiming();
  addCrashContext(pm);
  buildKilnCUDAPipeline(pm, options);
  return pm.run(module);
}

FailureOr<std::vector<KernelCode>> takeKernelCode(ModuleOp module) {
  std::vector<KernelCode> kernels;
  for (auto binary : llvm::make_early_inc_range(module.getOps<gpu::BinaryOp>())) {
    if (!kernels.empty())
      return binary.emitError("expected the kernels of a module in one gpu.binary");
    for (Attribute attr : binary.getObjects()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      auto target = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget());
      gpu::CompilationTarget format = object.getFormat();
      if (!target ||
          (format != gpu::CompilationTarget::Assembly && format != gpu::CompilationTarget::Offload))
        return binary.emitError("expected PTX or LLVM bitcode for an NVVM target");
      kernels.push_back({target.getChip().str(), object.getObject().getValue().str()});
    }
    binary.erase();
  }
  return kernels;
}

} // namespace kiln
