//===- PropagateTransposes.cpp - One layout between layout-bound ops ------===//
//
// Kiln's convolutions and pools take NHWC tensors, while ONNX models (and many hand-written
// graphs) are NCHW, so every such op arrives between two transposes. Each transpose that
// survives lowering is a strided read or write fused into its neighbour's loop, which LLVM
// vectorizes with gathers or scatters: on MobileNetV2 those loops took 70% of the time. This pass
// moves each transpose down through the ops that do not care about the order of dimensions
// (elementwise ops, reductions, concatenation), where it meets the transpose back and the
// pair composes into the identity (kiln.transpose's folder). The graph then keeps NHWC from its
// entry to its exit.
//
// A transpose is moved only when the other operands of the op need no data movement for it:
// transposes with the same permutation, constants (transposed at build time), or tensors whose
// transpose moves only dimensions of size 1 (a reshape). Otherwise moving it would trade one
// transpose for several.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/KilnTraits.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace kiln {
#define GEN_PASS_DEF_KILNPROPAGATETRANSPOSES
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// Constants up to this many elements are worth transposing at build time to let a transpose
/// move past them (TransposeOp's folder has the same bound).
constexpr int64_t kMaxTransposedConstantElements = 1 << 20;

RankedTensorType tensorTypeOf(Value value) { return cast<RankedTensorType>(value.getType()); }

/// Ops whose every result element depends only on the operand elements at the same index
/// (after broadcasting), so that they commute with any transpose. softmax and log_softmax
/// are "unary elementwise" in shape only: they normalize along an axis.
bool isPointwise(Operation *op) {
  if (isa<SoftmaxOp, LogSoftmaxOp>(op))
    return false;
  return op->hasTrait<OpTrait::BroadcastingElementwise>() ||
         op->hasTrait<OpTrait::UnaryElementwise>() || isa<CmpOp, SelectOp, CastOp>(op);
}

/// Ops that the patterns below move a transpose through, and transposes, which compose.
bool absorbsTranspose(Operation *op) {
  return isPointwise(op) || op->hasTrait<OpTrait::Reduction>() || isa<ConcatOp, TransposeOp>(op);
}

/// The transpose defining `value` with permutation `perm`, if moving it down does not leave
/// it behind for other users: each of them takes it in too.
TransposeOp movableTranspose(Value value, ArrayRef<int64_t> perm) {
  auto transpose = value.getDefiningOp<TransposeOp>();
  if (!transpose || transpose.getPermutation() != perm)
    return {};
  if (!llvm::all_of(transpose->getUsers(), absorbsTranspose))
    return {};
  return transpose;
}

/// How an operand of a pointwise op is rewritten when a transpose by `perm` moves past the op.
enum class OperandRewrite { Unchanged, TransposeInput, Reshape, TransposedConstant };

/// `shape` broadcast to `rank` dimensions (leading ones), as NumPy does.
SmallVector<int64_t> broadcastToRank(ArrayRef<int64_t> shape, int64_t rank) {
  SmallVector<int64_t> extended(rank - shape.size(), 1);
  llvm::append_range(extended, shape);
  return extended;
}

std::optional<OperandRewrite> planOperand(Value operand, ArrayRef<int64_t> perm) {
  RankedTensorType type = tensorTypeOf(operand);
  int64_t rank = static_cast<int64_t>(perm.size());
  if (type.getRank() == 0)
    return OperandRewrite::Unchanged;
  if (type.getRank() == rank && movableTranspose(operand, perm))
    return OperandRewrite::TransposeInput;
  SmallVector<int64_t> inverse = invertPermutationVector(perm);
  if (movesOnlyUnitDims(broadcastToRank(type.getShape(), rank), inverse))
    return OperandRewrite::Reshape;
  DenseElementsAttr dense;
  if (matchPattern(operand, m_Constant(&dense)) &&
      (dense.isSplat() || dense.getNumElements() <= kMaxTransposedConstantElements))
    return OperandRewrite::TransposedConstant;
  return std::nullopt;
}

/// The operand that makes `op(..., operand, ...) = transpose(op(..., result, ...), perm)`.
Value rewriteOperand(PatternRewriter &rewriter, Location loc, Value operand, OperandRewrite how,
                     ArrayRef<int64_t> perm) {
  RankedTensorType type = tensorTypeOf(operand);
  int64_t rank = static_cast<int64_t>(perm.size());
  SmallVector<int64_t> inverse = invertPermutationVector(perm);
  SmallVector<int64_t> extended = broadcastToRank(type.getShape(), rank);
  SmallVector<int64_t> permuted = applyPermutation(extended, inverse);
  switch (how) {
  case OperandRewrite::Unchanged:
    return operand;
  case OperandRewrite::TransposeInput:
    return operand.getDefiningOp<TransposeOp>().getInput();
  case OperandRewrite::Reshape: {
    // Leading ones add nothing under broadcasting; dropping them keeps a bias a vector.
    ArrayRef<int64_t> shape(permuted);
    while (!shape.empty() && shape.front() == 1)
      shape = shape.drop_front();
    if (shape == type.getShape())
      return operand;
    return rewriter.createOrFold<ReshapeOp>(loc, type.clone(shape), operand);
  }
  case OperandRewrite::TransposedConstant: {
    Value full = operand;
    if (type.getRank() != rank)
      full = rewriter.createOrFold<ReshapeOp>(loc, type.clone(extended), operand);
    return rewriter.createOrFold<TransposeOp>(loc, type.clone(permuted), full, inverse);
  }
  }
  llvm_unreachable("covered switch");
}

