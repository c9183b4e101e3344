//===- Quantization.cpp - ONNX's linear quantization onto Kiln ops --------===//
//
// QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear are elementwise affine maps
// between floats and 8-bit integers; MatMulInteger a matmul of zero-point-shifted integers.
// They are written with Kiln's elementwise ops, which fuse into one loop.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

using namespace mlir;

namespace kiln::onnx_importer {
namespace {

/// A per-axis parameter (a 1-D scale or zero point of the axis's size) shaped to broadcast
/// along the normalized `axis` of a rank-`rank` tensor; a one-element one stays as it is.
Value alongAxis(NodeImporter &node, Value parameter, int64_t rank, int64_t axis) {
  if (shapeOf(parameter).size() != 1 || shapeOf(parameter)[0] == 1 || rank <= 1)
    return parameter;
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = shapeOf(parameter)[0];
  return reshapeTo(node, parameter, shape);
}

/// What QuantizeLinear and DequantizeLinear share: x, the output type, and the scale and zero
/// point (inputs 1 and 2) shaped to broadcast along `axis` when they are 1-D (opset 13).
struct LinearQuantization {
  RankedTensorType type;
  Value x, scale, zeroPoint;
};

std::optional<LinearQuantization> readLinearQuantization(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  RankedTensorType scaleType = node.inputType(1);
  if (!type || !scaleType)
    return std::nullopt;
  if (!scaleType.getElementType().isF32()) {
    node.unsupported("the scale must be f32");
    return std::nullopt;
  }
  Value x = node.input(0);
  int64_t rank = shapeOf(x).size();
  int64_t axis = node.intAttr("axis", 1);
  if (scaleType.getRank() == 1 && scaleType.getNumElements() != 1) {
    std::optional<int64_t> normalized = normalizeAxisOrReport(node, axis, rank);
    if (!normalized)
      return std::nullopt;
    axis = *normalized;
  }
  Value scale = alongAxis(node, node.input(1), rank, axis);
  Value zeroPoint = node.hasInput(2) ? alongAxis(node, node.input(2), rank, axis) : Value();
  return LinearQuantization{type, x, scale, zeroPoint};
}

/// round(x / scale) + zero_point in f32, saturated into `to` by kiln.cast (NaN gives 0).
Value quantize(NodeImporter &node, Value x, Value scale, Value zeroPoint, Type to) {
  Type f32 = node.builder().getF32Type();
  Value scaled = broadcastBinary<kiln::DivOp>(node, castTo(node, x, f32), scale);
  Value rounded = node.create<kiln::RoundOp>(scaled.getType(), scaled);
  if (zeroPoint)
    rounded = broadcastBinary<kiln::AddOp>(node, rounded, castTo(node, zeroPoint, f32));
  return castTo(node, rounded, to);
}

void importQuantizeLinear(NodeImporter &node) {
  if (std::optional<LinearQuantization> q = readLinearQuantization(node))
    node.setOutput(0, quantize(node, q->x, q->scale, q->zeroPoint, q->type.getElementType()));
}

void importDequantizeLinear(NodeImporter &node) {
  std::optional<LinearQuantization> q = readLinearQuantization(node);
  if (!q)
    return;
  Type f32 = node.builder().getF32Type();
  if (q->type.getElementType() != f32)
    return node.unsupported("y must be f32");
  Value shifted = castTo(node, q->x, f32);
  if (q->zeroPoint)
    shifted = broadcastBinary<kiln::SubOp>(node, shifted, castTo(node, q->zeroPoint, f32));
  node.setOutput(0, broadcastBinary<kiln::MulOp>(node, shifted, q->scale));
}

/// ONNX's DynamicQuantizeLinear: the u8 scale and zero point that map [min(x, 0), max(x, 0)]
/// onto [0, 255], and x quantized with them.
void importDynamicQuantizeLinear(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  Value x = node.input(0);
  Type f32 = node.builder().getF32Type();
  if (elementTypeOf(x) != f32)
    return node.unsupported("x must be f32");
  SmallVector<int64_t> all = llvm::to_vector(llvm::seq<int64_t>(0, shapeOf(x).size()));
  auto scalarType = tensorType({}, f32);
  Value zero = node.scalar(f32, 0.0);
  Value lo = x, hi = x;
  if (!all.empty()) {
    lo = node.create<kiln::ReduceMinOp>(scalarType, x, node.builder().getDenseI64ArrayAttr(all),
                                        node.builder().getBoolAttr(false));
    hi = node.create<kiln::ReduceMaxOp>(scalarType, x, node.builder().getDenseI64ArrayAttr(all),
                                        node.builder().getBoolAttr(false));
  }
  lo = broadcastBinary<kiln::MinOp>(node, lo, zero);
  hi = broadcastBinary<kiln::MaxOp>(node, hi, zero);
  Value scale = broadcastBinary<kiln::DivOp>(node, broadcastBinary<kiln::SubOp>(node, hi, lo),
                                             node.scalar(f32, 255.0));
  Type u8 = type.getElementType();
  Value zeroPoint = quantize(node, node.create<kiln::NegOp>(scalarType, lo), scale, Value(), u8);
  node.setOutput(0, quantize(node, x, scale, zeroPoint, u8));
  node.setOutput(1, scale);
  node.setOutput(2, zeroPoint);
}

/// Input `operand` minus its zero point (input `zeroPointInput`, optional), in i32. A 1-D zero
/// point of more than one element lies along dimension `zeroPointDim` of the operand (A's rows,
/// a filter's output channels); a scalar one broadcasts.
Value shiftedOperand(NodeImporter &node, unsigned operand, unsigned zeroPointInput,
                     int64_t zeroPointDim) {
  Type i32 = node.builder().getI32Type();
  Value value = castTo(node, node.input(operand), i32);
  if (!node.hasInput(zeroPointInput))
    return value;
  Value zeroPoint = castTo(node, node.input(zeroPointInput), i32);
  if (shapeOf(zeroPoint).size() == 1 && shapeOf(zeroPoint)[0] != 1) {
    SmallVector<int64_t> shape(shapeOf(value).size() - zeroPointDim, 1);
    shape[0] = shapeOf(zeroPoint)[0];
    zeroPoint = reshapeTo(node, zeroPoint, shape);
  }
  return broadcastBinary<kiln::SubOp>(node, value, zeroPoint);
}

/// numpy.matmul of zero-point-shifted integer operands in i32; A's per-row zero point along its
/// rows, B's per-column one along the last dimension.
Value integerMatmul(NodeImporter &node, unsigned a, unsigned aZeroPoint, unsigned b,
                    unsigned bZeroPoint) {
  int64_t rank = node.inputType(a).getRank();
  Value lhs = shiftedOperand(node, a, aZeroPoint, rank - 2);
  Value rhs = shiftedOperand(node, b, bZeroPoint, node.inputType(b).getRank() - 1);
  ArrayRef<int64_t> ls = shapeOf(lhs), rs = shapeOf(rhs);
  SmallVector<int64_t> shape = broadcastOrReport(node, ls.drop_back(2), rs.drop_back(2));
  shape.append({ls[ls.size() - 2], rs.back()});
  return node.create<kiln::MatmulOp>(tensorType(shape, node.builder().getI32Type()), lhs, rhs);
}

bool checkMatmulRanks(NodeImporter &node, unsigned a, unsigned b) {
  int64_t ra = node.inputType(a).getRank(), rb = node.inputType(b).getRank();
  if (ra >= 2 && ra == rb)
    return true;
  node.unsupported("A and B must have the same rank, at least 2");
  return false;
}

void importMatMulInteger(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type || !checkMatmulRanks(node, 0, 1))
    return;
  node.setOutput(0, integerMatmul(node, 0, 2, 1, 3));
}

/// An i32 accumulator requantized: round(acc * scale) + zero_point saturated into `to`, with
/// scale = inScale * weightScale / outScale (each input an f32 scalar, or weightScale per
/// channel along dimension `channelDim` of the accumulator).
Value requantize(NodeImporter &node, Value acc, unsigned inScale, unsigned weightScale,
                 unsigned outScale, unsigned outZeroPoint, int64_t channelDim, Type to) {
  Type f32 = node.builder().getF32Type();
  int64_t rank = shapeOf(acc).size();
  Value scale = broadcastBinary<kiln::MulOp>(
      node, node.input(inScale), alongAxis(node, node.input(weightScale), rank, channelDim));
  scale = broadcastBinary<kiln::DivOp>(node, scale, node.input(outScale));
  Value scaled = broadcastBinary<kiln::MulOp>(node, castTo(node, acc, f32), scale);
  Value rounded = node.create<kiln::RoundOp>(scaled.getType(), scaled);
  rounded =
      broadcastBinary<kiln::AddOp>(node, rounded, castTo(node, node.input(outZeroPoint), f32));
  return castTo(node, rounded, to);
}

bool checkScalesF32(NodeImporter &node, std::initializer_list<unsigned> inputs) {
  for (unsigned i : inputs)
    if (!node.inputType(i) || !node.inputType(i).getElementType().isF32()) {
      node.unsupported("the scales must be f32");
      return false;
    }
  return true;
}

/// QLinearMatMul(a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point).
void importQLinearMatMul(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type || !checkMatmulRanks(node, 0, 3) || !checkScalesF32(node, {1, 4, 6}))
    return;
  Value acc = integerMatmul(node, 0, 2, 3, 5);
  node.setOutput(0, requantize(node, acc, 1, 4, 6, 7, type.getRank() - 1, type.getElementType()));
}

