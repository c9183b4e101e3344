//===- kilnc.cpp - The Kiln ahead-of-time compiler ------------------------===//
//
// Thin: parses options, then calls the compiler library (parse, verify, lower to the LLVM
// dialect) and the codegen library (LLVM IR, object code, header, artifact). Every output is
// built in memory and written atomically only when the whole compilation succeeded.
//
//===----------------------------------------------------------------------===//
#include "kiln/Codegen/Emitters.h"
#include "kiln/Compiler/Frontend.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "kiln/abi.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Pass.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace {

enum class Emit { Obj, Shared, Header, Mlir, Llvm, Asm, Nvvm, Ptx, Cubin };

cl::OptionCategory kilncCategory("kilnc options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"), cl::Required,
                               cl::cat(kilncCategory));
cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' for stdout with text emits)"),
                                cl::value_desc("file"), cl::cat(kilncCategory));
cl::opt<Emit> emit(
    "emit", cl::desc("What to write to -o"), cl::init(Emit::Obj),
    cl::values(clEnumValN(Emit::Obj, "obj", "relocatable object for static linking (default)"),
               clEnumValN(Emit::Shared, "shared",
                          "shared-object artifact for the runtime and kiln-run"),
               clEnumValN(Emit::Header, "header", "the C header"),
               clEnumValN(Emit::Mlir, "mlir", "the module in the LLVM dialect, after the "
                                              "Kiln pipeline"),
               clEnumValN(Emit::Llvm, "llvm", "optimized LLVM IR"),
               clEnumValN(Emit::Asm, "asm", "assembly"),
               clEnumValN(Emit::Nvvm, "nvvm",
                          "the kernels' LLVM IR (NVPTX, libdevice linked, optimized) for the "
                          "one CUDA target given"),
               clEnumValN(Emit::Ptx, "ptx", "the kernels' PTX for the one CUDA target given"),
               clEnumValN(Emit::Cubin, "cubin",
                          "the kernels' cubin for the one CUDA target given (ptxas)")),
    cl::cat(kilncCategory));
cl::opt<std::string> headerFile("header", cl::desc("Also write the C header to this file"),
                                cl::value_desc("file"), cl::cat(kilncCategory));
cl::opt<std::string> targetList(
    "target",
    cl::desc("Comma list of targets: CPUs (host (default), x86-64, x86-64-v2, x86-64-v3, "
             "x86-64-v4) and CUDA architectures (cuda:sm_80, cuda:sm_90, ...). Several x86-64 "
             "levels make one artifact whose entries run the best level the CPU supports "
             "(cpuid, first call). CUDA targets add a <graph>_cuda entry per graph and a cubin "
             "per architecture; the CPU entries are always there"),
    cl::init("host"), cl::cat(kilncCategory));
cl::opt<std::string> cudaPath("cuda-path",
                              cl::desc("CUDA toolkit for ptxas, fatbinary and libdevice (default: "
                                       "$CUDA_PATH, else /usr/local/cuda)"),
                              cl::value_desc("dir"), cl::cat(kilncCategory));
cl::opt<bool> embedPtx("embed-ptx",
                       cl::desc("Also embed the PTX of each CUDA target, which the runtime "
                                "JIT-compiles only when KILN_ALLOW_PTX_JIT=1 and no cubin "
                                "matches the GPU"),
                       cl::cat(kilncCategory));
cl::opt<unsigned> optLevel("O", cl::desc("Optimization level: -O0, -O1, -O2 or -O3 (default)"),
                           cl::Prefix, cl::init(3), cl::cat(kilncCategory));
cl::opt<std::string> moduleNameOpt(
    "module-name",
    cl::desc("C identifier that prefixes the module's symbols and macros (default: the input "
             "file's name)"),
    cl::value_desc("name"), cl::cat(kilncCategory));

int fail(const Twine &message) {
  WithColor::error(errs(), "kilnc") << message << "\n";
  return 1;
}

int fail(Error error) {
  std::string message = toString(std::move(error));
  return fail(message);
}

/// Writes an output, naming it in the error: nothing is left behind on failure.
int writeOutput(StringRef path, StringRef contents) {
  if (Error e = kiln::writeOutputFile(path, contents))
    return fail("cannot write '" + path + "': " + toString(std::move(e)));
  return 0;
}

