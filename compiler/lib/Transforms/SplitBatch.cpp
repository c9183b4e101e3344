//===- SplitBatch.cpp - Run a batch-separable graph a chunk at a time -----===//
//
// A convolutional network at batch 8 streams every early activation through memory: ResNet-50's
// first layers make 26 MB tensors at batch 8, more than the 32 MB L3 holds with the input and
// the residual beside them, while at batch 1 they fit. Eight calls at batch 1 took 274 ms on one
// thread where one call at batch 8 took 330 ms, with the same kernels running near the FMA peak
// in both. So when every op of a graph computes sample n of its result from sample n of its
// batched operands alone, the graph is retyped to a chunk of the batch and its C entry calls the
// code once per chunk, each time with every argument advanced by one chunk's slice
// (codegen/lib/Workspace.cpp). The workspace shrinks with the chunk too.
//
// The analysis follows the values derived from the graph's arguments ("batched"); everything
// else (constants and what is computed from them) is the same for every chunk. A batched value
// must have the batch as its dimension 0, and each op on one must keep samples apart: an
// elementwise op whose other operands broadcast along dimension 0, a reduction or a
// normalization that leaves dimension 0 alone, a transpose that keeps it first, a reshape that
// keeps it, a convolution or pool of a batched input with a constant filter, a matmul whose
// batched operands lead with the batch, ... Any other op on a batched value, an argument or a
// result without the batch first, leaves the graph whole.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/KilnTraits.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

namespace kiln {
#define GEN_PASS_DEF_KILNSPLITBATCH
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

RankedTensorType tensorType(Value value) { return cast<RankedTensorType>(value.getType()); }

bool leadsWith(Value value, int64_t batch) {
  RankedTensorType type = tensorType(value);
  return type.getRank() >= 1 && type.getDimSize(0) == batch;
}

/// The values of one graph that carry the batch in their dimension 0.
class BatchedValues {
public:
  explicit BatchedValues(int64_t batch) : batch(batch) {}

  bool contains(Value value) const { return values.contains(value); }
  void insert(Value value) { values.insert(value); }
  const llvm::DenseSet<Value> &all() const { return values; }

  /// A batched operand with the batch first, at the rank of the result (a lower rank would
  /// align its dimension 0 with another dimension of the result).
  bool leadsAtRank(Value operand, int64_t rank) const {
    return tensorType(operand).getRank() == rank && leadsWith(operand, batch);
  }

  /// An operand that broadcasts along the result's dimension 0 under NumPy's rules.
  bool broadcastsOverBatch(Value operand, int64_t rank) const {
    RankedTensorType type = tensorType(operand);
    return type.getRank() < rank || type.getDimSize(0) == 1;
  }

  /// Every operand either leads with the batch at the result's rank (batched) or broadcasts
  /// along dimension 0 (not batched).
  bool elementwiseKeepsSamples(Operation *op) const {
    int64_t rank = tensorType(op->getResult(0)).getRank();
    return llvm::all_of(op->getOperands(), [&](Value operand) {
      return contains(operand) ? leadsAtRank(operand, rank) : broadcastsOverBatch(operand, rank);
    });
  }

  bool onlyFirstOperandBatched(Operation *op) const {
    return llvm::none_of(op->getOperands().drop_front(),
                         [&](Value operand) { return contains(operand); });
  }

  /// Whether a matmul computes sample n of its result from sample n of its batched operands:
  /// they lead with the batch at the result's rank, or (at rank 2) the batch is the rows of
  /// the left operand, and an operand that is not batched broadcasts along dimension 0.
  bool matmulKeepsSamples(MatmulOp op) const {
    int64_t rank = tensorType(op.getResult()).getRank();
    Value lhs = op.getLhs(), rhs = op.getRhs();
    if (rank == 2)
      return contains(lhs) && leadsWith(lhs, batch) && !contains(rhs);
    return elementwiseKeepsSamples(op);
  }

