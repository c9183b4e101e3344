//===- LowerParallelCalls.cpp - The kiln-lower-parallel-calls pass --------===//
//
// The second half of threading, on the LLVM dialect: each call of a `kiln.parallel_task`
// function (made by kiln-outline-parallel-loops as `call @task(0, count, captures...)` inside a
// graph function, whose first argument is the context pointer) becomes
//   store captures -> a struct on the graph's stack frame
//   __kiln_parallel_for(ctx, count, @task_thunk, &struct)
// where the thunk has the task signature of kiln/abi.h (void *data, int64_t begin,
// int64_t end) and calls the task with the captures loaded back. __kiln_parallel_for calls the
// context's parallel_for, or with no context the runtime's kiln_parallel_for (referenced
// weakly), or runs the task inline when no runtime is linked.
//
//===----------------------------------------------------------------------===//
#include "FrameStruct.h"
#include "kiln/Compiler/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace kiln {
#define GEN_PASS_DEF_KILNLOWERPARALLELCALLS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

constexpr llvm::StringLiteral kRuntimeParallelFor = "kiln_parallel_for";
constexpr llvm::StringLiteral kParallelForOrInline = "__kiln_parallel_for";

class ParallelCallLowering {
public:
  explicit ParallelCallLowering(ModuleOp module)
      : module(module), symbols(module), ptrType(LLVM::LLVMPointerType::get(module.getContext())),
        i64Type(IntegerType::get(module.getContext(), 64)) {}

  LogicalResult run() {
    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      auto callee = call.getCallee();
      if (!callee)
        return;
      auto func = symbols.lookup<LLVM::LLVMFuncOp>(*callee);
      if (func && func->hasAttr("kiln.parallel_task"))
        calls.push_back(call);
    });
    for (LLVM::CallOp call : calls)
      if (failed(lower(call)))
        return failure();
    return success();
  }

