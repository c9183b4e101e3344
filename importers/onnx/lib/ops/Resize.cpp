//===- Resize.cpp - ONNX Resize as per-axis gathers -----------------------===//
//
// Resize (nearest, linear, cubic) is separable: the N-D interpolation of ONNX's reference is the
// 1-D one applied along each axis in turn. With the scales or sizes known at build time, every
// output position along an axis reads a few input positions (taps) with fixed weights, so each
// resized axis becomes one kiln.gather per tap with build-time indices, times build-time
// weights, summed. Nearest needs one tap and no arithmetic (exact for every element type);
// linear two, cubic four. This costs one pass over the data per resized axis, about what a
// dedicated resize op would cost, so Kiln has none.
//
// The taps follow onnx/backend/test/case/node/resize.py (interpolate_1d_with_x): the output
// coordinate is mapped back by coordinate_transformation_mode; the n input positions nearest to
// it, preferring the lower ones, are read with the input's edge values repeated beyond its ends;
// `exclude_outside` gives the positions outside the input weight 0 and renormalizes.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "kiln/Dialect/Kiln/ShapeInference.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace kiln::onnx_importer {
namespace {

/// How one axis is resized: the input positions each output position reads and their weights,
/// tap by tap ([tap][output position]). An output position outside a tf_crop_and_resize
/// region reads nothing and is `extrapolation` instead.
struct AxisTaps {
  std::vector<std::vector<int64_t>> positions;
  std::vector<std::vector<double>> weights;
  std::vector<bool> extrapolated;
};

struct ResizeAttributes {
  std::string mode, coordinates, nearestMode;
  double cubicA = -0.75, extrapolation = 0.0;
  bool excludeOutside = false;
};

/// The weights of the taps around a coordinate `ratio` past the first lower tap (in (0, 1]).
std::vector<double> tapWeights(const ResizeAttributes &attrs, double ratio) {
  if (attrs.mode == "linear")
    return {1 - ratio, ratio};
  if (attrs.mode == "cubic") {
    double a = attrs.cubicA, r = ratio, s = 1 - ratio;
    return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
            ((a + 2) * r - (a + 3)) * r * r + 1, ((a + 2) * s - (a + 3)) * s * s + 1,
            ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
  }
  // Nearest, between the lower and the upper neighbour.
  if (ratio == 1.0)
    return {0, 1};
  const std::string &m = attrs.nearestMode;
  bool upper = m == "round_prefer_ceil" ? ratio >= 0.5
               : m == "floor"           ? false
               : m == "ceil"            ? true
                                        : ratio > 0.5; // round_prefer_floor
  return {upper ? 0.0 : 1.0, upper ? 1.0 : 0.0};
}

/// The input coordinate of output position `x`, or nullopt where tf_crop_and_resize
/// extrapolates.
std::optional<double> inputCoordinate(const ResizeAttributes &attrs, double x, int64_t in,
                                      double scale, double roiStart, double roiEnd) {
  double outWidth = scale * in;
  const std::string &c = attrs.coordinates;
  if (c == "align_corners")
    return outWidth == 1 ? 0.0 : x * (in - 1) / (outWidth - 1);
  if (c == "asymmetric")
    return x / scale;
  if (c == "tf_half_pixel_for_nn")
    return (x + 0.5) / scale;
  if (c == "pytorch_half_pixel")
    return outWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
  if (c == "tf_crop_and_resize") {
    double at = outWidth == 1 ? (roiEnd - roiStart) * (in - 1) / 2
                              : x * (roiEnd - roiStart) * (in - 1) / (outWidth - 1);
    at += roiStart * (in - 1);
    if (at < 0 || at > in - 1)
      return std::nullopt;
    return at;
  }
  return (x + 0.5) / scale - 0.5; // half_pixel
}

AxisTaps axisTaps(const ResizeAttributes &attrs, int64_t in, int64_t out, double scale,
                  double roiStart, double roiEnd) {
  size_t n = attrs.mode == "cubic" ? 4 : 2;
  AxisTaps taps;
  taps.positions.assign(n, std::vector<int64_t>(out, 0));
  taps.weights.assign(n, std::vector<double>(out, 0.0));
  taps.extrapolated.assign(out, false);
  for (int64_t x = 0; x < out; ++x) {
    std::optional<double> at = inputCoordinate(attrs, x, in, scale, roiStart, roiEnd);
    if (!at) {
      taps.extrapolated[x] = true;
      continue;
    }
    // The lower neighbour is strictly below an integral coordinate (ratio 1 then).
    int64_t lower = static_cast<int64_t>(std::ceil(*at)) - 1;
    std::vector<double> weights = tapWeights(attrs, *at - lower);
    int64_t first = lower - static_cast<int64_t>(n) / 2 + 1;
    double kept = 0;
    for (size_t t = 0; t < n; ++t) {
      int64_t position = first + static_cast<int64_t>(t);
      if (attrs.excludeOutside && (position < 0 || position >= in))
        weights[t] = 0;
      kept += weights[t];
      taps.positions[t][x] = std::clamp<int64_t>(position, 0, in - 1);
    }
    for (size_t t = 0; t < n; ++t)
      taps.weights[t][x] = attrs.excludeOutside ? weights[t] / kept : weights[t];
  }
  return taps;
}

/// `x` resized along `axis` by `taps`. Nearest is one gather of the tap each position reads
/// with weight 1; linear and cubic are a gather per tap with a nonzero weight, times the weights,
/// summed. Extrapolated positions are selected apart, as ONNX returns their value directly.
Value resizeAxis(NodeImporter &node, Value x, int64_t axis, const AxisTaps &taps,
                 const ResizeAttributes &attrs) {
  OpBuilder &b = node.builder();
  Type element = elementTypeOf(x);
  int64_t rank = shapeOf(x).size(), out = taps.extrapolated.size();
  SmallVector<int64_t> column(rank, 1);
  column[axis] = out;
  auto gatherAt = [&](ArrayRef<int64_t> positions) {
    return gatherPositions(node, x, positions, axis);
  };

  Value result;
  if (attrs.mode == "nearest") {
    std::vector<int64_t> positions(out, 0);
    for (size_t t = 0; t < taps.positions.size(); ++t)
      for (int64_t i = 0; i < out; ++i)
        if (taps.weights[t][i] == 1)
          positions[i] = taps.positions[t][i];
    result = gatherAt(positions);
  } else {
    for (size_t t = 0; t < taps.positions.size(); ++t) {
      const std::vector<double> &weights = taps.weights[t];
      if (llvm::all_of(weights, [](double w) { return w == 0; }))
        continue;
      Value term = broadcastBinary<kiln::MulOp>(
          node, gatherAt(taps.positions[t]),
          constantValue(node, HostTensor::fromDoubles(element, column, weights), "resize_weights"));
      result = result ? broadcastBinary<kiln::AddOp>(node, result, term) : term;
    }
    if (!result) // Every position extrapolates.
      result = gatherAt(std::vector<int64_t>(out, 0));
  }
  if (!llvm::is_contained(taps.extrapolated, true))
    return result;
  std::vector<int64_t> outside(taps.extrapolated.begin(), taps.extrapolated.end());
  Value mask =
      constantValue(node, HostTensor::fromInts(b.getI1Type(), column, outside), "resize_outside");
  return selectValues(node, mask, node.scalar(element, attrs.extrapolation), result);
}

/// Whether resizing by `taps` leaves the axis as it is.
bool isIdentity(const AxisTaps &taps, int64_t in) {
  if (static_cast<int64_t>(taps.extrapolated.size()) != in ||
      llvm::is_contained(taps.extrapolated, true))
    return false;
  for (size_t t = 0; t < taps.positions.size(); ++t)
    for (int64_t x = 0; x < in; ++x) {
      double w = taps.weights[t][x];
      if (w != 0 && (w != 1 || taps.positions[t][x] != x))
        return false;
    }
  return true;
}

std::optional<ResizeAttributes> readResizeAttributes(NodeImporter &node, Type element) {
  ResizeAttributes attrs;
  attrs.mode = node.stringAttr("mode", "nearest");
  attrs.coordinates = node.stringAttr("coordinate_transformation_mode", "half_pixel");
  attrs.nearestMode = node.stringAttr("nearest_mode", "round_prefer_floor");
  attrs.cubicA = node.floatAttr("cubic_coeff_a", -0.75f);
  attrs.excludeOutside = node.intAttr("exclude_outside", 0) != 0;
  attrs.extrapolation = node.floatAttr("extrapolation_value", 0.0f);
  if (!llvm::is_contained({"nearest", "linear", "cubic"}, attrs.mode)) {
    node.unsupported("mode '" + attrs.mode + "' is not supported");
    return std::nullopt;
  }
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                           "tf_half_pixel_for_nn", "tf_crop_and_resize"},
                          attrs.coordinates)) {
    node.unsupported("coordinate_transformation_mode '" + attrs.coordinates + "' is not supported");
    return std::nullopt;
  }
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"},
                          attrs.nearestMode)) {
    node.unsupported("nearest_mode '" + attrs.nearestMode + "' is not supported");
    return std::nullopt;
  }
  // Interpolating integers would need a rounding rule ONNX does not give.
  if (attrs.mode != "nearest" && !isa<FloatType>(element)) {
    node.unsupported("mode '" + attrs.mode + "' on integers is not supported");
    return std::nullopt;
  }
  return attrs;
}

