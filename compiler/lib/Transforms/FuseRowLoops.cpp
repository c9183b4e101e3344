//===- FuseRowLoops.cpp - The kiln-fuse-row-loops pass --------------------===//
//
// Softmax, layer_norm and rms_norm bufferize into a few loop nests over the same rows: row
// statistics (reductions), then the output. Each nest reads the whole matrix again, so a
// 4096x1024 f32 softmax makes three passes over 16 MB where a hand-written loop makes one pass
// over each row while it is in L1. This pass fuses sibling scf.parallel loops whose first
// dimensions match and whose memory accesses stay inside their own row, so that iteration i of
// the fused loop computes row i's statistics and output back to back. Inside a row, a loop that
// writes the row and the reduction that reads it back column by column become one loop, and
// reductions carry their accumulator in a register (LLVM would otherwise keep reloading it, or
// guard the vectorized loop with alias checks, since the row statistics live in memory).
//
// Why not upstream's scf-parallel-loop-fusion (naivelyFuseParallelOps): it needs loops of the
// same rank and identical indices in the two loops, while a row's reduction is a 1-D parallel
// loop around a sequential one, and the output a 2-D parallel loop. Why not tile-and-fuse on
// tensors: its tiles allocate their row temporaries per tile and recompute a producer for each
// consumer (the exponential of softmax twice).
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFUSEROWLOOPS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// A load or store in a loop body.
struct Access {
  Value memref;
  ValueRange indices;
  bool write;
};

/// The buffer a view reads or writes. Function arguments are distinct buffers (an output
/// overlaps no other argument: docs/design.md, "Buffers"; bufferization assumes the same).
Value rootBuffer(Value memref) { return memref::skipViewLikeOps(cast<MemrefValue>(memref)); }

/// Every load and store in `loop`, or nothing when it touches memory any other way (vector
/// transfers, copies, calls), which this pass does not reason about.
std::optional<SmallVector<Access>> collectAccesses(Block *body) {
  SmallVector<Access> accesses;
  WalkResult result = body->walk([&](Operation *op) {
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      accesses.push_back({load.getMemRef(), load.getIndices(), false});
      return WalkResult::advance();
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      accesses.push_back({store.getMemRef(), store.getIndices(), true});
      return WalkResult::advance();
    }
    if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() || isMemoryEffectFree(op))
      return WalkResult::advance();
    return WalkResult::interrupt();
  });
  if (result.wasInterrupted())
    return std::nullopt;
  return accesses;
}

/// Whether the first `dims` dimensions of `a` and `b` have the same bounds and steps.
bool sameBounds(scf::ParallelOp a, scf::ParallelOp b, unsigned dims) {
  auto same = [](Value x, Value y) { return isEqualConstantIntOrValue(x, y); };
  for (unsigned d = 0; d < dims; ++d)
    if (!same(a.getLowerBound()[d], b.getLowerBound()[d]) ||
        !same(a.getUpperBound()[d], b.getUpperBound()[d]) || !same(a.getStep()[d], b.getStep()[d]))
      return false;
  return true;
}

bool containsLoop(scf::ParallelOp loop) {
  return llvm::any_of(loop.getBody()->getOperations(),
                      [](Operation &op) { return isa<scf::ForOp, scf::ParallelOp>(op); });
}

/// Up to this many bytes, the rows that share all but their last row index ([n, h, *, *]: a
/// head of attention scores) are fused as one block instead of row by row.
constexpr int64_t kRowBlockBytes = 256 * 1024;

/// The trip count of a loop dimension with constant bounds (MLIR's constantTripCount).
std::optional<int64_t> tripCount(Value lb, Value ub, Value step) {
  std::optional<APInt> count =
      constantTripCount(lb, ub, step, /*isSigned=*/true,
                        [](Value, Value, bool) -> std::optional<llvm::APSInt> { return {}; });
  if (!count)
    return std::nullopt;
  return count->getSExtValue();
}

