// OnnxFuzzer.cpp - the ONNX importer on arbitrary bytes: parse, check, convert, infer shapes and
// import. Any input must import to a module that verifies or be refused with problem lines: a
// crash, or a refusal without a problem, is a bug. Seeded with the models of ONNX's backend test
// suite (run.sh). The importer and the dialect are instrumented; ONNX and protobuf are not.
#include "kiln/Importers/ONNX.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  // Only what the model decides: dimensions the suite's models name, no build-time inputs.
  kiln::onnx_importer::ImportOptions options;
  auto module = kiln::onnx_importer::importModel(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), context, options);
  if (!module) {
    bool described = false;
    llvm::handleAllErrors(
        module.takeError(),
        [&](const kiln::onnx_importer::ImportProblems &problems) {
          described = !problems.getProblems().empty();
        },
        [](const llvm::ErrorInfoBase &) {});
    if (!described) {
      std::fprintf(stderr, "refused without a problem line\n");
      std::abort();
    }
    return 0;
  }
  if (mlir::failed(mlir::verify(**module))) {
    std::fprintf(stderr, "imported a module that does not verify\n");
    std::abort();
  }
  return 0;
}
