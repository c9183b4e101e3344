//===- Driver.cpp - The compile sequence behind kilnc ---------------------===//
//
// One CPU variant per CPU target (lowered, translated, renamed when there are several), the
// CUDA kernels and host code when CUDA targets are named, then dispatch, metadata, LLVM's
// optimization and the requested output. Every output is built in memory and written
// atomically only when all of them could be built.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Driver.h"
#include "kiln/Codegen/Emitters.h"
#include "kiln/Compiler/CrashGuard.h"
#include "kiln/Compiler/Frontend.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "kiln/abi.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace kiln {

char ReportedError::ID;

void ReportedError::log(raw_ostream &os) const { os << "the errors reported above"; }

std::error_code ReportedError::convertToErrorCode() const { return inconvertibleErrorCode(); }

static Error reported() { return make_error<ReportedError>(); }

std::string defaultModuleName(StringRef path) {
  std::string name = sys::path::stem(path).str();
  for (char &c : name)
    if (!isAlnum(c))
      c = '_';
  if (name.empty() || isDigit(name[0]))
    name = "m_" + name;
  return name;
}

namespace {

/// The --target list: CPU targets (host when none is named), best first, and CUDA chips
/// ("sm_90").
struct TargetList {
  std::vector<CPUTarget> cpus;
  std::vector<std::string> cudaChips;
};

Expected<TargetList> parseTargetList(StringRef list) {
  TargetList targets;
  SmallVector<StringRef> entries;
  list.split(entries, ',');
  for (StringRef entry : entries) {
    entry = entry.trim();
    if (entry.consume_front("cuda:")) {
      if (Expected<unsigned> sm = parseSMArchitecture(entry); !sm)
        return sm.takeError();
      if (llvm::is_contained(targets.cudaChips, entry))
        return createStringError("target 'cuda:%s' is given twice", entry.str().c_str());
      targets.cudaChips.push_back(entry.str());
      continue;
    }
    Expected<CPUTarget> cpu = resolveCPUTarget(entry);
    if (!cpu)
      return cpu.takeError();
    if (llvm::any_of(targets.cpus, [&](const CPUTarget &t) { return t.name == cpu->name; }))
      return createStringError("target '%s' is given twice", entry.str().c_str());
    targets.cpus.push_back(std::move(*cpu));
  }
  if (targets.cpus.empty())
    targets.cpus.push_back(cantFail(resolveCPUTarget("host")));
  if (targets.cpus.size() > 1 &&
      llvm::any_of(targets.cpus, [](const CPUTarget &t) { return t.name == "host"; }))
    return createStringError("'host' (this machine's exact CPU) cannot be one of several CPU "
                             "targets; list x86-64 levels, e.g. "
                             "--target=x86-64-v2,x86-64-v3,x86-64-v4");
  // Best first: each x86-64 level requires all the features of the levels below it.
  llvm::stable_sort(targets.cpus, [](const CPUTarget &a, const CPUTarget &b) {
    return a.requiredFeatures.size() > b.requiredFeatures.size();
  });
  return targets;
}

/// Whether the emit writes the kernels of one CUDA target rather than an artifact.
bool emitsKernelCode(EmitKind emit) {
  return emit == EmitKind::Nvvm || emit == EmitKind::Ptx || emit == EmitKind::Cubin;
}

/// Writes an output, naming it in the error: nothing is left behind on failure.
Error writeOutput(StringRef path, StringRef contents) {
  if (Error e = writeOutputFile(path, contents))
    return createStringError("cannot write '" + path + "': " + toString(std::move(e)));
  return Error::success();
}

/// Lowers `module` with the CPU pipeline for `target` and the command line's options.
mlir::LogicalResult lowerForCPU(mlir::ModuleOp module, const CPUTarget &target,
                                const CompileOptions &options) {
  CPUPipelineOptions pipelineOptions;
  pipelineOptions.vectorBits = target.vectorRegisterBits();
  pipelineOptions.vnni = target.hasAVX512VNNI();
  pipelineOptions.batchChunk = options.batchChunk;
  return lowerToLLVMDialect(module, pipelineOptions, options.timePasses);
}

/// Lowers `module` for one CPU target and translates it to LLVM IR; with several targets, a
/// copy, renamed as that target's variant.
std::unique_ptr<Module> compileCPUVariant(mlir::ModuleOp module, const CPUTarget &target,
                                          bool several, const CompileOptions &options,
                                          LLVMContext &llvmContext, StringRef moduleName,
                                          std::vector<GraphSignature> &graphs) {
  mlir::OwningOpRef<mlir::ModuleOp> copy;
  if (several)
    copy = module.clone();
  mlir::ModuleOp lowered = several ? *copy : module;
  if (failed(lowerForCPU(lowered, target, options)) ||
      failed(verifyBarePointerEntries(lowered, graphs)) ||
      failed(collectKernelNames(lowered, graphs)) || failed(collectBatchCalls(lowered, graphs)))
    return nullptr;
  std::unique_ptr<Module> code;
  {
    CrashPhase phase("translate",
                     "translating the code for CPU target '" + target.name + "' to LLVM IR");
    code = mlir::translateModuleToLLVMIR(lowered, llvmContext, moduleName);
  }
  if (!code) {
    lowered.emitError("cannot translate the module to LLVM IR");
    return nullptr;
  }
  Expected<std::vector<uint64_t>> workspace = addWorkspaceEntries(*code, graphs, moduleName);
  if (!workspace) {
    lowered.emitError(toString(workspace.takeError()));
    return nullptr;
  }
  for (size_t i = 0; i < graphs.size(); ++i)
    graphs[i].workspaceBytes = std::max(graphs[i].workspaceBytes, (*workspace)[i]);
  if (several) {
    renameCPUVariant(*code, target);
    applyCPUTarget(*code, target);
  }
  return code;
}

/// The CUDA part of a compilation: the host code (translated into the CPU code's LLVM
/// context), the images and their fat binary; for --emit=nvvm|ptx|cubin, only the one chip's
/// image (for nvvm, LLVM IR text in place of PTX).
struct CUDACode {
  std::unique_ptr<Module> host;
  std::vector<CUDAImage> images;
  std::string fatbin;
};

/// The kernels' LLVM bitcode, as the gpu.binary holds it, in the text form of --emit=llvm.
Expected<std::string> bitcodeToText(StringRef bitcode, LLVMContext &llvmContext) {
  Expected<std::unique_ptr<Module>> kernels =
      parseBitcodeFile(MemoryBufferRef(bitcode, "kernels"), llvmContext);
  if (!kernels)
    return kernels.takeError();
  std::string text;
  raw_string_ostream os(text);
  (*kernels)->print(os, nullptr);
  return text;
}

/// Lowers a copy of `module` for the CUDA chips and assembles its PTX with ptxas.
Expected<CUDACode> compileCUDA(mlir::ModuleOp module, const TargetList &targets,
                               const CompileOptions &options, LLVMContext &llvmContext) {
  EmitKind emit = options.emit;
  std::string toolkit = resolveCUDAPath(options.cudaPath);
  // Before any lowering: a missing toolkit is the likeliest failure and the cheapest to check.
  std::string ptxas, fatbinary;
  bool assembles = emit != EmitKind::Ptx && emit != EmitKind::Nvvm;
  if (assembles) {
    Expected<std::string> found = findToolkitProgram(toolkit, "ptxas");
    if (!found)
      return found.takeError();
    ptxas = std::move(*found);
  }
  if (assembles && emit != EmitKind::Cubin) {
    Expected<std::string> found = findToolkitProgram(toolkit, "fatbinary");
    if (!found)
      return found.takeError();
    fatbinary = std::move(*found);
  }
  if (Error e = checkLibdevice(toolkit))
    return std::move(e);
  mlir::OwningOpRef<mlir::ModuleOp> cuda = module.clone();
  CUDAPipelineOptions pipelineOptions;
  pipelineOptions.chips = targets.cudaChips;
  pipelineOptions.cudaPath = toolkit;
  pipelineOptions.emitLLVM = emit == EmitKind::Nvvm;
  if (failed(lowerToCUDA(*cuda, pipelineOptions, options.timePasses)))
    return createStringError("the CUDA lowering failed");
  mlir::FailureOr<std::vector<KernelCode>> kernels = takeKernelCode(*cuda);
  if (failed(kernels))
    return createStringError("the CUDA lowering produced no kernels");
  CUDACode code;
  for (const KernelCode &kernel : *kernels) {
    unsigned sm = cantFail(parseSMArchitecture(kernel.chip));
    if (emit == EmitKind::Nvvm) {
      Expected<std::string> text = bitcodeToText(kernel.code, llvmContext);
      if (!text)
        return text.takeError();
      code.images.push_back({sm, KILN_CUDA_PTX, std::move(*text)});
      continue;
    }
    if (emit == EmitKind::Ptx) {
      code.images.push_back({sm, KILN_CUDA_PTX, kernel.code});
      continue;
    }
    Expected<std::string> cubin = assemblePTX(ptxas, kernel.code, kernel.chip, 3);
    if (!cubin)
      return cubin.takeError();
    code.images.push_back({sm, KILN_CUDA_CUBIN, std::move(*cubin)});
    if (options.embedPtx)
      code.images.push_back({sm, KILN_CUDA_PTX, kernel.code});
  }
  if (emitsKernelCode(emit))
    return code;
  Expected<std::string> fatbin = packFatbinary(fatbinary, code.images);
  if (!fatbin)
    return fatbin.takeError();
  code.fatbin = std::move(*fatbin);
  code.host = mlir::translateModuleToLLVMIR(*cuda, llvmContext, "kiln_cuda_host");
  if (!code.host)
    return createStringError("cannot translate the CUDA host code to LLVM IR");
  return code;
}

/// The module in the LLVM dialect after the CPU pipeline of the one CPU target.
Error emitLoweredModule(mlir::ModuleOp module, const CPUTarget &target,
                        const CompileOptions &options) {
  if (failed(lowerForCPU(module, target, options)))
    return reported();
  std::string text;
  raw_string_ostream os(text);
  module->print(os);
  return writeOutput(options.outputFile, text);
}

} // namespace