/// Bytes of one row of what `loop` reads or writes past its first `dims` dimensions: its next
/// dimension (an elementwise loop) or its first inner scf.for (a reduction) times the widest
/// element it loads or stores; nullopt when that is not a constant.
std::optional<int64_t> rowBytes(scf::ParallelOp loop, unsigned dims) {
  std::optional<int64_t> columns;
  if (loop.getNumLoops() > dims)
    columns =
        tripCount(loop.getLowerBound()[dims], loop.getUpperBound()[dims], loop.getStep()[dims]);
  for (auto inner : loop.getBody()->getOps<scf::ForOp>())
    if (!columns)
      columns = tripCount(inner.getLowerBound(), inner.getUpperBound(), inner.getStep());
  int64_t elementBytes = 0;
  auto widen = [&](MemRefType type) {
    if (type.getElementType().isIntOrFloat())
      elementBytes = std::max<int64_t>(
          elementBytes, llvm::divideCeil(type.getElementType().getIntOrFloatBitWidth(), 8));
  };
  loop.getBody()->walk([&](Operation *op) {
    if (auto load = dyn_cast<memref::LoadOp>(op))
      widen(load.getMemRefType());
    if (auto store = dyn_cast<memref::StoreOp>(op))
      widen(store.getMemRefType());
  });
  if (!columns || elementBytes == 0)
    return std::nullopt;
  return *columns * elementBytes;
}

/// The row dimensions two sibling loops share: a row statistic's initialization and its
/// reduction ([N, H, R] and [N, H, R] around a loop over columns) have all of theirs in
/// common, and either of them with an elementwise loop over the same rows ([N, H, R, C])
/// those; two elementwise loops fuse by all but their last dimension, the columns. At least
/// the first: a rank-1 elementwise pair fuses whole.
///
/// Short rows are fused by blocks of rows when the block ([n, h] of [N, H, R, C]) stays in L2:
/// a fused row is one chain of dependent steps (the maximum, its horizontal reduction, the
/// exponentials, their sum, a division), while a block's passes overlap independent rows.
/// Softmax over [64, 128, 256] f32 took 0.58-0.61 ms on one thread row by row, 0.47-0.49 by
/// blocks of 128 rows; [8, 12, 128, 128] 0.62-0.64 against 0.42 ms. Rows of 3 KB
/// (layer_norm over [8, 128, 768]) ran the same either way; long rows and large blocks
/// (softmax over [4096, 1024]) gain from fusing each row, which reads the row once.
unsigned sharedRowDims(scf::ParallelOp a, scf::ParallelOp b) {
  unsigned dims = std::min(a.getNumLoops(), b.getNumLoops());
  if (!containsLoop(a) && !containsLoop(b))
    --dims;
  if (dims < 2)
    return 1;
  std::optional<int64_t> rows =
      tripCount(a.getLowerBound()[dims - 1], a.getUpperBound()[dims - 1], a.getStep()[dims - 1]);
  std::optional<int64_t> bytes = rowBytes(a, dims);
  if (!bytes)
    bytes = rowBytes(b, dims);
  if (rows && bytes && *rows * *bytes <= kRowBlockBytes)
    --dims;
  return dims;
}

/// Whether `v` is defined outside `loop`.
bool definedOutside(Value v, Operation *loop) {
  return !loop->isAncestor(v.getParentRegion()->getParentOp());
}

/// Whether the bodies `first` and `second` (induction variables `firstIV`, `secondIV`) touch
/// memory only through loads and stores, and every access to a buffer that one writes and both
/// touch satisfies `local(access, iv)`.
bool sharedAccessesAre(Block *first, Value firstIV, Block *second, Value secondIV,
                       function_ref<bool(const Access &, Value)> local) {
  std::optional<SmallVector<Access>> a = collectAccesses(first);
  std::optional<SmallVector<Access>> b = collectAccesses(second);
  if (!a || !b)
    return false;
  llvm::DenseMap<Value, bool> writtenA, writtenB; // root -> written
  for (const Access &access : *a)
    writtenA[rootBuffer(access.memref)] |= access.write;
  for (const Access &access : *b)
    writtenB[rootBuffer(access.memref)] |= access.write;
  auto check = [&](ArrayRef<Access> accesses, Value iv) {
    return llvm::all_of(accesses, [&](const Access &access) {
      Value root = rootBuffer(access.memref);
      auto inA = writtenA.find(root), inB = writtenB.find(root);
      bool shared = inA != writtenA.end() && inB != writtenB.end();
      return !shared || !(inA->second || inB->second) || local(access, iv);
    });
  };
  return check(*a, firstIV) && check(*b, secondIV);
}

