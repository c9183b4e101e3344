//===- CPUVariants.cpp - Several CPU targets in one artifact --------------===//
//
// `--target=x86-64-v2,x86-64-v3,x86-64-v4` compiles the graphs once per target. Each
// variant's definitions get the target's suffix and local linkage, the variants are linked into
// one module, and each graph's public entry dispatches to the best variant this CPU supports,
// chosen once by cpuid on the first call (a relaxed atomic: racing first calls pick the same).
//
// Why cpuid in the generated code rather than GCC's __builtin_cpu_supports or an ifunc: an
// object must link into any program without the Kiln runtime or libgcc's __cpu_model, and
// ifunc resolvers run before relocations are complete in static executables.
//
//===----------------------------------------------------------------------===//
#include "kiln/Codegen/Emitters.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"

using namespace llvm;

namespace kiln {
namespace {

/// Where cpuid reports a feature, and the XCR0 bits the OS must have enabled for its registers.
struct FeatureBit {
  StringRef name;
  bool leaf7; ///< CPUID.(EAX=7,ECX=0):EBX, else CPUID.(EAX=1):ECX
  unsigned bit;
  uint32_t xcr0;
};

constexpr uint32_t kYmmState = 0x6;  // SSE + AVX state
constexpr uint32_t kZmmState = 0xE6; // + opmask, ZMM_Hi256, Hi16_ZMM

// Every feature Target.cpp may require (the x86-64 levels), in GCC's spelling.
const FeatureBit kFeatureBits[] = {
    {"sse3", false, 0, 0},
    {"ssse3", false, 9, 0},
    {"sse4.1", false, 19, 0},
    {"sse4.2", false, 20, 0},
    {"popcnt", false, 23, 0},
    {"fma", false, 12, kYmmState},
    {"avx", false, 28, kYmmState},
    {"f16c", false, 29, kYmmState},
    {"bmi", true, 3, 0},
    {"avx2", true, 5, kYmmState},
    {"bmi2", true, 8, 0},
    {"avx512f", true, 16, kZmmState},
    {"avx512dq", true, 17, kZmmState},
    {"avx512cd", true, 28, kZmmState},
    {"avx512bw", true, 30, kZmmState},
    {"avx512vl", true, 31, kZmmState},
};

const FeatureBit *findFeature(StringRef name) {
  for (const FeatureBit &feature : kFeatureBits)
    if (feature.name == name)
      return &feature;
  return nullptr;
}

/// The registers cpuid and xgetbv report, read once in the selector.
struct CPUWords {
  Value *leaf1ECX;
  Value *leaf7EBX;
  Value *xcr0;
};

class DispatchBuilder {
public:
  DispatchBuilder(Module &module, StringRef moduleName)
      : module(module), ctx(module.getContext()), prefix(("__kiln_" + moduleName + "_").str()) {
    i32Ty = Type::getInt32Ty(ctx);
    ptrTy = PointerType::getUnqual(ctx);
  }

  /// `int32_t select()`: the index of the first variant whose features this CPU has (the last
  /// one when none qualifies: the runtime refuses to load what the baseline cannot run).
  Expected<Function *> buildSelector(ArrayRef<CPUTarget> variants) {
    for (const CPUTarget &variant : variants)
      for (const std::string &name : variant.requiredFeatures)
        if (!findFeature(name))
          return createStringError("target '%s' requires CPU feature '%s', which the variant "
                                   "dispatch cannot detect",
                                   variant.name.c_str(), name.c_str());
    auto *cache =
        new GlobalVariable(module, i32Ty, /*isConstant=*/false, GlobalValue::InternalLinkage,
                           ConstantInt::get(i32Ty, -1), prefix + "cpu_variant_index");
    Function *fn = Function::Create(FunctionType::get(i32Ty, false), GlobalValue::InternalLinkage,
                                    prefix + "select_cpu_variant", module);
    // One copy of the detection, called by every entry; after the first call it is one load.
    fn->addFnAttr(Attribute::NoInline);
    BasicBlock *entry = BasicBlock::Create(ctx, "entry", fn);
    BasicBlock *detect = BasicBlock::Create(ctx, "detect", fn);
    BasicBlock *done = BasicBlock::Create(ctx, "done", fn);
    IRBuilder<> b(entry);
    LoadInst *cached = b.CreateAlignedLoad(i32Ty, cache, Align(4));
    cached->setAtomic(AtomicOrdering::Monotonic);
    b.CreateCondBr(b.CreateICmpSGE(cached, b.getInt32(0)), done, detect);

    b.SetInsertPoint(detect);
    CPUWords words = readCPUWords(b, fn);
    Value *index = b.getInt32(variants.size() - 1);
    for (size_t i = variants.size() - 1; i-- > 0;)
      index = b.CreateSelect(supports(b, words, variants[i]), b.getInt32(i), index);
    StoreInst *store = b.CreateAlignedStore(index, cache, Align(4));
    store->setAtomic(AtomicOrdering::Monotonic);
    BasicBlock *detected = b.GetInsertBlock();
    b.CreateBr(done);

    b.SetInsertPoint(done);
    PHINode *result = b.CreatePHI(i32Ty, 2);
    result->addIncoming(cached, entry);
    result->addIncoming(index, detected);
    b.CreateRet(result);
    return fn;
  }

