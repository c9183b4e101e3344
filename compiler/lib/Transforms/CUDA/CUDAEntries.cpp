//===- CUDAEntries.cpp - The kiln-cuda-entries pass -----------------------===//
//
// A graph's CUDA entry has the C signature
//   int32_t <graph>_cuda(void *ctx, void *stream, const void *in..., void *out...)
// with device pointers (kiln/abi.h). The bufferized graph function already takes the context
// and the buffers; this pass renames it and adds the stream.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/KernelNames.h"
#include "kiln/Compiler/Passes.h"

#include "llvm/ADT/StringSet.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCUDAENTRIES
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

bool isGraphFunction(func::FuncOp func) {
  return func.isPublic() && func.getNumArguments() > 0 &&
         isa<LLVM::LLVMPointerType>(func.getArgument(0).getType());
}

struct CUDAEntriesPass : impl::KilnCUDAEntriesBase<CUDAEntriesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto ptrType = LLVM::LLVMPointerType::get(&getContext());
    // Checked against the names before renaming: the CPU entries keep them in the artifact.
    llvm::StringSet<> cpuNames;
    for (auto func : module.getOps<func::FuncOp>())
      cpuNames.insert(func.getSymName());
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!isGraphFunction(func))
        continue;
      std::string name = (func.getSymName() + "_cuda").str();
      if (cpuNames.contains(name)) {
        func.emitError() << "graph '" << func.getSymName() << "' needs the symbol '" << name
                         << "' for its CUDA entry, which the module already defines";
        return signalPassFailure();
      }
      func.setSymName(name);
      if (failed(func.insertArgument(1, ptrType, DictionaryAttr(), func.getLoc())))
        return signalPassFailure();
      func->setAttr(kCUDAEntryAttr, UnitAttr::get(&getContext()));
      // A CUDA call is not cut into kernels: the table is the CPU entry's.
      func->removeAttr(kKernelsAttrName);
    }
  }
};

} // namespace
} // namespace kiln
