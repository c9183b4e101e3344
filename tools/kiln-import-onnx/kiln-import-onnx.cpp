//===- kiln-import-onnx.cpp - ONNX models to Kiln IR text -----------------===//
//
// Thin over the ONNX importer (kiln/Importers/ONNX.h): writes the graph kilnc would compile from
// the model, each op located at its ONNX node, weights as dense resource blobs at the end.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/CrashGuard.h"
#include "kiln/Compiler/Frontend.h"
#include "kiln/Compiler/ToolVersion.h"
#include "kiln/Importers/ONNX.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace {

cl::OptionCategory category("kiln-import-onnx options");
cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"), cl::Required,
                               cl::cat(category));
cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout)"),
                                cl::value_desc("file"), cl::init("-"), cl::cat(category));
kiln::onnx_importer::ImportCommandLine onnxOptions(category);

int importAndPrint() {
  std::optional<kiln::onnx_importer::ImportOptions> options =
      onnxOptions.parse(errs(), "kiln-import-onnx");
  if (!options)
    return 1;
  std::string openError;
  std::unique_ptr<MemoryBuffer> input = mlir::openInputFile(inputFile, &openError);
  if (!input) {
    WithColor::error(errs(), "kiln-import-onnx") << openError << "\n";
    return 1;
  }
  mlir::DialectRegistry registry;
  kiln::registerKilnCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  auto module = kiln::onnx_importer::importModel(input->getBuffer(), context, *options);
  if (!module)
    return kiln::onnx_importer::reportImportProblems(module.takeError(), inputFile, errs());
  std::unique_ptr<ToolOutputFile> output = mlir::openOutputFile(outputFile, &openError);
  if (!output) {
    WithColor::error(errs(), "kiln-import-onnx") << openError << "\n";
    return 1;
  }
  (*module)->print(output->os(), mlir::OpPrintingFlags().enableDebugInfo());
  output->keep();
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  kiln::installCrashGuard("kiln-import-onnx");
  kiln::setToolVersionPrinter("kiln-import-onnx");
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "kiln-import-onnx: writes the Kiln IR of an ONNX model (opsets 7-17 of the default "
      "domain)\n\n"
      "  kiln-import-onnx model.onnx -o model.mlir\n"
      "  kiln-import-onnx model.onnx --dim batch=1 --graph-name classify -o model.mlir\n");
  return importAndPrint();
}