/// Whether iteration (i0, ..., i<dims-1>) of `second` may run right after the same iteration
/// of `first` instead of after all of `first`: every buffer that one writes and the other
/// touches is only accessed at its own row, that is, with the loop's first `dims` induction
/// variables as consecutive indices, at the same position in every access to that buffer, after
/// indices that do not change inside the loop ([n, h, r, c] with (h, r) the loop's first two
/// and n the iteration of an enclosing loop). Distinct iterations then touch distinct
/// elements of each such buffer, and only iteration i of `first` writes what iteration i of
/// `second` reads.
bool rowLocal(scf::ParallelOp first, scf::ParallelOp second, unsigned dims) {
  llvm::DenseMap<Value, size_t> rowPosition; // buffer -> index of the first row variable
  auto atOwnRow = [&](const Access &access, Value iv) {
    if (rootBuffer(access.memref) != access.memref)
      return false;
    auto loop = cast<scf::ParallelOp>(cast<BlockArgument>(iv).getOwner()->getParentOp());
    ValueRange rowIVs = loop.getBody()->getArguments().take_front(dims);
    auto at = llvm::find(access.indices, rowIVs.front());
    size_t position = at - access.indices.begin();
    if (at == access.indices.end() || access.indices.size() - position < dims ||
        !llvm::equal(access.indices.drop_front(position).take_front(dims), rowIVs) ||
        !llvm::all_of(
            access.indices.take_front(position),
            [&](Value index) { return definedOutside(index, loop); }))
      return false;
    auto [it, inserted] = rowPosition.try_emplace(access.memref, position);
    return inserted || it->second == position;
  };
  return sharedAccessesAre(first.getBody(), first.getInductionVars()[0], second.getBody(),
                           second.getInductionVars()[0], atOwnRow);
}

/// Whether `op`'s operands are defined above `target` (in its block, or outside it) or by ops
/// in `moving`, which move above it too.
bool operandsAvailableAbove(Operation *op, Operation *target, ArrayRef<Operation *> moving = {}) {
  return llvm::all_of(op->getOperands(), [&](Value v) {
    Operation *def = v.getDefiningOp();
    return !def || def->getBlock() != target->getBlock() || def->isBeforeInBlock(target) ||
           llvm::is_contained(moving, def);
  });
}

/// An op between two loops that can move above the first: it computes or allocates without
/// reading or writing memory, from values available there (or from ops moving with it).
bool canHoistAbove(Operation *op, scf::ParallelOp loop, ArrayRef<Operation *> moving) {
  if (op->getNumRegions() != 0)
    return false;
  if (!isMemoryEffectFree(op)) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects || !effects.hasEffect<MemoryEffects::Allocate>() ||
        effects.hasEffect<MemoryEffects::Read>() || effects.hasEffect<MemoryEffects::Write>() ||
        effects.hasEffect<MemoryEffects::Free>())
      return false;
  }
  return operandsAvailableAbove(op, loop, moving);
}

/// Rewrites an n-D loop as a loop over its first `dims` dimensions (the rows) around an
/// (n-dims)-D loop, the form rows are fused in; returns the outer loop.
scf::ParallelOp peelRowDimensions(scf::ParallelOp loop, unsigned dims) {
  if (loop.getNumLoops() == dims)
    return loop;
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  auto outer = scf::ParallelOp::create(b, loc, loop.getLowerBound().take_front(dims),
                                       loop.getUpperBound().take_front(dims),
                                       loop.getStep().take_front(dims));
  b.setInsertionPoint(outer.getBody()->getTerminator());
  auto inner = scf::ParallelOp::create(b, loc, loop.getLowerBound().drop_front(dims),
                                       loop.getUpperBound().drop_front(dims),
                                       loop.getStep().drop_front(dims));
  Block *body = loop.getBody();
  for (auto [old, now] : llvm::zip(body->getArguments().take_front(dims), outer.getInductionVars()))
    old.replaceAllUsesWith(now);
  for (auto [old, now] : llvm::zip(body->getArguments().drop_front(dims), inner.getInductionVars()))
    old.replaceAllUsesWith(now);
  Block *innerBody = inner.getBody();
  innerBody->getOperations().splice(innerBody->getTerminator()->getIterator(),
                                    body->getOperations(), body->begin(),
                                    body->getTerminator()->getIterator());
  loop.erase();
  return outer;
}

