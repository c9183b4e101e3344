//===- NeuralNet.cpp - ONNX matmul, convolution, pooling, normalization ---===//
//
// ONNX's convolutions and pools take NCHW, Kiln's NHWC: the importer transposes around each one
// (the caller keeps the model's own layout) and lays known weights out as HWIO at import.
// One-dimensional convolutions and pools run as two-dimensional ones of height 1.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "kiln/Dialect/Kiln/ShapeInference.h"

#include <cmath>

using namespace mlir;

namespace kiln::onnx_importer {
namespace {

/// An input, transposed: at import when known, else with an op.
Value permutedInput(NodeImporter &node, unsigned i, ArrayRef<int64_t> permutation) {
  if (const HostTensor *known = node.constantInput(i)) {
    return constantValue(node, permute(*known, permutation), "w_" + std::to_string(i));
  }
  return transposeValue(node, node.input(i), permutation);
}

/// numpy.matmul of two values of rank >= 2.
Value matmul(NodeImporter &node, Value lhs, Value rhs, Type resultElement) {
  ArrayRef<int64_t> a = shapeOf(lhs), b = shapeOf(rhs);
  SmallVector<int64_t> batch = broadcastOrReport(node, a.drop_back(2), b.drop_back(2));
  batch.append({a[a.size() - 2], b.back()});
  return node.create<kiln::MatmulOp>(tensorType(batch, resultElement), lhs, rhs);
}

void importMatMul(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  Value lhs = node.input(0), rhs = node.input(1);
  if (shapeOf(lhs).size() == 1)
    lhs = reshapeTo(node, lhs, {1, shapeOf(lhs)[0]});
  if (shapeOf(rhs).size() == 1)
    rhs = reshapeTo(node, rhs, {shapeOf(rhs)[0], 1});
  node.setOutput(0,
                 reshapeTo(node, matmul(node, lhs, rhs, type.getElementType()), type.getShape()));
}

void importGemm(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  float alpha = node.floatAttr("alpha", 1.0f), beta = node.floatAttr("beta", 1.0f);
  bool transA = node.intAttr("transA", 0), transB = node.intAttr("transB", 0);
  if (!type)
    return;
  Value a = transA ? permutedInput(node, 0, {1, 0}) : node.input(0);
  Value b = transB ? permutedInput(node, 1, {1, 0}) : node.input(1);
  Value result = matmul(node, a, b, type.getElementType());
  if (alpha != 1.0f)
    result = broadcastBinary<kiln::MulOp>(node, result, node.scalar(type.getElementType(), alpha));
  if (node.hasInput(2) && beta != 0.0f) {
    Value c = node.input(2);
    if (beta != 1.0f)
      c = broadcastBinary<kiln::MulOp>(node, c, node.scalar(type.getElementType(), beta));
    result = broadcastBinary<kiln::AddOp>(node, result, c);
  }
  node.setOutput(0, result);
}

/// The spatial attributes every ONNX convolution and pool shares, resolved for a 2-D Kiln op.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations;
  /// Kiln's order: top, bottom, left, right.
  SmallVector<int64_t> padding;
};

/// Reads kernel_shape (or `kernel` for Conv), strides, dilations, pads and auto_pad for a node
/// with `spatial` (1 or 2) spatial dimensions of sizes `in`, then widens 1-D to 2-D.
std::optional<Window> readWindow(NodeImporter &node, ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
                                 bool hasDilations) {
  size_t spatial = in.size();
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  std::vector<int64_t> strides =
      node.intsAttr("strides").value_or(std::vector<int64_t>(spatial, 1));
  std::vector<int64_t> dilations(spatial, 1);
  if (hasDilations)
    dilations = node.intsAttr("dilations").value_or(dilations);
  w.strides.assign(strides.begin(), strides.end());
  w.dilations.assign(dilations.begin(), dilations.end());
  std::vector<int64_t> pads = node.intsAttr("pads").value_or(std::vector<int64_t>(2 * spatial, 0));
  std::string autoPad = node.stringAttr("auto_pad", "NOTSET");
  if (w.strides.size() != spatial || w.dilations.size() != spatial || pads.size() != 2 * spatial) {
    node.unsupported("strides, dilations and pads must match the spatial rank");
    return std::nullopt;
  }
  if (autoPad == "VALID") {
    pads.assign(2 * spatial, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t d = 0; d < spatial; ++d) {
      int64_t out = (in[d] + w.strides[d] - 1) / w.strides[d];
      int64_t total = std::max<int64_t>(0, (out - 1) * w.strides[d] +
                                               (w.kernel[d] - 1) * w.dilations[d] + 1 - in[d]);
      int64_t small = total / 2;
      pads[d] = autoPad == "SAME_UPPER" ? small : total - small;
      pads[d + spatial] = total - pads[d];
    }
  } else if (autoPad != "NOTSET") {
    node.unsupported("auto_pad '" + autoPad + "' is not supported");
    return std::nullopt;
  }
  if (spatial == 1) {
    w.kernel.insert(w.kernel.begin(), 1);
    w.strides.insert(w.strides.begin(), 1);
    w.dilations.insert(w.dilations.begin(), 1);
    w.padding = {0, 0, pads[0], pads[1]};
  } else {
    w.padding = {pads[0], pads[2], pads[1], pads[3]};
  }
  return w;
}

/// NCHW (or NCL) -> NHWC, as a value of rank 4.
Value toNHWC(NodeImporter &node, Value input) {
  ArrayRef<int64_t> shape = shapeOf(input);
  if (shape.size() == 3)
    input = reshapeTo(node, input, {shape[0], shape[1], 1, shape[2]});
  return transposeValue(node, input, {0, 2, 3, 1});
}

} // namespace