  const int64_t batch;

private:
  llvm::DenseSet<Value> values;
};

bool excludesAxisZero(int64_t axis, int64_t rank) {
  std::optional<int64_t> normalized = normalizeAxis(axis, rank);
  return normalized && *normalized != 0;
}

/// Whether `op`, some of whose operands are batched, computes each sample of each result from
/// the same sample of its batched operands alone, with the batch as the results' dimension 0.
bool keepsSamplesApart(Operation *op, const BatchedValues &batched) {
  int64_t batch = batched.batch;
  if (op->getNumResults() == 0 ||
      !llvm::all_of(op->getResults(), [&](Value result) { return leadsWith(result, batch); }))
    return false;
  int64_t rank = tensorType(op->getResult(0)).getRank();
  Value first = op->getNumOperands() ? op->getOperand(0) : Value();
  auto firstLeads = [&] { return batched.contains(first) && batched.leadsAtRank(first, rank); };
  auto axesExcludeZero = [&](ArrayRef<int64_t> axes) {
    int64_t inputRank = tensorType(first).getRank();
    return llvm::all_of(axes, [&](int64_t axis) { return excludesAxisZero(axis, inputRank); });
  };
  return llvm::TypeSwitch<Operation *, bool>(op)
      .Case<SoftmaxOp, LogSoftmaxOp>(
          [&](auto norm) { return firstLeads() && excludesAxisZero(norm.getAxis(), rank); })
      .Case<LayerNormOp, RmsNormOp>([&](auto norm) {
        return firstLeads() && batched.onlyFirstOperandBatched(op) &&
               excludesAxisZero(norm.getAxis(), rank);
      })
      .Case<CumsumOp>(
          [&](CumsumOp scan) { return firstLeads() && excludesAxisZero(scan.getAxis(), rank); })
      .Case<TopKOp>(
          [&](TopKOp top) { return firstLeads() && excludesAxisZero(top.getAxis(), rank); })
      .Case<ArgmaxOp, ArgminOp>([&](auto arg) {
        return batched.contains(first) && leadsWith(first, batch) && axesExcludeZero(arg.getAxes());
      })
      .Case<ReduceSumOp, ReduceMaxOp, ReduceMinOp, ReduceMeanOp, ReduceProdOp>([&](auto reduce) {
        return batched.contains(first) && leadsWith(first, batch) &&
               axesExcludeZero(reduce.getAxes());
      })
      .Case<TransposeOp>([&](TransposeOp transpose) {
        return transpose.getPermutation().front() == 0 && firstLeads();
      })
      .Case<ReshapeOp>([&](ReshapeOp) { return leadsWith(first, batch); })
      .Case<BroadcastToOp>([&](BroadcastToOp) { return firstLeads(); })
      .Case<ConcatOp>([&](ConcatOp concat) {
        return excludesAxisZero(concat.getAxis(), rank) &&
               llvm::all_of(concat.getInputs(), [&](Value input) {
                 return batched.contains(input) && batched.leadsAtRank(input, rank);
               });
      })
      .Case<SliceOp>([&](SliceOp slice) {
        return firstLeads() && slice.getStarts().front() == 0 &&
               slice.getLimits().front() == batch && slice.getStridesOrOnes().front() == 1;
      })
      .Case<PadOp>([&](PadOp pad) {
        return firstLeads() && pad.getLow().front() == 0 && pad.getHigh().front() == 0;
      })
      .Case<GatherOp>([&](GatherOp gather) {
        Value input = gather.getInput(), indices = gather.getIndices();
        int64_t inputRank = tensorType(input).getRank();
        // A lookup of batched indices in a table (an embedding): the indices' dimension 0
        // becomes the result's.
        if (!batched.contains(input))
          return normalizeAxis(gather.getAxis(), inputRank) == 0 && leadsWith(indices, batch);
        return leadsWith(input, batch) && !batched.contains(indices) &&
               excludesAxisZero(gather.getAxis(), inputRank);
      })
      .Case<MatmulOp>([&](MatmulOp matmul) { return batched.matmulKeepsSamples(matmul); })
      .Case<Conv2DOp, ConvTranspose2DOp, MaxPool2DOp, AvgPool2DOp>(
          [&](Operation *) { return firstLeads() && batched.onlyFirstOperandBatched(op); })
      .Case<CmpOp, SelectOp, CastOp>(
          [&](Operation *) { return batched.elementwiseKeepsSamples(op); })
      .Default([&](Operation *) {
        if (op->hasTrait<kiln::OpTrait::BroadcastingElementwise>() ||
            op->hasTrait<kiln::OpTrait::UnaryElementwise>())
          return batched.elementwiseKeepsSamples(op);
        return false;
      });
}

/// The batched values of `graph`, or nothing when some op mixes samples or an argument or a
/// result does not lead with the batch.
std::optional<BatchedValues> findBatchedValues(GraphOp graph) {
  Block &body = graph.getBody().front();
  if (body.getNumArguments() == 0)
    return std::nullopt;
  Value firstArgument = body.getArgument(0);
  if (tensorType(firstArgument).getRank() == 0)
    return std::nullopt;
  BatchedValues batched(tensorType(firstArgument).getDimSize(0));
  if (batched.batch < 2)
    return std::nullopt;
  for (BlockArgument argument : body.getArguments()) {
    if (!leadsWith(argument, batched.batch))
      return std::nullopt;
    batched.insert(argument);
  }
  for (Operation &op : body.without_terminator()) {
    if (llvm::none_of(op.getOperands(), [&](Value v) { return batched.contains(v); }))
      continue;
    if (!keepsSamplesApart(&op, batched))
      return std::nullopt;
    for (Value result : op.getResults())
      batched.insert(result);
  }
  if (!llvm::all_of(body.getTerminator()->getOperands(),
                    [&](Value result) { return batched.contains(result); }))
    return std::nullopt;
  return batched;
}

uint64_t tensorBytes(RankedTensorType type) {
  uint64_t bits = type.getElementType().getIntOrFloatBitWidth();
  return type.getNumElements() * ((bits + 7) / 8);
}

/// The chunk of `batch` that the graph computes per call when the caller leaves the choice:
/// the largest divisor of the batch whose batched intermediates stay within `budgetBytes` each.
/// Only graphs with a batched convolution are split: their activations are large and their
/// weights small. A transformer or an MLP would re-read its weights once per chunk and turn
/// its matrix products into thinner ones.
int64_t chooseChunk(GraphOp graph, const BatchedValues &batched, uint64_t budgetBytes) {
  bool convolves = false;
  uint64_t largestSampleBytes = 0;
  graph.walk([&](Operation *op) {
    if (isa<Conv2DOp>(op) && batched.contains(op->getOperand(0)))
      convolves = true;
    for (Value result : op->getResults())
      if (batched.contains(result))
        largestSampleBytes =
            std::max(largestSampleBytes, tensorBytes(tensorType(result)) / batched.batch);
  });
  if (!convolves || largestSampleBytes == 0)
    return batched.batch;
  int64_t chunk = 1;
  for (int64_t size = 2; size <= batched.batch; ++size)
    if (batched.batch % size == 0 && size * largestSampleBytes <= budgetBytes)
      chunk = size;
  return chunk;
}

RankedTensorType withLeadingDim(RankedTensorType type, int64_t size) {
  SmallVector<int64_t> shape(type.getShape());
  shape.front() = size;
  return type.clone(shape);
}

/// Gives every batched value `chunk` samples, and records the number of calls on the graph.
void retypeToChunk(GraphOp graph, const BatchedValues &batched, int64_t chunk) {
  for (Value value : batched.all())
    value.setType(withLeadingDim(tensorType(value), chunk));
  graph.walk([&](SliceOp slice) {
    if (!batched.contains(slice.getInput()))
      return;
    SmallVector<int64_t> limits(slice.getLimits());
    limits.front() = chunk;
    slice.setLimits(limits);
  });
  Block &body = graph.getBody().front();
  graph.setFunctionType(FunctionType::get(graph.getContext(), body.getArgumentTypes(),
                                          body.getTerminator()->getOperandTypes()));
  graph->setAttr(kBatchSplitAttr,
                 IntegerAttr::get(IntegerType::get(graph.getContext(), 64), batched.batch / chunk));
}

struct KilnSplitBatchPass : public impl::KilnSplitBatchBase<KilnSplitBatchPass> {
  using Base::Base;

  void runOnOperation() override {
    if (chunk < 0)
      return;
    for (GraphOp graph : getOperation().getOps<GraphOp>()) {
      std::optional<BatchedValues> batched = findBatchedValues(graph);
      if (!batched)
        continue;
      int64_t batch = batched->batch;
      int64_t size = chunk > 0 ? chunk : chooseChunk(graph, *batched, budgetBytes);
      if (size >= batch || batch % size != 0)
        continue;
      retypeToChunk(graph, *batched, size);
      if (failed(verify(graph))) {
        graph.emitError() << "the graph retyped to chunks of " << size
                          << " of its batch does not verify: a bug in Kiln, please report it "
                             "with the input";
        return signalPassFailure();
      }
    }
  }
};

} // namespace
} // namespace kiln