/// ConvInteger(x, w, x_zero_point, w_zero_point): Conv of the shifted operands in i32. ONNX's
/// x zero point is a scalar; a 1-D one is read per input channel (dimension 1 of NCHW).
void importConvInteger(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type)
    return;
  Value x = shiftedOperand(node, 0, 2, /*zeroPointDim=*/1);
  Value w = shiftedOperand(node, 1, 3, 0);
  if (Value y = convolution(node, x, w, nullptr, type))
    node.setOutput(0, fromNHWC(node, y, type));
}

/// QLinearConv(x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B):
/// the i32 convolution of the shifted operands plus the i32 bias, requantized per output
/// channel (NHWC's last dimension).
void importQLinearConv(NodeImporter &node) {
  RankedTensorType type = node.outputType(0);
  if (!type || !checkScalesF32(node, {1, 4, 6}))
    return;
  Value x = shiftedOperand(node, 0, 2, /*zeroPointDim=*/1);
  Value w = shiftedOperand(node, 3, 5, 0);
  auto accType = type.clone(node.builder().getI32Type());
  Value acc = convolution(node, x, w, nullptr, accType);
  if (!acc)
    return;
  if (node.hasInput(8))
    acc = broadcastBinary<kiln::AddOp>(node, acc,
                                       castTo(node, node.input(8), accType.getElementType()));
  Value y = requantize(node, acc, 1, 4, 6, 7, shapeOf(acc).size() - 1, type.getElementType());
  node.setOutput(0, fromNHWC(node, y, type));
}

} // namespace

void addQuantizationOps(OpTable &table) {
  table["QuantizeLinear"] = importQuantizeLinear;
  table["DequantizeLinear"] = importDequantizeLinear;
  table["DynamicQuantizeLinear"] = importDynamicQuantizeLinear;
  table["MatMulInteger"] = importMatMulInteger;
  table["QLinearMatMul"] = importQLinearMatMul;
  table["ConvInteger"] = importConvInteger;
  table["QLinearConv"] = importQLinearConv;
}

} // namespace kiln::onnx_importer