/// NHWC -> the node's output type (NCHW or NCL).
Value fromNHWC(NodeImporter &node, Value value, RankedTensorType type) {
  return reshapeTo(node, transposeValue(node, value, {0, 3, 1, 2}), type.getShape());
}

namespace {

bool checkSpatialRank(NodeImporter &node, int64_t rank) {
  if (rank == 3 || rank == 4)
    return true;
  node.unsupported("only 1-D and 2-D spatial inputs (rank 3 or 4) are supported");
  return false;
}

/// The 2-D output size of a window over the NHWC `x`.
SmallVector<int64_t> convOutputShape(ArrayRef<int64_t> xs, ArrayRef<int64_t> kernel,
                                     int64_t channels, const Window &w) {
  SmallVector<int64_t> outShape{xs[0], 0, 0, channels};
  for (int d = 0; d < 2; ++d)
    outShape[1 + d] = kiln::windowedSize(xs[1 + d], w.padding[2 * d], w.padding[2 * d + 1],
                                         kernel[d], w.strides[d], w.dilations[d])
                          .value_or(0);
  return outShape;
}

Value conv2d(NodeImporter &node, Value x, Value filter, const Window &w, Type resultElement,
             int64_t groups) {
  ArrayRef<int64_t> fs = shapeOf(filter);
  SmallVector<int64_t> outShape = convOutputShape(shapeOf(x), fs.take_front(2), fs[3], w);
  OpBuilder &b = node.builder();
  return node.create<kiln::Conv2DOp>(
      tensorType(outShape, resultElement), x, filter, b.getDenseI64ArrayAttr(w.strides),
      b.getDenseI64ArrayAttr(w.padding), b.getDenseI64ArrayAttr(w.dilations),
      b.getI64IntegerAttr(groups));
}

/// The spatial sizes of a convolution's weights [O, I, K...], which kernel_shape (if given)
/// must repeat.
std::optional<SmallVector<int64_t>> kernelOf(NodeImporter &node, RankedTensorType weights) {
  SmallVector<int64_t> kernel(weights.getShape().drop_front(2));
  if (std::optional<std::vector<int64_t>> shape = node.intsAttr("kernel_shape"))
    if (!llvm::equal(*shape, kernel)) {
      node.unsupported("kernel_shape differs from the weights' shape");
      return std::nullopt;
    }
  return kernel;
}

} // namespace

