//===- BlockReductions.cpp - The kiln-gpu-block-reductions pass -----------===//
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
// kiln-map-parallel-loops-to-gpu maps the two loops to blocks and threads.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"

#include "llvm/ADT/TypeSwitch.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUBLOCKREDUCTIONS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// The block-wide operation of a combining op and its identity element.
struct Combiner {
  gpu::AllReduceOperation kind;
  TypedAttr identity;
};

std::optional<Combiner> classifyCombiner(Operation *op) {
  Type type = op->getResult(0).getType();
  // The all-reduce rewrite shuffles 32-bit values.
  if (!type.isF32() && !type.isInteger(32))
    return std::nullopt;
  Builder b(op->getContext());
  auto fp = [&](double value) -> TypedAttr { return b.getFloatAttr(type, value); };
  auto integer = [&](int64_t value) -> TypedAttr { return b.getIntegerAttr(type, value); };
  double inf = std::numeric_limits<double>::infinity();
  using Kind = gpu::AllReduceOperation;
  return TypeSwitch<Operation *, std::optional<Combiner>>(op)
      .Case([&](arith::AddFOp) { return Combiner{Kind::ADD, fp(0.0)}; })
      .Case([&](arith::MulFOp) { return Combiner{Kind::MUL, fp(1.0)}; })
      .Case([&](arith::MaximumFOp) { return Combiner{Kind::MAXIMUMF, fp(-inf)}; })
      .Case([&](arith::MinimumFOp) { return Combiner{Kind::MINIMUMF, fp(inf)}; })
      .Case([&](arith::MaxNumFOp) { return Combiner{Kind::MAXNUMF, fp(-inf)}; })
      .Case([&](arith::MinNumFOp) { return Combiner{Kind::MINNUMF, fp(inf)}; })
      .Case([&](arith::AddIOp) { return Combiner{Kind::ADD, integer(0)}; })
      .Case([&](arith::MulIOp) { return Combiner{Kind::MUL, integer(1)}; })
      .Case([&](arith::MaxSIOp) { return Combiner{Kind::MAXSI, integer(INT32_MIN)}; })
      .Case([&](arith::MinSIOp) { return Combiner{Kind::MINSI, integer(INT32_MAX)}; })
      .Case([&](arith::AndIOp) { return Combiner{Kind::AND, integer(-1)}; })
      .Case([&](arith::OrIOp) { return Combiner{Kind::OR, integer(0)}; })
      .Case([&](arith::XOrIOp) { return Combiner{Kind::XOR, integer(0)}; })
      .Default([](Operation *) { return std::nullopt; });
}

/// A generic this pass rewrites: buffers, one output, parallel dimensions then one reduction
/// dimension, static sizes, and a body `out = combine(out, f(inputs))` with `out` used once.
struct RowReduction {
  linalg::GenericOp op;
  Operation *combine;
  Value contribution; ///< f(inputs), the operand of `combine` that is not the accumulator
  Combiner combiner;
  SmallVector<int64_t> sizes;
};

std::optional<RowReduction> matchRowReduction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op->hasAttr(kOrderedReductionAttr))
    return std::nullopt;
  auto iterators = op.getIteratorTypesArray();
  if (iterators.empty() || iterators.back() != utils::IteratorType::reduction ||
      llvm::count(iterators, utils::IteratorType::reduction) != 1)
    return std::nullopt;
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  if (llvm::any_of(sizes, ShapedType::isDynamic))
    return std::nullopt;
  Block *body = op.getBody();
  BlockArgument accumulator = body->getArguments().back();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Operation *combine = yield.getOperand(0).getDefiningOp();
  if (!combine || combine->getBlock() != body || combine->getNumOperands() != 2 ||
      !accumulator.hasOneUse() || accumulator.getUses().begin()->getOwner() != combine)
    return std::nullopt;
  std::optional<Combiner> combiner = classifyCombiner(combine);
  if (!combiner)
    return std::nullopt;
  Value contribution = combine->getOperand(0) == accumulator ? combine->getOperand(1)
                                                             : combine->getOperand(0);
  return RowReduction{op, combine, contribution, *combiner, std::move(sizes)};
}

/// The indices `map` gives for loop indices `ivs`.
SmallVector<Value> applyMap(OpBuilder &b, Location loc, AffineMap map, ValueRange ivs) {
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults())
    indices.push_back(affine::AffineApplyOp::create(
        b, loc, AffineMap::get(map.getNumDims(), 0, expr), ivs));
  return indices;
}

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
  Value identity = arith::ConstantOp::create(b, loc, reduction.combiner.identity);

  auto partial = scf::ForOp::create(
      b, loc, lane, index(length), index(threads), ValueRange{identity},
      [&](OpBuilder &nested, Location nestedLoc, Value k, ValueRange iterArgs) {
        SmallVector<Value> ivs(outer);
        ivs.push_back(k);
        IRMapping mapping;
        for (OpOperand *input : op.getDpsInputOperands()) {
          Value source = input->get();
          BlockArgument arg = op.getMatchingBlockArgument(input);
          if (!isa<MemRefType>(source.getType())) {
            mapping.map(arg, source);
            continue;
          }
          SmallVector<Value> at = applyMap(nested, nestedLoc, op.getMatchingIndexingMap(input), ivs);
          mapping.map(arg, memref::LoadOp::create(nested, nestedLoc, source, at));
        }
        for (Operation &bodyOp : op.getBody()->without_terminator()) {
          if (&bodyOp == reduction.combine)
            continue;
          if (auto indexOp = dyn_cast<linalg::IndexOp>(bodyOp)) {
            mapping.map(indexOp.getResult(), ivs[indexOp.getDim()]);
            continue;
          }
          nested.clone(bodyOp, mapping);
        }
        mapping.map(op.getBody()->getArguments().back(), iterArgs.front());
        Operation *combined = nested.clone(*reduction.combine, mapping);
        scf::YieldOp::create(nested, nestedLoc, combined->getResult(0));
      });
  auto total = gpu::AllReduceOp::create(
      b, loc, partial.getResult(0),
      gpu::AllReduceOperationAttr::get(b.getContext(), reduction.combiner.kind),
      /*uniform=*/b.getUnitAttr());
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, index(0));
  auto ifFirst = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifFirst.thenBlock());
  OpOperand *init = op.getDpsInitOperand(0);
  SmallVector<Value> ivs(outer);
  ivs.push_back(index(0));
  SmallVector<Value> at = applyMap(b, loc, op.getMatchingIndexingMap(init), ivs);
  Value old = memref::LoadOp::create(b, loc, init->get(), at);
  IRMapping mapping;
  mapping.map(op.getBody()->getArguments().back(), old);
  mapping.map(reduction.contribution, total.getResult());
  Operation *combined = b.clone(*reduction.combine, mapping);
  memref::StoreOp::create(b, loc, combined->getResult(0), init->get(), at);
  op.erase();
}

struct GPUBlockReductionsPass : impl::KilnGPUBlockReductionsBase<GPUBlockReductionsPass> {
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
