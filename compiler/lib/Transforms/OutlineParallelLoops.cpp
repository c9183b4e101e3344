//===- OutlineParallelLoops.cpp - The kiln-outline-parallel-loops pass ----===//
//
// The first half of threading: each outermost scf.parallel of a graph function that has enough
// work becomes a private function over a range of its leading dimensions (as many as give
// enough iterations to share: [N, H, W, C] at N = 1 takes N and H),
//   func.func private @<graph>_parallel<N>(%begin: index, %end: index, captures...)
//       attributes {kiln.parallel_task}
// and the loop becomes `func.call @<graph>_parallel<N>(0, count, captures...)`.
// kiln-lower-parallel-calls turns those calls into kiln_parallel_for once everything is LLVM.
//
// Why not MLIR's async-parallel-for or the OpenMP dialect: both need a runtime library (MLIR's
// async runtime, libomp) that a Kiln artifact may not depend on; Kiln's runtime has its own pool.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace kiln {
#define GEN_PASS_DEF_KILNOUTLINEPARALLELLOOPS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

// Trip count assumed for a loop whose bounds are not constants.
constexpr uint64_t kUnknownTripCount = 64;

// Iterations a task's range should have, for threads to share it in even parts.
constexpr uint64_t kMinTasks = 64;

// Iterations of the other dimensions that are enough to share without the innermost one.
// The innermost dimension is the loop that LLVM vectorizes: in the range it becomes a division
// per element. [1, 7, 7, 1152] gives 49 tasks without its channels.
constexpr uint64_t kMinTasksOutsideInnermost = 8;

uint64_t tripCount(Value lb, Value ub, Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb), u = getConstantIntValue(ub),
                         s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return kUnknownTripCount;
  return std::max<int64_t>(0, (*u - *l + *s - 1) / *s);
}

