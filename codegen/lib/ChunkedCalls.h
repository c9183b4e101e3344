//===- ChunkedCalls.h - Entries that run a split batch chunk by chunk -----===//
#ifndef KILN_CODEGEN_CHUNKEDCALLS_H
#define KILN_CODEGEN_CHUNKEDCALLS_H

#include "kiln/Codegen/Signature.h"
#include "llvm/IR/IRBuilder.h"

namespace kiln {

/// Where the code of one chunk gets its workspace: `bytes` from `provider`
/// (`__kiln_<module>_workspace(ctx, bytes)`, Workspace.cpp); none when `bytes` is 0.
struct ChunkWorkspace {
  llvm::FunctionCallee provider;
  uint64_t bytes = 0;
};

/// Ends `entry`, at b's insertion point, with the calls of `code(ctx, [workspace], pointers...)`
/// for each of the graph.batchCalls chunks of a split batch, every pointer advanced by one
/// chunk. When kiln_spread_chunks says so (kiln/abi.h) the chunks are shared out over
/// kiln_parallel_for, each task with its own workspace and a context that runs the chunk's
/// loops inline; otherwise they run in order with one workspace. Returns the first failing
/// status, or KILN_ENTRY_OUT_OF_MEMORY when a workspace cannot be had.
void returnCallsOfChunks(llvm::IRBuilder<> &b, llvm::Function *entry, llvm::Function *code,
                         const GraphSignature &graph, const ChunkWorkspace &workspace);

} // namespace kiln

#endif // KILN_CODEGEN_CHUNKEDCALLS_H
