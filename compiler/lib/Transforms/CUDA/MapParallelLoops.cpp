//===- MapParallelLoops.cpp - The kiln-cuda-map-parallel-loops pass -------===//
//
// Decides how the loops of a CUDA entry spread over the GPU, then leaves the rewriting to
// upstream's convert-parallel-loops-to-gpu. Upstream's gpu-map-parallel-loops maps an untiled
// loop to blocks of one thread each; here each outermost loop is first tiled so that a block
// covers `block-size` consecutive elements of the innermost dimension.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Conversion/SCFToGPU/SCFToGPU.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/RegionUtils.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCUDAMAPPARALLELLOOPS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

using gpu::Processor;

/// The y and z grid dimensions hold at most 65535 blocks.
constexpr int64_t kMaxGridYZ = 65535;

bool readsOrWritesMemory(Operation *op) {
  return op
      ->walk([](Operation *nested) {
        auto effects = dyn_cast<MemoryEffectOpInterface>(nested);
        if (effects &&
            (effects.hasEffect<MemoryEffects::Read>() || effects.hasEffect<MemoryEffects::Write>()))
          return WalkResult::interrupt();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

/// Moves the serial ops of `ops` (which touch memory, with the pure ops computing from them)
/// into a one-iteration scf.parallel placed before `before`, so that one GPU thread runs them.
LogicalResult wrapSerialCode(ArrayRef<Operation *> run, Operation *before) {
  llvm::SetVector<Operation *> serial;
  for (Operation *op : run) {
    bool usesSerial = llvm::any_of(op->getOperands(), [&](Value v) {
      return v.getDefiningOp() && serial.contains(v.getDefiningOp());
    });
    if (readsOrWritesMemory(op) || usesSerial)
      serial.insert(op);
  }
  if (serial.empty())
    return success();
  for (Operation *op : serial)
    for (Operation *user : op->getUsers())
      if (!serial.contains(user))
        return user->emitError("cannot place this on the GPU: it uses a value computed by "
                               "serial device code");
  OpBuilder b(before);
  Location loc = serial.front()->getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ParallelOp::create(b, loc, ValueRange{zero}, ValueRange{one}, ValueRange{one});
  Operation *terminator = loop.getBody()->getTerminator();
  for (Operation *op : serial)
    op->moveBefore(terminator);
  return success();
}

/// Splits the entry block at the ops that must stay in order with respect to launches and
/// wraps the serial device code between them. The views of the planned workspace split it as
/// the allocations they replace did (kiln-plan-workspace runs before): one kernel per run of
/// serial code either way.
LogicalResult wrapSerialCode(func::FuncOp func) {
  SmallVector<Operation *> run;
  for (Operation &op : llvm::make_early_inc_range(func.getBody().front())) {
    if (!isa<scf::ParallelOp, memref::AllocOp, memref::ViewOp, memref::DeallocOp, func::ReturnOp>(
            op)) {
      run.push_back(&op);
      continue;
    }
    if (failed(wrapSerialCode(run, &op)))
      return failure();
    run.clear();
  }
  return success();
}

std::optional<int64_t> constantTripCount(scf::ParallelOp loop, unsigned dim) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()[dim]);
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound()[dim]);
  std::optional<int64_t> step = getConstantIntValue(loop.getStep()[dim]);
  if (!lb || !ub || !step || *step <= 0)
    return std::nullopt;
  return llvm::divideCeil(*ub - *lb, *step);
}

/// The trip count of each dimension of `loop`, where it is a constant.
SmallVector<std::optional<int64_t>> tripCounts(scf::ParallelOp loop) {
  SmallVector<std::optional<int64_t>> counts;
  for (unsigned dim = 0; dim < loop.getNumLoops(); ++dim)
    counts.push_back(constantTripCount(loop, dim));
  return counts;
}

gpu::ParallelLoopDimMappingAttr mapping(MLIRContext *ctx, Processor processor) {
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
  return gpu::ParallelLoopDimMappingAttr::get(ctx, processor, identity, identity);
}

