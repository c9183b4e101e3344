//===- kiln-opt.cpp - mlir-opt with Kiln's dialect, passes and pipelines --===//
//
// MlirOptMain on a buffer rather than a file name, so that the input passes Kiln's parser
// guards (kiln/Dialect/Kiln/ParserGuards.h) before MLIR's parser sees it.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Frontend.h"
#include "kiln/Compiler/Passes.h"
#include "kiln/Compiler/Pipelines.h"
#include "kiln/Compiler/ToolVersion.h"
#include "kiln/Dialect/Kiln/ParserGuards.h"

#include "kiln/Compiler/CrashGuard.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  kiln::installCrashGuard("kiln-opt");
  kiln::setToolVersionPrinter("kiln-opt");
  mlir::registerAllPasses();
  kiln::registerKilnPasses();
  kiln::registerKilnPipelines();
  mlir::DialectRegistry registry;
  kiln::registerKilnCompilerDialects(registry);
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "kiln-opt: mlir-opt with the Kiln dialect, passes and pipelines\n", registry);
  mlir::MlirOptMainConfig config = mlir::MlirOptMainConfig::createFromCLOptions();
  config.setPassPipelineSetupFn([pipeline = config](mlir::PassManager &pm) {
    kiln::addCrashContext(pm);
    return pipeline.setupPassPipeline(pm);
  });
  // These read no input: MlirOptMain's own entry prints them.
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input = mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::WithColor::error(llvm::errs(), "kiln-opt") << error << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBuffer(*input), llvm::SMLoc());
  if (failed(kiln::rejectParserCrashes(sourceMgr)))
    return 1;
  std::unique_ptr<llvm::ToolOutputFile> output = mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::WithColor::error(llvm::errs(), "kiln-opt") << error << "\n";
    return 1;
  }
  if (failed(mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
