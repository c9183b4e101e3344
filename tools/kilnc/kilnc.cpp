//===- kilnc.cpp - The Kiln ahead-of-time compiler ------------------------===//
//
// Thin: parses options and the input, then calls the compile driver (kiln/Compiler/Driver.h),
// which lowers, generates code and writes the outputs.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Driver.h"
#include "kiln/Compiler/Frontend.h"
#include "kiln/Compiler/ToolVersion.h"

#include "kiln/Compiler/CrashGuard.h"
#include "kiln/Importers/ONNX.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Pass.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace {

using Emit = kiln::EmitKind;

cl::OptionCategory kilncCategory("kilnc options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir|input.onnx>"), cl::Required,
                               cl::cat(kilncCategory));
cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' for stdout with text emits)"),
                                cl::value_desc("file"), cl::cat(kilncCategory));
/// cl::parser<Emit>, except that an unknown value's error lists the valid ones.
struct EmitParser : cl::parser<Emit> {
  using cl::parser<Emit>::parser;
  bool parse(cl::Option &option, StringRef name, StringRef value, Emit &emit) {
    if (findOption(value) != getNumOptions())
      return cl::parser<Emit>::parse(option, name, value, emit);
    SmallVector<StringRef> names;
    for (unsigned i = 0, e = getNumOptions(); i != e; ++i)
      names.push_back(getOption(i));
    return option.error("'" + value + "' is not one of: " + join(names, ", "));
  }
};

cl::opt<Emit, false, EmitParser>
    emit("emit", cl::desc("What to write to -o"), cl::init(Emit::Obj),
         cl::values(clEnumValN(Emit::Obj, "obj", "relocatable object for static linking (default)"),
                    clEnumValN(Emit::Shared, "shared",
                               "shared-object artifact for the runtime and kiln-run"),
                    clEnumValN(Emit::Header, "header", "the C header"),
                    clEnumValN(Emit::Mlir, "mlir",
                               "the module in the LLVM dialect, after the "
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

cl::opt<int64_t> batchChunk(
    "batch-chunk",
    cl::desc("Samples of the batch (dimension 0) that a batch-separable graph's CPU code computes "
             "per call; its entry then calls it once per chunk, which keeps a convolutional "
             "network's activations in cache. 0 (default) chooses for graphs that convolve, -1 "
             "never splits; a chunk that does not divide a graph's batch leaves it whole"),
    cl::init(0), cl::value_desc("samples"), cl::cat(kilncCategory));

cl::OptionCategory onnxCategory("ONNX models (the input is an ONNX model when its name ends in "
                                ".onnx or its bytes are a serialized ModelProto)");
kiln::onnx_importer::ImportCommandLine onnxOptions(onnxCategory);

int fail(const Twine &message) {
  WithColor::error(errs(), "kilnc") << message << "\n";
  return 1;
}

/// Exit status 1; the message unless the driver already reported the errors in the IR.
int fail(Error error) {
  handleAllErrors(
      std::move(error), [](const kiln::ReportedError &) {},
      [](const ErrorInfoBase &info) { fail(info.message()); });
  return 1;
}

kiln::CompileOptions compileOptions() {
  kiln::CompileOptions options;
  options.emit = emit;
  options.outputFile = outputFile;
  options.headerFile = headerFile;
  options.targets = targetList;
  options.cudaPath = cudaPath;
  options.embedPtx = embedPtx;
  options.optLevel = optLevel;
  options.moduleName =
      moduleNameOpt.empty() ? kiln::defaultModuleName(inputFile) : std::string(moduleNameOpt);
  options.timePasses = TimePassesIsEnabled;
  options.batchChunk = batchChunk;
  return options;
}

int compile() {
  kiln::CompileOptions options = compileOptions();
  if (Error e = kiln::checkCompileOptions(options))
    return fail(std::move(e));

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

  llvm::StringRef bytes = sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())->getBuffer();
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (kiln::onnx_importer::looksLikeONNXModel(inputFile, bytes)) {
    std::optional<kiln::onnx_importer::ImportOptions> importOptions =
        onnxOptions.parse(errs(), "kilnc");
    if (!importOptions)
      return 1;
    auto imported = kiln::onnx_importer::importModel(bytes, context, *importOptions);
    if (!imported)
      return kiln::onnx_importer::reportImportProblems(imported.takeError(), inputFile, errs());
    module = std::move(*imported);
  } else {
    if (onnxOptions.any())
      return fail("--graph-name, --dim and --input-value apply to ONNX models only; '" + inputFile +
                  "' is Kiln IR");
    module = kiln::parseKilnModule(sourceMgr, context);
    if (!module)
      return 1;
  }
  if (Error e = kiln::compile(*module, options))
    return fail(std::move(e));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  kiln::installCrashGuard("kilnc");
  kiln::setToolVersionPrinter("kilnc");
  // LLVM owns -time-passes (its IR pass timers); kilnc also times its MLIR passes with it.
  cl::Option *timePasses = cl::getRegisteredOptions().lookup("time-passes");
  timePasses->setDescription("Print the time each MLIR and LLVM pass takes");
  timePasses->addCategory(kilncCategory);
  timePasses->setHiddenFlag(cl::NotHidden);
  cl::HideUnrelatedOptions({&kilncCategory, &onnxCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "kilnc: compiles Kiln graphs (.mlir) and ONNX models (.onnx) ahead of time to objects, "
      "shared artifacts and C headers\n\n"
      "  kilnc model.mlir -o model.o --header=model.h\n"
      "  kilnc model.mlir --emit=shared -o model.so\n"
      "  kilnc model.mlir --emit=shared --target=host,cuda:sm_80,cuda:sm_90 -o model.so\n"
      "  kilnc resnet18.onnx --dim batch=1 --emit=shared -o resnet18.so\n");
  return compile();
}