  /// `const char *<module>_cpu_variant(void)`: the name of the variant the entries run.
  void buildVariantName(ArrayRef<CPUTarget> variants, Function *selector, StringRef symbol) {
    Function *fn = Function::Create(FunctionType::get(ptrTy, false), GlobalValue::ExternalLinkage,
                                    symbol, module);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", fn));
    if (!selector) {
      b.CreateRet(cString(variants.front().name));
      return;
    }
    std::vector<Constant *> names;
    for (const CPUTarget &variant : variants)
      names.push_back(cString(variant.name));
    auto *table = new GlobalVariable(module, ArrayType::get(ptrTy, names.size()),
                                     /*isConstant=*/true, GlobalValue::PrivateLinkage,
                                     ConstantArray::get(ArrayType::get(ptrTy, names.size()), names),
                                     prefix + "cpu_variant_names");
    Value *slot =
        b.CreateInBoundsGEP(table->getValueType(), table, {b.getInt32(0), b.CreateCall(selector)});
    b.CreateRet(b.CreateLoad(ptrTy, slot));
  }

  /// The public entry `name`, calling `name<suffix>` of the selected variant.
  Error buildEntry(StringRef name, ArrayRef<CPUTarget> variants, Function *selector) {
    std::vector<Function *> impls;
    for (const CPUTarget &variant : variants) {
      Function *impl = module.getFunction((name + cpuVariantSuffix(variant)).str());
      if (!impl)
        return createStringError("graph '%s' has no code for target '%s'", name.str().c_str(),
                                 variant.name.c_str());
      impls.push_back(impl);
    }
    Function *entry = Function::Create(impls.front()->getFunctionType(),
                                       GlobalValue::ExternalLinkage, name, module);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", entry));
    Value *index = b.CreateCall(selector);
    std::vector<Value *> args;
    for (Argument &arg : entry->args())
      args.push_back(&arg);
    BasicBlock *fallback = BasicBlock::Create(ctx, "baseline", entry);
    SwitchInst *dispatch = b.CreateSwitch(index, fallback, impls.size() - 1);
    for (size_t i = 0; i < impls.size(); ++i) {
      BasicBlock *call =
          i + 1 == impls.size() ? fallback : BasicBlock::Create(ctx, "variant", entry);
      if (call != fallback)
        dispatch->addCase(b.getInt32(i), call);
      IRBuilder<> cb(call);
      CallInst *result = cb.CreateCall(impls[i], args);
      result->setTailCall();
      cb.CreateRet(result);
    }
    return Error::success();
  }

private:
  CPUWords readCPUWords(IRBuilder<> &b, Function *fn) {
    auto *quad = StructType::get(ctx, {i32Ty, i32Ty, i32Ty, i32Ty});
    InlineAsm *cpuid = InlineAsm::get(FunctionType::get(quad, {i32Ty, i32Ty}, false), "cpuid",
                                      "={ax},={bx},={cx},={dx},{ax},{cx},~{dirflag},~{fpsr},"
                                      "~{flags}",
                                      /*hasSideEffects=*/true);
    Value *maxLeaf = b.CreateExtractValue(b.CreateCall(cpuid, {b.getInt32(0), b.getInt32(0)}), 0);
    Value *leaf1ECX = b.CreateExtractValue(b.CreateCall(cpuid, {b.getInt32(1), b.getInt32(0)}), 2);

    // Leaf 7 only where it exists: above the maximum leaf, cpuid repeats another leaf.
    BasicBlock *before = b.GetInsertBlock();
    BasicBlock *leaf7 = BasicBlock::Create(ctx, "leaf7", fn);
    BasicBlock *afterLeaf7 = BasicBlock::Create(ctx, "after_leaf7", fn);
    b.CreateCondBr(b.CreateICmpUGE(maxLeaf, b.getInt32(7)), leaf7, afterLeaf7);
    b.SetInsertPoint(leaf7);
    Value *ebx = b.CreateExtractValue(b.CreateCall(cpuid, {b.getInt32(7), b.getInt32(0)}), 1);
    b.CreateBr(afterLeaf7);
    b.SetInsertPoint(afterLeaf7);
    PHINode *leaf7EBX = b.CreatePHI(i32Ty, 2);
    leaf7EBX->addIncoming(b.getInt32(0), before);
    leaf7EBX->addIncoming(ebx, leaf7);

    // xgetbv faults unless the OS enabled XSAVE (OSXSAVE, leaf 1 ECX bit 27).
    auto *pair = StructType::get(ctx, {i32Ty, i32Ty});
    InlineAsm *xgetbv = InlineAsm::get(FunctionType::get(pair, {i32Ty}, false), "xgetbv",
                                       "={ax},={dx},{cx},~{dirflag},~{fpsr},~{flags}",
                                       /*hasSideEffects=*/true);
    BasicBlock *xsave = BasicBlock::Create(ctx, "xgetbv", fn);
    BasicBlock *afterXsave = BasicBlock::Create(ctx, "after_xgetbv", fn);
    b.CreateCondBr(bitSet(b, leaf1ECX, 27), xsave, afterXsave);
    b.SetInsertPoint(xsave);
    Value *low = b.CreateExtractValue(b.CreateCall(xgetbv, {b.getInt32(0)}), 0);
    b.CreateBr(afterXsave);
    b.SetInsertPoint(afterXsave);
    PHINode *xcr0 = b.CreatePHI(i32Ty, 2);
    xcr0->addIncoming(b.getInt32(0), afterLeaf7);
    xcr0->addIncoming(low, xsave);
    return {leaf1ECX, leaf7EBX, xcr0};
  }