/// A C identifier from the input's file name: "my-model.mlir" -> "my_model".
std::string defaultModuleName(StringRef path) {
  std::string name = sys::path::stem(path).str();
  for (char &c : name)
    if (!isAlnum(c))
      c = '_';
  if (name.empty() || isDigit(name[0]))
    name = "m_" + name;
  return name;
}

/// The --target list: CPU targets (host when none is named), best first, and CUDA chips
/// ("sm_90").
struct TargetList {
  std::vector<kiln::CPUTarget> cpus;
  std::vector<std::string> cudaChips;
};

Expected<TargetList> parseTargetList(StringRef list) {
  TargetList targets;
  SmallVector<StringRef> entries;
  list.split(entries, ',');
  for (StringRef entry : entries) {
    entry = entry.trim();
    if (entry.consume_front("cuda:")) {
      if (Expected<unsigned> sm = kiln::parseSMArchitecture(entry); !sm)
        return sm.takeError();
      if (llvm::is_contained(targets.cudaChips, entry))
        return createStringError("target 'cuda:%s' is given twice", entry.str().c_str());
      targets.cudaChips.push_back(entry.str());
      continue;
    }
    Expected<kiln::CPUTarget> cpu = kiln::resolveCPUTarget(entry);
    if (!cpu)
      return cpu.takeError();
    if (llvm::any_of(targets.cpus,
                     [&](const kiln::CPUTarget &t) { return t.name == cpu->name; }))
      return createStringError("target '%s' is given twice", entry.str().c_str());
    targets.cpus.push_back(std::move(*cpu));
  }
  if (targets.cpus.empty())
    targets.cpus.push_back(cantFail(kiln::resolveCPUTarget("host")));
  if (targets.cpus.size() > 1 && llvm::any_of(targets.cpus, [](const kiln::CPUTarget &t) {
        return t.name == "host";
      }))
    return createStringError("'host' (this machine's exact CPU) cannot be one of several CPU "
                             "targets; list x86-64 levels, e.g. "
                             "--target=x86-64-v2,x86-64-v3,x86-64-v4");
  // Best first: each x86-64 level requires all the features of the levels below it.
  llvm::stable_sort(targets.cpus, [](const kiln::CPUTarget &a, const kiln::CPUTarget &b) {
    return a.requiredFeatures.size() > b.requiredFeatures.size();
  });
  return targets;
}

/// Lowers `module` for one CPU target and translates it to LLVM IR; with several targets, a
/// copy, renamed as that target's variant.
std::unique_ptr<Module> compileCPUVariant(mlir::ModuleOp module, const kiln::CPUTarget &target,
                                          bool several, LLVMContext &llvmContext,
                                          StringRef moduleName,
                                          std::vector<kiln::GraphSignature> &graphs) {
  mlir::OwningOpRef<mlir::ModuleOp> copy;
  if (several)
    copy = module.clone();
  mlir::ModuleOp lowered = several ? *copy : module;
  kiln::CPUPipelineOptions pipelineOptions;
  pipelineOptions.vectorBits = target.vectorRegisterBits();
  if (failed(kiln::lowerToLLVMDialect(lowered, pipelineOptions, TimePassesIsEnabled)))
    return nullptr;
  std::unique_ptr<Module> code = mlir::translateModuleToLLVMIR(lowered, llvmContext, moduleName);
  if (!code) {
    lowered.emitError("cannot translate the module to LLVM IR");
    return nullptr;
  }
  Expected<std::vector<uint64_t>> workspace =
      kiln::addWorkspaceEntries(*code, graphs, moduleName);
  if (!workspace) {
    lowered.emitError(toString(workspace.takeError()));
    return nullptr;
  }
  for (size_t i = 0; i < graphs.size(); ++i)
    graphs[i].workspaceBytes = std::max(graphs[i].workspaceBytes, (*workspace)[i]);
  if (several) {
    kiln::renameCPUVariant(*code, target);
    kiln::applyCPUTarget(*code, target);
  }
  return code;
}

/// Lowers a copy of `module` for the CUDA chips, assembles its PTX with ptxas and returns the
/// host code (translated into `llvmContext`), the images and their fat binary; for
/// --emit=nvvm|ptx|cubin, only the one chip's image (for nvvm, LLVM IR text in place of PTX).
struct CUDACode {
  std::unique_ptr<Module> host;
  std::vector<kiln::CUDAImage> images;
  std::string fatbin;
};

