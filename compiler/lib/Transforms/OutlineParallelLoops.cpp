//===- OutlineParallelLoops.cpp - The kiln-outline-parallel-loops pass ----===//
//
// The first half of threading: each outermost scf.parallel of a graph function that has enough
// work becomes a private function over a range of its first dimension,
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

class Outliner {
public:
  Outliner(ModuleOp module, int64_t minWork) : module(module), symbols(module), minWork(minWork) {}

  void run(func::FuncOp func) {
    if (func.isExternal() || func.getNumArguments() == 0 ||
        !isa<LLVM::LLVMPointerType>(func.getArgumentTypes()[0]))
      return;
    SmallVector<scf::ParallelOp> loops;
    func.walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>() && loop.getNumResults() == 0 &&
          estimateWork(loop) >= static_cast<uint64_t>(minWork))
        loops.push_back(loop);
    });
    for (scf::ParallelOp loop : loops)
      outline(func, loop);
  }

private:
  void outline(func::FuncOp func, scf::ParallelOp loop) {
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(loop.getRegion(), captured);
    for (unsigned dim = 1; dim < loop.getNumLoops(); ++dim)
      captured.insert_range(
          ValueRange{loop.getLowerBound()[dim], loop.getUpperBound()[dim], loop.getStep()[dim]});
    // The first dimension's lower bound and step are needed inside (the task maps its range
    // back to induction values); constants are rematerialized there instead of passed.
    captured.insert(loop.getLowerBound()[0]);
    captured.insert(loop.getStep()[0]);
    SmallVector<Value> passed, constants;
    for (Value value : captured)
      (matchPattern(value, m_Constant()) ? constants : passed).push_back(value);
    if (!llvm::all_of(passed, isPassable))
      return;

    OpBuilder b(loop);
    Location loc = loop.getLoc();
    Value lb = loop.getLowerBound()[0], ub = loop.getUpperBound()[0], step = loop.getStep()[0];
    // count = ceil((ub - lb) / step)
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value span = arith::SubIOp::create(b, loc, ub, lb);
    Value count = arith::DivUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, span, arith::SubIOp::create(b, loc, step, one)),
        step);

    func::FuncOp task = createTask(func, loop, passed, constants);
    SmallVector<Value> operands{arith::ConstantIndexOp::create(b, loc, 0), count};
    operands.append(passed.begin(), passed.end());
    func::CallOp::create(b, loc, task, operands);
    loop.erase();
  }

  func::FuncOp createTask(func::FuncOp func, scf::ParallelOp loop, ArrayRef<Value> passed,
                          ArrayRef<Value> constants) {
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
    for (Value constant : constants)
      mapping.map(constant, b.clone(*constant.getDefiningOp())->getResult(0));
    Value lb = mapping.lookup(loop.getLowerBound()[0]);
    Value step = mapping.lookup(loop.getStep()[0]);
    auto range = scf::ForOp::create(b, loc, entry->getArgument(0), entry->getArgument(1),
                                    arith::ConstantIndexOp::create(b, loc, 1));
    func::ReturnOp::create(b, loc);

    b.setInsertionPointToStart(range.getBody());
    Value iv = arith::AddIOp::create(b, loc, lb,
                                     arith::MulIOp::create(b, loc, range.getInductionVar(), step));
    mapping.map(loop.getInductionVars()[0], iv);
    if (loop.getNumLoops() == 1) {
      for (Operation &op : loop.getBody()->without_terminator())
        b.clone(op, mapping);
    } else {
      // The other dimensions stay a parallel loop inside the task (run serially there).
      auto rest =
          scf::ParallelOp::create(b, loc, mapValues(loop.getLowerBound().drop_front(), mapping),
                                  mapValues(loop.getUpperBound().drop_front(), mapping),
                                  mapValues(loop.getStep().drop_front(), mapping));
      for (auto [from, to] :
           llvm::zip(ValueRange(loop.getInductionVars()).drop_front(), rest.getInductionVars()))
        mapping.map(from, to);
      b.setInsertionPointToStart(rest.getBody());
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