/// ONNX's Conv of `x` (NC + spatial) with the OIHW (or OIL) weights `w`, known at import as
/// `knownW` or null, as kiln.conv2d on NHWC, into the element type of `type`; the result stays
/// NHWC (without bias) so that the caller's epilogue fuses before the layout changes back. Null
/// after reporting a problem.
Value convolution(NodeImporter &node, Value x, Value w, const HostTensor *knownW,
                  RankedTensorType type) {
  auto inType = cast<RankedTensorType>(x.getType()), wType = cast<RankedTensorType>(w.getType());
  if (!checkSpatialRank(node, inType.getRank()))
    return {};
  int64_t groups = node.intAttr("group", 1);
  ArrayRef<int64_t> in = inType.getShape().drop_front(2);
  std::optional<SmallVector<int64_t>> kernel = kernelOf(node, wType);
  if (!kernel)
    return {};
  std::optional<Window> window = readWindow(node, in, *kernel, true);
  if (!window)
    return {};
  int64_t channels = inType.getDimSize(1), outChannels = wType.getDimSize(0);
  if (groups < 1 || channels % groups || outChannels % groups) {
    node.unsupported("group = " + Twine(groups) + " does not divide the " + Twine(channels) +
                     " input and " + Twine(outChannels) + " output channels");
    return {};
  }
  // OIHW (or OIL) -> HWIO.
  SmallVector<int64_t> oihw(wType.getShape());
  if (wType.getRank() == 3)
    oihw = {wType.getDimSize(0), wType.getDimSize(1), 1, wType.getDimSize(2)};
  Value filter;
  if (knownW) {
    HostTensor reshaped = *knownW;
    reshaped.shape = oihw;
    filter = constantValue(node, permute(reshaped, {2, 3, 1, 0}), "filter");
  } else {
    filter = transposeValue(node, reshapeTo(node, w, oihw), {2, 3, 1, 0});
  }
  // ONNX's OIHW filter of a grouped convolution is [O, C/G, KH, KW]: HWIO is Kiln's grouped
  // filter [KH, KW, C/G, O], with the groups' output channels consecutive in both.
  return conv2d(node, toNHWC(node, x), filter, *window, type.getElementType(), groups);
}

