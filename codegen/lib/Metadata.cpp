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
    graphInfoTy = StructType::create(
        ctx, {ptrTy, ptrTy, ptrTy, i32Ty, i32Ty, ptrTy, ptrTy, i32Ty, i32Ty}, "kiln_graph_info");
    moduleTy = StructType::create(
        ctx, {i32Ty, i32Ty, i32Ty, i32Ty, ptrTy, ptrTy, ptrTy, i64Ty, ptrTy, ptrTy, ptrTy},
        "kiln_module_metadata");
    cudaImageTy = StructType::create(ctx, {i32Ty, i32Ty, ptrTy, i64Ty}, "kiln_cuda_image");
    cudaModuleTy = StructType::create(ctx, {i32Ty, i32Ty, ptrTy}, "kiln_cuda_module");
  }

  Expected<Constant *> buildGraphInfo(const GraphSignature &graph) {
    Function *entry = module.getFunction(graph.name);
    if (!entry)
      return createStringError("graph '%s' has no compiled entry", graph.name.c_str());
    Function *argv = buildArgvEntry(graph, entry);
    Constant *cudaArgv = nullPtr;
    if (Function *cudaEntry = module.getFunction(graph.name + kCUDAEntrySuffix.str())) {
      Function *packed = buildCUDAArgvEntry(graph, cudaEntry);
      buildCUDAHostEntry(graph, packed);
      cudaArgv = packed;
    }
    std::vector<Constant *> args;
    for (const ArgSignature &arg : graph.inputs)
      args.push_back(buildArgInfo(graph, arg));
    for (const ArgSignature &arg : graph.outputs)
      args.push_back(buildArgInfo(graph, arg));
    Constant *argArray = privateGlobal(
        graph.name + "_args", ConstantArray::get(ArrayType::get(argInfoTy, args.size()), args));
    return ConstantStruct::get(
        graphInfoTy,
        {cString(graph.name), argv, argArray, ConstantInt::get(i32Ty, graph.inputs.size()),
         ConstantInt::get(i32Ty, graph.outputs.size()), cudaArgv, buildKernelNames(graph),
         ConstantInt::get(i32Ty, graph.kernels.size()), ConstantInt::get(i32Ty, 0)});
  }

  /// The graph's kernel_names: an array of C strings, or NULL without kernels.
  Constant *buildKernelNames(const GraphSignature &graph) {
    if (graph.kernels.empty())
      return nullPtr;
    std::vector<Constant *> names;
    for (const std::string &name : graph.kernels)
      names.push_back(cString(name));
    return privateGlobal(graph.name + "_kernels",
                         ConstantArray::get(ArrayType::get(ptrTy, names.size()), names));
  }

  /// Defines the `__kiln_cuda_module` that the host code of CUDA entries declares
  /// (kiln-cuda-lower-launches) as a kiln_cuda_module of `images`; null without CUDA entries.
  /// `fatbin` (the images packed by fatbinary) goes in the `.nv_fatbin` section.
  Expected<Constant *> buildCUDAModule(ArrayRef<CUDAImage> images, StringRef fatbin) {
    GlobalVariable *declared = module.getGlobalVariable("__kiln_cuda_module");
    if (!declared) {
      if (!images.empty())
        return createStringError("CUDA images without CUDA entries to use them");
      return nullPtr;
    }
    if (images.empty())
      return createStringError("the CUDA entries have no images to launch");
    GlobalVariable *fatbinData = buildFatbinSection(fatbin);
    std::vector<Constant *> entries;
    for (const CUDAImage &image : images) {
      Constant *data = imageData(image, fatbin, fatbinData);
      entries.push_back(ConstantStruct::get(
          cudaImageTy, {ConstantInt::get(i32Ty, image.sm), ConstantInt::get(i32Ty, image.format),
                        data, ConstantInt::get(i64Ty, image.data.size())}));
    }
    Constant *array = privateGlobal(
        "cuda_images", ConstantArray::get(ArrayType::get(cudaImageTy, entries.size()), entries));
    auto *defined = new GlobalVariable(
        module, cudaModuleTy, /*isConstant=*/true, GlobalValue::PrivateLinkage,
        ConstantStruct::get(cudaModuleTy, {ConstantInt::get(i32Ty, entries.size()),
                                           ConstantInt::get(i32Ty, 0), array}),
        "__kiln_" + prefix + "cuda_module");
    declared->replaceAllUsesWith(defined);
    declared->eraseFromParent();
    return defined;
  }

  /// The fat binary as nvcc places it: a read-only `.nv_fatbin` section aligned to 8 bytes,
  /// which the linker concatenates across objects and cuobjdump walks. Null without one.
  GlobalVariable *buildFatbinSection(StringRef fatbin) {
    if (fatbin.empty())
      return nullptr;
    GlobalVariable *data = cast<GlobalVariable>(
        privateGlobal("cuda_fatbin", ConstantDataArray::getString(ctx, fatbin,
                                                                  /*AddNull=*/false)));
    data->setSection(".nv_fatbin");
    data->setAlignment(Align(8));
    return data;
  }

  /// The bytes the runtime loads for `image`: a cubin points into the fat binary, which holds
  /// it unchanged at an 8-byte-aligned offset, so the artifact carries each cubin once. PTX,
  /// which fatbinary rewrites and compresses, and a cubin not found there (another toolkit
  /// version) get their own copy.
  Constant *imageData(const CUDAImage &image, StringRef fatbin, GlobalVariable *fatbinData) {
    size_t offset =
        fatbinData && image.format == KILN_CUDA_CUBIN ? fatbin.find(image.data) : StringRef::npos;
    if (offset != StringRef::npos && offset % 8 == 0)
      return ConstantExpr::getInBoundsGetElementPtr(Type::getInt8Ty(ctx), fatbinData,
                                                    ConstantInt::get(i64Ty, offset));
    auto *data = cast<GlobalVariable>(
        privateGlobal("cuda_image_sm" + Twine(image.sm),
                      ConstantDataArray::getString(ctx, image.data,
                                                   /*AddNull=*/image.format == KILN_CUDA_PTX)));
    // The driver reads cubins as ELF: 8-byte alignment keeps its headers aligned.
    data->setAlignment(Align(8));
    return data;
  }

  GlobalVariable *buildModule(StringRef symbol, ArrayRef<Constant *> graphs,
                              ArrayRef<CPUTarget> cpuVariants, Function *variantName,
                              Constant *cudaModule, uint64_t workspaceBytes) {
    const CPUTarget &baseline = cpuVariants.back();
    std::vector<std::string> names;
    for (const CPUTarget &variant : cpuVariants)
      names.push_back(variant.name);
    Constant *graphArray = privateGlobal(
        "graphs", ConstantArray::get(ArrayType::get(graphInfoTy, graphs.size()), graphs));
    Constant *init = ConstantStruct::get(
        moduleTy,
        {ConstantInt::get(i32Ty, KILN_MODULE_MAGIC), ConstantInt::get(i32Ty, KILN_ABI_VERSION),
         ConstantInt::get(i32Ty, graphs.size()), ConstantInt::get(i32Ty, 0), graphArray,
         cString(baseline.cpu), cString(llvm::join(baseline.requiredFeatures, ",")),
         ConstantInt::get(i64Ty, workspaceBytes), cudaModule, cString(llvm::join(names, ",")),
         variantName});
    return new GlobalVariable(module, moduleTy, /*isConstant=*/true, GlobalValue::ExternalLinkage,
                              init, symbol);
  }

