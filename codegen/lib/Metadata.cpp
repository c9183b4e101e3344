//===- Metadata.cpp - Packed entries and the module metadata (kiln/abi.h) -===//
//
// Builds, as LLVM constants, the structures that kiln/abi.h declares. The field order and types
// below mirror that header; test/unit/AbiLayoutTest.cpp pins its layout and the runtime tests
// read what this file writes.
//
//===----------------------------------------------------------------------===//
#include "kiln/Codegen/Emitters.h"
#include "kiln/abi.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalAlias.h"
#include "llvm/IR/IRBuilder.h"

using namespace llvm;

namespace kiln {
namespace {

class MetadataBuilder {
public:
  MetadataBuilder(Module &module, StringRef prefix)
      : module(module), ctx(module.getContext()), prefix(prefix.str()) {
    ptrTy = PointerType::getUnqual(ctx);
    nullPtr = ConstantPointerNull::get(ptrTy);
    i32Ty = Type::getInt32Ty(ctx);
    i64Ty = Type::getInt64Ty(ctx);
    argInfoTy = StructType::create(ctx, {ptrTy, ptrTy, i32Ty, i32Ty}, "kiln_arg_info");
    graphInfoTy =
        StructType::create(ctx, {ptrTy, ptrTy, ptrTy, i32Ty, i32Ty}, "kiln_graph_info");
    moduleTy = StructType::create(
        ctx, {i32Ty, i32Ty, i32Ty, i32Ty, ptrTy, ptrTy, ptrTy, i64Ty}, "kiln_module_metadata");
  }

  Expected<Constant *> buildGraphInfo(const GraphSignature &graph) {
    Function *entry = module.getFunction(graph.name);
    if (!entry)
      return createStringError("graph '%s' has no compiled entry", graph.name.c_str());
    Function *argv = buildArgvEntry(graph, entry);
    std::vector<Constant *> args;
    for (const ArgSignature &arg : graph.inputs)
      args.push_back(buildArgInfo(graph, arg));
    for (const ArgSignature &arg : graph.outputs)
      args.push_back(buildArgInfo(graph, arg));
    Constant *argArray = privateGlobal(graph.name + "_args",
                                       ConstantArray::get(ArrayType::get(argInfoTy, args.size()),
                                                          args));
    return ConstantStruct::get(graphInfoTy,
                               {cString(graph.name), argv, argArray,
                                ConstantInt::get(i32Ty, graph.inputs.size()),
                                ConstantInt::get(i32Ty, graph.outputs.size())});
  }

  GlobalVariable *buildModule(ArrayRef<Constant *> graphs, const CPUTarget &target) {
    Constant *graphArray = privateGlobal(
        "graphs", ConstantArray::get(ArrayType::get(graphInfoTy, graphs.size()), graphs));
    Constant *init = ConstantStruct::get(
        moduleTy, {ConstantInt::get(i32Ty, KILN_MODULE_MAGIC),
                   ConstantInt::get(i32Ty, KILN_ABI_VERSION),
                   ConstantInt::get(i32Ty, graphs.size()), ConstantInt::get(i32Ty, 0),
                   graphArray, cString(target.cpu),
                   cString(llvm::join(target.requiredFeatures, ",")),
                   ConstantInt::get(i64Ty, 0)});
    return new GlobalVariable(module, moduleTy, /*isConstant=*/true, GlobalValue::ExternalLinkage,
                              init, prefix + "metadata");
  }

private:
  /// `int32_t <graph>_argv(void *ctx, void **args)`: unpacks args and calls the entry, so that
  /// the runtime can call any graph without knowing its arity at compile time.
  Function *buildArgvEntry(const GraphSignature &graph, Function *entry) {
    auto *type = FunctionType::get(i32Ty, {ptrTy, ptrTy}, false);
    Function *fn =
        Function::Create(type, GlobalValue::ExternalLinkage, graph.name + "_argv", module);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", fn));
    std::vector<Value *> callArgs = {fn->getArg(0)};
    size_t count = graph.inputs.size() + graph.outputs.size();
    for (size_t i = 0; i < count; ++i) {
      Value *slot = b.CreateConstInBoundsGEP1_64(ptrTy, fn->getArg(1), i);
      callArgs.push_back(b.CreateLoad(ptrTy, slot));
    }
    // Not inlined: the entry is exported too, and one copy of the graph's code is enough.
    CallInst *call = b.CreateCall(entry, callArgs);
    call->setIsNoInline();
    b.CreateRet(call);
    return fn;
  }

  Constant *buildArgInfo(const GraphSignature &graph, const ArgSignature &arg) {
    Constant *shape = nullPtr;
    if (!arg.shape.empty()) {
      std::vector<uint64_t> dims(arg.shape.begin(), arg.shape.end());
      shape = privateGlobal(graph.name + "_" + arg.name + "_shape",
                            ConstantDataArray::get(ctx, ArrayRef<uint64_t>(dims)));
    }
    return ConstantStruct::get(argInfoTy, {cString(arg.name), shape,
                                           ConstantInt::get(i32Ty, arg.dtype),
                                           ConstantInt::get(i32Ty, arg.shape.size())});
  }

  Constant *cString(StringRef s) {
    return privateGlobal("str", ConstantDataArray::getString(ctx, s), /*unnamedAddr=*/true);
  }

  Constant *privateGlobal(const Twine &name, Constant *init, bool unnamedAddr = false) {
    auto *global = new GlobalVariable(module, init->getType(), /*isConstant=*/true,
                                      GlobalValue::PrivateLinkage, init,
                                      "__kiln_" + prefix + name);
    if (unnamedAddr)
      global->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    return global;
  }

  Module &module;
  LLVMContext &ctx;
  std::string prefix;
  PointerType *ptrTy;
  Type *i32Ty, *i64Ty;
  Constant *nullPtr;
  StructType *argInfoTy, *graphInfoTy, *moduleTy;
};

} // namespace

Error addModuleMetadata(Module &module, ArrayRef<GraphSignature> graphs, const CPUTarget &target,
                        StringRef moduleName, bool exportRuntimeSymbol) {
  MetadataBuilder builder(module, (moduleName + "_").str());
  std::vector<Constant *> infos;
  for (const GraphSignature &graph : graphs) {
    Expected<Constant *> info = builder.buildGraphInfo(graph);
    if (!info)
      return info.takeError();
    infos.push_back(*info);
  }
  GlobalVariable *metadata = builder.buildModule(infos, target);
  if (exportRuntimeSymbol)
    GlobalAlias::create(KILN_METADATA_SYMBOL, metadata);
  return Error::success();
}

} // namespace kiln