namespace {

void importConv(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  Value y = convolution(node, node.input(0), node.input(1), node.constantInput(1), type);
  if (!y)
    return;
  if (node.hasInput(2))
    y = broadcastBinary<kiln::AddOp>(node, y,
                                     node.input(2)); // [M] broadcasts over NHWC's last dim.
  node.setOutput(0, fromNHWC(node, y, type));
}

/// The spatial attributes of a ConvTranspose, resolved against the output shape that ONNX
/// shape inference gave (which output_shape and auto_pad decide).
struct TransposedWindow {
  SmallVector<int64_t> kernel, strides, dilations, outputPadding, padBegin, padEnd;
};

std::optional<TransposedWindow> readTransposedWindow(NodeImporter &node, ArrayRef<int64_t> in,
                                                     ArrayRef<int64_t> out,
                                                     ArrayRef<int64_t> kernel) {
  size_t spatial = in.size();
  auto ints = [&](StringRef name, size_t count, int64_t fill) {
    std::vector<int64_t> v = node.intsAttr(name).value_or(std::vector<int64_t>(count, fill));
    return SmallVector<int64_t>(v.begin(), v.end());
  };
  TransposedWindow w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = ints("strides", spatial, 1);
  w.dilations = ints("dilations", spatial, 1);
  w.outputPadding = ints("output_padding", spatial, 0);
  SmallVector<int64_t> pads = ints("pads", 2 * spatial, 0);
  bool hasOutputShape = node.intsAttr("output_shape").has_value();
  std::string autoPad = node.stringAttr("auto_pad", "NOTSET");
  if (w.strides.size() != spatial || w.dilations.size() != spatial ||
      w.outputPadding.size() != spatial || pads.size() != 2 * spatial) {
    node.unsupported("strides, dilations, output_padding and pads must match the spatial rank");
    return std::nullopt;
  }
  if (!llvm::is_contained({"NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"}, autoPad)) {
    node.unsupported("auto_pad '" + autoPad + "' is not supported");
    return std::nullopt;
  }
  for (size_t d = 0; d < spatial; ++d) {
    // The padding the output size implies, split as ONNX's ConvTranspose specifies.
    int64_t total = w.strides[d] * (in[d] - 1) + w.outputPadding[d] +
                    (w.kernel[d] - 1) * w.dilations[d] + 1 - out[d];
    int64_t begin = pads[d], end = pads[d + spatial];
    if (hasOutputShape && total < 0) {
      // An output longer than the kernels reach: positions past them receive nothing, as
      // output_padding's do.
      begin = end = 0;
      w.outputPadding[d] -= total;
      total = 0;
    } else if (hasOutputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end = total - begin;
    } else if (autoPad == "VALID") {
      begin = end = 0;
    }
    if (begin + end != total || begin < 0 || end < 0) {
      node.unsupported("the pads do not give the output size that ONNX shape inference gives");
      return std::nullopt;
    }
    w.padBegin.push_back(begin);
    w.padEnd.push_back(end);
  }
  return w;
}

/// ConvTranspose's weights [C, M/G, K...] as kiln.conv_transpose2d's grouped HWIO filter
/// [KH, KW, C/G, M]: group g's input channels and its M/G output channels, consecutive in both.
/// Known weights are laid out at import; others by a transpose in the graph.
Value transposedFilter(NodeImporter &node, int64_t groups) {
  SmallVector<int64_t> ws(shapeOf(node.input(1)));
  if (ws.size() == 3) // 1-D: a kernel of height 1
    ws.insert(ws.begin() + 2, 1);
  int64_t c = ws[0], mg = ws[1], kh = ws[2], kw = ws[3], cg = c / groups;
  SmallVector<int64_t> split = {groups, cg, mg, kh, kw};
  SmallVector<int64_t> toHWIO = {3, 4, 1, 0, 2}; // [KH, KW, C/G, G, M/G]
  SmallVector<int64_t> filterShape = {kh, kw, cg, groups * mg};
  if (const HostTensor *known = node.constantInput(1)) {
    HostTensor reshaped = *known;
    reshaped.shape.assign(split.begin(), split.end());
    HostTensor hwio = permute(reshaped, toHWIO);
    hwio.shape.assign(filterShape.begin(), filterShape.end());
    return constantValue(node, hwio, "filter");
  }
  Value hwio = transposeValue(node, reshapeTo(node, node.input(1), split), toHWIO);
  return reshapeTo(node, hwio, filterShape);
}

/// ConvTranspose as kiln.conv_transpose2d (1-D as height 1). Its padding crops the full result
/// like ONNX's pads; output_padding (and an output_shape beyond the kernels' reach) extends the
/// end, which is a negative padding.
void importConvTranspose(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  RankedTensorType inType = node.inputType(0), wType = node.inputType(1);
  if (!type || !checkSpatialRank(node, inType.getRank()))
    return;
  int64_t groups = node.intAttr("group", 1);
  std::optional<SmallVector<int64_t>> kernel = kernelOf(node, wType);
  if (!kernel)
    return;
  std::optional<TransposedWindow> w = readTransposedWindow(node, inType.getShape().drop_front(2),
                                                           type.getShape().drop_front(2), *kernel);
  if (!w)
    return;
  int64_t channels = inType.getDimSize(1), outChannels = type.getDimSize(1);
  if (groups < 1 || channels % groups || wType.getDimSize(0) != channels ||
      wType.getDimSize(1) * groups != outChannels)
    return node.unsupported("group = " + Twine(groups) + " does not fit the " + Twine(channels) +
                            " input and " + Twine(outChannels) + " output channels");
  if (inType.getRank() == 3) { // 1-D: height 1 with a kernel of height 1
    for (SmallVector<int64_t> *v : {&w->kernel, &w->strides, &w->dilations})
      v->insert(v->begin(), 1);
    for (SmallVector<int64_t> *v : {&w->outputPadding, &w->padBegin, &w->padEnd})
      v->insert(v->begin(), 0);
  }
  Value x = toNHWC(node, node.input(0));
  ArrayRef<int64_t> xs = shapeOf(x);
  SmallVector<int64_t> padding, outShape = {xs[0], 0, 0, outChannels};
  for (int d = 0; d < 2; ++d) {
    padding.append({w->padBegin[d], w->padEnd[d] - w->outputPadding[d]});
    outShape[1 + d] = (xs[1 + d] - 1) * w->strides[d] + w->dilations[d] * (w->kernel[d] - 1) + 1 -
                      padding[2 * d] - padding[2 * d + 1];
  }
  OpBuilder &b = node.builder();
  Value y = node.create<kiln::ConvTranspose2DOp>(
      tensorType(outShape, type.getElementType()), x, transposedFilter(node, groups),
      b.getDenseI64ArrayAttr(w->strides), b.getDenseI64ArrayAttr(padding),
      b.getDenseI64ArrayAttr(w->dilations), b.getI64IntegerAttr(groups));
  if (node.hasInput(2))
    y = broadcastBinary<kiln::AddOp>(node, y, node.input(2));
  node.setOutput(0, fromNHWC(node, y, type));
}

template <typename PoolOp> void importPool(NodeImporter &node, bool isMax) {
  RankedTensorType type = node.outputType(0);
  RankedTensorType inType = node.inputType(0);
  if (!type || !checkSpatialRank(node, inType.getRank()))
    return;
  std::optional<std::vector<int64_t>> kernel = node.intsAttr("kernel_shape");
  if (!kernel)
    return node.unsupported("attribute 'kernel_shape' is missing");
  if (isMax) {
    if (node.intAttr("storage_order", 0) != 0)
      return node.unsupported("storage_order = 1 is not supported");
    if (node.isOutputUsed(1))
      return node.unsupported("output 'Indices' is not supported");
  }
  std::optional<std::vector<int64_t>> dilations = node.intsAttr("dilations");
  if (dilations && llvm::any_of(*dilations, [](int64_t d) { return d != 1; }))
    return node.unsupported("dilations other than 1 are not supported");
  node.intAttr("ceil_mode", 0); // The inferred output shape accounts for it (below).
  ArrayRef<int64_t> in = inType.getShape().drop_front(2);
  std::optional<Window> w = readWindow(node, in, *kernel, false);
  if (!w)
    return;
  bool countPads = !isMax && node.intAttr("count_include_pad", 0);
  if (countPads && llvm::any_of(w->padding, [](int64_t p) { return p != 0; }))
    return node.unsupported("count_include_pad = 1 with padding is not supported");
  Value x = toNHWC(node, node.input(0));
  ArrayRef<int64_t> xs = shapeOf(x);
  SmallVector<int64_t> outShape{xs[0], 0, 0, xs[3]};
  ArrayRef<int64_t> outSpatial = type.getShape().drop_front(2);
  SmallVector<int64_t> out(outSpatial);
  if (out.size() == 1)
    out.insert(out.begin(), 1);
  for (int d = 0; d < 2; ++d) {
    // ceil_mode's last, partial window: pad the end, which the pools never count.
    int64_t reach = (out[d] - 1) * w->strides[d] + w->kernel[d];
    int64_t extra = reach - (xs[1 + d] + w->padding[2 * d] + w->padding[2 * d + 1]);
    if (extra > 0) {
      if (countPads)
        return node.unsupported("count_include_pad = 1 with ceil_mode is not supported");
      w->padding[2 * d + 1] += extra;
    }
    outShape[1 + d] = out[d];
  }
  OpBuilder &b = node.builder();
  Value y = node.create<PoolOp>(
      tensorType(outShape, type.getElementType()), x, b.getDenseI64ArrayAttr(w->kernel),
      b.getDenseI64ArrayAttr(w->strides), b.getDenseI64ArrayAttr(w->padding));
  node.setOutput(0, fromNHWC(node, y, type));
}

template <typename ReduceOp> void importGlobalPool(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < type.getRank(); ++d)
    axes.push_back(d);
  OpBuilder &b = node.builder();
  node.setOutput(0, node.create<ReduceOp>(type, node.input(0), b.getDenseI64ArrayAttr(axes),
                                          b.getBoolAttr(true)));
}