Error checkCompileOptions(const CompileOptions &options) {
  if (options.outputFile.empty())
    return createStringError("no output file; use -o FILE");
  if (options.optLevel > 3)
    return createStringError("invalid optimization level -O" + Twine(options.optLevel) +
                             " (expected 0-3)");
  if (options.batchChunk < -1)
    return createStringError("invalid --batch-chunk=" + Twine(options.batchChunk) +
                             " (expected a number of samples, 0 to choose or -1 never to split)");
  if (!isCIdentifier(options.moduleName))
    return createStringError("--module-name '" + options.moduleName + "' is not a C identifier");
  Expected<TargetList> targets = parseTargetList(options.targets);
  if (!targets)
    return targets.takeError();
  EmitKind emit = options.emit;
  if (emitsKernelCode(emit) && targets->cudaChips.size() != 1)
    return createStringError(Twine("--emit=") +
                             (emit == EmitKind::Nvvm  ? "nvvm"
                              : emit == EmitKind::Ptx ? "ptx"
                                                      : "cubin") +
                             " writes the code of one CUDA target; name exactly one, e.g. "
                             "--target=cuda:sm_90");
  if (targets->cpus.size() > 1 && emit == EmitKind::Mlir)
    return createStringError("--emit=mlir writes the module of one CPU target; name one");
  return Error::success();
}