private:
  /// `int32_t <graph>_argv(void *ctx, void **args)`: unpacks args and calls the entry, so that
  /// the runtime can call any graph without knowing its arity at compile time.
  Function *buildArgvEntry(const GraphSignature &graph, Function *entry) {
    return buildPackedEntry(graph, entry, graph.name + kArgvEntrySuffix.str(),
                            /*leadingArgs=*/1);
  }

  /// `int32_t <graph>_cuda_argv(void *ctx, void *stream, void **args)`, the CUDA entry's.
  Function *buildCUDAArgvEntry(const GraphSignature &graph, Function *entry) {
    return buildPackedEntry(graph, entry, graph.name + kCUDAArgvEntrySuffix.str(),
                            /*leadingArgs=*/2);
  }

  /// `int32_t <graph>_cuda_host(void *ctx, inputs..., outputs...)` on host buffers: packs
  /// them with their byte sizes for kiln_cuda_call_host, which copies them to and from the GPU
  /// around `cudaArgv`.
  Function *buildCUDAHostEntry(const GraphSignature &graph, Function *cudaArgv) {
    size_t count = graph.inputs.size() + graph.outputs.size();
    std::vector<Type *> params(count + 1, ptrTy);
    auto *type = FunctionType::get(i32Ty, params, false);
    Function *fn = Function::Create(type, GlobalValue::ExternalLinkage,
                                    graph.name + kCUDAHostEntrySuffix.str(), module);
    std::vector<uint64_t> bytes;
    for (const std::vector<ArgSignature> *args : {&graph.inputs, &graph.outputs})
      for (const ArgSignature &arg : *args)
        bytes.push_back(byteSize(arg));
    Constant *sizes = privateGlobal(graph.name + "_cuda_host_bytes",
                                    ConstantDataArray::get(ctx, ArrayRef<uint64_t>(bytes)));
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", fn));
    Value *args = b.CreateAlloca(ArrayType::get(ptrTy, count));
    for (size_t i = 0; i < count; ++i)
      b.CreateStore(fn->getArg(i + 1),
                    b.CreateConstInBoundsGEP2_64(ArrayType::get(ptrTy, count), args, 0, i));
    FunctionCallee callHost = module.getOrInsertFunction(
        "kiln_cuda_call_host",
        FunctionType::get(i32Ty, {ptrTy, ptrTy, ptrTy, i32Ty, i32Ty, ptrTy, ptrTy}, false));
    b.CreateRet(
        b.CreateCall(callHost, {fn->getArg(0), cString(graph.name), cudaArgv,
                                ConstantInt::get(i32Ty, graph.inputs.size()),
                                ConstantInt::get(i32Ty, graph.outputs.size()), sizes, args}));
    return fn;
  }

  /// `int32_t name(leading pointers..., void **args)` calling `entry(leading..., args[0..N))`.
  Function *buildPackedEntry(const GraphSignature &graph, Function *entry, const std::string &name,
                             unsigned leadingArgs) {
    std::vector<Type *> params(leadingArgs + 1, ptrTy);
    auto *type = FunctionType::get(i32Ty, params, false);
    Function *fn = Function::Create(type, GlobalValue::ExternalLinkage, name, module);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", fn));
    std::vector<Value *> callArgs;
    for (unsigned i = 0; i < leadingArgs; ++i)
      callArgs.push_back(fn->getArg(i));
    size_t count = graph.inputs.size() + graph.outputs.size();
    for (size_t i = 0; i < count; ++i) {
      Value *slot = b.CreateConstInBoundsGEP1_64(ptrTy, fn->getArg(leadingArgs), i);
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
    return ConstantStruct::get(argInfoTy,
                               {cString(arg.name), shape, ConstantInt::get(i32Ty, arg.dtype),
                                ConstantInt::get(i32Ty, arg.shape.size())});
  }

  Constant *cString(StringRef s) {
    return privateGlobal("str", ConstantDataArray::getString(ctx, s), /*unnamedAddr=*/true);
  }

  Constant *privateGlobal(const Twine &name, Constant *init, bool unnamedAddr = false) {
    auto *global = new GlobalVariable(module, init->getType(), /*isConstant=*/true,
                                      GlobalValue::PrivateLinkage, init, "__kiln_" + prefix + name);
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
  StructType *argInfoTy, *graphInfoTy, *moduleTy, *cudaImageTy, *cudaModuleTy;
};

} // namespace