/// Moves the body of `second` to the end of `first`'s (loops over the same rows) and erases
/// `second`.
void appendBody(scf::ParallelOp first, scf::ParallelOp second) {
  Block *from = second.getBody();
  for (auto [old, now] : llvm::zip(from->getArguments(), first.getInductionVars()))
    old.replaceAllUsesWith(now);
  Block *to = first.getBody();
  to->getOperations().splice(to->getTerminator()->getIterator(), from->getOperations(),
                             from->begin(), from->getTerminator()->getIterator());
  second.erase();
}

bool isCandidate(Operation *op) {
  auto loop = dyn_cast<scf::ParallelOp>(op);
  return loop && loop.getNumResults() == 0;
}

/// Appends to `group` the row-local loops that follow it, moving the ops in between (buffer
/// allocations, constants) above it; returns the fused loop, a loop over rows when anything
/// was fused (`fused`).
scf::ParallelOp extendGroup(scf::ParallelOp group, bool &fused) {
  SmallVector<Operation *> between;
  unsigned rowDims = 0; // chosen by the first pair, kept by the group
  fused = false;
  Operation *next = group->getNextNode();
  while (next) {
    if (!isCandidate(next)) {
      if (!canHoistAbove(next, group, between))
        break;
      between.push_back(next);
      next = next->getNextNode();
      continue;
    }
    auto candidate = cast<scf::ParallelOp>(next);
    auto fusible = [&](unsigned dims) {
      return candidate.getNumLoops() >= dims && sameBounds(group, candidate, dims) &&
             rowLocal(group, candidate, dims);
    };
    // The first pair chooses the group's row indices: as many as they share, else fewer (a
    // pair that is row-local only in its first index still fuses by that one).
    unsigned dims = rowDims ? rowDims : sharedRowDims(group, candidate);
    while (!rowDims && dims > 1 && !fusible(dims))
      --dims;
    if (!fusible(dims))
      break;
    next = candidate->getNextNode();
    for (Operation *op : between)
      op->moveBefore(group);
    between.clear();
    rowDims = dims;
    group = peelRowDimensions(group, dims);
    appendBody(group, peelRowDimensions(candidate, dims));
    fused = true;
  }
  return group;
}

//===----------------------------------------------------------------------===//
// Within a row: a loop that writes a row and the loop that reduces it, as one loop over the
// columns (softmax's exponentials and their sum), so that the sum reads each value as it is
// written instead of in a second pass over the row.
//===----------------------------------------------------------------------===//

/// A loop over the columns of a row: a 1-D scf.parallel without results or an scf.for without
/// iteration arguments.
struct ColumnLoop {
  Operation *op;
  Block *body;
  Value lb, ub, step;
};

std::optional<ColumnLoop> asColumnLoop(Operation *op) {
  if (auto loop = dyn_cast<scf::ParallelOp>(op);
      loop && loop.getNumLoops() == 1 && loop.getNumResults() == 0)
    return ColumnLoop{op, loop.getBody(), loop.getLowerBound()[0], loop.getUpperBound()[0],
                      loop.getStep()[0]};
  if (auto loop = dyn_cast<scf::ForOp>(op); loop && loop.getInitArgs().empty())
    return ColumnLoop{op, loop.getBody(), loop.getLowerBound(), loop.getUpperBound(),
                      loop.getStep()};
  return std::nullopt;
}

/// Whether iteration j of `second` may run right after iteration j of `first`: every buffer
/// one writes and the other touches is accessed at column j (last index the induction
/// variable) of one and the same row (the same leading indices everywhere).
bool columnLocal(const ColumnLoop &first, const ColumnLoop &second) {
  auto sameBound = [](Value x, Value y) { return isEqualConstantIntOrValue(x, y); };
  if (!sameBound(first.lb, second.lb) || !sameBound(first.ub, second.ub) ||
      !sameBound(first.step, second.step))
    return false;
  llvm::DenseMap<Value, SmallVector<Value>> rowOf; // buffer -> leading indices seen
  auto atColumn = [&](const Access &access, Value iv) {
    if (rootBuffer(access.memref) != access.memref || access.indices.empty() ||
        access.indices.back() != iv)
      return false;
    SmallVector<Value> leading(access.indices.drop_back());
    auto [it, inserted] = rowOf.try_emplace(access.memref, leading);
    return inserted || it->second == leading;
  };
  return sharedAccessesAre(first.body, first.body->getArgument(0), second.body,
                           second.body->getArgument(0), atColumn);
}