/// Whether --emit writes the kernels of one CUDA target rather than an artifact.
bool emitsKernelCode() { return emit == Emit::Nvvm || emit == Emit::Ptx || emit == Emit::Cubin; }

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

Expected<CUDACode> compileCUDA(mlir::ModuleOp module, const TargetList &targets,
                               LLVMContext &llvmContext) {
  std::string toolkit = kiln::resolveCUDAPath(cudaPath);
  // Before any lowering: a missing toolkit is the likeliest failure and the cheapest to check.
  std::string ptxas, fatbinary;
  bool assembles = emit != Emit::Ptx && emit != Emit::Nvvm;
  if (assembles) {
    Expected<std::string> found = kiln::findToolkitProgram(toolkit, "ptxas");
    if (!found)
      return found.takeError();
    ptxas = std::move(*found);
  }
  if (assembles && emit != Emit::Cubin) {
    Expected<std::string> found = kiln::findToolkitProgram(toolkit, "fatbinary");
    if (!found)
      return found.takeError();
    fatbinary = std::move(*found);
  }
  if (Error e = kiln::checkLibdevice(toolkit))
    return std::move(e);
  mlir::OwningOpRef<mlir::ModuleOp> cuda = module.clone();
  kiln::CUDAPipelineOptions options;
  options.chips = targets.cudaChips;
  options.cudaPath = toolkit;
  options.emitLLVM = emit == Emit::Nvvm;
  if (failed(kiln::lowerToCUDA(*cuda, options, TimePassesIsEnabled)))
    return createStringError("the CUDA lowering failed");
  mlir::FailureOr<std::vector<kiln::KernelCode>> kernels = kiln::takeKernelCode(*cuda);
  if (failed(kernels))
    return createStringError("the CUDA lowering produced no kernels");
  CUDACode code;
  for (const kiln::KernelCode &kernel : *kernels) {
    unsigned sm = cantFail(kiln::parseSMArchitecture(kernel.chip));
    if (emit == Emit::Nvvm) {
      Expected<std::string> text = bitcodeToText(kernel.code, llvmContext);
      if (!text)
        return text.takeError();
      code.images.push_back({sm, KILN_CUDA_PTX, std::move(*text)});
      continue;
    }
    if (emit == Emit::Ptx) {
      code.images.push_back({sm, KILN_CUDA_PTX, kernel.code});
      continue;
    }
    Expected<std::string> cubin = kiln::assemblePTX(ptxas, kernel.code, kernel.chip, 3);
    if (!cubin)
      return cubin.takeError();
    code.images.push_back({sm, KILN_CUDA_CUBIN, std::move(*cubin)});
    if (embedPtx)
      code.images.push_back({sm, KILN_CUDA_PTX, kernel.code});
  }
  if (emitsKernelCode())
    return code;
  Expected<std::string> fatbin = kiln::packFatbinary(fatbinary, code.images);
  if (!fatbin)
    return fatbin.takeError();
  code.fatbin = std::move(*fatbin);
  code.host = mlir::translateModuleToLLVMIR(*cuda, llvmContext, "kiln_cuda_host");
  if (!code.host)
    return createStringError("cannot translate the CUDA host code to LLVM IR");
  return code;
}