/// `value` of shape [C] as [C, 1, ..., 1] for an input of rank `rank` (channels at dim 1).
Value channelVector(NodeImporter &node, Value value, int64_t rank) {
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = shapeOf(value)[0];
  return reshapeTo(node, value, shape);
}

void importBatchNormalization(NodeImporter &node) {
  float epsilon = node.floatAttr("epsilon", 1e-5f);
  node.ignoreAttr("momentum"); // Training only.
  if (node.intAttr("training_mode", 0))
    return node.unsupported("training_mode = 1 is not supported: Kiln compiles inference");
  for (unsigned i = 1; i < node.numOutputs(); ++i)
    if (node.isOutputUsed(i))
      return node.unsupported("the running mean and variance outputs are not supported");
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  Type element = type.getElementType();
  int64_t rank = type.getRank();
  const HostTensor *scale = node.constantInput(1), *bias = node.constantInput(2),
                   *mean = node.constantInput(3), *var = node.constantInput(4);
  Value a, c;
  if (scale && bias && mean && var) {
    // y = x * a + c with a = scale / sqrt(var + epsilon), c = bias - mean * a, in double.
    int64_t channels = scale->numElements();
    std::vector<double> av(channels), cv(channels);
    for (int64_t i = 0; i < channels; ++i) {
      av[i] = scale->doubleAt(i) / std::sqrt(var->doubleAt(i) + double(epsilon));
      cv[i] = bias->doubleAt(i) - mean->doubleAt(i) * av[i];
    }
    SmallVector<int64_t> shape(rank - 1, 1);
    shape[0] = channels;
    a = constantValue(node, HostTensor::fromDoubles(element, shape, av), "bn_scale");
    c = constantValue(node, HostTensor::fromDoubles(element, shape, cv), "bn_shift");
  } else {
    Value varPlusEps =
        broadcastBinary<kiln::AddOp>(node, node.input(4), node.scalar(element, epsilon));
    Value rsqrt = node.create<kiln::RsqrtOp>(varPlusEps.getType(), varPlusEps);
    Value av = broadcastBinary<kiln::MulOp>(node, node.input(1), rsqrt);
    Value cv = broadcastBinary<kiln::SubOp>(node, node.input(2),
                                            broadcastBinary<kiln::MulOp>(node, node.input(3), av));
    a = channelVector(node, av, rank);
    c = channelVector(node, cv, rank);
  }
  Value y =
      broadcastBinary<kiln::AddOp>(node, broadcastBinary<kiln::MulOp>(node, node.input(0), a), c);
  node.setOutput(0, y);
}

