//===- MarkKernels.cpp - The kiln-mark-kernels pass ------------------------===//
//
// Profiling without a profiler: before each kernel of a graph function (the loops and calls
// that run one source op, outlined or not), the function tells the context which kernel starts,
//   if (ctx && ctx->profile_mark) ctx->profile_mark(ctx, kernel)
// (kiln/abi.h), and the runtime times the stretch from one mark to the next. A context without
// a profiler (the runtime's, while profiling is off, or an application's) costs a load and a
// branch per kernel: a few hundred per call of a whole model.
//
// Why not LLVM's -finstrument-functions or XRay: the kernels are not functions (most are loop
// nests inlined in the graph function), and the names a user needs are the source ops', which
// only the MLIR locations still know at this point.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/KernelNames.h"
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kiln {
#define GEN_PASS_DEF_KILNMARKKERNELS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

constexpr llvm::StringLiteral kMarkFunction = "__kiln_profile_mark";

// kiln_context_abi's profile_mark, in pointers from the start of the context.
constexpr int32_t kProfileMarkSlot = 2;

/// Whether `op` takes time worth a kernel of its own: loops, calls and memory traffic, not the
/// allocations, views and constants around them.
bool doesWork(Operation *op) {
  if (op->getNumRegions() > 0 || isa<CallOpInterface>(op))
    return true;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  return effects &&
         (effects.hasEffect<MemoryEffects::Read>() || effects.hasEffect<MemoryEffects::Write>());
}

/// Whether `op` is a loop that runs its body exactly once, so that the kernels in it run in
/// order, as if they were at the top level (row fusion leaves such loops at batch 1).
bool runsOnce(Operation *op) {
  auto once = [](Value lb, Value ub, Value step) {
    std::optional<int64_t> l = getConstantIntValue(lb), u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    return l && u && s && *s > 0 && *u > *l && *u - *l <= *s;
  };
  if (auto loop = dyn_cast<scf::ForOp>(op))
    return once(loop.getLowerBound(), loop.getUpperBound(), loop.getStep());
  if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
    for (auto [lb, ub, step] :
         llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
      if (!once(lb, ub, step))
        return false;
    return true;
  }
  return false;
}

class KernelMarker {
public:
  KernelMarker(ModuleOp module) : module(module), symbols(module) {}

  void run(func::FuncOp func) {
    auto table = func->getAttrOfType<ArrayAttr>(kKernelsAttrName);
    if (!table || table.empty() || func.isExternal() || func.getNumArguments() == 0 ||
        !isa<LLVM::LLVMPointerType>(func.getArgumentTypes()[0]))
      return;
    indices.clear();
    for (auto [index, name] : llvm::enumerate(table.getAsValueRange<StringAttr>()))
      indices.try_emplace(name, index);
    context = func.getArgument(0);
    current.reset();
    markBlock(func.getBody().front());
  }

private:
  void markBlock(Block &block) {
    for (Operation &op : llvm::make_early_inc_range(block)) {
      // Marks already there (the pass ran before) stand.
      if (auto call = dyn_cast<func::CallOp>(op); call && call.getCallee() == kMarkFunction) {
        std::optional<int64_t> kernel = getConstantIntValue(call.getOperand(1));
        current = kernel ? std::optional<uint32_t>(*kernel) : std::nullopt;
        continue;
      }
      if (runsOnce(&op)) {
        markBlock(op.getRegion(0).front());
        continue;
      }
      if (!doesWork(&op))
        continue;
      std::optional<uint32_t> kernel = kernelOf(op.getLoc());
      if (!kernel || kernel == current)
        continue;
      OpBuilder b(&op);
      Value index = arith::ConstantOp::create(b, op.getLoc(), b.getI32IntegerAttr(*kernel));
      func::CallOp::create(b, op.getLoc(), getOrCreateMarkFunction(), ValueRange{context, index});
      current = kernel;
    }
  }

  /// The table index of the first of the location's names that the table has; none for ops
  /// the table does not name (their time stays with the kernel before them).
  std::optional<uint32_t> kernelOf(Location loc) {
    SmallVector<std::string> names;
    kernelNameCandidates(loc, names);
    for (const std::string &name : names)
      if (auto it = indices.find(name); it != indices.end())
        return it->second;
    return std::nullopt;
  }

  /// func.func @__kiln_profile_mark(%ctx: !llvm.ptr, %kernel: i32) (internal):
  ///   if (ctx && ctx->profile_mark) ctx->profile_mark(ctx, kernel)
  func::FuncOp getOrCreateMarkFunction() {
    if (auto existing = symbols.lookup<func::FuncOp>(kMarkFunction))
      return existing;
    MLIRContext *ctx = module.getContext();
    Location loc = module.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i32Type = IntegerType::get(ctx, 32);
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto func = func::FuncOp::create(b, loc, kMarkFunction,
                                     b.getFunctionType({ptrType, i32Type}, TypeRange{}));
    func.setPrivate();
    func->setAttr("llvm.linkage", LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    symbols.insert(func);
    Block *entry = func.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value context = entry->getArgument(0), kernel = entry->getArgument(1);
    Value null = LLVM::ZeroOp::create(b, loc, ptrType);
    Value hasContext = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, context, null);
    auto ifContext = scf::IfOp::create(b, loc, hasContext, /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifContext.thenBlock());
    Value slot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, context,
                                     ArrayRef<LLVM::GEPArg>{kProfileMarkSlot});
    Value mark = LLVM::LoadOp::create(b, loc, ptrType, slot);
    Value hasMark = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, mark, null);
    auto ifMark = scf::IfOp::create(b, loc, hasMark, /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifMark.thenBlock());
    auto markType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptrType, i32Type});
    LLVM::CallOp::create(b, loc, markType, ValueRange{mark, context, kernel});
    b.setInsertionPointToEnd(entry);
    func::ReturnOp::create(b, loc);
    return func;
  }

  ModuleOp module;
  SymbolTable symbols;
  llvm::StringMap<uint32_t> indices;
  Value context;
  std::optional<uint32_t> current;
};

struct KilnMarkKernelsPass : public impl::KilnMarkKernelsBase<KilnMarkKernelsPass> {
  void runOnOperation() override {
    KernelMarker marker(getOperation());
    for (auto func : llvm::to_vector(getOperation().getOps<func::FuncOp>()))
      marker.run(func);
  }
};

} // namespace
} // namespace kiln