  Value *bitSet(IRBuilder<> &b, Value *word, unsigned bit) {
    return b.CreateICmpNE(b.CreateAnd(word, b.getInt32(1u << bit)), b.getInt32(0));
  }

  Value *supports(IRBuilder<> &b, const CPUWords &words, const CPUTarget &variant) {
    Value *all = b.getTrue();
    for (const std::string &name : variant.requiredFeatures) {
      const FeatureBit *feature = findFeature(name);
      all = b.CreateAnd(all,
                        bitSet(b, feature->leaf7 ? words.leaf7EBX : words.leaf1ECX, feature->bit));
      if (feature->xcr0)
        all = b.CreateAnd(all, b.CreateICmpEQ(b.CreateAnd(words.xcr0, b.getInt32(feature->xcr0)),
                                              b.getInt32(feature->xcr0)));
    }
    return all;
  }

  Constant *cString(StringRef s) {
    auto *global =
        new GlobalVariable(module, ArrayType::get(Type::getInt8Ty(ctx), s.size() + 1),
                           /*isConstant=*/true, GlobalValue::PrivateLinkage,
                           ConstantDataArray::getString(ctx, s), prefix + "cpu_variant_name");
    global->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
    return global;
  }

  Module &module;
  LLVMContext &ctx;
  std::string prefix;
  Type *i32Ty;
  PointerType *ptrTy;
};

} // namespace

std::string cpuVariantSuffix(const CPUTarget &target) {
  std::string suffix = "." + target.name;
  for (char &c : suffix)
    if (!isAlnum(c) && c != '.')
      c = '_';
  return suffix;
}

void renameCPUVariant(Module &module, const CPUTarget &target) {
  std::string suffix = cpuVariantSuffix(target);
  auto rename = [&](GlobalValue &value) {
    if (value.isDeclaration() || value.getName().starts_with("llvm."))
      return;
    value.setName(value.getName() + suffix);
  };
  for (Function &fn : module)
    rename(fn);
  for (GlobalVariable &global : module.globals())
    rename(global);
}

void applyCPUTarget(Module &module, const CPUTarget &target) {
  for (Function &fn : module) {
    if (fn.isDeclaration() || fn.hasFnAttribute("target-cpu"))
      continue;
    fn.addFnAttr("target-cpu", target.cpu);
    if (!target.features.empty())
      fn.addFnAttr("target-features", target.features);
    if (target.preferredVectorWidth)
      fn.addFnAttr("prefer-vector-width", std::to_string(target.preferredVectorWidth));
  }
}

std::string cpuVariantSymbol(StringRef moduleName) { return (moduleName + "_cpu_variant").str(); }

Error addCPUDispatch(Module &module, ArrayRef<GraphSignature> graphs, ArrayRef<CPUTarget> variants,
                     StringRef moduleName) {
  DispatchBuilder builder(module, moduleName);
  Function *selector = nullptr;
  if (variants.size() > 1) {
    Expected<Function *> built = builder.buildSelector(variants);
    if (!built)
      return built.takeError();
    selector = *built;
    for (const GraphSignature &graph : graphs)
      if (Error e = builder.buildEntry(graph.name, variants, selector))
        return e;
  }
  builder.buildVariantName(variants, selector, cpuVariantSymbol(moduleName));
  // The linker moves local values only when something references them, so the variants kept
  // their linkage until the entries referenced them; only the dispatching entries export now.
  if (selector)
    for (GlobalValue &value : module.global_values())
      if (!value.isDeclaration() && !value.hasLocalLinkage() &&
          llvm::any_of(variants, [&](const CPUTarget &variant) {
            return value.getName().ends_with(cpuVariantSuffix(variant));
          }))
        value.setLinkage(GlobalValue::InternalLinkage);
  return Error::success();
}

} // namespace kiln