/// The innermost dimension goes to x, the next ones to y and z; others run in sequence inside
/// each thread, as do y and z dimensions with more blocks than the grid allows.
SmallVector<gpu::ParallelLoopDimMappingAttr>
dimensionMapping(MLIRContext *ctx, ArrayRef<std::optional<int64_t>> counts, Processor x,
                 Processor y, Processor z, bool limitYZ) {
  unsigned rank = counts.size();
  SmallVector<gpu::ParallelLoopDimMappingAttr> mappings;
  for (unsigned dim = 0; dim < rank; ++dim) {
    unsigned fromInnermost = rank - 1 - dim;
    Processor processor = fromInnermost == 0   ? x
                          : fromInnermost == 1 ? y
                          : fromInnermost == 2 ? z
                                               : Processor::Sequential;
    if (limitYZ && fromInnermost > 0 && (!counts[dim] || *counts[dim] > kMaxGridYZ))
      processor = Processor::Sequential;
    mappings.push_back(mapping(ctx, processor));
  }
  return mappings;
}

/// A thread runs the loops nested in a mapped loop whole, as scf.for: upstream's conversion
/// only maps perfectly nested parallel loops and would leave the others on the host.
LogicalResult sequentializeNestedLoops(scf::ParallelOp loop) {
  SmallVector<scf::ParallelOp> nested;
  loop.getBody()->walk([&](scf::ParallelOp inner) { nested.push_back(inner); });
  for (scf::ParallelOp inner : llvm::reverse(nested)) {
    if (!inner.getInitVals().empty())
      return inner.emitError("a nested parallel loop with reductions cannot run on the GPU yet");
    OpBuilder b(inner);
    Location loc = inner.getLoc();
    SmallVector<Value> ivs;
    for (auto [lb, ub, step] :
         llvm::zip(inner.getLowerBound(), inner.getUpperBound(), inner.getStep())) {
      auto forOp = scf::ForOp::create(b, loc, lb, ub, step);
      ivs.push_back(forOp.getInductionVar());
      b.setInsertionPoint(forOp.getBody()->getTerminator());
    }
    Block *body = inner.getBody();
    body->getTerminator()->erase();
    Block *innermost = b.getInsertionBlock();
    innermost->getOperations().splice(Block::iterator(b.getInsertionPoint()),
                                      body->getOperations());
    for (auto [arg, iv] : llvm::zip(body->getArguments(), ivs))
      arg.replaceAllUsesWith(iv);
    inner.erase();
  }
  return success();
}

/// Constants live in globals of the host module; a loop that reads one gets its own
/// memref.get_global, which kernel outlining then copies, with the global, to the device.
void sinkGlobals(scf::ParallelOp loop) {
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(loop.getRegion(), captured);
  OpBuilder b = OpBuilder::atBlockBegin(loop.getBody());
  for (Value value : captured) {
    auto global = value.getDefiningOp<memref::GetGlobalOp>();
    if (!global)
      continue;
    Operation *clone = b.clone(*global);
    replaceAllUsesInRegionWith(value, clone->getResult(0), loop.getRegion());
  }
}

/// Workgroup-memory allocations that a block loop's thread loop made (the GPU matmuls) become
/// the launch's workgroup attributions: one buffer per block, shared by its threads.
void promoteWorkgroupAllocations(func::FuncOp func) {
  func.walk([](gpu::LaunchOp launch) {
    SmallVector<memref::AllocOp> allocations;
    launch.getBody().walk([&](memref::AllocOp alloc) {
      if (gpu::GPUDialect::hasWorkgroupMemoryAddressSpace(alloc.getType()))
        allocations.push_back(alloc);
    });
    for (memref::AllocOp alloc : allocations) {
      BlockArgument buffer = launch.addWorkgroupAttribution(alloc.getType(), alloc.getLoc());
      alloc.replaceAllUsesWith(buffer);
      alloc.erase();
    }
  });
}

/// The host side of a CUDA entry may only allocate, describe buffers and launch.
LogicalResult verifyHostCode(func::FuncOp func) {
  for (Operation &op : func.getBody().front())
    if (!isa<gpu::LaunchOp>(op) && readsOrWritesMemory(&op))
      return op.emitError("cannot run this on the GPU: '")
             << op.getName() << "' would run on the host on device memory";
  return success();
}