/// Resize-11 and later: X, roi, scales, sizes; the scales or the sizes known at build time.
void importResize(NodeImporter &node) {
  RankedTensorType inType = node.inputType(0);
  if (node.numInputs() < 3)
    return node.unsupported("Resize with the inputs of opset 10 (X, scales) is not supported");
  std::optional<ResizeAttributes> attrs = readResizeAttributes(node, inType.getElementType());
  if (!attrs)
    return;
  int64_t rank = inType.getRank();
  std::vector<double> scales(rank, 1.0), roi;
  // The output shape, from the sizes or the scales: exporters compute the sizes with shape
  // arithmetic that ONNX's shape inference does not always follow, but the importer does.
  SmallVector<int64_t> outShape;
  if (node.hasInput(3)) {
    std::optional<std::vector<int64_t>> sizes = node.requireConstantInts(3, "sizes");
    if (!sizes)
      return;
    if (static_cast<int64_t>(sizes->size()) != rank)
      return node.unsupported("input 'sizes' must hold one value per dimension");
    outShape.assign(sizes->begin(), sizes->end());
    for (int64_t d = 0; d < rank; ++d)
      scales[d] = double((*sizes)[d]) / double(inType.getDimSize(d));
  } else {
    std::optional<std::vector<double>> given = node.requireConstantDoubles(2, "scales");
    if (!given)
      return;
    if (static_cast<int64_t>(given->size()) != rank)
      return node.unsupported("input 'scales' must hold one value per dimension");
    scales = *given;
    for (int64_t d = 0; d < rank; ++d)
      outShape.push_back(static_cast<int64_t>(std::floor(scales[d] * inType.getDimSize(d))));
  }
  RankedTensorType type = node.staticOutputType(0);
  if (type && type.getShape() != ArrayRef<int64_t>(outShape))
    return node.unsupported("the output shape " + kiln::formatShape(outShape) +
                            " differs from ONNX shape inference's " +
                            kiln::formatShape(type.getShape()));
  if (attrs->coordinates == "tf_crop_and_resize") {
    std::optional<std::vector<double>> given = node.requireConstantDoubles(1, "roi");
    if (!given)
      return;
    if (static_cast<int64_t>(given->size()) != 2 * rank)
      return node.unsupported("input 'roi' must hold two values per dimension");
    roi = *given;
  }
  Value x = node.input(0);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t in = inType.getDimSize(d), out = outShape[d];
    if (in == 0 || out == 0)
      return node.unsupported("an empty dimension is not supported");
    AxisTaps taps = axisTaps(*attrs, in, out, scales[d], roi.empty() ? 0 : roi[d],
                             roi.empty() ? 1 : roi[rank + d]);
    if (!isIdentity(taps, in))
      x = resizeAxis(node, x, d, taps, *attrs);
  }
  node.setOutput(0, x);
}

} // namespace

void addResizeOps(OpTable &table) { table["Resize"] = importResize; }

} // namespace kiln::onnx_importer
