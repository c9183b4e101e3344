//===- RowReduction.cpp - Row reductions by a block of GPU threads --------===//
#include "RowReduction.h"
#include "kiln/Compiler/Passes.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace kiln {

static std::optional<Combiner> classifyCombiner(Operation *op) {
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
  Value contribution =
      combine->getOperand(0) == accumulator ? combine->getOperand(1) : combine->getOperand(0);
  return RowReduction{op, combine, contribution, *combiner, std::move(sizes)};
}

/// The indices `map` gives for loop indices `ivs`.
SmallVector<Value> applyMap(OpBuilder &b, Location loc, AffineMap map, ValueRange ivs) {
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults())
    indices.push_back(
        affine::AffineApplyOp::create(b, loc, AffineMap::get(map.getNumDims(), 0, expr), ivs));
  return indices;
}

Value loadInput(OpBuilder &b, Location loc, OpOperand *input, ValueRange ivs) {
  Value source = input->get();
  if (!isa<MemRefType>(source.getType()))
    return source;
  auto op = cast<linalg::GenericOp>(input->getOwner());
  return memref::LoadOp::create(b, loc, source,
                                applyMap(b, loc, op.getMatchingIndexingMap(input), ivs));
}

IRMapping cloneBody(OpBuilder &b, Location loc, linalg::GenericOp op, ValueRange ivs,
                    InputReader read, Operation *skip) {
  IRMapping mapping;
  for (OpOperand *input : op.getDpsInputOperands())
    mapping.map(op.getMatchingBlockArgument(input), read(b, loc, input, ivs));
  // An output's old value, where a body op other than `skip` (a reduction's combine) reads it.
  for (OpOperand &init : op.getDpsInitsMutable()) {
    BlockArgument arg = op.getMatchingBlockArgument(&init);
    if (llvm::any_of(arg.getUsers(), [&](Operation *user) { return user != skip; }))
      mapping.map(arg, read(b, loc, &init, ivs));
  }
  for (Operation &bodyOp : op.getBody()->without_terminator()) {
    if (&bodyOp == skip)
      continue;
    if (auto indexOp = dyn_cast<linalg::IndexOp>(bodyOp)) {
      mapping.map(indexOp.getResult(), ivs[indexOp.getDim()]);
      continue;
    }
    b.clone(bodyOp, mapping);
  }
  return mapping;
}

Value buildPartialReduction(OpBuilder &b, Location loc, const RowReduction &reduction,
                            ValueRange outer, Value lane, int64_t threads, InputReader read) {
  linalg::GenericOp op = reduction.op;
  Value identity = arith::ConstantOp::create(b, loc, reduction.combiner.identity);
  Value length = arith::ConstantIndexOp::create(b, loc, reduction.sizes.back());
  Value step = arith::ConstantIndexOp::create(b, loc, threads);
  auto partial =
      scf::ForOp::create(b, loc, lane, length, step, ValueRange{identity},
                         [&](OpBuilder &nested, Location nestedLoc, Value k, ValueRange iterArgs) {
                           SmallVector<Value> ivs(outer);
                           ivs.push_back(k);
                           IRMapping mapping =
                               cloneBody(nested, nestedLoc, op, ivs, read, reduction.combine);
                           mapping.map(op.getBody()->getArguments().back(), iterArgs.front());
                           Operation *combined = nested.clone(*reduction.combine, mapping);
                           scf::YieldOp::create(nested, nestedLoc, combined->getResult(0));
                         });
  return partial.getResult(0);
}

Value buildBlockTotal(OpBuilder &b, Location loc, const RowReduction &reduction, Value partial) {
  return gpu::AllReduceOp::create(
      b, loc, partial, gpu::AllReduceOperationAttr::get(b.getContext(), reduction.combiner.kind),
      /*uniform=*/b.getUnitAttr());
}

Value combineWithOld(OpBuilder &b, const RowReduction &reduction, Value total, Value old) {
  linalg::GenericOp op = reduction.op;
  IRMapping mapping;
  mapping.map(op.getBody()->getArguments().back(), old);
  mapping.map(reduction.contribution, total);
  return b.clone(*reduction.combine, mapping)->getResult(0);
}

} // namespace kiln