/// op(transpose(x, perm), ...) -> transpose(op(x, ...), perm) for pointwise ops.
struct SinkTransposeThroughPointwise : RewritePattern {
  SinkTransposeThroughPointwise(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isPointwise(op) || op->getNumResults() != 1)
      return failure();
    RankedTensorType resultType = tensorTypeOf(op->getResult(0));
    int64_t rank = resultType.getRank();
    std::optional<SmallVector<int64_t>> perm;
    for (Value operand : op->getOperands())
      if (auto transpose = operand.getDefiningOp<TransposeOp>();
          transpose && tensorTypeOf(operand).getRank() == rank &&
          movableTranspose(operand, transpose.getPermutation())) {
        perm = llvm::to_vector(transpose.getPermutation());
        break;
      }
    if (!perm)
      return rewriter.notifyMatchFailure(op, "no operand is a transpose it can take in");

    SmallVector<OperandRewrite> plan;
    for (Value operand : op->getOperands()) {
      std::optional<OperandRewrite> how = planOperand(operand, *perm);
      if (!how)
        return rewriter.notifyMatchFailure(op, "an operand would need a transpose of its own");
      plan.push_back(*how);
    }

    SmallVector<Value> operands;
    for (auto [operand, how] : llvm::zip_equal(op->getOperands(), plan))
      operands.push_back(rewriteOperand(rewriter, op->getLoc(), operand, how, *perm));
    auto newType =
        resultType.clone(applyPermutation(resultType.getShape(), invertPermutationVector(*perm)));
    OperationState state(op->getLoc(), op->getName(), operands, TypeRange{newType}, op->getAttrs());
    Operation *moved = rewriter.create(state);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, resultType, moved->getResult(0), *perm);
    return success();
  }
};

/// reduce(transpose(x, perm), axes) -> transpose(reduce(x, perm[axes]), ...): the reduced
/// dimensions are the same elements wherever they sit.
struct SinkTransposeThroughReduction : RewritePattern {
  SinkTransposeThroughReduction(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!op->hasTrait<OpTrait::Reduction>() || op->getNumOperands() != 1)
      return failure();
    auto transpose = op->getOperand(0).getDefiningOp<TransposeOp>();
    if (!transpose || !movableTranspose(transpose.getResult(), transpose.getPermutation()))
      return failure();
    auto axesAttr = op->getAttrOfType<DenseI64ArrayAttr>("axes");
    if (!axesAttr)
      return failure();
    auto keepDimsAttr = op->getAttrOfType<BoolAttr>("keep_dims");
    bool keepDims = keepDimsAttr && keepDimsAttr.getValue();

    ArrayRef<int64_t> perm = transpose.getPermutation();
    int64_t rank = static_cast<int64_t>(perm.size());
    SmallVector<bool> reduced(rank, false);
    for (int64_t axis : axesAttr.asArrayRef())
      reduced[perm[axis < 0 ? axis + rank : axis]] = true;
    SmallVector<int64_t> newAxes;
    for (int64_t d = 0; d < rank; ++d)
      if (reduced[d])
        newAxes.push_back(d);

    Value input = transpose.getInput();
    ArrayRef<int64_t> inputShape = tensorTypeOf(input).getShape();
    SmallVector<int64_t> newShape;
    // Where each kept input dimension lands in the new result.
    SmallVector<int64_t> position(rank, -1);
    for (int64_t d = 0; d < rank; ++d) {
      if (reduced[d] && !keepDims)
        continue;
      position[d] = static_cast<int64_t>(newShape.size());
      newShape.push_back(reduced[d] ? 1 : inputShape[d]);
    }
    SmallVector<int64_t> resultPerm;
    for (int64_t p : perm)
      if (position[p] >= 0)
        resultPerm.push_back(position[p]);

    RankedTensorType resultType = tensorTypeOf(op->getResult(0));
    OperationState state(op->getLoc(), op->getName(), ValueRange{input},
                         TypeRange{resultType.clone(newShape)}, op->getAttrs());
    state.attributes.set("axes", rewriter.getDenseI64ArrayAttr(newAxes));
    Operation *moved = rewriter.create(state);
    rewriter.replaceOp(op, rewriter.createOrFold<TransposeOp>(op->getLoc(), resultType,
                                                              moved->getResult(0), resultPerm));
    return success();
  }
};

/// concat(transpose(a, perm), transpose(b, perm), axis) -> transpose(concat(a, b, perm[axis])).
struct SinkTransposeThroughConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConcatOp op, PatternRewriter &rewriter) const override {
    auto first = op.getInputs().front().getDefiningOp<TransposeOp>();
    if (!first)
      return failure();
    ArrayRef<int64_t> perm = first.getPermutation();
    SmallVector<Value> inputs;
    for (Value input : op.getInputs()) {
      TransposeOp transpose = movableTranspose(input, perm);
      if (!transpose)
        return rewriter.notifyMatchFailure(op, "not every input is the same transpose");
      inputs.push_back(transpose.getInput());
    }
    int64_t rank = static_cast<int64_t>(perm.size());
    int64_t axis = *normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    RankedTensorType resultType = op.getType();
    auto newType =
        resultType.clone(applyPermutation(resultType.getShape(), invertPermutationVector(perm)));
    Value moved = ConcatOp::create(rewriter, op.getLoc(), newType, inputs, perm[axis]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, resultType, moved, perm);
    return success();
  }
};

struct KilnPropagateTransposesPass
    : impl::KilnPropagateTransposesBase<KilnPropagateTransposesPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<SinkTransposeThroughPointwise, SinkTransposeThroughReduction,
                 SinkTransposeThroughConcat>(context);
    TransposeOp::getCanonicalizationPatterns(patterns, context);
    // Every rewrite moves a transpose down or removes one, so the rewriting ends by itself.
    GreedyRewriteConfig config;
    config.setMaxIterations(GreedyRewriteConfig::kNoLimit);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
} // namespace kiln
