//===- Emitters.h - Object code, metadata, headers and artifacts ----------===//
#ifndef KILN_CODEGEN_EMITTERS_H
#define KILN_CODEGEN_EMITTERS_H

#include "kiln/Codegen/CUDA.h"
#include "kiln/Codegen/Signature.h"
#include "kiln/Codegen/Target.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include <string>

namespace kiln {

/// Adds, for each graph, the packed entry `<graph>_argv(ctx, void **args)` and the module
/// metadata `<moduleName>_metadata` (kiln/abi.h). With `exportRuntimeSymbol`, also the alias
/// KILN_METADATA_SYMBOL that the runtime looks up in shared artifacts. Graphs with a CUDA
/// entry (`<graph>_cuda`) also get `<graph>_cuda_argv`, and `cudaImages` (one per SM) define the
/// kernels those entries launch.
llvm::Error addModuleMetadata(llvm::Module &module, llvm::ArrayRef<GraphSignature> graphs,
                              const CPUTarget &target, llvm::StringRef moduleName,
                              bool exportRuntimeSymbol,
                              llvm::ArrayRef<CUDAImage> cudaImages = {});

/// Sets the triple, data layout and per-function target attributes, then runs LLVM's default
/// O0-O3 pipeline for `machine`.
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine, const CPUTarget &target,
                    unsigned optLevel);

/// Object code or assembly of an optimized module.
llvm::Expected<std::string> emitMachineCode(llvm::Module &module, llvm::TargetMachine &machine,
                                            bool assembly);

/// The C header for `graphs` (C99 and C++17 clean with -Wall -Wextra -Werror); with `cuda`,
/// each graph's CUDA entries too.
std::string emitHeader(llvm::ArrayRef<GraphSignature> graphs, llvm::StringRef moduleName,
                       bool cuda = false);

/// Links an object into a shared artifact at `outputPath` with the system C compiler driver
/// (`cc`), atomically: a temporary file renamed into place.
llvm::Error linkSharedArtifact(llvm::StringRef object, llvm::StringRef outputPath);

/// Writes `contents` to `path` atomically (temporary file + rename); "-" is stdout.
llvm::Error writeOutputFile(llvm::StringRef path, llvm::StringRef contents);

} // namespace kiln

#endif
