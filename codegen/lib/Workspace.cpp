//===- Workspace.cpp - C entries that supply a graph's planned workspace --===//
//
// kiln-plan-workspace turns a graph's intermediates into offsets of one workspace that
// `<graph>.body(ctx, workspace, args...)` takes. The C entry `<graph>(ctx, args...)` built here
// gets the workspace from the context's `workspace` function (kiln/abi.h) or, without one, from
// a per-thread arena of the module (aligned_alloc'd when a call needs more than the thread has,
// so at most once per thread for a given module), and returns KILN_ENTRY_OUT_OF_MEMORY when
// neither can supply it.
//
// A graph whose batch kiln-split-batch split is compiled for one chunk of it: its entry calls
// the code once per chunk (ChunkedCalls.cpp), and the workspace is one chunk's.
//
//===----------------------------------------------------------------------===//
#include "ChunkedCalls.h"
#include "kiln/Codegen/Emitters.h"
#include "kiln/abi.h"

#include "llvm/IR/IRBuilder.h"

using namespace llvm;

namespace kiln {
namespace {

std::string providerName(StringRef moduleName) {
  return ("__kiln_" + moduleName + "_workspace").str();
}

FunctionType *providerType(LLVMContext &ctx) {
  return FunctionType::get(PointerType::getUnqual(ctx),
                           {PointerType::getUnqual(ctx), Type::getInt64Ty(ctx)}, false);
}

/// `int32_t <graph>(ctx, args...)`: gets `bytes` of workspace and calls `body` with it, or
/// for a split batch with each chunk (ChunkedCalls.cpp).
void buildEntry(Module &module, Function *body, const GraphSignature &graph, uint64_t bytes,
                FunctionCallee provider) {
  LLVMContext &ctx = module.getContext();
  std::vector<Type *> params(body->getFunctionType()->params().begin(),
                             body->getFunctionType()->params().end());
  params.erase(params.begin() + 1);
  auto *type = FunctionType::get(body->getReturnType(), params, false);
  Function *entry = Function::Create(type, GlobalValue::ExternalLinkage, graph.name, module);
  body->setLinkage(GlobalValue::InternalLinkage);
  IRBuilder<> b(BasicBlock::Create(ctx, "entry", entry));
  if (graph.batchCalls > 1) {
    returnCallsOfChunks(b, entry, body, graph, {provider, bytes});
    return;
  }
  BasicBlock *run = BasicBlock::Create(ctx, "run", entry);
  BasicBlock *noMemory = BasicBlock::Create(ctx, "no_workspace", entry);
  Value *workspace = b.CreateCall(provider, {entry->getArg(0), b.getInt64(bytes)});
  b.CreateCondBr(b.CreateIsNotNull(workspace), run, noMemory);
  b.SetInsertPoint(run);
  std::vector<Value *> args = {entry->getArg(0), workspace};
  for (unsigned i = 1; i < entry->arg_size(); ++i)
    args.push_back(entry->getArg(i));
  b.CreateRet(b.CreateCall(body, args));
  b.SetInsertPoint(noMemory);
  b.CreateRet(ConstantInt::get(body->getReturnType(), KILN_ENTRY_OUT_OF_MEMORY));
}

/// A graph without intermediates whose batch is split: its code becomes `<graph>.chunk`, and
/// `<graph>` calls it once per chunk.
void buildChunkedEntry(Module &module, Function *code, const GraphSignature &graph) {
  code->setName(graph.name + ".chunk");
  code->setLinkage(GlobalValue::InternalLinkage);
  Function *entry =
      Function::Create(code->getFunctionType(), GlobalValue::ExternalLinkage, graph.name, module);
  IRBuilder<> b(BasicBlock::Create(module.getContext(), "entry", entry));
  returnCallsOfChunks(b, entry, code, graph, /*workspace=*/{});
}

} // namespace

Expected<std::vector<uint64_t>> addWorkspaceEntries(Module &module, ArrayRef<GraphSignature> graphs,
                                                    StringRef moduleName) {
  std::vector<uint64_t> sizes;
  FunctionCallee provider;
  for (const GraphSignature &graph : graphs) {
    Function *body = module.getFunction(graph.name + ".body");
    if (!body) {
      if (graph.batchCalls > 1)
        buildChunkedEntry(module, module.getFunction(graph.name), graph);
      sizes.push_back(0);
      continue;
    }
    uint64_t bytes = body->arg_size() > 1 ? body->getParamDereferenceableBytes(1) : 0;
    if (bytes == 0)
      return createStringError("graph '%s' takes a workspace of unknown size", graph.name.c_str());
    if (!provider)
      provider =
          module.getOrInsertFunction(providerName(moduleName), providerType(module.getContext()));
    buildEntry(module, body, graph, bytes, provider);
    sizes.push_back(bytes);
  }
  return sizes;
}

void defineWorkspaceProvider(Module &module, StringRef moduleName) {
  Function *fn = module.getFunction(providerName(moduleName));
  if (!fn || !fn->isDeclaration())
    return;
  LLVMContext &ctx = module.getContext();
  Type *i64Ty = Type::getInt64Ty(ctx);
  PointerType *ptrTy = PointerType::getUnqual(ctx);
  fn->setLinkage(GlobalValue::InternalLinkage);
  auto threadLocal = [&](Type *type, const Twine &name) {
    auto *global =
        new GlobalVariable(module, type, /*isConstant=*/false, GlobalValue::InternalLinkage,
                           Constant::getNullValue(type), "__kiln_" + moduleName + "_" + name);
    global->setThreadLocal(true);
    return global;
  };
  GlobalVariable *arena = threadLocal(ptrTy, "arena");
  GlobalVariable *capacity = threadLocal(i64Ty, "arena_bytes");
  FunctionCallee alignedAlloc = module.getOrInsertFunction("aligned_alloc", ptrTy, i64Ty, i64Ty);
  FunctionCallee freeFn = module.getOrInsertFunction("free", Type::getVoidTy(ctx), ptrTy);

  Argument *context = fn->getArg(0), *bytes = fn->getArg(1);
  BasicBlock *entry = BasicBlock::Create(ctx, "entry", fn);
  BasicBlock *fromContext = BasicBlock::Create(ctx, "context", fn);
  BasicBlock *callContext = BasicBlock::Create(ctx, "call_context", fn);
  BasicBlock *fromArena = BasicBlock::Create(ctx, "arena", fn);
  BasicBlock *reuse = BasicBlock::Create(ctx, "reuse", fn);
  BasicBlock *grow = BasicBlock::Create(ctx, "grow", fn);
  IRBuilder<> b(entry);
  b.CreateCondBr(b.CreateIsNotNull(context), fromContext, fromArena);

  // kiln_context_abi.workspace, after parallel_for.
  b.SetInsertPoint(fromContext);
  Value *slot = b.CreateConstInBoundsGEP1_64(ptrTy, context, 1);
  Value *supplier = b.CreateLoad(ptrTy, slot);
  b.CreateCondBr(b.CreateIsNotNull(supplier), callContext, fromArena);
  b.SetInsertPoint(callContext);
  b.CreateRet(b.CreateCall(providerType(ctx), supplier, {context, bytes}));

  b.SetInsertPoint(fromArena);
  Value *arenaSlot = b.CreateThreadLocalAddress(arena);
  Value *capacitySlot = b.CreateThreadLocalAddress(capacity);
  Value *data = b.CreateLoad(ptrTy, arenaSlot);
  b.CreateCondBr(b.CreateICmpULE(bytes, b.CreateLoad(i64Ty, capacitySlot)), reuse, grow);
  b.SetInsertPoint(reuse);
  b.CreateRet(data);

  b.SetInsertPoint(grow);
  b.CreateCall(freeFn, {data});
  const uint64_t align = KILN_WORKSPACE_ALIGNMENT;
  Value *rounded = b.CreateAnd(b.CreateAdd(bytes, b.getInt64(align - 1)), b.getInt64(~(align - 1)));
  Value *fresh = b.CreateCall(alignedAlloc, {b.getInt64(align), rounded});
  b.CreateStore(fresh, arenaSlot);
  b.CreateStore(b.CreateSelect(b.CreateIsNotNull(fresh), bytes, b.getInt64(0)), capacitySlot);
  b.CreateRet(fresh);
}

} // namespace kiln