/// (x - mean) * rsqrt(var + epsilon) over `axes` (kept with size 1), with the mean and the
/// inverse standard deviation.
struct Normalized {
  Value value, mean, invStdDev;
};

Normalized normalizeOver(NodeImporter &node, Value x, ArrayRef<int64_t> axes, float epsilon) {
  OpBuilder &b = node.builder();
  auto statType = tensorType(kiln::reducedShape(shapeOf(x), axes, true), elementTypeOf(x));
  Value mean = node.create<kiln::ReduceMeanOp>(statType, x, b.getDenseI64ArrayAttr(axes),
                                               b.getBoolAttr(true));
  Value centered = broadcastBinary<kiln::SubOp>(node, x, mean);
  Value var = node.create<kiln::ReduceMeanOp>(
      statType, broadcastBinary<kiln::MulOp>(node, centered, centered),
      b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
  Value varPlusEps =
      broadcastBinary<kiln::AddOp>(node, var, node.scalar(elementTypeOf(x), epsilon));
  Value invStdDev = node.create<kiln::RsqrtOp>(statType, varPlusEps);
  return {broadcastBinary<kiln::MulOp>(node, centered, invStdDev), mean, invStdDev};
}

void importInstanceNormalization(NodeImporter &node) {
  float epsilon = node.floatAttr("epsilon", 1e-5f);
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  Value normalized = normalizeOver(node, node.input(0), axes, epsilon).value;
  Value scaled =
      broadcastBinary<kiln::MulOp>(node, normalized, channelVector(node, node.input(1), rank));
  node.setOutput(
      0, broadcastBinary<kiln::AddOp>(node, scaled, channelVector(node, node.input(2), rank)));
}

template <typename OpTy> void importSoftmax(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  if (!isa<FloatType>(type.getElementType()))
    return node.unsupported("only floating-point inputs are supported");
  int64_t axis = node.intAttr("axis", -1);
  if (!normalizeAxisOrReport(node, axis, type.getRank()))
    return;
  OpBuilder &b = node.builder();
  node.setOutput(0, node.create<OpTy>(type, node.input(0), b.getI64IntegerAttr(axis)));
}

/// LayerNormalization with its Mean and InvStdDev outputs, from reductions and elementwise ops
/// computed in `computeType` (f32 for half inputs: stash_type 1).
void importLayerNormalizationWithStatistics(NodeImporter &node, int64_t axis, float epsilon,
                                            Value gamma, Value beta) {
  RankedTensorType type = node.outputType(0);
  Type element = type.getElementType();
  Type computeType = element.isF16() || element.isBF16() ? node.builder().getF32Type() : element;
  Value x = castTo(node, node.input(0), computeType);
  SmallVector<int64_t> axes;
  for (int64_t d = axis; d < type.getRank(); ++d)
    axes.push_back(d);
  auto [normalized, mean, invStdDev] = normalizeOver(node, x, axes, epsilon);
  Value y = broadcastBinary<kiln::MulOp>(node, normalized, castTo(node, gamma, computeType));
  y = broadcastBinary<kiln::AddOp>(node, y, castTo(node, beta, computeType));
  node.setOutput(0, castTo(node, y, element));
  Value statistics[] = {mean, invStdDev};
  for (auto [i, stat] : llvm::enumerate(statistics))
    if (node.isOutputUsed(i + 1))
      if (RankedTensorType statOut = node.outputType(i + 1))
        node.setOutput(i + 1, castTo(node, reshapeTo(node, stat, statOut.getShape()),
                                     statOut.getElementType()));
}

void importLayerNormalization(NodeImporter &node) {
  float epsilon = node.floatAttr("epsilon", 1e-5f);
  if (node.intAttr("stash_type", 1) != 1)
    return node.unsupported("stash_type other than 1 (float) is not supported");
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  std::optional<int64_t> axis = axisAttr(node, -1, type.getRank());
  if (!axis)
    return;
  Type element = type.getElementType();
  auto normalizedType = tensorType(type.getShape().drop_front(*axis), element);
  auto fitted = [&](Value value) -> Value {
    if (value.getType() == normalizedType)
      return value;
    return node.create<kiln::BroadcastToOp>(normalizedType, value);
  };
  Value gamma = fitted(node.input(1));
  Value beta = node.hasInput(2) ? fitted(node.input(2)) : Value();
  if (!beta) {
    ElementsAttr zeros =
        DenseElementsAttr::get(normalizedType, node.builder().getZeroAttr(element));
    beta = kiln::ConstantOp::create(node.builder(), node.loc(), normalizedType, zeros);
  }
  if (node.isOutputUsed(1) || node.isOutputUsed(2))
    return importLayerNormalizationWithStatistics(node, *axis, epsilon, gamma, beta);
  OpBuilder &b = node.builder();
  node.setOutput(0, node.create<kiln::LayerNormOp>(type, node.input(0), gamma, beta,
                                                   b.getI64IntegerAttr(*axis),
                                                   b.getF32FloatAttr(epsilon)));
}

void importTrilu(NodeImporter &node) {
  bool upper = node.intAttr("upper", 1);
  int64_t k = 0;
  if (node.hasInput(1)) {
    std::optional<std::vector<int64_t>> given = node.requireConstantInts(1, "k");
    if (!given)
      return;
    if (given->size() != 1)
      return node.unsupported("input 'k' must hold one value");
    k = (*given)[0];
  }
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  int64_t rows = type.getDimSize(type.getRank() - 2), cols = type.getDimSize(type.getRank() - 1);
  // Keeps the elements with j - i >= k (upper) or <= k (lower): a mask known at import.
  std::vector<int64_t> mask;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.push_back(upper ? j - i >= k : j - i <= k);
  Value maskValue = constantValue(
      node, HostTensor::fromInts(node.builder().getI1Type(), {rows, cols}, mask), "mask");
  node.setOutput(0, node.create<kiln::SelectOp>(type, maskValue, node.input(0),
                                                node.scalar(type.getElementType(), 0)));
}

} // namespace

void addNeuralNetOps(OpTable &table) {
  table["MatMul"] = importMatMul;
  table["Gemm"] = importGemm;
  table["Conv"] = importConv;
  table["ConvTranspose"] = importConvTranspose;
  table["MaxPool"] = [](NodeImporter &n) { importPool<kiln::MaxPool2DOp>(n, true); };
  table["AveragePool"] = [](NodeImporter &n) { importPool<kiln::AvgPool2DOp>(n, false); };
  table["GlobalAveragePool"] = importGlobalPool<kiln::ReduceMeanOp>;
  table["GlobalMaxPool"] = importGlobalPool<kiln::ReduceMaxOp>;
  table["BatchNormalization"] = importBatchNormalization;
  table["InstanceNormalization"] = importInstanceNormalization;
  table["Softmax"] = importSoftmax<kiln::SoftmaxOp>;
  table["LogSoftmax"] = importSoftmax<kiln::LogSoftmaxOp>;
  table["LayerNormalization"] = importLayerNormalization;
  table["Trilu"] = importTrilu;
}

} // namespace kiln::onnx_importer
