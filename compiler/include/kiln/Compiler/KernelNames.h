//===- KernelNames.h - The names a profile gives a graph's kernels --------===//
//
// A graph's profile (kiln_graph_info.kernel_names, kiln/abi.h) names each kernel after the
// source op it runs: kiln-to-linalg records the graph's table of names, from its ops'
// locations, as `kiln.kernels` on the graph function, and kiln-mark-kernels reports each kernel
// by its index in that table. The table is made on Kiln IR, before anything depends on the CPU
// target, so every CPU variant of a graph reports into the same table.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_KERNELNAMES_H
#define KILN_COMPILER_KERNELNAMES_H

#include "mlir/IR/Location.h"
#include <string>

namespace kiln {

/// The attribute of a graph function that holds its kernel names (an array of strings).
inline constexpr llvm::StringLiteral kKernelsAttrName = "kiln.kernels";

/// The name a profile shows for the ops at `loc`: the name of a NameLoc (an ONNX node),
/// "file.mlir:line:col" for a file location (the file's name without its directories), the first
/// named part of a fused location, the callee of a call site; "" when the location says nothing.
std::string kernelName(mlir::Location loc);

/// The names under which a fused location may be found in a kernel table, most specific first:
/// the first part of a fused location is usually the op the others were fused into.
void kernelNameCandidates(mlir::Location loc, llvm::SmallVectorImpl<std::string> &names);

} // namespace kiln

#endif
