//===- KernelNames.cpp - The names a profile gives a graph's kernels ------===//
#include "kiln/Compiler/KernelNames.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace kiln {

void kernelNameCandidates(Location loc, SmallVectorImpl<std::string> &names) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    names.push_back(name.getName().str());
    return;
  }
  // The file's name without its directories: an artifact holds no build paths
  // (test/Codegen/deterministic.mlir), and a graph comes from one file.
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    names.push_back(llvm::formatv("{0}:{1}:{2}", llvm::sys::path::filename(file.getFilename()),
                                  file.getLine(), file.getColumn())
                        .str());
    return;
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location part : fused.getLocations())
      kernelNameCandidates(part, names);
    return;
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    kernelNameCandidates(call.getCallee(), names);
}

std::string kernelName(Location loc) {
  SmallVector<std::string> names;
  kernelNameCandidates(loc, names);
  return names.empty() ? std::string() : names.front();
}

} // namespace kiln
