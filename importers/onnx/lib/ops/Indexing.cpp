//===- Indexing.cpp - ONNX ops that select elements by index --------------===//
//
// Gather and GatherElements become kiln.gather and kiln.gather_elements, CumSum kiln.cumsum and
// TopK kiln.top_k; OneHot and Hardmax compare positions (kiln.iota).
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "kiln/Dialect/Kiln/ShapeInference.h"

using namespace mlir;

namespace kiln::onnx_importer {
namespace {

/// Indices as i64 with negative ones counted from `size`.
Value normalizedIndices(NodeImporter &node, Value indices, int64_t size) {
  Type i64 = node.builder().getI64Type();
  indices = castTo(node, indices, i64);
  Value zero = node.scalar(i64, 0);
  Value wrapped = broadcastBinary<kiln::AddOp>(node, indices, node.scalar(i64, size));
  return selectValues(node, compareValues(node, indices, zero, "lt"), wrapped, indices);
}

/// numpy.take_along_axis(data, indices, axis) as kiln.gather_elements.
Value gatherElementsValue(NodeImporter &node, Value data, Value indices, int64_t axis) {
  return node.create<kiln::GatherElementsOp>(tensorType(shapeOf(indices), elementTypeOf(data)),
                                             data, indices, node.builder().getI64IntegerAttr(axis));
}

void importGatherElements(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  Value data = node.input(0), indices = node.input(1);
  std::optional<int64_t> axis =
      normalizeAxisOrReport(node, node.intAttr("axis", 0), shapeOf(data).size());
  if (!type || !axis)
    return;
  node.setOutput(0, gatherElementsValue(node, data, indices, *axis));
}

/// NegativeLogLikelihoodLoss of `logProb` [N, C, d..] at `target` [N, d..]: -logProb at the
/// target class, weighted, without the ignored targets, then reduced.
Value negativeLogLikelihood(NodeImporter &node, Value logProb, Value target, Value weight,
                            std::optional<int64_t> ignoreIndex, StringRef reduction,
                            RankedTensorType type) {
  // ONNX's checker and shape inference leave these to the runtime; the shapes below assume
  // them (a rank-0 weight or target would index past its shape).
  int64_t rank = shapeOf(logProb).size();
  if (rank < 2 || static_cast<int64_t>(shapeOf(target).size()) != rank - 1) {
    node.unsupported("the target must have the rank of the scores [N, C, d..] minus one (scores "
                     "of rank " +
                     Twine(rank) + ", target of rank " + Twine(shapeOf(target).size()) + ")");
    return {};
  }
  if (weight && shapeOf(weight).size() != 1) {
    node.unsupported("the weight must be 1-D, one per class (got rank " +
                     Twine(shapeOf(weight).size()) + ")");
    return {};
  }
  Type element = elementTypeOf(logProb);
  SmallVector<int64_t> column(shapeOf(target));
  column.insert(column.begin() + 1, 1); // [N, 1, d..]
  Value picked =
      reshapeTo(node, gatherElementsValue(node, logProb, reshapeTo(node, target, column), 1),
                shapeOf(target));
  Value weights = weight ? gatherValue(node, weight, target, 0)
                         : node.create<kiln::BroadcastToOp>(tensorType(shapeOf(target), element),
                                                            node.scalar(element, 1));
  if (ignoreIndex) {
    Value kept = compareValues(node, castTo(node, target, node.builder().getI64Type()),
                               node.scalar(node.builder().getI64Type(), *ignoreIndex), "ne");
    weights = selectValues(node, kept, weights, node.scalar(element, 0));
  }
  Value loss = node.create<kiln::NegOp>(tensorType(shapeOf(target), element),
                                        broadcastBinary<kiln::MulOp>(node, picked, weights));
  if (ignoreIndex) {
    // An ignored position contributes 0 even where the value it points at is not finite.
    Value kept = compareValues(node, castTo(node, target, node.builder().getI64Type()),
                               node.scalar(node.builder().getI64Type(), *ignoreIndex), "ne");
    loss = selectValues(node, kept, loss, node.scalar(element, 0));
  }
  if (reduction == "none")
    return loss;
  OpBuilder &b = node.builder();
  SmallVector<int64_t> all = llvm::to_vector(llvm::seq<int64_t>(0, shapeOf(target).size()));
  auto total = [&](Value value) {
    return node.create<kiln::ReduceSumOp>(tensorType({}, element), value,
                                          b.getDenseI64ArrayAttr(all), b.getBoolAttr(false));
  };
  Value sum = total(loss);
  if (reduction == "sum")
    return sum;
  return node.create<kiln::DivOp>(type, sum, total(weights));
}

bool readLossAttributes(NodeImporter &node, std::string &reduction,
                        std::optional<int64_t> &ignoreIndex) {
  reduction = node.stringAttr("reduction", "mean");
  if (node.hasAttr("ignore_index"))
    ignoreIndex = node.intAttr("ignore_index", 0);
  if (reduction == "none" || reduction == "sum" || reduction == "mean")
    return true;
  node.unsupported("reduction '" + reduction + "' is not one of none, sum, mean");
  return false;
}

void importNegativeLogLikelihoodLoss(NodeImporter &node) {
  std::string reduction;
  std::optional<int64_t> ignoreIndex;
  RankedTensorType type = node.outputType(0);
  if (!readLossAttributes(node, reduction, ignoreIndex) || !type)
    return;
  Value weight = node.hasInput(2) ? node.input(2) : Value();
  if (Value loss = negativeLogLikelihood(node, node.input(0), node.input(1), weight, ignoreIndex,
                                         reduction, type))
    node.setOutput(0, loss);
}

void importSoftmaxCrossEntropyLoss(NodeImporter &node) {
  std::string reduction;
  std::optional<int64_t> ignoreIndex;
  RankedTensorType type = node.outputType(0);
  if (!readLossAttributes(node, reduction, ignoreIndex) || !type)
    return;
  Value scores = node.input(0);
  if (!isa<FloatType>(elementTypeOf(scores)))
    return node.unsupported("only floating-point scores are supported");
  Value logProb = node.create<kiln::LogSoftmaxOp>(scores.getType(), scores,
                                                  node.builder().getI64IntegerAttr(1));
  Value weight = node.hasInput(2) ? node.input(2) : Value();
  Value loss =
      negativeLogLikelihood(node, logProb, node.input(1), weight, ignoreIndex, reduction, type);
  if (!loss)
    return;
  node.setOutput(0, loss);
  node.setOutput(1, logProb);
}

} // namespace

Value gatherValue(NodeImporter &node, Value data, Value indices, int64_t axis) {
  return node.create<kiln::GatherOp>(
      tensorType(kiln::gatheredShape(shapeOf(data), shapeOf(indices), axis), elementTypeOf(data)),
      data, indices, node.builder().getI64IntegerAttr(axis));
}

Value gatherPositions(NodeImporter &node, Value data, ArrayRef<int64_t> positions, int64_t axis) {
  Value indices = constantValue(
      node,
      HostTensor::fromInts(node.builder().getI64Type(), {int64_t(positions.size())}, positions),
      "positions");
  return gatherValue(node, data, indices, axis);
}

namespace {

void importCumSum(NodeImporter &node) {
  bool exclusive = node.intAttr("exclusive", 0), reverse = node.intAttr("reverse", 0);
  std::optional<std::vector<int64_t>> axisValue = node.requireConstantInts(1, "axis");
  RankedTensorType type = node.outputType(0);
  if (!axisValue || !type)
    return;
  if (axisValue->size() != 1)
    return node.unsupported("input 'axis' must hold one value");
  std::optional<int64_t> axis = normalizeAxisOrReport(node, (*axisValue)[0], type.getRank());
  if (!axis)
    return;
  OpBuilder &b = node.builder();
  node.setOutput(0, node.create<kiln::CumsumOp>(type, node.input(0), b.getI64IntegerAttr(*axis),
                                                b.getBoolAttr(exclusive), b.getBoolAttr(reverse)));
}

/// TopK as kiln.top_k, whose results are always sorted; that is one of the orders sorted = 0
/// allows.
void importTopK(NodeImporter &node) {
  bool largest = node.intAttr("largest", 1);
  node.intAttr("sorted", 1);
  std::optional<std::vector<int64_t>> k = node.requireConstantInts(1, "K");
  Value input = node.input(0);
  std::optional<int64_t> axis = axisAttr(node, -1, shapeOf(input).size());
  if (!k || !axis)
    return;
  if (k->size() != 1)
    return node.unsupported("input 'K' must hold one value");
  if (elementTypeOf(input).isInteger(1))
    return node.unsupported("boolean inputs are not supported");
  int64_t size = shapeOf(input)[*axis];
  if ((*k)[0] < 0 || (*k)[0] > size)
    return node.unsupported("K = " + Twine((*k)[0]) + " is out of range for an axis of size " +
                            Twine(size));
  SmallVector<int64_t> shape(shapeOf(input));
  shape[*axis] = (*k)[0];
  OpBuilder &b = node.builder();
  auto topK = kiln::TopKOp::create(
      b, node.loc(), tensorType(shape, elementTypeOf(input)), tensorType(shape, b.getI64Type()),
      input, b.getI64IntegerAttr((*k)[0]), b.getI64IntegerAttr(*axis), b.getBoolAttr(largest));
  node.setOutput(0, topK.getValues());
  node.setOutput(1, topK.getIndices());
}

void importOneHot(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  const HostTensor *depthValue = node.constantInput(1);
  if (!depthValue)
    return (void)node.requireConstantInts(1, "depth");
  if (!type)
    return;
  if (depthValue->numElements() != 1)
    return node.unsupported("input 'depth' must hold one value");
  // Below opset 11 a negative index gives a row of off values; from 11 it counts from the end.
  // ONNX's converter raises the op without telling them apart.
  if (node.originalOpset() < 11)
    return node.unsupported("OneHot below opset 11 is not supported (its negative indices "
                            "differ from opset 11's)");
  int64_t depth = int64_t(depthValue->doubleAt(0));
  std::optional<int64_t> axis = axisAttr(node, -1, type.getRank());
  if (!axis)
    return;
  Value indices = normalizedIndices(node, node.input(0), depth);
  SmallVector<int64_t> spread(shapeOf(indices));
  spread.insert(spread.begin() + *axis, 1);
  Value matches = compareValues(node, reshapeTo(node, indices, spread),
                                positionsAlong(node, type.getRank(), *axis, depth), "eq");
  // values = [off, on].
  Value values = node.input(2);
  auto element = [&](int64_t i) {
    return reshapeTo(node, sliceValue(node, values, {i}, {i + 1}, {1}), {});
  };
  node.setOutput(0, selectValues(node, matches, element(1), element(0)));
}

void importHardmax(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  // Below opset 13 Hardmax flattens the dimensions from `axis` (default 1) into one, which is
  // opset 13's one-axis Hardmax only when that axis is the last. ONNX's converter raises the
  // op unchanged.
  if (node.originalOpset() < 13) {
    std::optional<int64_t> oldAxis =
        normalizeAxisOrReport(node, node.intAttr("axis", 1), type.getRank());
    if (!oldAxis)
      return;
    if (*oldAxis != type.getRank() - 1)
      return node.unsupported("Hardmax below opset 13 over several dimensions (axis " +
                              llvm::Twine(*oldAxis) + " of rank " + llvm::Twine(type.getRank()) +
                              ") is not supported");
  }
  std::optional<int64_t> axis = axisAttr(node, -1, type.getRank());
  if (!axis)
    return;
  OpBuilder &b = node.builder();
  SmallVector<int64_t> kept = kiln::reducedShape(type.getShape(), {*axis}, true);
  Value first = node.create<kiln::ArgmaxOp>(tensorType(kept, b.getI64Type()), node.input(0),
                                            b.getDenseI64ArrayAttr({*axis}), b.getBoolAttr(true));
  Value matches = compareValues(
      node, first, positionsAlong(node, type.getRank(), *axis, type.getDimSize(*axis)), "eq");
  node.setOutput(0, castTo(node, matches, type.getElementType()));
}

void importEyeLike(NodeImporter &node) {
  node.ignoreAttr("dtype"); // The inferred output type is dtype.
  int64_t k = node.intAttr("k", 0);
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  if (type.getRank() != 2)
    return node.unsupported("only 2-D inputs are supported");
  std::vector<int64_t> values;
  for (int64_t i = 0; i < type.getDimSize(0); ++i)
    for (int64_t j = 0; j < type.getDimSize(1); ++j)
      values.push_back(j - i == k);
  node.setOutput(0, HostTensor::fromInts(type.getElementType(), type.getShape(), values));
}

} // namespace

void addIndexingOps(OpTable &table) {
  table["GatherElements"] = importGatherElements;
  table["NegativeLogLikelihoodLoss"] = importNegativeLogLikelihoodLoss;
  table["SoftmaxCrossEntropyLoss"] = importSoftmaxCrossEntropyLoss;
  table["CumSum"] = importCumSum;
  table["TopK"] = importTopK;
  table["OneHot"] = importOneHot;
  table["Hardmax"] = importHardmax;
  table["EyeLike"] = importEyeLike;
}

} // namespace kiln::onnx_importer