std::string moduleMetadataSymbol(StringRef moduleName) { return (moduleName + "_metadata").str(); }

Error addModuleMetadata(Module &module, ArrayRef<GraphSignature> graphs,
                        ArrayRef<CPUTarget> cpuVariants, StringRef moduleName,
                        bool exportRuntimeSymbol, ArrayRef<CUDAImage> cudaImages,
                        StringRef cudaFatbin) {
  MetadataBuilder builder(module, (moduleName + "_").str());
  std::vector<Constant *> infos;
  for (const GraphSignature &graph : graphs) {
    Expected<Constant *> info = builder.buildGraphInfo(graph);
    if (!info)
      return info.takeError();
    infos.push_back(*info);
  }
  Expected<Constant *> cudaModule = builder.buildCUDAModule(cudaImages, cudaFatbin);
  if (!cudaModule)
    return cudaModule.takeError();
  Function *variantName = module.getFunction(cpuVariantSymbol(moduleName));
  if (!variantName)
    return createStringError("the module has no '%s' (addCPUDispatch)",
                             cpuVariantSymbol(moduleName).c_str());
  GlobalVariable *metadata =
      builder.buildModule(moduleMetadataSymbol(moduleName), infos, cpuVariants, variantName,
                          *cudaModule, maxWorkspace(graphs));
  if (exportRuntimeSymbol)
    GlobalAlias::create(KILN_METADATA_SYMBOL, metadata);
  return Error::success();
}

} // namespace kiln