private:
  LogicalResult lower(LLVM::CallOp call) {
    auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
    if (caller.getNumArguments() == 0 ||
        !isa<LLVM::LLVMPointerType>(caller.getArgument(0).getType()))
      return call.emitError("a parallel task is called from a function without a context "
                            "pointer as its first argument");
    if (!matchPattern(call.getOperand(0), m_Zero()))
      return call.emitError("a parallel task call must start at iteration 0");
    auto task = symbols.lookup<LLVM::LLVMFuncOp>(*call.getCallee());
    auto captures = call.getOperands().drop_front(2);
    auto dataType =
        LLVM::LLVMStructType::getLiteral(module.getContext(), llvm::to_vector(captures.getTypes()));
    LLVM::LLVMFuncOp thunk = getOrCreateThunk(task, dataType);

    OpBuilder b(call);
    Location loc = call.getLoc();
    Value data = storeInFrameStruct(b, caller, loc, captures);
    Value thunkAddress = LLVM::AddressOfOp::create(b, loc, thunk);
    LLVM::CallOp::create(b, loc, getOrCreateParallelFor(),
                         ValueRange{caller.getArgument(0), call.getOperand(1), thunkAddress, data});
    call.erase();
    return success();
  }

  /// void <task>_thunk(ptr data, i64 begin, i64 end) { <task>(begin, end, *data...); }
  LLVM::LLVMFuncOp getOrCreateThunk(LLVM::LLVMFuncOp task, LLVM::LLVMStructType dataType) {
    std::string name = (task.getSymName() + "_thunk").str();
    if (auto existing = symbols.lookup<LLVM::LLVMFuncOp>(name))
      return existing;
    Location loc = task.getLoc();
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto voidType = LLVM::LLVMVoidType::get(module.getContext());
    auto thunk = LLVM::LLVMFuncOp::create(
        b, loc, name, LLVM::LLVMFunctionType::get(voidType, {ptrType, i64Type, i64Type}),
        LLVM::Linkage::Internal);
    symbols.insert(thunk);
    Block *entry = thunk.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    SmallVector<Value> args{entry->getArgument(1), entry->getArgument(2)};
    for (auto [index, type] : llvm::enumerate(dataType.getBody())) {
      Value field = LLVM::GEPOp::create(b, loc, ptrType, dataType, entry->getArgument(0),
                                        ArrayRef<LLVM::GEPArg>{0, int32_t(index)});
      args.push_back(LLVM::LoadOp::create(b, loc, type, field));
    }
    LLVM::CallOp::create(b, loc, task, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    task.setLinkage(LLVM::Linkage::Internal);
    return thunk;
  }

  /// void __kiln_parallel_for(ptr ctx, i64 count, ptr task, ptr data) (kiln/abi.h):
  ///   ctx != NULL:                ctx->parallel_for(ctx, count, task, data)
  ///   kiln_parallel_for linked:   kiln_parallel_for(NULL, count, task, data)
  ///   otherwise:                  task(data, 0, count)
  LLVM::LLVMFuncOp getOrCreateParallelFor() {
    if (auto existing = symbols.lookup<LLVM::LLVMFuncOp>(kParallelForOrInline))
      return existing;
    MLIRContext *ctx = module.getContext();
    Location loc = module.getLoc();
    auto voidType = LLVM::LLVMVoidType::get(ctx);
    auto signature = LLVM::LLVMFunctionType::get(voidType, {ptrType, i64Type, ptrType, ptrType});
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto runtime =
        LLVM::LLVMFuncOp::create(b, loc, kRuntimeParallelFor, signature, LLVM::Linkage::ExternWeak);
    symbols.insert(runtime);
    auto wrapper =
        LLVM::LLVMFuncOp::create(b, loc, kParallelForOrInline, signature, LLVM::Linkage::Internal);
    symbols.insert(wrapper);

    Block *entry = wrapper.addEntryBlock(b);
    Block *viaContext = b.createBlock(&wrapper.getBody());
    Block *noContext = b.createBlock(&wrapper.getBody());
    Block *viaRuntime = b.createBlock(&wrapper.getBody());
    Block *inlineRun = b.createBlock(&wrapper.getBody());
    Value context = entry->getArgument(0), count = entry->getArgument(1),
          task = entry->getArgument(2), data = entry->getArgument(3);
    b.setInsertionPointToStart(entry);
    Value null = LLVM::ZeroOp::create(b, loc, ptrType);
    Value hasContext = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, context, null);
    LLVM::CondBrOp::create(b, loc, hasContext, viaContext, noContext);

    b.setInsertionPointToStart(viaContext);
    Value contextParallelFor = LLVM::LoadOp::create(b, loc, ptrType, context);
    LLVM::CallOp::create(b, loc, signature,
                         ValueRange{contextParallelFor, context, count, task, data});
    LLVM::ReturnOp::create(b, loc, ValueRange{});

    b.setInsertionPointToStart(noContext);
    Value address = LLVM::AddressOfOp::create(b, loc, runtime);
    Value linked = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, address, null);
    LLVM::CondBrOp::create(b, loc, linked, viaRuntime, inlineRun);

    b.setInsertionPointToStart(viaRuntime);
    LLVM::CallOp::create(b, loc, runtime, ValueRange{null, count, task, data});
    LLVM::ReturnOp::create(b, loc, ValueRange{});

    b.setInsertionPointToStart(inlineRun);
    auto taskType = LLVM::LLVMFunctionType::get(voidType, {ptrType, i64Type, i64Type});
    Value zero = LLVM::ConstantOp::create(b, loc, i64Type, b.getI64IntegerAttr(0));
    LLVM::CallOp::create(b, loc, taskType, ValueRange{task, data, zero, count});
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return wrapper;
  }

  ModuleOp module;
  SymbolTable symbols;
  Type ptrType, i64Type;
};

struct KilnLowerParallelCallsPass
    : public impl::KilnLowerParallelCallsBase<KilnLowerParallelCallsPass> {
  void runOnOperation() override {
    if (failed(ParallelCallLowering(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
} // namespace kiln