struct MapParallelLoopsPass : impl::KilnCUDAMapParallelLoopsBase<MapParallelLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : llvm::to_vector(getOperation().getOps<func::FuncOp>()))
      if (func->hasAttr(kCUDAEntryAttr) && failed(mapFunction(func)))
        return signalPassFailure();
  }

  LogicalResult mapFunction(func::FuncOp func) {
    if (blockSize <= 0 || blockSize % 32 != 0)
      return func.emitError() << "block-size must be a positive multiple of 32, got "
                              << static_cast<int64_t>(blockSize);
    if (!func.getBody().hasOneBlock())
      return func.emitError("a CUDA entry must have a single block before its loops are "
                            "mapped");
    if (failed(wrapSerialCode(func)))
      return failure();
    for (auto loop : llvm::to_vector(func.getBody().front().getOps<scf::ParallelOp>()))
      if (failed(mapLoop(loop)))
        return failure();
    if (failed(convertToLaunches(func)))
      return failure();
    promoteWorkgroupAllocations(func);
    return verifyHostCode(func);
  }

  LogicalResult convertToLaunches(func::FuncOp func) {
    RewritePatternSet patterns(&getContext());
    populateParallelLoopToGPUPatterns(patterns);
    ConversionTarget target(getContext());
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    configureParallelLoopToGPULegality(target);
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      return failure();
    finalizeParallelLoopToGPUConversion(func);
    return success();
  }

  /// A loop of kiln-cuda-block-reductions: its dimensions are the grid, the loop directly
  /// inside it the threads of each block.
  LogicalResult mapBlockLoop(scf::ParallelOp loop) {
    loop->removeAttr(kGPUBlockLoopAttr);
    auto lanes = dyn_cast<scf::ParallelOp>(&loop.getBody()->front());
    if (!lanes || lanes.getNumLoops() > 3)
      return loop.emitError("a block loop must start with its loop over the threads");
    if (failed(sequentializeNestedLoops(lanes)))
      return failure();
    sinkGlobals(loop);
    SmallVector<std::optional<int64_t>> counts = tripCounts(loop);
    if (failed(gpu::setMappingAttr(loop, dimensionMapping(loop.getContext(), counts,
                                                          Processor::BlockX, Processor::BlockY,
                                                          Processor::BlockZ, /*limitYZ=*/true))))
      return failure();
    return gpu::setMappingAttr(lanes, dimensionMapping(loop.getContext(), tripCounts(lanes),
                                                       Processor::ThreadX, Processor::ThreadY,
                                                       Processor::ThreadZ, /*limitYZ=*/false));
  }

  LogicalResult mapLoop(scf::ParallelOp loop) {
    if (!loop.getInitVals().empty())
      return loop.emitError("a parallel loop with reductions cannot be mapped to the GPU yet");
    if (loop->hasAttr(kGPUBlockLoopAttr))
      return mapBlockLoop(loop);
    if (failed(sequentializeNestedLoops(loop)))
      return failure();
    sinkGlobals(loop);
    MLIRContext *ctx = loop.getContext();
    unsigned rank = loop.getNumLoops();
    SmallVector<std::optional<int64_t>> counts = tripCounts(loop);
    if (!counts.back())
      return gpu::setMappingAttr(loop, dimensionMapping(ctx, counts, Processor::BlockX,
                                                        Processor::BlockY, Processor::BlockZ,
                                                        /*limitYZ=*/true));
    // A block covers up to blockSize elements of the innermost dimension, whole warps.
    SmallVector<int64_t> tileSizes(rank, 1);
    tileSizes.back() = std::min<int64_t>(blockSize, llvm::alignTo(*counts.back(), 32));
    counts.back() = llvm::divideCeil(*counts.back(), tileSizes.back());
    // tileParallelLoop erases `loop`.
    auto [blocks, threads] = scf::tileParallelLoop(loop, tileSizes, /*noMinMaxBounds=*/true);
    if (failed(gpu::setMappingAttr(blocks, dimensionMapping(ctx, counts, Processor::BlockX,
                                                            Processor::BlockY, Processor::BlockZ,
                                                            /*limitYZ=*/true))))
      return failure();
    return gpu::setMappingAttr(threads, dimensionMapping(ctx, counts, Processor::ThreadX,
                                                         Processor::ThreadY, Processor::ThreadZ,
                                                         /*limitYZ=*/false));
  }
};

} // namespace
} // namespace kiln
