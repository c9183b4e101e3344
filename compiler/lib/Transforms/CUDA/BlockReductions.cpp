//===- BlockReductions.cpp - The kiln-cuda-block-reductions pass -----------===//
//
// A reduction over the innermost dimension (row sums and maxima, the reductions inside
// softmax, layer_norm, rms_norm, reduce_* over axis -1) would otherwise run one thread per
// output element over the whole row. Here a block of threads reduces each row: thread t
// accumulates elements t, t + T, t + 2T, ... (consecutive threads on consecutive addresses), a
// gpu.all_reduce combines the partial results across the block (warp shuffles and shared
// memory, from upstream's all-reduce rewrite in convert-gpu-to-nvvm), and thread 0 combines the
// total with the output's initial value:
//
//   scf.parallel (%i...) {kiln.gpu_block_loop}          // one block per output element
//     scf.parallel (%t) = (0) to (T)                     // its threads
//       %p = scf.for %k = %t to N step T iter_args(%acc = identity) { acc <op> f(inputs[i, k]) }
//       %all = gpu.all_reduce <op> %p uniform
//       scf.if (%t == 0) { out[i] = out[i] <op> %all }
//
// kiln-cuda-map-parallel-loops maps the two loops to blocks and threads.
//
//===----------------------------------------------------------------------===//
#include "RowReduction.h"
#include "kiln/Compiler/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCUDABLOCKREDUCTIONS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

void rewrite(const RowReduction &reduction, int64_t blockSize) {
  linalg::GenericOp op = reduction.op;
  Location loc = op.getLoc();
  OpBuilder b(op);
  auto index = [&](int64_t value) { return arith::ConstantIndexOp::create(b, loc, value); };
  int64_t length = reduction.sizes.back();
  int64_t threads = std::min<int64_t>(blockSize, llvm::alignTo(length, 32));

  // A full reduction has no parallel dimension: one block.
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t size : ArrayRef(reduction.sizes).drop_back()) {
    lbs.push_back(index(0));
    ubs.push_back(index(size));
    steps.push_back(index(1));
  }
  bool full = lbs.empty();
  if (full) {
    lbs.push_back(index(0));
    ubs.push_back(index(1));
    steps.push_back(index(1));
  }
  auto blocks = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
  blocks->setAttr(kGPUBlockLoopAttr, b.getUnitAttr());
  b.setInsertionPointToStart(blocks.getBody());
  SmallVector<Value> outer(blocks.getInductionVars());
  if (full)
    outer.clear();
  auto lanes = scf::ParallelOp::create(b, loc, ValueRange{index(0)}, ValueRange{index(threads)},
                                       ValueRange{index(1)});
  b.setInsertionPointToStart(lanes.getBody());
  Value lane = lanes.getInductionVars().front();
  Value partial = buildPartialReduction(b, loc, reduction, outer, lane, threads, loadInput);
  Value total = buildBlockTotal(b, loc, reduction, partial);
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, index(0));
  auto ifFirst = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifFirst.thenBlock());
  OpOperand *init = op.getDpsInitOperand(0);
  SmallVector<Value> ivs(outer);
  ivs.push_back(index(0));
  SmallVector<Value> at = applyMap(b, loc, op.getMatchingIndexingMap(init), ivs);
  Value old = memref::LoadOp::create(b, loc, init->get(), at);
  memref::StoreOp::create(b, loc, combineWithOld(b, reduction, total, old), init->get(), at);
  op.erase();
}

struct GPUBlockReductionsPass : impl::KilnCUDABlockReductionsBase<GPUBlockReductionsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<RowReduction> reductions;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(kCUDAEntryAttr))
        func.walk([&](linalg::GenericOp op) {
          if (std::optional<RowReduction> reduction = matchRowReduction(op))
            reductions.push_back(std::move(*reduction));
        });
    for (const RowReduction &reduction : reductions)
      rewrite(reduction, blockSize);
  }
};

} // namespace
} // namespace kiln
