//===- ToolVersion.h - What the tools' --version prints -------------------===//
//
// Header-only so that only the tools see the generated kiln/version.h: a version change then
// rebuilds four small files, not the compiler.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TOOLVERSION_H
#define KILN_COMPILER_TOOLVERSION_H

#include "kiln/version.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

namespace kiln {

/// Makes --version print Kiln's version, then the LLVM it was built with and the host CPU it
/// would compile for: what a bug report needs.
inline void setToolVersionPrinter(llvm::StringRef tool) {
  llvm::cl::SetVersionPrinter([tool](llvm::raw_ostream &os) {
    os << tool << " (Kiln) " KILN_VERSION_STRING "\n"
       << "  LLVM/MLIR version " LLVM_VERSION_STRING "\n"
       << "  host CPU: " << llvm::sys::getHostCPUName() << "\n";
  });
}

} // namespace kiln

#endif // KILN_COMPILER_TOOLVERSION_H