/// Operations executed by `op` and what it contains: a rough cost, to keep threads off
/// loops too small to pay for waking a worker.
uint64_t estimateWork(Operation *op) {
  uint64_t inner = 0;
  for (Region &region : op->getRegions())
    for (Operation &nested : region.getOps())
      inner = llvm::SaturatingAdd(inner, estimateWork(&nested));
  uint64_t trips = 1;
  if (auto loop = dyn_cast<scf::ForOp>(op))
    trips = tripCount(loop.getLowerBound(), loop.getUpperBound(), loop.getStep());
  if (auto loop = dyn_cast<scf::ParallelOp>(op))
    for (auto [lb, ub, step] :
         llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
      trips = llvm::SaturatingMultiply(trips, tripCount(lb, ub, step));
  return llvm::SaturatingAdd(uint64_t(1), llvm::SaturatingMultiply(trips, inner));
}

/// Captured values must survive the trip through kiln_parallel_for's `void *data` as one
/// pointer or scalar each: memrefs need a static shape and an identity layout (bare pointers).
bool isPassable(Value value) {
  if (auto memref = dyn_cast<MemRefType>(value.getType()))
    return memref.hasStaticShape() && memref.getLayout().isIdentity();
  return value.getType().isIntOrIndexOrFloat();
}

/// Whether `loop` runs its body once and only holds parallel loops to share: at batch 1, row
/// fusion leaves a loop over the one image around the loops over its rows.
bool isSingleIterationNest(scf::ParallelOp loop) {
  for (auto [lb, ub, step] : llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
    if (!getConstantIntValue(lb) || !getConstantIntValue(ub) || !getConstantIntValue(step) ||
        tripCount(lb, ub, step) != 1)
      return false;
  return !loop.getBody()->getOps<scf::ParallelOp>().empty();
}

/// Whether every parallel loop around `loop` runs once (isSingleIterationNest), so that `loop`
/// is the one to share between threads.
bool outermostThatCounts(scf::ParallelOp loop) {
  for (auto parent = loop->getParentOfType<scf::ParallelOp>(); parent;
       parent = parent->getParentOfType<scf::ParallelOp>())
    if (!isSingleIterationNest(parent))
      return false;
  return true;
}

/// Adds to `rebuilt` (in order of definition) the ops that recreate `value` inside a task from
/// `passed` values: constants, and views (subview, expand_shape, collapse_shape) of what is
/// passed or rebuilt, whose strided layouts cannot cross the C ABI as bare pointers.
/// False when `value` can neither be passed nor rebuilt.
bool collectRebuilt(Value value, SetVector<Operation *> &rebuilt, SmallVector<Value> &passed) {
  Operation *def = value.getDefiningOp();
  if (def && rebuilt.contains(def))
    return true;
  if (matchPattern(value, m_Constant())) {
    rebuilt.insert(def);
    return true;
  }
  if (isPassable(value)) {
    if (!llvm::is_contained(passed, value))
      passed.push_back(value);
    return true;
  }
  if (!isa_and_present<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
    return false;
  for (Value operand : def->getOperands())
    if (!collectRebuilt(operand, rebuilt, passed))
      return false;
  rebuilt.insert(def);
  return true;
}

class Outliner {
public:
  Outliner(ModuleOp module, int64_t minWork) : module(module), symbols(module), minWork(minWork) {}

  void run(func::FuncOp func) {
    if (func.isExternal() || func.getNumArguments() == 0 ||
        !isa<LLVM::LLVMPointerType>(func.getArgumentTypes()[0]))
      return;
    SmallVector<scf::ParallelOp> loops;
    func.walk([&](scf::ParallelOp loop) {
      if (loop.getNumResults() == 0 && !isSingleIterationNest(loop) && outermostThatCounts(loop) &&
          estimateWork(loop) >= static_cast<uint64_t>(minWork))
        loops.push_back(loop);
    });
    for (scf::ParallelOp loop : loops)
      outline(func, loop);
  }

private:
  void outline(func::FuncOp func, scf::ParallelOp loop) {
    unsigned distributed = distributedDims(loop);
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(loop.getRegion(), captured);
    for (unsigned dim = distributed; dim < loop.getNumLoops(); ++dim)
      captured.insert_range(
          ValueRange{loop.getLowerBound()[dim], loop.getUpperBound()[dim], loop.getStep()[dim]});
    // The distributed dimensions' lower bounds and steps are needed inside (the task maps its
    // range back to induction values); constants are rematerialized there instead of passed.
    for (unsigned dim = 0; dim < distributed; ++dim)
      captured.insert_range(ValueRange{loop.getLowerBound()[dim], loop.getStep()[dim]});
    // Constants, and views of passable buffers (a padded input's interior), are rebuilt inside
    // the task from what it is passed.
    SmallVector<Value> passed;
    SetVector<Operation *> rebuilt;
    for (Value value : captured)
      if (!collectRebuilt(value, rebuilt, passed))
        return;

    OpBuilder b(loop);
    Location loc = loop.getLoc();
    Value count =
        iterationCount(b, loc, loop.getLowerBound()[0], loop.getUpperBound()[0], loop.getStep()[0]);
    for (unsigned dim = 1; dim < distributed; ++dim)
      count = arith::MulIOp::create(b, loc, count,
                                    iterationCount(b, loc, loop.getLowerBound()[dim],
                                                   loop.getUpperBound()[dim], loop.getStep()[dim]));

    func::FuncOp task = createTask(func, loop, distributed, passed, rebuilt.getArrayRef());
    SmallVector<Value> operands{arith::ConstantIndexOp::create(b, loc, 0), count};
    operands.append(passed.begin(), passed.end());
    func::CallOp::create(b, loc, task, operands);
    loop.erase();
  }

  /// ceil((ub - lb) / step)
  static Value iterationCount(OpBuilder &b, Location loc, Value lb, Value ub, Value step) {
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value span = arith::SubIOp::create(b, loc, ub, lb);
    return arith::DivUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, span, arith::SubIOp::create(b, loc, step, one)),
        step);
  }

  /// How many leading dimensions the task's range covers: as few as give kMinTasks iterations
  /// to share between threads, and not the innermost when the others give
  /// kMinTasksOutsideInnermost. One image's loop is [1, H, W, C]: sharing only its batch
  /// dimension would leave one thread with everything. Dimensions after the first need
  /// constant trip counts, to map the range back to induction values.
  static unsigned distributedDims(scf::ParallelOp loop) {
    unsigned dims = 1;
    uint64_t tasks = tripCount(loop.getLowerBound()[0], loop.getUpperBound()[0], loop.getStep()[0]);
    while (tasks < kMinTasks && dims < loop.getNumLoops()) {
      if (dims + 1 == loop.getNumLoops() && tasks >= kMinTasksOutsideInnermost)
        break;
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()[dims]),
                             ub = getConstantIntValue(loop.getUpperBound()[dims]),
                             step = getConstantIntValue(loop.getStep()[dims]);
      if (!lb || !ub || !step)
        break;
      tasks = llvm::SaturatingMultiply(
          tasks,
          tripCount(loop.getLowerBound()[dims], loop.getUpperBound()[dims], loop.getStep()[dims]));
      ++dims;
    }
    return dims;
  }

  func::FuncOp createTask(func::FuncOp func, scf::ParallelOp loop, unsigned distributed,
                          ArrayRef<Value> passed, ArrayRef<Operation *> rebuilt) {
    Location loc = loop.getLoc();
    MLIRContext *ctx = module.getContext();
    SmallVector<Type> argTypes{IndexType::get(ctx), IndexType::get(ctx)};
    for (Value value : passed)
      argTypes.push_back(value.getType());
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto task = func::FuncOp::create(b, loc, (func.getSymName() + "_parallel").str(),
                                     b.getFunctionType(argTypes, {}));
    symbols.insert(task); // uniquifies the name with a counter
    task.setPrivate();
    task->setAttr("kiln.parallel_task", b.getUnitAttr());

    Block *entry = task.addEntryBlock();
    b.setInsertionPointToStart(entry);
    IRMapping mapping;
    for (auto [value, arg] : llvm::zip(passed, entry->getArguments().drop_front(2)))
      mapping.map(value, arg);
    for (Operation *op : rebuilt)
      b.clone(*op, mapping);
    auto range = scf::ForOp::create(b, loc, entry->getArgument(0), entry->getArgument(1),
                                    arith::ConstantIndexOp::create(b, loc, 1));
    func::ReturnOp::create(b, loc);

    // The range index, row-major over the distributed dimensions, back to induction values.
    b.setInsertionPointToStart(range.getBody());
    Value rest = range.getInductionVar();
    for (int dim = static_cast<int>(distributed) - 1; dim >= 0; --dim) {
      Value lb = mapping.lookup(loop.getLowerBound()[dim]);
      Value step = mapping.lookup(loop.getStep()[dim]);
      Value index = rest;
      if (dim > 0) {
        // Constant: distributedDims() takes no other dimension after the first.
        Value trips = arith::ConstantIndexOp::create(
            b, loc,
            tripCount(loop.getLowerBound()[dim], loop.getUpperBound()[dim], loop.getStep()[dim]));
        index = arith::RemUIOp::create(b, loc, rest, trips);
        rest = arith::DivUIOp::create(b, loc, rest, trips);
      }
      mapping.map(loop.getInductionVars()[dim],
                  arith::AddIOp::create(b, loc, lb, arith::MulIOp::create(b, loc, index, step)));
    }
    if (loop.getNumLoops() == distributed) {
      for (Operation &op : loop.getBody()->without_terminator())
        b.clone(op, mapping);
    } else {
      // The other dimensions stay a parallel loop inside the task (run serially there).
      auto inner = scf::ParallelOp::create(
          b, loc, mapValues(loop.getLowerBound().drop_front(distributed), mapping),
          mapValues(loop.getUpperBound().drop_front(distributed), mapping),
          mapValues(loop.getStep().drop_front(distributed), mapping));
      for (auto [from, to] : llvm::zip(ValueRange(loop.getInductionVars()).drop_front(distributed),
                                       inner.getInductionVars()))
        mapping.map(from, to);
      b.setInsertionPointToStart(inner.getBody());
      for (Operation &op : loop.getBody()->without_terminator())
        b.clone(op, mapping);
    }
    return task;
  }

  static SmallVector<Value> mapValues(ValueRange values, IRMapping &mapping) {
    return llvm::map_to_vector(values, [&](Value v) { return mapping.lookupOrDefault(v); });
  }

  ModuleOp module;
  SymbolTable symbols;
  int64_t minWork;
};

struct KilnOutlineParallelLoopsPass
    : public impl::KilnOutlineParallelLoopsBase<KilnOutlineParallelLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    Outliner outliner(getOperation(), minWork);
    for (auto func : llvm::to_vector(getOperation().getOps<func::FuncOp>()))
      outliner.run(func);
  }
};

} // namespace
} // namespace kiln
