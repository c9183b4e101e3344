//===- CrashGuard.h - The tools' last line of defence ---------------------===//
//
// A compiler crash is a Kiln bug, never the user's: the tools turn one into a one-line
// `<tool>: internal error: <signal> in pass '<pass>' on '<op>' @<symbol> at <file:line:col>`
// (or `while <phase>` outside the pass pipelines), before LLVM's stack dump, and exit with
// kInternalErrorExit. Outputs are only ever written whole (temporary files registered for
// removal on a signal, renamed at the end), so a crash leaves none behind.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_CRASHGUARD_H
#define KILN_COMPILER_CRASHGUARD_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
class PassManager;
} // namespace mlir

namespace kiln {

/// The exit status after a crash (sysexits' EX_SOFTWARE): not 1, which means the input was
/// refused with a diagnostic.
constexpr int kInternalErrorExit = 70;

/// Installs the guard for the tool named `tool`; call it in main right after llvm::InitLLVM.
void installCrashGuard(llvm::StringRef tool);

/// While alive, a crash on this thread is reported as happening "while <what>". `key` names the
/// phase for the hidden --kiln-internal-crash-test option, which makes the tools crash on purpose
/// when the phase (or a pass with that argument) begins, so that tests reach the guard.
class CrashPhase {
public:
  CrashPhase(llvm::StringRef key, llvm::StringRef what);
  ~CrashPhase();
  CrashPhase(const CrashPhase &) = delete;
  CrashPhase &operator=(const CrashPhase &) = delete;
};

/// Makes `pm` record, for the guard, each pass and the operation it runs on.
void addCrashContext(mlir::PassManager &pm);

} // namespace kiln

#endif // KILN_COMPILER_CRASHGUARD_H
