//===- LowerLaunches.cpp - The kiln-cuda-lower-launches pass --------------===//
//
// The host half of a CUDA entry, on the LLVM dialect. Upstream's gpu-to-llvm leaves each
// gpu.launch_func with LLVM-typed arguments for a translation that would call MLIR's own GPU
// runtime wrappers (and embed one binary chosen at compile time); Kiln instead calls its runtime
// (kiln/abi.h), which picks the cubin for the device it finds and reports errors as statuses:
//   gpu.launch_func @kiln_kernels::@k blocks in (gx, gy, gz) threads in (bx, by, bz) args(a...)
//     -> store a... into a stack struct, pointers to its fields into a stack array, then
//        kiln_cuda_launch(ctx, stream, &__kiln_cuda_module, "k", gx, gy, gz, bx, by, bz,
//                         shared, array)
//   malloc(n) / aligned_alloc(a, n) / free(p) -> kiln_cuda_alloc(ctx, stream, n) / _free
//   return %status -> return kiln_cuda_finish(ctx, stream)
//   and, first, kiln_cuda_check_alignment(ctx, stream, p, i) for each buffer argument p: the
//   kernels access memory up to 16 bytes at a time (kiln-cuda-vectorize-elementwise, the
//   matmuls' tile copies), which the runtime reports as a caller's error when p is misaligned
// The runtime functions record the first failure of a call and skip the work after it;
// kiln_cuda_finish returns it.
//
//===----------------------------------------------------------------------===//
#include "../FrameStruct.h"
#include "kiln/Compiler/Passes.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/TypeSwitch.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCUDALOWERLAUNCHES
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// Defined by kilnc in the LLVM module with the cubins of every requested SM.
constexpr llvm::StringLiteral kCUDAModuleSymbol = "__kiln_cuda_module";

class CUDALaunchLowering {
public:
  explicit CUDALaunchLowering(ModuleOp module)
      : module(module), symbols(module), ctx(module.getContext()),
        ptrType(LLVM::LLVMPointerType::get(ctx)), i32Type(IntegerType::get(ctx, 32)),
        i64Type(IntegerType::get(ctx, 64)), voidType(LLVM::LLVMVoidType::get(ctx)) {}