Error compile(mlir::ModuleOp module, const CompileOptions &options) {
  if (Error e = checkCompileOptions(options))
    return e;
  StringRef moduleName = options.moduleName;
  if (failed(verifyGraphSymbols(module, moduleName)))
    return reported();
  TargetList targets = cantFail(parseTargetList(options.targets));
  EmitKind emit = options.emit;
  bool severalCPUs = targets.cpus.size() > 1;
  const CPUTarget &baseline = targets.cpus.back();
  std::vector<GraphSignature> graphs = collectGraphSignatures(module);
  bool cuda = !targets.cudaChips.empty();

  LLVMContext llvmContext;
  CUDACode cudaCode;
  if (cuda && emit != EmitKind::Header) {
    Expected<CUDACode> compiled = compileCUDA(module, targets, options, llvmContext);
    if (!compiled)
      return compiled.takeError();
    cudaCode = std::move(*compiled);
    if (emitsKernelCode(emit))
      return writeOutput(options.outputFile, cudaCode.images.front().data);
  }

  if (emit == EmitKind::Mlir)
    return emitLoweredModule(module, baseline, options);

  // The header reports the workspace that lowering plans, so it comes after lowering too.
  std::unique_ptr<Module> llvmModule;
  for (const CPUTarget &target : targets.cpus) {
    std::unique_ptr<Module> variant =
        compileCPUVariant(module, target, severalCPUs, options, llvmContext, moduleName, graphs);
    if (!variant)
      return reported();
    if (!llvmModule)
      llvmModule = std::move(variant);
    else if (Linker::linkModules(*llvmModule, std::move(variant)))
      return createStringError("cannot link the code of target '" + target.name + "'");
  }
  std::string header = emitHeader(graphs, moduleName, cuda);
  if (emit == EmitKind::Header)
    return writeOutput(options.outputFile, header);
  defineWorkspaceProvider(*llvmModule, moduleName);
  if (cudaCode.host && Linker::linkModules(*llvmModule, std::move(cudaCode.host)))
    return createStringError("cannot link the CUDA host code with the CPU code");
  Expected<std::unique_ptr<TargetMachine>> machine =
      createTargetMachine(baseline, options.optLevel);
  if (!machine)
    return machine.takeError();
  if (Error e = addCPUDispatch(*llvmModule, graphs, targets.cpus, moduleName))
    return e;
  if (Error e = addModuleMetadata(*llvmModule, graphs, targets.cpus, moduleName,
                                  /*exportRuntimeSymbol=*/emit == EmitKind::Shared, cudaCode.images,
                                  cudaCode.fatbin))
    return e;
  {
    CrashPhase phase("optimize", "optimizing the LLVM IR at -O" + Twine(options.optLevel).str());
    optimizeModule(*llvmModule, **machine, baseline, options.optLevel);
  }

  std::string text;
  if (emit == EmitKind::Llvm) {
    raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
  } else {
    CrashPhase phase("codegen", "generating machine code for CPU target '" + baseline.name + "'");
    Expected<std::string> code =
        emitMachineCode(*llvmModule, **machine, /*assembly=*/emit == EmitKind::Asm);
    if (!code)
      return code.takeError();
    text = std::move(*code);
  }
  if (!options.headerFile.empty())
    if (Error e = writeOutput(options.headerFile, header))
      return e;
  if (emit != EmitKind::Shared)
    return writeOutput(options.outputFile, text);
  CrashPhase phase("link", "linking the shared artifact");
  return linkSharedArtifact(text, options.outputFile);
}

} // namespace kiln
