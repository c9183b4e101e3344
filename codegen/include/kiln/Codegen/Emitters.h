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
/// kernels those entries launch; `cudaFatbin`, their fat binary (packFatbinary), if given, is
/// placed in the `.nv_fatbin` section and holds the cubins' bytes.
llvm::Error addModuleMetadata(llvm::Module &module, llvm::ArrayRef<GraphSignature> graphs,
                              llvm::ArrayRef<CPUTarget> cpuVariants, llvm::StringRef moduleName,
                              bool exportRuntimeSymbol, llvm::ArrayRef<CUDAImage> cudaImages = {},
                              llvm::StringRef cudaFatbin = {});

/// Several CPU targets in one artifact (CPUVariants.cpp). `variants` are ordered best first;
/// the last is the baseline, which the artifact requires and the TargetMachine is made for.
///
/// The suffix that a variant's definitions get: ".x86_64_v4".
std::string cpuVariantSuffix(const CPUTarget &target);
/// Renames every definition of `module` (the code of one variant) with the target's suffix, so
/// that the variants link into one module (addCPUDispatch then gives them local linkage).
void renameCPUVariant(llvm::Module &module, const CPUTarget &target);
/// Gives every function defined in `module` that has no target yet the attributes of `target`.
void applyCPUTarget(llvm::Module &module, const CPUTarget &target);
/// The name of the module's metadata, `const struct kiln_module_metadata <module>_metadata`.
std::string moduleMetadataSymbol(llvm::StringRef moduleName);
/// The name of the function `const char *<module>_cpu_variant(void)`.
std::string cpuVariantSymbol(llvm::StringRef moduleName);
/// Defines `<module>_cpu_variant()`, which names the variant the entries run on this CPU, and,
/// with several variants, each graph's entry, which calls the best variant this CPU supports
/// (chosen by cpuid on the first call).
llvm::Error addCPUDispatch(llvm::Module &module, llvm::ArrayRef<GraphSignature> graphs,
                           llvm::ArrayRef<CPUTarget> variants, llvm::StringRef moduleName);

/// Defines each graph's C entry around the `<graph>.body` that kiln-plan-workspace gave a
/// workspace argument (Workspace.cpp), calling it once per chunk of a split batch
/// (GraphSignature::batchCalls; a graph without workspace gets such an entry too); returns each
/// graph's workspace bytes (0 for a graph without). The entries call `__kiln_<module>_workspace`,
/// which defineWorkspaceProvider defines once the CPU variants are linked.
llvm::Expected<std::vector<uint64_t>> addWorkspaceEntries(llvm::Module &module,
                                                          llvm::ArrayRef<GraphSignature> graphs,
                                                          llvm::StringRef moduleName);
void defineWorkspaceProvider(llvm::Module &module, llvm::StringRef moduleName);

/// Sets the triple, data layout and the attributes of `target` on functions without a target
/// (applyCPUTarget), then runs LLVM's default O0-O3 pipeline for `machine`.
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine, const CPUTarget &target,
                    unsigned optLevel);

/// Object code or assembly of an optimized module.
llvm::Expected<std::string> emitMachineCode(llvm::Module &module, llvm::TargetMachine &machine,
                                            bool assembly);

/// The largest workspace of the graphs, in bytes.
uint64_t maxWorkspace(llvm::ArrayRef<GraphSignature> graphs);

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