  LogicalResult run() {
    for (auto entry : llvm::to_vector(module.getOps<LLVM::LLVMFuncOp>()))
      if (entry->hasAttr(kCUDAEntryAttr) && failed(lowerEntry(entry)))
        return failure();
    return success();
  }

private:
  LogicalResult lowerEntry(LLVM::LLVMFuncOp entry) {
    if (entry.getNumArguments() < 2 || entry.isExternal())
      return entry.emitError("a CUDA entry needs a body and (ctx, stream) arguments");
    Value context = entry.getArgument(0), stream = entry.getArgument(1);
    checkAlignment(entry, context, stream);
    WalkResult result = entry.walk([&](Operation *op) {
      LogicalResult lowered =
          TypeSwitch<Operation *, LogicalResult>(op)
              .Case([&](gpu::LaunchFuncOp launch) {
                return lowerLaunch(entry, launch, context, stream);
              })
              .Case([&](LLVM::CallOp call) { return lowerAllocation(call, context, stream); })
              .Case([&](LLVM::ReturnOp ret) { return lowerReturn(ret, context, stream); })
              .Default([](Operation *) { return success(); });
      return failed(lowered) ? WalkResult::interrupt() : WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

  void checkAlignment(LLVM::LLVMFuncOp entry, Value context, Value stream) {
    OpBuilder b = OpBuilder::atBlockBegin(&entry.getBody().front());
    Location loc = entry.getLoc();
    LLVM::LLVMFuncOp check =
        getOrDeclare("kiln_cuda_check_alignment", {ptrType, ptrType, ptrType, i32Type}, voidType);
    for (unsigned i = 2, e = entry.getNumArguments(); i < e; ++i) {
      Value buffer = entry.getArgument(i);
      if (!isa<LLVM::LLVMPointerType>(buffer.getType()))
        continue;
      Value index = LLVM::ConstantOp::create(b, loc, i32Type, b.getI32IntegerAttr(i - 2));
      LLVM::CallOp::create(b, loc, check, ValueRange{context, stream, buffer, index});
    }
  }

  LogicalResult lowerLaunch(LLVM::LLVMFuncOp entry, gpu::LaunchFuncOp launch, Value context,
                            Value stream) {
    if (launch.getClusterSizeX() || !launch.getAsyncDependencies().empty() ||
        launch.getAsyncToken())
      return launch.emitError("only plain synchronous launches are supported");
    Location loc = launch.getLoc();
    // cuLaunchKernel takes the address of each argument: the arguments go into one stack
    // struct, the addresses of its fields into another (laid out as an array of pointers).
    OpBuilder b(launch);
    SmallVector<Value> fields;
    storeInFrameStruct(b, entry, loc, launch.getKernelOperands(), &fields);
    Value pointers = storeInFrameStruct(b, entry, loc, fields);
    Value kernelName = getKernelName(b, loc, launch.getKernelName().getValue());
    Value shared = launch.getDynamicSharedMemorySize();
    if (!shared)
      shared = LLVM::ConstantOp::create(b, loc, i32Type, b.getI32IntegerAttr(0));
    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    SmallVector<Value> operands = {context, stream, getCUDAModuleAddress(b, loc), kernelName};
    for (Value dim : {grid.x, grid.y, grid.z, block.x, block.y, block.z})
      operands.push_back(toI64(b, loc, dim));
    operands.push_back(shared);
    operands.push_back(pointers);
    LLVM::CallOp::create(b, loc,
                         getOrDeclare("kiln_cuda_launch",
                                      {ptrType, ptrType, ptrType, ptrType, i64Type, i64Type,
                                       i64Type, i64Type, i64Type, i64Type, i32Type, ptrType},
                                      voidType),
                         operands);
    launch.erase();
    return success();
  }

  /// Every buffer a CUDA entry allocates lives on the device.
  LogicalResult lowerAllocation(LLVM::CallOp call, Value context, Value stream) {
    std::optional<StringRef> callee = call.getCallee();
    if (!callee)
      return success();
    OpBuilder b(call);
    Location loc = call.getLoc();
    if (*callee == "malloc" || *callee == "aligned_alloc") {
      Value size = call.getArgOperands().back();
      auto alloc = LLVM::CallOp::create(
          b, loc, getOrDeclare("kiln_cuda_alloc", {ptrType, ptrType, i64Type}, ptrType),
          ValueRange{context, stream, toI64(b, loc, size)});
      call.replaceAllUsesWith(alloc);
      call.erase();
    } else if (*callee == "free") {
      LLVM::CallOp::create(b, loc,
                           getOrDeclare("kiln_cuda_free", {ptrType, ptrType, ptrType}, voidType),
                           ValueRange{context, stream, call.getArgOperands().front()});
      call.erase();
    }
    return success();
  }

  LogicalResult lowerReturn(LLVM::ReturnOp ret, Value context, Value stream) {
    if (ret.getNumOperands() != 1 || ret.getOperand(0).getType() != i32Type)
      return ret.emitError("a CUDA entry must return its i32 status");
    OpBuilder b(ret);
    auto finish = LLVM::CallOp::create(
        b, ret.getLoc(), getOrDeclare("kiln_cuda_finish", {ptrType, ptrType}, i32Type),
        ValueRange{context, stream});
    ret->setOperand(0, finish.getResult());
    return success();
  }

  /// The kernel's NUL-terminated name, one global per kernel.
  Value getKernelName(OpBuilder &b, Location loc, StringRef kernel) {
    std::string symbol = ("__kiln_kernel_name_" + kernel).str();
    // Not through `symbols`: createGlobalString adds the global behind its back.
    if (auto existing = module.lookupSymbol<LLVM::GlobalOp>(symbol))
      return LLVM::AddressOfOp::create(b, loc, existing);
    return LLVM::createGlobalString(loc, b, symbol, (kernel + Twine('\0')).str(),
                                    LLVM::Linkage::Private);
  }

  Value toI64(OpBuilder &b, Location loc, Value value) {
    auto type = cast<IntegerType>(value.getType());
    if (type.getWidth() == 64)
      return value;
    if (type.getWidth() < 64)
      return LLVM::ZExtOp::create(b, loc, i64Type, value);
    return LLVM::TruncOp::create(b, loc, i64Type, value);
  }

  Value getCUDAModuleAddress(OpBuilder &b, Location loc) {
    auto global = symbols.lookup<LLVM::GlobalOp>(kCUDAModuleSymbol);
    if (!global) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(module.getBody());
      // Declared here, defined by kilnc once ptxas has made the cubins.
      global = LLVM::GlobalOp::create(b, loc, LLVM::LLVMArrayType::get(i64Type, 2),
                                      /*isConstant=*/true, LLVM::Linkage::External,
                                      kCUDAModuleSymbol, Attribute());
      symbols.insert(global);
    }
    return LLVM::AddressOfOp::create(b, loc, global);
  }

  LLVM::LLVMFuncOp getOrDeclare(StringRef name, ArrayRef<Type> params, Type result) {
    if (auto existing = symbols.lookup<LLVM::LLVMFuncOp>(name))
      return existing;
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto func = LLVM::LLVMFuncOp::create(b, module.getLoc(), name,
                                         LLVM::LLVMFunctionType::get(result, params));
    symbols.insert(func);
    return func;
  }

  ModuleOp module;
  SymbolTable symbols;
  MLIRContext *ctx;
  Type ptrType, i32Type, i64Type, voidType;
};

struct LowerLaunchesPass : impl::KilnCUDALowerLaunchesBase<LowerLaunchesPass> {
  void runOnOperation() override {
    if (failed(CUDALaunchLowering(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
} // namespace kiln
