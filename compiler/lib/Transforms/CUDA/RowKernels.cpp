//===- RowKernels.cpp - The kiln-cuda-row-kernels pass ---------------------===//
//
// softmax, log_softmax, layer_norm and rms_norm lower to a run of row passes: fills of row
// statistics, reductions over each row into them, and an elementwise pass reading them. One
// kernel per pass reads each row from global memory once per pass and launches 3-5 kernels.
// Here such a run becomes one block per row doing every pass in turn:
//
//   scf.parallel (%i...) {kiln.gpu_block_loop}              // one block per row
//     scf.parallel (%t) = (0) to (T)                         // its threads
//       %max = gpu.all_reduce max (scf.for %k = %t to N step T { ... })   // each reduction
//       scf.for %k = %t to N step T { out[i, k] = f(x[i, k], %max, ...) } // each elementwise
//
// The row statistics stay in registers (gpu.all_reduce gives every thread the total; thread 0
// still stores it), and the row is re-read from L1/L2 rather than DRAM. Thread t handles
// columns t, t + T, ... in every pass, so an elementwise result that a later pass reads at the
// same element was written by the same thread: no barrier is needed between passes.
//
//===----------------------------------------------------------------------===//
#include "RowReduction.h"
#include "kiln/Compiler/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCUDAROWKERNELS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// One pass of a row kernel.
struct RowPass {
  Operation *op;
  std::optional<RowReduction> reduction; ///< set for reductions; fills and elementwise unset
};

/// Whether `map` selects the first `rank` loop dimensions, in order (a row statistic).
bool isRowMap(AffineMap map, unsigned rank) {
  return map.getNumResults() == rank && map.isProjectedPermutation() &&
         llvm::all_of(llvm::enumerate(map.getResults()), [](auto indexed) {
           auto dim = dyn_cast<AffineDimExpr>(indexed.value());
           return dim && dim.getPosition() == indexed.index();
         });
}

/// A run of row passes over rows of shape `rows` and length `length`.
class RowGroup {
public:
  /// Appends `op` if it is a pass over the group's rows (fixing them for the first generic)
  /// whose accesses keep each element with one thread and each statistic in registers.
  bool tryAppend(Operation *op) {
    if (auto fill = dyn_cast<linalg::FillOp>(op))
      return tryAppendFill(fill);
    auto generic = dyn_cast<linalg::GenericOp>(op);
    if (!generic || !generic.hasPureBufferSemantics())
      return false;
    SmallVector<int64_t> sizes = generic.getStaticLoopRanges();
    if (sizes.size() < 2 || llvm::any_of(sizes, ShapedType::isDynamic))
      return false;
    if (!rows.empty() && (ArrayRef(sizes).drop_back() != ArrayRef(rows) || sizes.back() != length))
      return false;
    std::optional<RowReduction> reduction = matchRowReduction(generic);
    bool elementwise = generic.getNumReductionLoops() == 0;
    if (!reduction && !elementwise)
      return false;
    unsigned rank = sizes.size() - 1;
    if (!readsAreLocal(generic, rank) || !writesAreLocal(generic, rank, reduction.has_value()))
      return false;
    // Fills taken before the rows were known must fill row statistics of these rows.
    if (rows.empty() && llvm::any_of(passes, [&](const RowPass &pass) {
          return cast<MemRefType>(pass.op->getOperand(1).getType()).getShape() !=
                 ArrayRef(sizes).drop_back();
        }))
      return false;
    rows.assign(sizes.begin(), sizes.end() - 1);
    length = sizes.back();
    for (OpOperand &init : generic.getDpsInitsMutable())
      (reduction ? statistics : elements).insert(init.get());
    for (OpOperand *input : generic.getDpsInputOperands())
      read.insert(input->get());
    passes.push_back({op, reduction});
    return true;
  }

  /// Worth a kernel of its own: at least one reduction and something else.
  bool isWorthFusing() const {
    return passes.size() >= 2 && !rows.empty() &&
           llvm::any_of(passes, [](const RowPass &pass) { return pass.reduction.has_value(); });
  }

  void rewrite(int64_t blockSize);

private:
  bool tryAppendFill(linalg::FillOp fill) {
    Value target = fill.getOutputs()[0];
    auto type = dyn_cast<MemRefType>(target.getType());
    if (!type || !type.hasStaticShape() || read.contains(target) || elements.contains(target))
      return false;
    if (!rows.empty() && type.getShape() != ArrayRef(rows))
      return false;
    statistics.insert(target);
    passes.push_back({fill, std::nullopt});
    return true;
  }

  /// Statistics written here are read as statistics of the row, elements written here at the
  /// element itself (by the thread that wrote it).
  bool readsAreLocal(linalg::GenericOp op, unsigned rank) const {
    return llvm::all_of(op->getOpOperands(), [&](OpOperand &operand) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      if (statistics.contains(operand.get()))
        return isRowMap(map, rank);
      if (elements.contains(operand.get()))
        return map.isIdentity();
      return true;
    });
  }

  /// A reduction writes a statistic of the row, an elementwise pass the element; neither
  /// writes what an earlier pass read (other than an element at the same place).
  bool writesAreLocal(linalg::GenericOp op, unsigned rank, bool isReduction) const {
    return llvm::all_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
      AffineMap map = op.getMatchingIndexingMap(&init);
      if (isReduction)
        return isRowMap(map, rank) && !elements.contains(init.get()) && !read.contains(init.get());
      return map.isIdentity() && !statistics.contains(init.get()) &&
             (!read.contains(init.get()) || elements.contains(init.get()));
    });
  }

  SmallVector<int64_t> rows;
  int64_t length = 0;
  SmallVector<RowPass> passes;
  llvm::DenseSet<Value> statistics, elements, read;
};

