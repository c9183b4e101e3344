//===- Signature.h - The C-level signature of each graph in a Kiln module -===//
#ifndef KILN_CODEGEN_SIGNATURE_H
#define KILN_CODEGEN_SIGNATURE_H

#include "mlir/IR/BuiltinOps.h"
#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

struct ArgSignature {
  std::string name;
  uint32_t dtype; ///< a kiln_dtype (kiln/abi.h)
  std::vector<int64_t> shape;
};

struct GraphSignature {
  std::string name;
  std::vector<ArgSignature> inputs;
  std::vector<ArgSignature> outputs;
  /// Bytes of workspace its intermediates take (kiln-plan-workspace), known after lowering;
  /// the largest over the CPU variants.
  uint64_t workspaceBytes = 0;
  /// The names of its kernels, as its CPU code reports them to a profiler (kiln-mark-kernels);
  /// known after lowering.
  std::vector<std::string> kernels;
  bool kernelsKnown = false;
  /// How many calls of its CPU code compute one call of the graph, each on the next chunk of
  /// dimension 0 of every argument and result (kiln-split-batch); known after lowering.
  uint64_t batchCalls = 1;
};

/// The signatures of every kiln.graph in `module`, in source order. Read before lowering: they
/// are what the header, the metadata and the runtime promise the caller.
std::vector<GraphSignature> collectGraphSignatures(mlir::ModuleOp module);

/// The suffixes that name a graph's other C entries after it (the C ABI of docs/design.md):
/// `<graph>_argv` takes packed arguments, `<graph>_cuda` is the CUDA entry (named so by
/// kiln-cuda-entries), `<graph>_cuda_argv` its packed form, `<graph>_cuda_host` the one on host
/// buffers.
inline constexpr llvm::StringLiteral kArgvEntrySuffix = "_argv";
inline constexpr llvm::StringLiteral kCUDAEntrySuffix = "_cuda";
inline constexpr llvm::StringLiteral kCUDAArgvEntrySuffix = "_cuda_argv";
inline constexpr llvm::StringLiteral kCUDAHostEntrySuffix = "_cuda_host";

/// Whether `name` is a C or C++ keyword (C99/C11 and C++17), which no generated name may be.
bool isCOrCxxKeyword(llvm::StringRef name);

/// Checks that each graph's name can name its C entries (`<graph>`, `<graph>_argv`, ...): a C
/// identifier, not a keyword, a reserved name or a C library function, and not the name of
/// another symbol the artifact defines. Errors are emitted at the graph.
mlir::LogicalResult verifyGraphSymbols(mlir::ModuleOp module, llvm::StringRef moduleName);

/// Checks, in a module lowered to the LLVM dialect, that each graph's function takes what the
/// C ABI promises: the context, the workspace when it has one (`<graph>.body`), then one pointer
/// per argument and result. MLIR's conversion falls back to memref descriptors for a memref it
/// cannot pass as a bare pointer (a zero-size dimension in some positions does that), and the
/// entries, which pass bare pointers, would then call it with the wrong arguments. Errors are
/// emitted at the graph's function.
mlir::LogicalResult verifyBarePointerEntries(mlir::ModuleOp lowered,
                                             llvm::ArrayRef<GraphSignature> graphs);

/// Reads each graph's kernel names (`kiln.kernels`, which kiln-to-linalg records on its
/// function) from `lowered`. Every CPU variant must name the same kernels, since the table is
/// made before anything depends on the target; errors are emitted at the graph's function.
mlir::LogicalResult collectKernelNames(mlir::ModuleOp lowered, std::vector<GraphSignature> &graphs);

/// Reads the number of chunks each graph's batch is computed in (`kiln.batch_split`, which
/// kiln-split-batch records on its function) from `lowered`. Every CPU variant splits alike,
/// since the split is decided on Kiln IR; errors are emitted at the graph's function.
mlir::LogicalResult collectBatchCalls(mlir::ModuleOp lowered, std::vector<GraphSignature> &graphs);

/// The kiln_dtype of an element type (0 if none).
uint32_t dtypeOf(mlir::Type elementType);
/// "f32", "bf16", "bool", ... and the C type that holds one element ("float", "uint16_t", ...).
const char *dtypeName(uint32_t dtype);
const char *dtypeCType(uint32_t dtype);
uint64_t dtypeSize(uint32_t dtype);
/// The elements of an argument, and its bytes.
uint64_t numElements(const ArgSignature &arg);
uint64_t byteSize(const ArgSignature &arg);

} // namespace kiln

#endif
