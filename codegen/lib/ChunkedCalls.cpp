//===- ChunkedCalls.cpp - Entries that run a split batch chunk by chunk ---===//
//
// kiln-split-batch compiles a graph for one chunk of its batch. Its C entry runs that code once
// per chunk on pointers advanced by a chunk's bytes. Run in order, each chunk shares its own
// loops over the threads; at batch 8 on two threads that splits one image's 3x3 convolutions
// and GEMVs in two, which ResNet-50 pays 10% for. So the entry asks the runtime
// (kiln_spread_chunks, kiln/abi.h) whether to give whole chunks to the threads instead. A task
// then runs its chunks' loops inline, through a context of its own, so that no application
// pool ever sees a parallel_for called from one of its tasks.
//
//===----------------------------------------------------------------------===//
#include "ChunkedCalls.h"
#include "kiln/abi.h"

#include "llvm/IR/Module.h"

using namespace llvm;

namespace kiln {
namespace {

constexpr StringLiteral kSpreadChunks = "kiln_spread_chunks";
constexpr StringLiteral kRuntimeParallelFor = "kiln_parallel_for";
constexpr StringLiteral kInlineParallelFor = "__kiln_inline_parallel_for";

/// The bytes of one chunk of each input and output, in the order of the C entry's pointers.
std::vector<uint64_t> chunkBytes(const GraphSignature &graph) {
  std::vector<uint64_t> bytes;
  for (const ArgSignature &arg : graph.inputs)
    bytes.push_back(byteSize(arg) / graph.batchCalls);
  for (const ArgSignature &arg : graph.outputs)
    bytes.push_back(byteSize(arg) / graph.batchCalls);
  return bytes;
}

FunctionType *parallelForType(LLVMContext &ctx) {
  auto *ptrTy = PointerType::getUnqual(ctx);
  auto *i64Ty = Type::getInt64Ty(ctx);
  return FunctionType::get(Type::getVoidTy(ctx), {ptrTy, i64Ty, ptrTy, ptrTy}, false);
}

FunctionType *taskType(LLVMContext &ctx) {
  auto *i64Ty = Type::getInt64Ty(ctx);
  return FunctionType::get(Type::getVoidTy(ctx), {PointerType::getUnqual(ctx), i64Ty, i64Ty},
                           false);
}

/// A runtime function that the code references weakly: null when the runtime is not linked.
Function *weakRuntimeFunction(Module &module, StringRef name, FunctionType *type) {
  if (Function *existing = module.getFunction(name))
    return existing;
  return Function::Create(type, GlobalValue::ExternalWeakLinkage, name, module);
}

/// `void __kiln_inline_parallel_for(ctx, count, task, data)`: task(data, 0, count) on the
/// calling thread, the parallel_for of the context a spread chunk runs with.
Function *getOrCreateInlineParallelFor(Module &module) {
  if (Function *existing = module.getFunction(kInlineParallelFor))
    return existing;
  LLVMContext &ctx = module.getContext();
  Function *fn = Function::Create(parallelForType(ctx), GlobalValue::InternalLinkage,
                                  kInlineParallelFor, module);
  BasicBlock *entry = BasicBlock::Create(ctx, "entry", fn);
  BasicBlock *run = BasicBlock::Create(ctx, "run", fn);
  BasicBlock *done = BasicBlock::Create(ctx, "done", fn);
  IRBuilder<> b(entry);
  Value *count = fn->getArg(1);
  b.CreateCondBr(b.CreateICmpSGT(count, b.getInt64(0)), run, done);
  b.SetInsertPoint(run);
  b.CreateCall(taskType(ctx), fn->getArg(2), {fn->getArg(3), b.getInt64(0), count});
  b.CreateBr(done);
  b.SetInsertPoint(done);
  b.CreateRetVoid();
  return fn;
}

/// The loop `for (c = begin; c < end; ++c) code(context, [workspace], whole[i] + c * slice[i]...)`
/// emitted at b's insertion point. It leaves b in `done`; `failed` receives a chunk's nonzero
/// `status`.
struct ChunkLoop {
  BasicBlock *failed;
  PHINode *status;
  BasicBlock *done;
};

ChunkLoop emitChunkLoop(IRBuilder<> &b, Function *code, Value *context, Value *workspace,
                        ArrayRef<Value *> whole, ArrayRef<uint64_t> slices, Value *begin,
                        Value *end) {
  Function *fn = b.GetInsertBlock()->getParent();
  LLVMContext &ctx = fn->getContext();
  BasicBlock *before = b.GetInsertBlock();
  BasicBlock *header = BasicBlock::Create(ctx, "chunk", fn);
  BasicBlock *body = BasicBlock::Create(ctx, "call_chunk", fn);
  BasicBlock *failed = BasicBlock::Create(ctx, "chunk_failed", fn);
  BasicBlock *done = BasicBlock::Create(ctx, "chunks_done", fn);
  b.CreateBr(header);

  b.SetInsertPoint(header);
  PHINode *chunk = b.CreatePHI(b.getInt64Ty(), 2, "chunk");
  chunk->addIncoming(begin, before);
  b.CreateCondBr(b.CreateICmpSLT(chunk, end), body, done);

  b.SetInsertPoint(body);
  std::vector<Value *> args = {context};
  if (workspace)
    args.push_back(workspace);
  for (auto [pointer, slice] : llvm::zip_equal(whole, slices))
    args.push_back(
        b.CreateInBoundsGEP(b.getInt8Ty(), pointer, b.CreateMul(chunk, b.getInt64(slice))));
  Value *status = b.CreateCall(code, args);
  chunk->addIncoming(b.CreateAdd(chunk, b.getInt64(1)), body);
  b.CreateCondBr(b.CreateIsNotNull(status), failed, header);

  b.SetInsertPoint(failed);
  PHINode *failure = b.CreatePHI(status->getType(), 1, "status");
  failure->addIncoming(status, body);
  b.SetInsertPoint(done);
  return {failed, failure, done};
}

/// Asks the provider for a chunk's workspace; null when the code takes none. Leaves b where it
/// got one, after `noMemory` has ended the block where it did not.
Value *getWorkspace(IRBuilder<> &b, const ChunkWorkspace &workspace, Value *context,
                    function_ref<void()> noMemory) {
  if (!workspace.bytes)
    return nullptr;
  Function *fn = b.GetInsertBlock()->getParent();
  Value *space =
      b.CreateCall(workspace.provider, {context, b.getInt64(workspace.bytes)}, "workspace");
  BasicBlock *failed = BasicBlock::Create(fn->getContext(), "no_workspace", fn);
  BasicBlock *run = BasicBlock::Create(fn->getContext(), "run", fn);
  b.CreateCondBr(b.CreateIsNotNull(space), run, failed);
  b.SetInsertPoint(failed);
  noMemory();
  b.SetInsertPoint(run);
  return space;
}

/// What the entry hands its tasks: `{ ctx, i32 status, [n x ptr] pointers }`.
StructType *closureType(LLVMContext &ctx, size_t pointers) {
  auto *ptrTy = PointerType::getUnqual(ctx);
  return StructType::get(ctx, {ptrTy, Type::getInt32Ty(ctx), ArrayType::get(ptrTy, pointers)});
}

/// Records `status` in the closure unless a chunk failed before.
void recordFailure(IRBuilder<> &b, StructType *closure, Value *data, Value *status) {
  Value *slot = b.CreateStructGEP(closure, data, 1);
  b.CreateAtomicCmpXchg(slot, b.getInt32(0), status, MaybeAlign(4), AtomicOrdering::Monotonic,
                        AtomicOrdering::Monotonic);
}

/// `void <graph>.chunks(data, begin, end)`: the task that runs chunks [begin, end) on one
/// thread, with a workspace of its own and a context whose parallel_for runs inline.
Function *buildChunkTask(Module &module, Function *code, const GraphSignature &graph,
                         ArrayRef<uint64_t> slices, const ChunkWorkspace &workspace,
                         StructType *closure) {
  LLVMContext &ctx = module.getContext();
  auto *ptrTy = PointerType::getUnqual(ctx);
  Function *task =
      Function::Create(taskType(ctx), GlobalValue::InternalLinkage, graph.name + ".chunks", module);
  Value *data = task->getArg(0);
  IRBuilder<> b(BasicBlock::Create(ctx, "entry", task));
  Value *outer = b.CreateLoad(ptrTy, b.CreateStructGEP(closure, data, 0), "ctx");

  // A kiln_context_abi: inline loops, no workspace supplier (the task passes its own), and no
  // profiling (kiln_spread_chunks refuses while the calling thread profiles).
  auto *contextType = ArrayType::get(ptrTy, 3);
  Value *inner = b.CreateAlloca(contextType, nullptr, "inline_ctx");
  b.CreateStore(getOrCreateInlineParallelFor(module),
                b.CreateConstInBoundsGEP2_32(contextType, inner, 0, 0));
  for (unsigned field : {1u, 2u})
    b.CreateStore(ConstantPointerNull::get(ptrTy),
                  b.CreateConstInBoundsGEP2_32(contextType, inner, 0, field));

  Value *space = getWorkspace(b, workspace, outer, [&] {
    recordFailure(b, closure, data, b.getInt32(KILN_ENTRY_OUT_OF_MEMORY));
    b.CreateRetVoid();
  });

  auto *pointersType = ArrayType::get(ptrTy, slices.size());
  Value *pointers = b.CreateStructGEP(closure, data, 2);
  std::vector<Value *> whole;
  for (unsigned i = 0; i < slices.size(); ++i)
    whole.push_back(
        b.CreateLoad(ptrTy, b.CreateConstInBoundsGEP2_32(pointersType, pointers, 0, i)));
  ChunkLoop loop =
      emitChunkLoop(b, code, inner, space, whole, slices, task->getArg(1), task->getArg(2));
  b.CreateRetVoid();
  b.SetInsertPoint(loop.failed);
  recordFailure(b, closure, data, loop.status);
  b.CreateRetVoid();
  return task;
}

/// Branches to `spread` when kiln_spread_chunks is linked, the context is NULL or the
/// runtime's, and it answers yes for graph.batchCalls chunks; to `inOrder` otherwise.
void branchOnSpread(IRBuilder<> &b, Function *entry, const GraphSignature &graph,
                    Function *runtimeParallelFor, BasicBlock *spread, BasicBlock *inOrder) {
  Module &module = *entry->getParent();
  LLVMContext &ctx = module.getContext();
  auto *ptrTy = PointerType::getUnqual(ctx);
  Function *spreadChunks = weakRuntimeFunction(
      module, kSpreadChunks, FunctionType::get(b.getInt32Ty(), {ptrTy, b.getInt64Ty()}, false));
  BasicBlock *checkContext = BasicBlock::Create(ctx, "check_context", entry);
  BasicBlock *ownContext = BasicBlock::Create(ctx, "own_context", entry);
  BasicBlock *ask = BasicBlock::Create(ctx, "ask_runtime", entry);
  b.CreateCondBr(b.CreateIsNotNull(spreadChunks), checkContext, inOrder);

  Value *context = entry->getArg(0);
  b.SetInsertPoint(checkContext);
  b.CreateCondBr(b.CreateIsNull(context), ask, ownContext);
  b.SetInsertPoint(ownContext);
  Value *contextParallelFor = b.CreateLoad(ptrTy, context);
  b.CreateCondBr(b.CreateICmpEQ(contextParallelFor, runtimeParallelFor), ask, inOrder);
  b.SetInsertPoint(ask);
  Value *answer = b.CreateCall(spreadChunks, {context, b.getInt64(graph.batchCalls)});
  b.CreateCondBr(b.CreateIsNotNull(answer), spread, inOrder);
}

} // namespace

void returnCallsOfChunks(IRBuilder<> &b, Function *entry, Function *code,
                         const GraphSignature &graph, const ChunkWorkspace &workspace) {
  Module &module = *entry->getParent();
  LLVMContext &ctx = module.getContext();
  std::vector<Value *> whole;
  for (unsigned i = 1; i < entry->arg_size(); ++i)
    whole.push_back(entry->getArg(i));
  Value *context = entry->getArg(0);
  Function *runtimeParallelFor =
      weakRuntimeFunction(module, kRuntimeParallelFor, parallelForType(ctx));
  std::vector<uint64_t> slices = chunkBytes(graph);
  StructType *closure = closureType(ctx, whole.size());
  Value *data = IRBuilder<>(&entry->getEntryBlock(), entry->getEntryBlock().begin())
                    .CreateAlloca(closure, nullptr, "chunks");

  BasicBlock *spread = BasicBlock::Create(ctx, "spread_chunks", entry);
  BasicBlock *inOrder = BasicBlock::Create(ctx, "chunks_in_order", entry);
  branchOnSpread(b, entry, graph, runtimeParallelFor, spread, inOrder);
  spread->moveAfter(&entry->back());
  inOrder->moveAfter(spread);

  b.SetInsertPoint(spread);
  b.CreateStore(context, b.CreateStructGEP(closure, data, 0));
  Value *status = b.CreateStructGEP(closure, data, 1);
  b.CreateStore(b.getInt32(0), status);
  auto *pointersType = ArrayType::get(PointerType::getUnqual(ctx), whole.size());
  Value *pointers = b.CreateStructGEP(closure, data, 2);
  for (auto [i, pointer] : llvm::enumerate(whole))
    b.CreateStore(pointer, b.CreateConstInBoundsGEP2_32(pointersType, pointers, 0, i));
  b.CreateCall(runtimeParallelFor,
               {context, b.getInt64(graph.batchCalls),
                buildChunkTask(module, code, graph, slices, workspace, closure), data});
  b.CreateRet(b.CreateLoad(b.getInt32Ty(), status));

  b.SetInsertPoint(inOrder);
  Value *space = getWorkspace(b, workspace, context,
                              [&] { b.CreateRet(b.getInt32(KILN_ENTRY_OUT_OF_MEMORY)); });
  ChunkLoop loop = emitChunkLoop(b, code, context, space, whole, slices, b.getInt64(0),
                                 b.getInt64(graph.batchCalls));
  b.CreateRet(b.getInt32(0));
  b.SetInsertPoint(loop.failed);
  b.CreateRet(loop.status);
}

} // namespace kiln