int compile() {
  if (outputFile.empty())
    return fail("no output file; use -o FILE");
  if (optLevel > 3)
    return fail("invalid optimization level -O" + Twine(optLevel) + " (expected 0-3)");
  std::string moduleName = moduleNameOpt.empty() ? defaultModuleName(inputFile) : moduleNameOpt;
  if (!kiln::isCIdentifier(moduleName))
    return fail("--module-name '" + moduleName + "' is not a C identifier");
  Expected<TargetList> targets = parseTargetList(targetList);
  if (!targets)
    return fail(targets.takeError());
  bool emitsKernels = emitsKernelCode();
  if (emitsKernels && targets->cudaChips.size() != 1)
    return fail(Twine("--emit=") +
                (emit == Emit::Nvvm ? "nvvm" : emit == Emit::Ptx ? "ptx" : "cubin") +
                " writes the code of one CUDA target; name exactly one, e.g. "
                "--target=cuda:sm_90");
  bool severalCPUs = targets->cpus.size() > 1;
  if (severalCPUs && emit == Emit::Mlir)
    return fail("--emit=mlir writes the module of one CPU target; name one");
  const kiln::CPUTarget &baseline = targets->cpus.back();

  std::string openError;
  std::unique_ptr<MemoryBuffer> input = mlir::openInputFile(inputFile, &openError);
  if (!input)
    return fail(openError);
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());

  mlir::DialectRegistry registry;
  kiln::registerKilnCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  mlir::OwningOpRef<mlir::ModuleOp> module = kiln::parseKilnModule(sourceMgr, context);
  if (!module || failed(kiln::verifyGraphSymbols(*module, moduleName)))
    return 1;
  std::vector<kiln::GraphSignature> graphs = kiln::collectGraphSignatures(*module);
  bool cuda = !targets->cudaChips.empty();

  LLVMContext llvmContext;
  CUDACode cudaCode;
  if (cuda && emit != Emit::Header) {
    Expected<CUDACode> compiled = compileCUDA(*module, *targets, llvmContext);
    if (!compiled)
      return fail(compiled.takeError());
    cudaCode = std::move(*compiled);
    if (emitsKernels)
      return writeOutput(outputFile, cudaCode.images.front().data);
  }

  std::string text;
  if (emit == Emit::Mlir) {
    kiln::CPUPipelineOptions pipelineOptions;
    pipelineOptions.vectorBits = baseline.vectorRegisterBits();
    if (failed(kiln::lowerToLLVMDialect(*module, pipelineOptions, TimePassesIsEnabled)))
      return 1;
    raw_string_ostream os(text);
    module->print(os);
    return writeOutput(outputFile, text);
  }

  // The header reports the workspace that lowering plans, so it comes after lowering too.
  std::unique_ptr<Module> llvmModule;
  for (const kiln::CPUTarget &target : targets->cpus) {
    std::unique_ptr<Module> variant =
        compileCPUVariant(*module, target, severalCPUs, llvmContext, moduleName, graphs);
    if (!variant)
      return 1;
    if (!llvmModule)
      llvmModule = std::move(variant);
    else if (Linker::linkModules(*llvmModule, std::move(variant)))
      return fail("cannot link the code of target '" + target.name + "'");
  }
  std::string header = kiln::emitHeader(graphs, moduleName, cuda);
  if (emit == Emit::Header)
    return writeOutput(outputFile, header);
  kiln::defineWorkspaceProvider(*llvmModule, moduleName);
  if (cudaCode.host && Linker::linkModules(*llvmModule, std::move(cudaCode.host)))
    return fail("cannot link the CUDA host code with the CPU code");
  Expected<std::unique_ptr<TargetMachine>> machine =
      kiln::createTargetMachine(baseline, optLevel);
  if (!machine)
    return fail(machine.takeError());
  if (Error e = kiln::addCPUDispatch(*llvmModule, graphs, targets->cpus, moduleName))
    return fail(std::move(e));
  if (Error e = kiln::addModuleMetadata(*llvmModule, graphs, targets->cpus, moduleName,
                                        /*exportRuntimeSymbol=*/emit == Emit::Shared,
                                        cudaCode.images, cudaCode.fatbin))
    return fail(std::move(e));
  kiln::optimizeModule(*llvmModule, **machine, baseline, optLevel);

  if (emit == Emit::Llvm) {
    raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
  } else {
    Expected<std::string> code =
        kiln::emitMachineCode(*llvmModule, **machine, /*assembly=*/emit == Emit::Asm);
    if (!code)
      return fail(code.takeError());
    text = std::move(*code);
  }
  if (!headerFile.empty() && writeOutput(headerFile, header))
    return 1;
  if (emit != Emit::Shared)
    return writeOutput(outputFile, text);
  if (Error e = kiln::linkSharedArtifact(text, outputFile))
    return fail(std::move(e));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // LLVM owns -time-passes (its IR pass timers); kilnc also times its MLIR passes with it.
  cl::Option *timePasses = cl::getRegisteredOptions().lookup("time-passes");
  timePasses->setDescription("Print the time each MLIR and LLVM pass takes");
  timePasses->addCategory(kilncCategory);
  timePasses->setHiddenFlag(cl::NotHidden);
  cl::HideUnrelatedOptions(kilncCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "kilnc: compiles Kiln graphs (.mlir) ahead of time to objects, shared artifacts and C "
      "headers\n\n"
      "  kilnc model.mlir -o model.o --header=model.h\n"
      "  kilnc model.mlir --emit=shared -o model.so\n"
      "  kilnc model.mlir --emit=shared --target=host,cuda:sm_80,cuda:sm_90 -o model.so\n");
  return compile();
}
