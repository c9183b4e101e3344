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
#include "llvm/IR/LLVMContext.h"
#include "llvm/Pass.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace {

enum class Emit { Obj, Shared, Header, Mlir, Llvm, Asm, Ptx, Cubin };

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
               clEnumValN(Emit::Ptx, "ptx", "PTX (CUDA targets; not available yet)"),
               clEnumValN(Emit::Cubin, "cubin", "cubin (CUDA targets; not available yet)")),
    cl::cat(kilncCategory));
cl::opt<std::string> headerFile("header", cl::desc("Also write the C header to this file"),
                                cl::value_desc("file"), cl::cat(kilncCategory));
cl::opt<std::string> targetList("target",
                                cl::desc("CPU to compile for: host (default), x86-64, "
                                         "x86-64-v2, x86-64-v3, x86-64-v4"),
                                cl::init("host"), cl::cat(kilncCategory));
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

int compile() {
  if (emit == Emit::Ptx || emit == Emit::Cubin)
    return fail("--emit=ptx and --emit=cubin need a CUDA target, which this kilnc does not "
                "support yet");
  if (outputFile.empty())
    return fail("no output file; use -o FILE");
  if (optLevel > 3)
    return fail("invalid optimization level -O" + Twine(optLevel) + " (expected 0-3)");
  if (StringRef(targetList).contains(','))
    return fail("several targets in one artifact are not supported yet: '" + targetList + "'");
  std::string moduleName = moduleNameOpt.empty() ? defaultModuleName(inputFile) : moduleNameOpt;
  if (!kiln::isCIdentifier(moduleName))
    return fail("--module-name '" + moduleName + "' is not a C identifier");
  Expected<kiln::CPUTarget> target = kiln::resolveCPUTarget(targetList);
  if (!target)
    return fail(target.takeError());

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
  if (!module)
    return 1;
  std::vector<kiln::GraphSignature> graphs = kiln::collectGraphSignatures(*module);
  std::string header = kiln::emitHeader(graphs, moduleName);
  if (emit == Emit::Header)
    return writeOutput(outputFile, header);

  kiln::CPUPipelineOptions pipelineOptions;
  pipelineOptions.vectorBits = target->vectorRegisterBits();
  if (failed(kiln::lowerToLLVMDialect(*module, pipelineOptions, TimePassesIsEnabled)))
    return 1;
  std::string text;
  if (emit == Emit::Mlir) {
    raw_string_ostream os(text);
    module->print(os);
    return writeOutput(outputFile, text);
  }

  LLVMContext llvmContext;
  std::unique_ptr<Module> llvmModule =
      mlir::translateModuleToLLVMIR(*module, llvmContext, moduleName);
  if (!llvmModule)
    return fail("cannot translate '" + inputFile + "' to LLVM IR");
  Expected<std::unique_ptr<TargetMachine>> machine =
      kiln::createTargetMachine(*target, optLevel);
  if (!machine)
    return fail(machine.takeError());
  if (Error e = kiln::addModuleMetadata(*llvmModule, graphs, *target, moduleName,
                                        /*exportRuntimeSymbol=*/emit == Emit::Shared))
    return fail(std::move(e));
  kiln::optimizeModule(*llvmModule, **machine, *target, optLevel);

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
      "  kilnc model.mlir --emit=shared -o model.so\n");
  return compile();
}