/// A store between two column loops that can move above the first: it writes a buffer the
/// first loop does not touch.
bool storeCanMoveAbove(Operation *op, const ColumnLoop &first) {
  auto store = dyn_cast<memref::StoreOp>(op);
  if (!store)
    return false;
  std::optional<SmallVector<Access>> accesses = collectAccesses(first.body);
  Value root = rootBuffer(store.getMemRef());
  return accesses &&
         llvm::none_of(*accesses,
                       [&](const Access &access) { return rootBuffer(access.memref) == root; }) &&
         operandsAvailableAbove(op, first.op);
}

/// In `body` (one iteration), loads that read what a store just before them wrote, with no
/// other write in between, take the stored value.
void forwardStores(Block &body) {
  memref::StoreOp last;
  for (Operation &op : llvm::make_early_inc_range(body)) {
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      last = store;
      continue;
    }
    if (auto load = dyn_cast<memref::LoadOp>(op); load && last &&
                                                  load.getMemRef() == last.getMemRef() &&
                                                  load.getIndices() == last.getIndices()) {
      load.replaceAllUsesWith(last.getValueToStore());
      load.erase();
      continue;
    }
    if (!isMemoryEffectFree(&op))
      last = nullptr;
  }
}

/// `acc[row] = f(acc[row], ...)` in every iteration of `loop`, at an address the loop does not
/// change and that nothing else in it reads or writes, becomes a value the loop carries: LLVM
/// can then keep the sum in registers although the loop also stores elsewhere.
scf::ForOp carryAccumulator(scf::ForOp loop) {
  Block *body = loop.getBody();
  auto invariant = [&](ValueRange indices) {
    return llvm::all_of(indices, [&](Value v) { return loop.isDefinedOutsideOfLoop(v); });
  };
  memref::StoreOp store;
  for (auto s : body->getOps<memref::StoreOp>())
    if (invariant(s.getIndices()))
      store = s;
  if (!store)
    return loop;
  Value root = rootBuffer(store.getMemRef());
  memref::LoadOp load;
  for (Operation &op : body->without_terminator()) {
    if (auto s = dyn_cast<memref::StoreOp>(op);
        s && s != store && rootBuffer(s.getMemRef()) == root)
      return loop;
    if (auto l = dyn_cast<memref::LoadOp>(op); l && rootBuffer(l.getMemRef()) == root) {
      if (load || l.getMemRef() != store.getMemRef() || l.getIndices() != store.getIndices())
        return loop;
      load = l;
    }
    if (!isa<memref::LoadOp, memref::StoreOp>(op) && !isMemoryEffectFree(&op))
      return loop;
  }
  if (!load || !load->isBeforeInBlock(store))
    return loop;
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Value initial = memref::LoadOp::create(b, loc, load.getMemRef(), load.getIndices());
  auto carried = scf::ForOp::create(
      b, loc, loop.getLowerBound(), loop.getUpperBound(), loop.getStep(), ValueRange{initial},
      [](OpBuilder &nb, Location l, Value, ValueRange args) { scf::YieldOp::create(nb, l, args); });
  Block *into = carried.getBody();
  body->getArgument(0).replaceAllUsesWith(carried.getInductionVar());
  into->getOperations().splice(into->getTerminator()->getIterator(), body->getOperations(),
                               body->begin(), body->getTerminator()->getIterator());
  load.replaceAllUsesWith(carried.getRegionIterArg(0));
  Value next = store.getValueToStore();
  into->getTerminator()->setOperands(ValueRange{next});
  b.setInsertionPointAfter(carried);
  memref::StoreOp::create(b, loc, carried.getResult(0), store.getMemRef(), store.getIndices());
  load.erase();
  store.erase();
  loop.erase();
  return carried;
}

