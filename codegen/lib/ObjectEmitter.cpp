//===- ObjectEmitter.cpp - LLVM's pipeline and code generation ------------===//
#include "kiln/Codegen/Emitters.h"

#include "llvm/Analysis/CGSCCPassManager.h"
#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace kiln {

void optimizeModule(Module &module, TargetMachine &machine, const CPUTarget &target,
                    unsigned optLevel) {
  module.setTargetTriple(machine.getTargetTriple());
  module.setDataLayout(machine.createDataLayout());
  applyCPUTarget(module, target);
  // Graph entries never unwind into C callers.
  for (Function &fn : module)
    if (!fn.isDeclaration())
      fn.addFnAttr(Attribute::NoUnwind);
  // The artifact's own definitions are what its code means by their names: its calls and its
  // metadata's pointers bind inside it (through local aliases), not to a same-named symbol of
  // a library loaded earlier. A graph named `round`, dlopen'ed into a process that has libm,
  // otherwise had its `round_argv` wrapper call libm's round.
  for (GlobalValue &value : module.global_values())
    if (!value.isDeclaration() && !value.hasLocalLinkage())
      value.setDSOLocal(true);

  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PassBuilder builder(&machine);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  OptimizationLevel level = optLevel == 0   ? OptimizationLevel::O0
                            : optLevel == 1 ? OptimizationLevel::O1
                            : optLevel == 2 ? OptimizationLevel::O2
                                            : OptimizationLevel::O3;
  ModulePassManager mpm = level == OptimizationLevel::O0
                              ? builder.buildO0DefaultPipeline(level)
                              : builder.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

Expected<std::string> emitMachineCode(Module &module, TargetMachine &machine, bool assembly) {
  SmallString<0> buffer;
  raw_svector_ostream os(buffer);
  legacy::PassManager pm;
  if (machine.addPassesToEmitFile(
          pm, os, nullptr, assembly ? CodeGenFileType::AssemblyFile : CodeGenFileType::ObjectFile))
    return createStringError("the target cannot emit %s", assembly ? "assembly" : "objects");
  pm.run(module);
  return std::string(buffer.str());
}

Error writeOutputFile(StringRef path, StringRef contents) {
  return writeToOutput(path, [&](raw_ostream &os) {
    os << contents;
    return Error::success();
  });
}

} // namespace kiln
