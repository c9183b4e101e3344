// MlirFuzzer.cpp - the .mlir front end on arbitrary text: parse, verify, and compile to LLVM IR
// (the whole CPU pipeline, then LLVM's optimizer at -O0, or -O2 for inputs of odd length). Any
// input must compile or be refused with a diagnostic: a crash or an error without a diagnostic
// is a bug. Seeded with the lit tests' .mlir files; kiln.dict holds the language's tokens.
#include "kiln/Compiler/Driver.h"
#include "kiln/Compiler/Frontend.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace {

const mlir::DialectRegistry &registry() {
  static mlir::DialectRegistry *dialects = [] {
    auto *r = new mlir::DialectRegistry;
    kiln::registerKilnCompilerDialects(*r);
    return r;
  }();
  return *dialects;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Threads would make a crash's stack and the fuzzer's coverage depend on scheduling.
  mlir::MLIRContext context(registry(), mlir::MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.mlir"),
      llvm::SMLoc());
  bool diagnosed = false;
  // Kiln's parser guards report through the SourceMgr (as MLIR's parser formats them).
  sourceMgr.setDiagHandler(
      [](const llvm::SMDiagnostic &diagnostic, void *flag) {
        *static_cast<bool *>(flag) |= diagnostic.getKind() == llvm::SourceMgr::DK_Error;
      },
      &diagnosed);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diagnostic) {
    diagnosed |= diagnostic.getSeverity() == mlir::DiagnosticSeverity::Error;
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module = kiln::parseKilnModule(sourceMgr, context);
  if (!module) {
    if (!diagnosed)
      std::abort(); // refused without saying why
    return 0;
  }
  kiln::CompileOptions options;
  options.emit = kiln::EmitKind::Llvm;
  options.outputFile = "/dev/null"; // llvm::writeToOutput writes nothing there
  options.targets = "x86-64-v3";
  options.optLevel = size % 2 ? 2 : 0;
  options.moduleName = "fuzz";
  if (llvm::Error error = kiln::compile(*module, options)) {
    // A ReportedError means diagnostics were emitted; any other error carries its message.
    bool reported = error.isA<kiln::ReportedError>();
    llvm::consumeError(std::move(error));
    if (reported && !diagnosed)
      std::abort();
  }
  return 0;
}