void RowGroup::rewrite(int64_t blockSize) {
  Operation *last = passes.back().op;
  Location loc = last->getLoc();
  OpBuilder b(last);
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  int64_t threads = std::min<int64_t>(blockSize, llvm::alignTo(length, 32));
  SmallVector<Value> lbs(rows.size(), index(0)), steps(rows.size(), index(1)), ubs;
  for (int64_t size : rows)
    ubs.push_back(index(size));
  auto blocks = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
  blocks->setAttr(kGPUBlockLoopAttr, b.getUnitAttr());
  b.setInsertionPointToStart(blocks.getBody());
  auto lanes = scf::ParallelOp::create(b, loc, ValueRange{index(0)}, ValueRange{index(threads)},
                                       ValueRange{index(1)});
  b.setInsertionPointToStart(lanes.getBody());
  Value lane = lanes.getInductionVars().front();
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, index(0));
  SmallVector<Value> row = blocks.getInductionVars();

  // The statistics of this row computed so far, the same in every thread.
  llvm::DenseMap<Value, Value> known;
  auto read = [&](OpBuilder &nested, Location nestedLoc, OpOperand *operand,
                  ValueRange ivs) -> Value {
    if (Value value = known.lookup(operand->get()))
      return value;
    return loadInput(nested, nestedLoc, operand, ivs);
  };
  // Thread 0 stores each statistic's final value for whatever reads the buffer after the
  // kernel.
  llvm::DenseMap<Value, Operation *> lastWriter;
  for (const RowPass &pass : passes)
    for (Value init : cast<DestinationStyleOpInterface>(pass.op).getDpsInits())
      lastWriter[init] = pass.op;
  auto storeStatistic = [&](Value value, Value buffer, Operation *writer) {
    known[buffer] = value;
    if (lastWriter.lookup(buffer) != writer)
      return;
    auto ifFirst = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifFirst.thenBlock());
    memref::StoreOp::create(b, loc, value, buffer, row);
  };

  for (const RowPass &pass : passes) {
    if (auto fill = dyn_cast<linalg::FillOp>(pass.op)) {
      storeStatistic(fill.getInputs()[0], fill.getOutputs()[0], fill);
      continue;
    }
    auto op = cast<linalg::GenericOp>(pass.op);
    if (pass.reduction) {
      Value partial = buildPartialReduction(b, loc, *pass.reduction, row, lane, threads, read);
      Value buffer = op.getDpsInits()[0];
      Value old = known.lookup(buffer);
      if (!old)
        old = memref::LoadOp::create(b, loc, buffer, row);
      Value total = buildBlockTotal(b, loc, *pass.reduction, partial);
      storeStatistic(combineWithOld(b, *pass.reduction, total, old), buffer, op);
      continue;
    }
    scf::ForOp::create(b, loc, lane, index(length), index(threads), ValueRange{},
                       [&](OpBuilder &nested, Location nestedLoc, Value k, ValueRange) {
                         SmallVector<Value> ivs(row);
                         ivs.push_back(k);
                         IRMapping mapping = cloneBody(nested, nestedLoc, op, ivs, read);
                         auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
                         for (auto [init, value] : llvm::zip(op.getDpsInits(), yield.getValues()))
                           memref::StoreOp::create(nested, nestedLoc, mapping.lookup(value), init,
                                                   ivs);
                         scf::YieldOp::create(nested, nestedLoc);
                       });
  }
  for (const RowPass &pass : llvm::reverse(passes))
    pass.op->erase();
}

/// Ops that may sit between the passes of a row kernel: they neither touch memory nor depend
/// on the passes (the kernel takes the place of the last pass).
bool isNeutral(Operation *op) { return isa<memref::AllocOp, arith::ConstantOp>(op); }

struct GPURowKernelsPass : impl::KilnCUDARowKernelsBase<GPURowKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(kCUDAEntryAttr) && !func.getBody().empty())
        for (RowGroup &group : collectGroups(func.getBody().front()))
          group.rewrite(blockSize);
  }

  /// The runs of row passes in `block`, each as long as it can be.
  static std::vector<RowGroup> collectGroups(Block &block) {
    std::vector<RowGroup> groups;
    RowGroup current;
    auto finish = [&]() {
      if (current.isWorthFusing())
        groups.push_back(std::move(current));
      current = RowGroup();
    };
    for (Operation &op : block) {
      if (isNeutral(&op) || current.tryAppend(&op))
        continue;
      finish();
      if (!current.tryAppend(&op))
        current = RowGroup();
    }
    finish();
    return groups;
  }
};

} // namespace
} // namespace kiln
