//===- Shape.cpp - ONNX shape and data-movement ops -----------------------===//
//
// Result shapes come from ONNX shape inference (Model.cpp), so a reshape-like node needs no
// shape arithmetic of its own. On known inputs these ops are evaluated at import: shape
// arithmetic (Shape -> Gather -> Concat -> Reshape) then leaves no op in the graph, and weights
// rearranged by the model are rearranged once, at build time.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "kiln/Dialect/Kiln/ShapeInference.h"

#include <algorithm>

using namespace mlir;

namespace kiln::onnx_importer {
namespace {

/// Reshape, Flatten, Squeeze, Unsqueeze: the input's elements in the inferred output shape.
void importReshapeLike(NodeImporter &node) {
  node.ignoreAttr("allowzero");
  node.ignoreAttr("axis");
  node.ignoreAttr("axes");
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  if (const HostTensor *known = node.constantInput(0)) {
    HostTensor reshaped = *known;
    reshaped.shape.assign(type.getShape().begin(), type.getShape().end());
    return node.setOutput(0, std::move(reshaped));
  }
  node.setOutput(0, reshapeTo(node, node.input(0), type.getShape()));
}

void importConstant(NodeImporter &node) {
  MLIRContext *context = node.context();
  Builder b(context);
  if (const onnx::TensorProto *tensor = node.tensorAttr("value")) {
    std::string problem;
    if (std::optional<HostTensor> value = readTensor(*tensor, context, problem))
      return node.setOutput(0, std::move(*value));
    return node.unsupported(problem);
  }
  if (node.hasAttr("value_float"))
    return node.setOutput(
        0, HostTensor::fromDoubles(b.getF32Type(), {}, {double(node.floatAttr("value_float", 0))}));
  if (node.hasAttr("value_int"))
    return node.setOutput(0,
                          HostTensor::fromInts(b.getI64Type(), {}, {node.intAttr("value_int", 0)}));
  if (std::optional<std::vector<float>> floats = node.floatsAttr("value_floats")) {
    std::vector<double> values(floats->begin(), floats->end());
    return node.setOutput(
        0, HostTensor::fromDoubles(b.getF32Type(), {int64_t(values.size())}, values));
  }
  if (std::optional<std::vector<int64_t>> ints = node.intsAttr("value_ints"))
    return node.setOutput(0, HostTensor::fromInts(b.getI64Type(), {int64_t(ints->size())}, *ints));
  node.unsupported("only tensor, float and int values are supported (not sparse or string)");
}

void importShape(NodeImporter &node) {
  ArrayRef<int64_t> shape = node.inputType(0).getShape();
  int64_t rank = shape.size();
  int64_t start = node.intAttr("start", 0), end = node.intAttr("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  std::vector<int64_t> dims(shape.begin() + start, shape.begin() + std::max(start, end));
  node.setOutput(0,
                 HostTensor::fromInts(node.builder().getI64Type(), {int64_t(dims.size())}, dims));
}

void importSize(NodeImporter &node) {
  node.setOutput(0, HostTensor::fromInts(node.builder().getI64Type(), {},
                                         {node.inputType(0).getNumElements()}));
}

void importTranspose(NodeImporter &node) {
  int64_t rank = node.inputType(0).getRank();
  SmallVector<int64_t> permutation;
  if (std::optional<std::vector<int64_t>> perm = node.intsAttr("perm"))
    permutation.assign(perm->begin(), perm->end());
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      permutation.push_back(i);
  if (const HostTensor *known = node.constantInput(0))
    return node.setOutput(0, permute(*known, permutation));
  node.setOutput(0, transposeValue(node, node.input(0), permutation));
}

void importConcat(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  std::optional<int64_t> axis =
      normalizeAxisOrReport(node, node.intAttr("axis", 0), type.getRank());
  if (!axis)
    return;
  bool allKnown = true;
  for (unsigned i = 0; i < node.numInputs(); ++i)
    allKnown &= node.constantInput(i) != nullptr;
  if (allKnown) {
    // Which input holds result position `p` along the axis, and where.
    std::vector<std::pair<const HostTensor *, int64_t>> sources;
    for (unsigned i = 0; i < node.numInputs(); ++i)
      for (int64_t j = 0; j < node.constantInput(i)->shape[*axis]; ++j)
        sources.push_back({node.constantInput(i), j});
    HostTensor result{type.getElementType(), SmallVector<int64_t>(type.getShape()), {}};
    size_t width = node.constantInput(0)->elementBytes();
    result.bytes.resize(result.numElements() * width);
    SmallVector<int64_t> coords(type.getRank(), 0);
    for (int64_t i = 0, e = result.numElements(); i < e; ++i) {
      auto [source, position] = sources[coords[*axis]];
      SmallVector<int64_t> sourceCoords(coords);
      sourceCoords[*axis] = position;
      std::memcpy(result.bytes.data() + i * width,
                  source->bytes.data() + flatIndex(source->shape, sourceCoords) * width, width);
      for (int64_t d = type.getRank() - 1; d >= 0; --d) {
        if (++coords[d] < type.getShape()[d])
          break;
        coords[d] = 0;
      }
    }
    return node.setOutput(0, std::move(result));
  }
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < node.numInputs(); ++i)
    if (node.inputType(i).getDimSize(*axis) != 0)
      inputs.push_back(node.input(i));
  if (inputs.size() == 1)
    return node.setOutput(0, inputs[0]);
  node.setOutput(0, node.create<kiln::ConcatOp>(type, inputs, *axis));
}

/// One dimension of an ONNX Slice, resolved as ONNX clamps it.
struct SliceDim {
  int64_t start = 0, step = 1, count = 0;
};

void importSlice(NodeImporter &node) {
  RankedTensorType inType = node.inputType(0);
  int64_t rank = inType.getRank();
  std::optional<std::vector<int64_t>> starts = node.requireConstantInts(1, "starts");
  std::optional<std::vector<int64_t>> ends = node.requireConstantInts(2, "ends");
  if (!starts || !ends)
    return;
  std::vector<int64_t> axes, steps(starts->size(), 1);
  for (size_t i = 0; i < starts->size(); ++i)
    axes.push_back(i);
  if (node.hasInput(3)) {
    std::optional<std::vector<int64_t>> given = node.requireConstantInts(3, "axes");
    if (!given)
      return;
    axes = *given;
  }
  if (node.hasInput(4)) {
    std::optional<std::vector<int64_t>> given = node.requireConstantInts(4, "steps");
    if (!given)
      return;
    steps = *given;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return node.unsupported("starts, ends, axes and steps must have the same length");
  std::vector<SliceDim> dims(rank);
  for (int64_t d = 0; d < rank; ++d)
    dims[d] = {0, 1, inType.getDimSize(d)};
  for (size_t i = 0; i < axes.size(); ++i) {
    std::optional<int64_t> axis = normalizeAxisOrReport(node, axes[i], rank);
    if (!axis)
      return;
    int64_t size = inType.getDimSize(*axis), step = steps[i];
    if (step == 0)
      return node.unsupported("a step of 0");
    // A step longer than the dimension takes one element at most; bounding it keeps the
    // arithmetic below from overflowing.
    step = std::clamp<int64_t>(step, -std::max<int64_t>(size, 1), std::max<int64_t>(size, 1));
    int64_t start = (*starts)[i], end = (*ends)[i];
    start = start < 0 ? start + size : start;
    end = end < 0 ? end + size : end;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, size);
      end = std::clamp<int64_t>(end, 0, size);
      dims[*axis] = {start, step, kiln::stridedCount(start, end, step)};
    } else {
      start = std::clamp<int64_t>(start, 0, size - 1);
      end = std::clamp<int64_t>(end, -1, size - 1);
      dims[*axis] = {start, step, kiln::stridedCount(end, start, -step)};
    }
  }
  SmallVector<int64_t> shape;
  for (const SliceDim &dim : dims)
    shape.push_back(dim.count);
  if (const HostTensor *known = node.constantInput(0)) {
    SmallVector<int64_t> sourceCoords(rank);
    return node.setOutput(0, gatherElements(*known, shape, [&](ArrayRef<int64_t> coords) {
                            for (int64_t d = 0; d < rank; ++d)
                              sourceCoords[d] = dims[d].start + coords[d] * dims[d].step;
                            return flatIndex(known->shape, sourceCoords);
                          }));
  }
  SmallVector<int64_t> startsAttr, limits, strides;
  for (auto [d, dim] : llvm::enumerate(dims)) {
    if (dim.step < 0 && dim.count > 1)
      return node.unsupported("negative steps on a value computed at run time are not supported");
    int64_t step = std::abs(dim.step);
    startsAttr.push_back(dim.count == 0 ? 0 : dim.start);
    limits.push_back(dim.count == 0 ? 0 : dim.start + (dim.count - 1) * step + 1);
    strides.push_back(step);
  }
  Value input = node.input(0);
  if (llvm::equal(shape, inType.getShape()))
    return node.setOutput(0, input);
  node.setOutput(0, sliceValue(node, input, startsAttr, limits, strides));
}

/// input[..., index, ...] along `axis`, keeping the axis with size 1.
Value sliceOne(NodeImporter &node, Value input, int64_t axis, int64_t start, int64_t count,
               int64_t stride) {
  ArrayRef<int64_t> inShape = shapeOf(input);
  SmallVector<int64_t> starts(inShape.size(), 0), limits(inShape), strides(inShape.size(), 1);
  starts[axis] = start;
  limits[axis] = start + (count - 1) * stride + 1;
  strides[axis] = stride;
  return sliceValue(node, input, starts, limits, strides);
}

void importGather(NodeImporter &node) {
  RankedTensorType inType = node.inputType(0);
  std::optional<int64_t> axis =
      normalizeAxisOrReport(node, node.intAttr("axis", 0), inType.getRank());
  RankedTensorType type = node.outputType(0);
  if (!axis || !type)
    return;
  const HostTensor *indicesTensor = node.constantInput(1);
  if (!indicesTensor)
    return node.setOutput(0, gatherValue(node, node.input(0), node.input(1), *axis));
  int64_t size = inType.getDimSize(*axis);
  std::vector<int64_t> indices = indicesTensor->toInts();
  for (int64_t &index : indices) {
    if (index < -size || index >= size)
      return node.unsupported("index " + Twine(index) + " is out of range for a dimension of " +
                              Twine(size));
    index = index < 0 ? index + size : index;
  }
  int64_t indexRank = indicesTensor->shape.size();
  if (const HostTensor *known = node.constantInput(0)) {
    SmallVector<int64_t> sourceCoords(inType.getRank());
    return node.setOutput(0, gatherElements(*known, type.getShape(), [&](ArrayRef<int64_t> c) {
                            for (int64_t d = 0; d < *axis; ++d)
                              sourceCoords[d] = c[d];
                            sourceCoords[*axis] =
                                indices[flatIndex(indicesTensor->shape, c.slice(*axis, indexRank))];
                            for (int64_t d = *axis + 1; d < inType.getRank(); ++d)
                              sourceCoords[d] = c[d - 1 + indexRank];
                            return flatIndex(known->shape, sourceCoords);
                          }));
  }
  Value input = node.input(0);
  if (indices.empty())
    return node.unsupported("Gather of no indices is not supported");
  // Indices in arithmetic progression are one strided slice; others, a kiln.gather.
  bool progression = true;
  int64_t stride = indices.size() > 1 ? indices[1] - indices[0] : 1;
  for (size_t i = 1; i < indices.size(); ++i)
    progression &= indices[i] - indices[i - 1] == stride;
  Value gathered;
  if (progression && stride >= 1) {
    gathered = sliceOne(node, input, *axis, indices[0], indices.size(), stride);
  } else {
    gathered = gatherPositions(node, input, indices, *axis);
  }
  node.setOutput(0, reshapeTo(node, gathered, type.getShape()));
}

void importExpand(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  Value input = node.input(0);
  if (shapeOf(input) == type.getShape())
    return node.setOutput(0, input);
  node.setOutput(0, node.create<kiln::BroadcastToOp>(type, input));
}

void importTile(NodeImporter &node) {
  std::optional<std::vector<int64_t>> repeats = node.requireConstantInts(1, "repeats");
  RankedTensorType type = node.outputType(0);
  if (!repeats || !type)
    return;
  Value input = node.input(0);
  ArrayRef<int64_t> shape = shapeOf(input);
  if (repeats->size() != shape.size())
    return node.unsupported("input 'repeats' must hold one value per dimension");
  // x[d0, d1] tiled by [r0, r1] is x as [1, d0, 1, d1] broadcast to [r0, d0, r1, d1].
  SmallVector<int64_t> spread, broadcast;
  for (auto [size, repeat] : llvm::zip(shape, *repeats)) {
    spread.append({1, size});
    broadcast.append({repeat, size});
  }
  Value spreadValue = reshapeTo(node, input, spread);
  Value tiled =
      node.create<kiln::BroadcastToOp>(tensorType(broadcast, type.getElementType()), spreadValue);
  node.setOutput(0, reshapeTo(node, tiled, type.getShape()));
}

/// Pad's edge and reflect modes: along each padded axis, a kiln.gather of build-time positions
/// that repeat the edge element or mirror the axis (numpy.pad's modes of the same names).
Value padByGathers(NodeImporter &node, Value x, ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                   bool reflect) {
  for (size_t d = 0; d < low.size(); ++d) {
    if (low[d] == 0 && high[d] == 0)
      continue;
    int64_t n = shapeOf(x)[d], length = low[d] + n + high[d];
    std::vector<int64_t> positions;
    for (int64_t i = 0; i < length; ++i) {
      int64_t j = i - low[d];
      if (!reflect || n == 1) {
        positions.push_back(std::clamp<int64_t>(j, 0, n - 1));
        continue;
      }
      int64_t period = 2 * (n - 1);
      j = ((j % period) + period) % period;
      positions.push_back(j < n ? j : period - j);
    }
    x = gatherPositions(node, x, positions, d);
  }
  return x;
}

void importPad(NodeImporter &node) {
  std::string mode = node.stringAttr("mode", "constant");
  if (!llvm::is_contained({"constant", "edge", "reflect"}, mode))
    return node.unsupported("mode '" + mode + "' is not supported");
  std::optional<std::vector<int64_t>> pads = node.requireConstantInts(1, "pads");
  RankedTensorType type = node.outputType(0);
  if (!pads || !type)
    return;
  if (node.hasInput(3))
    return node.unsupported("input 'axes' is not supported");
  int64_t rank = type.getRank();
  if (int64_t(pads->size()) != 2 * rank)
    return node.unsupported("'pads' must hold 2 x rank values");
  SmallVector<int64_t> low(pads->begin(), pads->begin() + rank),
      high(pads->begin() + rank, pads->end());
  if (llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
    return node.unsupported("negative pads are not supported");
  if (mode != "constant") {
    if (llvm::any_of(type.getShape(), [](int64_t d) { return d == 0; }))
      return node.unsupported("mode '" + mode + "' of an empty tensor is not supported");
    return node.setOutput(0, padByGathers(node, node.input(0), low, high, mode == "reflect"));
  }
  Type elementType = type.getElementType();
  Attribute value;
  if (node.hasInput(2)) {
    const HostTensor *known = node.constantInput(2);
    if (!known)
      return (void)node.requireConstantInts(2, "constant_value");
    if (known->numElements() != 1)
      return node.unsupported("input 'constant_value' must hold one value");
    // kiln.pad takes a signless integer value for every integer type (its bits for ui types).
    value = isa<FloatType>(elementType)
                ? Attribute(FloatAttr::get(elementType, known->doubleAt(0)))
                : Attribute(IntegerAttr::get(
                      IntegerType::get(node.context(), elementType.getIntOrFloatBitWidth()),
                      known->intAt(0)));
  }
  OpBuilder &b = node.builder();
  auto pad = kiln::PadOp::create(b, node.loc(), type, node.input(0), b.getDenseI64ArrayAttr(low),
                                 b.getDenseI64ArrayAttr(high),
                                 value ? cast<TypedAttr>(value) : TypedAttr());
  node.setOutput(0, pad.getResult());
}

void importSplit(NodeImporter &node) {
  node.ignoreAttr("num_outputs");
  RankedTensorType inType = node.inputType(0);
  std::optional<int64_t> axis =
      normalizeAxisOrReport(node, node.intAttr("axis", 0), inType.getRank());
  if (!axis)
    return;
  if (node.hasInput(1) && !node.requireConstantInts(1, "split"))
    return;
  Value input = node.input(0);
  int64_t offset = 0;
  for (unsigned i = 0; i < node.numOutputs(); ++i) {
    RankedTensorType type = node.outputType(i);
    if (!type)
      return;
    int64_t size = type.getDimSize(*axis);
    if (size == inType.getDimSize(*axis))
      node.setOutput(i, input);
    else if (size > 0)
      node.setOutput(i, sliceOne(node, input, *axis, offset, size, 1));
    else
      return node.unsupported("empty outputs are not supported");
    offset += size;
  }
}

void importConstantOfShape(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  double fill = 0;
  if (const onnx::TensorProto *value = node.tensorAttr("value")) {
    std::string problem;
    std::optional<HostTensor> tensor = readTensor(*value, node.context(), problem);
    if (!tensor || tensor->numElements() != 1)
      return node.unsupported(tensor ? "'value' must hold one element" : problem);
    if (tensor->isInteger())
      return node.setOutput(
          0, HostTensor::fromInts(type.getElementType(), type.getShape(),
                                  std::vector<int64_t>(type.getNumElements(), tensor->intAt(0))));
    fill = tensor->doubleAt(0);
  }
  node.setOutput(0, HostTensor::fromDoubles(type.getElementType(), type.getShape(),
                                            std::vector<double>(type.getNumElements(), fill)));
}

void importRange(NodeImporter &node) {
  const char *names[] = {"start", "limit", "delta"};
  for (unsigned i = 0; i < 3; ++i)
    if (!node.constantInput(i))
      return (void)node.requireConstantInts(i, names[i]);
  for (unsigned i = 0; i < 3; ++i)
    if (node.constantInput(i)->numElements() != 1)
      return node.unsupported(llvm::Twine("input '") + names[i] + "' must hold one value");
  const HostTensor *start = node.constantInput(0), *delta = node.constantInput(2);
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  int64_t count = type.getNumElements();
  if (start->isInteger()) {
    std::vector<int64_t> values;
    for (int64_t i = 0; i < count; ++i)
      values.push_back(start->intAt(0) + i * delta->intAt(0));
    return node.setOutput(0, HostTensor::fromInts(type.getElementType(), type.getShape(), values));
  }
  std::vector<double> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(start->doubleAt(0) + double(i) * delta->doubleAt(0));
  node.setOutput(0, HostTensor::fromDoubles(type.getElementType(), type.getShape(), values));
}

/// DepthToSpace and SpaceToDepth: a reshape, a transpose, a reshape.
void importDepthSpace(NodeImporter &node, bool toSpace) {
  int64_t b = node.intAttr("blocksize", 0);
  std::string mode = toSpace ? node.stringAttr("mode", "DCR") : "DCR";
  if (mode != "DCR" && mode != "CRD")
    return node.unsupported("mode '" + mode + "' is not DCR or CRD");
  RankedTensorType type = node.outputType(0);
  RankedTensorType inType = node.inputType(0);
  if (!type || inType.getRank() != 4 || b <= 0)
    return node.unsupported("only 4-D inputs and a positive blocksize are supported");
  int64_t n = inType.getDimSize(0), c = inType.getDimSize(1), h = inType.getDimSize(2),
          w = inType.getDimSize(3);
  SmallVector<int64_t> spread, permutation;
  if (!toSpace) {
    spread = {n, c, h / b, b, w / b, b};
    permutation = {0, 3, 5, 1, 2, 4};
  } else if (mode == "DCR") {
    spread = {n, b, b, c / (b * b), h, w};
    permutation = {0, 3, 4, 1, 5, 2};
  } else {
    spread = {n, c / (b * b), b, b, h, w};
    permutation = {0, 1, 4, 2, 5, 3};
  }
  Value spreadValue = reshapeTo(node, node.input(0), spread);
  node.setOutput(0,
                 reshapeTo(node, transposeValue(node, spreadValue, permutation), type.getShape()));
}

} // namespace

void addShapeOps(OpTable &table) {
  table["Constant"] = importConstant;
  table["Shape"] = importShape;
  table["Size"] = importSize;
  table["Reshape"] = importReshapeLike;
  table["Flatten"] = importReshapeLike;
  table["Squeeze"] = importReshapeLike;
  table["Unsqueeze"] = importReshapeLike;
  table["Transpose"] = importTranspose;
  table["Concat"] = importConcat;
  table["Slice"] = importSlice;
  table["Gather"] = importGather;
  table["Expand"] = importExpand;
  table["Tile"] = importTile;
  table["Pad"] = importPad;
  table["Split"] = importSplit;
  table["ConstantOfShape"] = importConstantOfShape;
  table["Range"] = importRange;
  table["DepthToSpace"] = [](NodeImporter &n) { importDepthSpace(n, true); };
  table["SpaceToDepth"] = [](NodeImporter &n) { importDepthSpace(n, false); };
}

} // namespace kiln::onnx_importer