/// One scf.for running the bodies of `first` and `second` in turn for each column.
void fuseColumnLoops(const ColumnLoop &first, const ColumnLoop &second) {
  OpBuilder b(first.op);
  auto fused = scf::ForOp::create(b, first.op->getLoc(), first.lb, first.ub, first.step);
  Block *into = fused.getBody();
  for (const ColumnLoop *loop : {&first, &second}) {
    loop->body->getArgument(0).replaceAllUsesWith(fused.getInductionVar());
    into->getOperations().splice(into->getTerminator()->getIterator(), loop->body->getOperations(),
                                 loop->body->begin(), loop->body->getTerminator()->getIterator());
  }
  second.op->erase();
  first.op->erase();
  forwardStores(*into);
  carryAccumulator(fused);
}

void fuseColumnLoopsIn(Block &row) {
  for (Operation *op = row.empty() ? nullptr : &row.front(); op; op = op->getNextNode()) {
    std::optional<ColumnLoop> first = asColumnLoop(op);
    if (!first || !isa<scf::ParallelOp>(op))
      continue;
    SmallVector<Operation *> between;
    Operation *next = op->getNextNode();
    while (next && !asColumnLoop(next) &&
           (storeCanMoveAbove(next, *first) || isMemoryEffectFree(next)) &&
           next->getNumRegions() == 0) {
      between.push_back(next);
      next = next->getNextNode();
    }
    std::optional<ColumnLoop> second = next ? asColumnLoop(next) : std::nullopt;
    if (!second || !isa<scf::ForOp>(next) || !columnLocal(*first, *second))
      continue;
    if (llvm::any_of(between, [&](Operation *moved) {
          return llvm::any_of(moved->getUsers(),
                              [&](Operation *user) { return first->op->isAncestor(user); });
        }))
      continue;
    for (Operation *moved : between)
      moved->moveBefore(op);
    Operation *after = next->getNextNode();
    fuseColumnLoops(*first, *second);
    op = after ? after->getPrevNode() : nullptr;
    if (!op)
      return;
  }
}

//===----------------------------------------------------------------------===//
// Rows ahead: a fused row loop prefetches the rows it will read next, while it computes on
// the current one. Why not LLVM's loop-data-prefetch: it prefetches a fixed number of
// iterations ahead inside one loop, while a row's first pass here is unrolled into one burst
// of loads and its miss is at the start of each row, which only the row loop knows.
//===----------------------------------------------------------------------===//

/// How far ahead of the current row the prefetched row starts, in bytes of rows: one row of
/// 4 KB or more, several rows of shorter ones. A softmax over 4096 rows of 1024 floats read
/// each row only when it reached it, and its first pass (the row's maximum, 64 loads at once)
/// waited on memory for every row: on one thread it took 1.5-2.2 ms without prefetching and
/// 1.1-1.4 ms with it (same process and buffers, five offsets of the buffers in their pages).
constexpr int64_t kPrefetchAheadBytes = 4096;
constexpr int64_t kCacheLineBytes = 64;

/// A buffer that the row loop reads at [..., row, column], with `row` its last induction
/// variable and indices before it known at the start of each row (the loop's other induction
/// variables, values from outside).
struct RowInput {
  Value buffer;
  SmallVector<Value> leading;
};

/// The buffers (static shape, identity layout) that the body of the row loop `loop` reads at
/// its own row and does not write: the rows worth reading ahead.
SmallVector<RowInput> rowInputs(scf::ParallelOp loop) {
  Value iv = loop.getInductionVars().back();
  auto knownAtRowStart = [&](Value index) {
    return definedOutside(index, loop) || llvm::is_contained(loop.getInductionVars(), index);
  };
  llvm::MapVector<Value, SmallVector<Value>> read;
  DenseSet<Value> written;
  loop.getBody()->walk([&](Operation *op) {
    if (auto store = dyn_cast<memref::StoreOp>(op))
      written.insert(rootBuffer(store.getMemRef()));
    auto load = dyn_cast<memref::LoadOp>(op);
    if (!load || load.getIndices().size() < 2)
      return;
    ValueRange indices = load.getIndices();
    ValueRange leading = indices.drop_back(2);
    if (indices[indices.size() - 2] != iv || !llvm::all_of(leading, knownAtRowStart))
      return;
    auto type = load.getMemRefType();
    if (type.hasStaticShape() && type.getLayout().isIdentity() &&
        type.getElementType().isIntOrFloat())
      read.insert({load.getMemRef(), SmallVector<Value>(leading)});
  });
  SmallVector<RowInput> inputs;
  for (auto &[buffer, leading] : read)
    if (!written.contains(rootBuffer(buffer)))
      inputs.push_back({buffer, leading});
  return inputs;
}

