//===- Toolkit.h - Running the CUDA toolkit's programs ----------*- C++ -*-===//
//
// ptxas and fatbinary are executables with no library to link in their place (NVIDIA's
// nvPTXCompiler and nvFatbin would make kilnc link the toolkit). Kiln runs them through
// temporary files that are removed whatever happens.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_CUDA_TOOLKIT_H
#define KILN_CODEGEN_CUDA_TOOLKIT_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <string>

namespace kiln {

/// A new temporary file with `suffix`; the caller removes it (llvm::FileRemover).
llvm::Expected<llvm::SmallString<128>> createToolkitTemporary(llvm::StringRef suffix);

/// Writes `contents` to the file `path`.
llvm::Error writeToolkitInput(llvm::StringRef path, llvm::StringRef contents);

/// Runs `program` with `args` (args[0] is the program); on failure the error says what
/// `program` was doing (`purpose`, e.g. "for sm_90") and quotes its output.
llvm::Error runToolkitProgram(llvm::StringRef program, llvm::ArrayRef<llvm::StringRef> args,
                              llvm::StringRef purpose);

/// The contents of the file that a toolkit program wrote at `path`.
llvm::Expected<std::string> readToolkitOutput(llvm::StringRef path, llvm::StringRef what);

} // namespace kiln

#endif
