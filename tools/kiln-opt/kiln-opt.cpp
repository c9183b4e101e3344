//===- kiln-opt.cpp - mlir-opt with Kiln's dialect, passes and pipelines --===//
#include "kiln/Compiler/Frontend.h"
#include "kiln/Compiler/Passes.h"
#include "kiln/Compiler/Pipelines.h"
#include "kiln/Compiler/ToolVersion.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  kiln::setToolVersionPrinter("kiln-opt");
  mlir::registerAllPasses();
  kiln::registerKilnPasses();
  kiln::registerKilnPipelines();
  mlir::DialectRegistry registry;
  kiln::registerKilnCompilerDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "kiln-opt: mlir-opt with the Kiln dialect, passes and pipelines\n", registry));
}
