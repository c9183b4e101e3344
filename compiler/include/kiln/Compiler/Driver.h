//===- Driver.h - The compile sequence behind kilnc, as a library ---------===//
//
// kiln::compile turns a verified Kiln module into kilnc's outputs: the CPU variants, the CUDA
// kernels and host code, metadata, header, object, assembly or shared artifact. Front ends
// (kilnc on .mlir files, importers of other formats) build a module and call it; tests reach
// it without a process. Outputs are written only when the whole compilation succeeded.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_DRIVER_H
#define KILN_COMPILER_DRIVER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace kiln {

/// What --emit writes to the output file.
enum class EmitKind { Obj, Shared, Header, Mlir, Llvm, Asm, Nvvm, Ptx, Cubin };

struct CompileOptions {
  EmitKind emit = EmitKind::Obj;
  std::string outputFile;
  /// Also write the C header here (empty: no header).
  std::string headerFile;
  /// Comma list of CPU targets (host, x86-64[-vN]) and CUDA targets (cuda:sm_NN).
  std::string targets = "host";
  /// CUDA toolkit (empty: $CUDA_PATH, else /usr/local/cuda).
  std::string cudaPath;
  bool embedPtx = false;
  unsigned optLevel = 3;
  /// C identifier prefixing the module's symbols and macros (see defaultModuleName).
  std::string moduleName;
  /// Per-pass times of the MLIR pipelines on stderr.
  bool timePasses = false;
  /// Samples of dimension 0 per call of a batch-separable graph's CPU code (0: chosen, -1:
  /// never split; kiln-split-batch).
  int64_t batchChunk = 0;
};

/// A failure that was already reported as a located diagnostic through the module's context:
/// the caller should print nothing more.
class ReportedError : public llvm::ErrorInfo<ReportedError> {
public:
  static char ID;
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;
};

/// A C identifier from an input's file name: "my-model.mlir" -> "my_model".
std::string defaultModuleName(llvm::StringRef path);

/// Checks the options that need no input (output, -O, module name, targets and what the emit
/// allows with them), so that a front end can refuse a bad command line before reading.
llvm::Error checkCompileOptions(const CompileOptions &options);

/// Compiles `module` (parsed and verified, its graph names checked by verifyGraphSymbols) and
/// writes the outputs. Errors located in the IR are reported through the module's context and
/// returned as ReportedError; the others are returned as messages. Nothing is written unless
/// every output could be built.
llvm::Error compile(mlir::ModuleOp module, const CompileOptions &options);

} // namespace kiln

#endif // KILN_COMPILER_DRIVER_H
