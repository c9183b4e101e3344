//===- Interpreter.cpp - Walks a kiln.graph and dispatches its ops --------===//
#include "Evaluators.h"
#include "Numerics.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace kiln {
namespace {

using interp::Operands;

/// Evaluates one op of a graph body with the evaluator of its family.
FailureOr<RefTensor> evaluate(Operation *op, Operands operands) {
  using namespace interp;
  using Result = FailureOr<RefTensor>;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp, ShiftLeftOp, ShiftRightOp>(
          [&](auto) { return evaluateBinary(op, operands); })
      .Case<NegOp, AbsOp, ReluOp, ExpOp, LogOp, SqrtOp, RsqrtOp, TanhOp, SigmoidOp, SiluOp, ErfOp,
            FloorOp, CeilOp, RoundOp, SinOp, CosOp, TanOp, AsinOp, AcosOp, AtanOp, SinhOp, CoshOp,
            AsinhOp, AcoshOp, AtanhOp, GeluOp>([&](auto) { return evaluateUnary(op, operands); })
      .Case<ReduceSumOp, ReduceMaxOp, ReduceMinOp, ReduceMeanOp, ReduceProdOp>(
          [&](auto) { return evaluateReduction(op, operands); })
      .Case<SoftmaxOp, LogSoftmaxOp>([&](auto) { return evaluateSoftmax(op, operands); })
      .Case([&](CmpOp cmp) { return evaluateCmp(cmp, operands); })
      .Case([&](SelectOp select) { return evaluateSelect(select, operands); })
      .Case([&](CastOp cast) { return evaluateCast(cast, operands); })
      .Case([&](MatmulOp matmul) { return evaluateMatmul(matmul, operands); })
      .Case([&](ArgmaxOp argmax) { return evaluateArgmax(argmax, operands); })
      .Case([&](ArgminOp argmin) { return evaluateArgmin(argmin, operands); })
      .Case([&](CumsumOp cumsum) { return evaluateCumsum(cumsum, operands); })
      .Case([&](LayerNormOp norm) { return evaluateLayerNorm(norm, operands); })
      .Case([&](RmsNormOp norm) { return evaluateRmsNorm(norm, operands); })
      .Case([&](ConstantOp constant) { return evaluateConstant(constant, operands); })
      .Case([&](TransposeOp transpose) { return evaluateTranspose(transpose, operands); })
      .Case([&](ReshapeOp reshape) { return evaluateReshape(reshape, operands); })
      .Case([&](BroadcastToOp broadcast) { return evaluateBroadcastTo(broadcast, operands); })
      .Case([&](ConcatOp concat) { return evaluateConcat(concat, operands); })
      .Case([&](SliceOp slice) { return evaluateSlice(slice, operands); })
      .Case([&](PadOp pad) { return evaluatePad(pad, operands); })
      .Case([&](GatherOp gather) { return evaluateGather(gather, operands); })
      .Case([&](GatherElementsOp gather) { return evaluateGatherElements(gather, operands); })
      .Case([&](IotaOp iota) { return evaluateIota(iota, operands); })
      .Case([&](Conv2DOp conv) { return evaluateConv2D(conv, operands); })
      .Case([&](ConvTranspose2DOp conv) { return evaluateConvTranspose2D(conv, operands); })
      .Case([&](MaxPool2DOp pool) { return evaluateMaxPool2D(pool, operands); })
      .Case([&](AvgPool2DOp pool) { return evaluateAvgPool2D(pool, operands); })
      .Case([&](MapOp map) { return evaluateMap(map, operands); })
      .Case([&](ReduceOp reduce) { return evaluateReduce(reduce, operands); })
      .Default([](Operation *op) -> Result {
        return op->emitError() << "'" << op->getName()
                               << "' is not supported by the reference interpreter";
      });
}

/// Evaluates an op of any number of results: top_k has two, every other op one.
FailureOr<SmallVector<RefTensor>> evaluateResults(Operation *op, Operands operands) {
  if (auto topK = dyn_cast<TopKOp>(op))
    return interp::evaluateTopK(topK, operands);
  if (op->getNumResults() != 1)
    return op->emitError() << "'" << op->getName()
                           << "' is not supported by the reference interpreter";
  FailureOr<RefTensor> result = evaluate(op, operands);
  if (failed(result))
    return failure();
  return SmallVector<RefTensor>{std::move(*result)};
}

/// Checks that `inputs` match the graph's signature, naming the first argument that does not.
LogicalResult checkInputs(GraphOp graph, ArrayRef<RefTensor> inputs) {
  ArrayRef<Type> expected = graph.getArgumentTypes();
  if (inputs.size() != expected.size())
    return graph.emitError() << "graph @" << graph.getSymName() << " takes " << expected.size()
                             << (expected.size() == 1 ? " input" : " inputs") << ", but "
                             << inputs.size() << (inputs.size() == 1 ? " was" : " were")
                             << " given";
  for (auto [i, input, type] : llvm::enumerate(inputs, expected))
    if (input.getType() != type)
      return graph.emitError() << "input " << i << " '" << graph.getArgName(i) << "': expected "
                               << type << ", got " << input.getType();
  return success();
}

} // namespace

FailureOr<SmallVector<RefTensor>> interpretGraph(GraphOp graph, ArrayRef<RefTensor> inputs) {
  if (failed(checkInputs(graph, inputs)))
    return failure();
  Block &body = graph.getBody().front();
  llvm::DenseMap<Value, RefTensor> values;
  for (auto [arg, input] : llvm::zip_equal(body.getArguments(), inputs)) {
    RefTensor &value = values[arg] = input;
    value.roundToElementType(); // inputs built through floats()/ints() may be off-type
  }
  for (Operation &op : body) {
    SmallVector<const RefTensor *> operands;
    for (Value operand : op.getOperands())
      operands.push_back(&values.find(operand)->second);
    if (isa<ReturnOp>(op)) {
      SmallVector<RefTensor> results;
      for (const RefTensor *result : operands)
        results.push_back(*result);
      return results;
    }
    FailureOr<SmallVector<RefTensor>> results = evaluateResults(&op, operands);
    if (failed(results))
      return failure();
    for (auto [value, result] : llvm::zip_equal(op.getResults(), *results)) {
      // The one rounding of every op result to its element type.
      result.roundToElementType();
      values[value] = std::move(result);
    }
  }
  return graph.emitError() << "graph @" << graph.getSymName() << " has no kiln.return";
}

} // namespace kiln