/// Whether `loop` computes a function that expands to a polynomial per element (softmax's
/// exponentials), which makes its rows slow to consume. Only such rows are prefetched: a
/// layer_norm over the same 4096x1024 floats streams its rows at the memory bandwidth, and
/// prefetching them ran it 5-29% slower (1 and 2 threads, several buffer offsets).
bool computesTranscendentals(scf::ParallelOp loop) {
  return loop.getBody()
      ->walk([](Operation *op) {
        return isa<math::ExpOp, math::Exp2Op, math::ExpM1Op, math::LogOp, math::Log1pOp,
                   math::Log2Op, math::TanhOp, math::ErfOp, math::ErfcOp>(op)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// At the start of each row of `loop` (its last dimension, step 1), prefetches the row of each
/// input that lies kPrefetchAheadBytes ahead in the same matrix, one prefetch per cache line,
/// when the input has that row (its own row count bounds the prefetch, not the loop's, so
/// every index is in bounds).
void prefetchRowsAhead(scf::ParallelOp loop) {
  if (!isConstantIntValue(loop.getStep().back(), 1))
    return;
  Value iv = loop.getInductionVars().back();
  for (const RowInput &input : rowInputs(loop)) {
    auto type = cast<MemRefType>(input.buffer.getType());
    int64_t rank = type.getRank();
    int64_t elementBytes = std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
    int64_t rowBytes = type.getDimSize(rank - 1) * elementBytes;
    if (rowBytes == 0)
      continue;
    int64_t rowsAhead = std::max<int64_t>(1, kPrefetchAheadBytes / rowBytes);
    ImplicitLocOpBuilder b(loop.getLoc(), loop.getBody(), loop.getBody()->begin());
    Value ahead = arith::AddIOp::create(b, iv, arith::ConstantIndexOp::create(b, rowsAhead));
    Value rows = arith::ConstantIndexOp::create(b, type.getDimSize(rank - 2));
    Value exists = arith::CmpIOp::create(b, arith::CmpIPredicate::slt, ahead, rows);
    auto inside = scf::IfOp::create(b, exists, /*withElseRegion=*/false);
    b.setInsertionPointToStart(inside.thenBlock());
    Value zero = arith::ConstantIndexOp::create(b, 0);
    Value columns = arith::ConstantIndexOp::create(b, type.getDimSize(rank - 1));
    Value line =
        arith::ConstantIndexOp::create(b, std::max<int64_t>(1, kCacheLineBytes / elementBytes));
    scf::ForOp::create(b, zero, columns, line, ValueRange{},
                       [&](OpBuilder &nested, Location loc, Value column, ValueRange) {
                         SmallVector<Value> at(input.leading);
                         at.append({ahead, column});
                         memref::PrefetchOp::create(nested, loc, input.buffer, at,
                                                    /*isWrite=*/false, /*localityHint=*/3,
                                                    /*isDataCache=*/true);
                         scf::YieldOp::create(nested, loc);
                       });
  }
}

void fuseRowLoopsIn(Block &block) {
  for (Operation *op = block.empty() ? nullptr : &block.front(); op;) {
    if (!isCandidate(op)) {
      op = op->getNextNode();
      continue;
    }
    bool fused;
    scf::ParallelOp group = extendGroup(cast<scf::ParallelOp>(op), fused);
    if (fused || group.getNumLoops() == 1) {
      fuseColumnLoopsIn(*group.getBody());
      for (auto loop : llvm::make_early_inc_range(group.getBody()->getOps<scf::ForOp>()))
        if (loop.getInitArgs().empty())
          carryAccumulator(loop);
      if (computesTranscendentals(group))
        prefetchRowsAhead(group);
    }
    op = group->getNextNode();
  }
}

struct KilnFuseRowLoopsPass : public impl::KilnFuseRowLoopsBase<KilnFuseRowLoopsPass> {
  void runOnOperation() override {
    for (Block &block : getOperation().getFunctionBody())
      fuseRowLoopsIn(block);
  }
};

} // namespace
} // namespace kiln
