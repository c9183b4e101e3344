//===- KilnConvolutionOps.cpp - convolution and pooling verifiers ---------===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include <limits>

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

/// Computes the spatial result sizes [Ho, Wo] of a sliding window over an NHWC input, or
/// reports the dimension where the window does not fit.
static FailureOr<SmallVector<int64_t>>
windowedShape(Operation *op, RankedTensorType input, ArrayRef<int64_t> window,
              ArrayRef<int64_t> strides, ArrayRef<int64_t> padding, ArrayRef<int64_t> dilations) {
  SmallVector<int64_t> sizes;
  for (int d = 0; d < 2; ++d) {
    auto size = windowedSize(input.getDimSize(1 + d), padding[2 * d], padding[2 * d + 1], window[d],
                             strides[d], dilations[d]);
    if (!size)
      return op->emitOpError() << "window of " << window[d] << " (dilation " << dilations[d]
                               << ") does not fit the " << (d ? "width" : "height") << " "
                               << input.getDimSize(1 + d) << " padded by " << padding[2 * d]
                               << " + " << padding[2 * d + 1];
    sizes.push_back(*size);
  }
  return sizes;
}

static LogicalResult verifyRank4(Operation *op, StringRef what, RankedTensorType type) {
  if (type.getRank() != 4)
    return op->emitOpError() << "expects a rank-4 " << what << ", got "
                             << formatShape(type.getShape());
  return success();
}

/// The checks conv2d and conv_transpose2d share: ranks, attribute sizes, element types and
/// how `groups` splits the channels. `minPadding` is 0 for conv2d; conv_transpose2d's padding
/// may be negative.
template <typename ConvOp> static LogicalResult verifyConvOperands(ConvOp op, int64_t minPadding) {
  auto input = tensorType(op.getInput()), filter = tensorType(op.getFilter());
  if (failed(verifyRank4(op, "NHWC input", input)) ||
      failed(verifyRank4(op, "HWIO filter", filter)) ||
      failed(verifyArrayAttr(op, "strides", op.getStrides(), 2, 1)) ||
      failed(verifyArrayAttr(op, "dilations", op.getDilations(), 2, 1)) ||
      failed(verifyArrayAttr(op, "padding", op.getPadding(), 4, minPadding)))
    return failure();
  Type element = input.getElementType();
  if (element != filter.getElementType())
    return op.emitOpError() << "operand element types must match, got " << element << " and "
                            << filter.getElementType();
  if (element.isInteger(1))
    return op.emitOpError() << "does not convolve i1 tensors";
  int64_t groups = op.getGroups(), channels = input.getDimSize(3);
  if (groups < 1)
    return op.emitOpError() << "groups must be at least 1, got " << groups;
  if (channels % groups != 0 || filter.getDimSize(3) % groups != 0)
    return op.emitOpError() << groups << " groups do not divide the " << channels
                            << " input channels and the " << filter.getDimSize(3)
                            << " output channels";
  if (channels / groups != filter.getDimSize(2)) {
    InFlightDiagnostic diag = op.emitOpError() << "input has " << channels << " channels";
    if (groups > 1)
      diag << " in " << groups << " groups";
    diag << " but the filter expects " << filter.getDimSize(2);
    if (groups > 1)
      diag << " per group";
    return diag;
  }
  return success();
}

/// The result type of a convolution of `input` by `filter` with result rows `ho` and columns
/// `wo`: i8 operands may widen to an i32 result.
template <typename ConvOp>
static LogicalResult verifyConvResult(ConvOp op, int64_t ho, int64_t wo) {
  auto input = tensorType(op.getInput()), filter = tensorType(op.getFilter());
  Type element = input.getElementType();
  SmallVector<int64_t> shape = {input.getDimSize(0), ho, wo, filter.getDimSize(3)};
  Type resultElement = tensorType(op.getResult()).getElementType();
  bool widening = element.isInteger(8) && resultElement.isInteger(32);
  return verifyResultType(op, tensorType(op.getResult()), shape,
                          widening ? resultElement : element);
}

LogicalResult Conv2DOp::verify() {
  if (failed(verifyConvOperands(*this, 0)))
    return failure();
  auto spatial =
      windowedShape(*this, tensorType(getInput()), tensorType(getFilter()).getShape().take_front(2),
                    getStrides(), getPadding(), getDilations());
  if (failed(spatial))
    return failure();
  return verifyConvResult(*this, (*spatial)[0], (*spatial)[1]);
}

LogicalResult ConvTranspose2DOp::verify() {
  if (failed(verifyConvOperands(*this, std::numeric_limits<int64_t>::min())))
    return failure();
  auto input = tensorType(getInput()), filter = tensorType(getFilter());
  ArrayRef<int64_t> padding = getPadding();
  SmallVector<int64_t> sizes;
  for (int d = 0; d < 2; ++d) {
    auto size = transposedWindowedSize(input.getDimSize(1 + d), padding[2 * d], padding[2 * d + 1],
                                       filter.getDimSize(d), getStrides()[d], getDilations()[d]);
    if (!size)
      return emitOpError() << "padding " << padding[2 * d] << " + " << padding[2 * d + 1]
                           << " leaves no " << (d ? "column" : "row") << " of the "
                           << (d ? "width" : "height") << " " << input.getDimSize(1 + d)
                           << " spread by stride " << getStrides()[d] << " and a window of "
                           << filter.getDimSize(d) << " (dilation " << getDilations()[d] << ")";
    sizes.push_back(*size);
  }
  return verifyConvResult(*this, sizes[0], sizes[1]);
}

template <typename PoolOp> static LogicalResult verifyPool(PoolOp op) {
  auto input = tensorType(op.getInput());
  SmallVector<int64_t> strides = op.getStridesOrWindow();
  ArrayRef<int64_t> window = op.getWindow(), padding = op.getPadding();
  if (failed(verifyRank4(op, "NHWC input", input)) ||
      failed(verifyArrayAttr(op, "window", window, 2, 1)) ||
      failed(verifyArrayAttr(op, "strides", strides, 2, 1)) ||
      failed(verifyArrayAttr(op, "padding", padding, 4, 0)))
    return failure();
  // A window lying wholly in the padding would have no element to pool.
  for (int i = 0; i < 4; ++i)
    if (padding[i] >= window[i / 2])
      return op.emitOpError() << "padding " << padding[i] << " must be smaller than the window "
                              << window[i / 2];
  auto spatial = windowedShape(op, input, window, strides, padding, {1, 1});
  if (failed(spatial))
    return failure();
  SmallVector<int64_t> shape = {input.getDimSize(0), (*spatial)[0], (*spatial)[1],
                                input.getDimSize(3)};
  return verifyResultType(op, tensorType(op.getResult()), shape, input.getElementType());
}

LogicalResult MaxPool2DOp::verify() { return verifyPool(*this); }
LogicalResult AvgPool2DOp::verify() { return verifyPool(*this); }
