//===- Convolution.cpp - conv2d, max_pool2d and avg_pool2d ----------------===//
//
// Direct loops over NHWC inputs. Padding is never materialized: a window position outside the
// input is skipped, which for conv2d is the same as multiplying a zero and for the pools is
// what "padded positions never contribute" means.
//
//===----------------------------------------------------------------------===//
#include "Evaluators.h"
#include "Numerics.h"

#include <cmath>

using namespace mlir;

namespace kiln::interp {
namespace {

/// The geometry of a 2-D sliding window over an NHWC tensor.
struct Window {
  int64_t batch, height, width, channels; // the input
  int64_t outHeight, outWidth;            // the result
  int64_t kernelHeight, kernelWidth;
  int64_t strideH, strideW, padTop, padLeft, dilationH = 1, dilationW = 1;

  /// The input row (or column) that window offset `k` of result row `o` reads.
  int64_t row(int64_t o, int64_t k) const { return o * strideH + k * dilationH - padTop; }
  int64_t col(int64_t o, int64_t k) const { return o * strideW + k * dilationW - padLeft; }
  bool inside(int64_t r, int64_t c) const { return r >= 0 && r < height && c >= 0 && c < width; }
  int64_t inputAt(int64_t n, int64_t r, int64_t c, int64_t ch) const {
    return ((n * height + r) * width + c) * channels + ch;
  }
};

Window windowOf(ArrayRef<int64_t> input, ArrayRef<int64_t> result, ArrayRef<int64_t> window,
                ArrayRef<int64_t> strides, ArrayRef<int64_t> padding) {
  return Window{input[0],  input[1],  input[2],   input[3],   result[1],  result[2],
                window[0], window[1], strides[0], strides[1], padding[0], padding[2]};
}

} // namespace

/// out[n, oh, ow, o] = sum over (kh, kw, c) of in[n, row, col, first + c] * filter[kh, kw, c, o]
/// (first: the first input channel of o's group), in
/// double for floats (one rounding at the end, f16/bf16 included) and with wrapping 64-bit
/// integers otherwise (exact for i8 x i8 -> i32).
FailureOr<RefTensor> evaluateConv2D(Conv2DOp op, Operands operands) {
  const RefTensor &input = *operands[0], &filter = *operands[1];
  RefTensor result(op.getType());
  Window w = windowOf(input.getShape(), result.getShape(), filter.getShape().take_front(2),
                      op.getStrides(), op.getPadding());
  w.dilationH = op.getDilations()[0];
  w.dilationW = op.getDilations()[1];
  int64_t outChannels = filter.getShape()[3];
  // Output channel o reads the input channels of its group: [first, first + groupChannels).
  int64_t groupChannels = filter.getShape()[2];
  int64_t outPerGroup = outChannels / op.getGroups();
  auto filterAt = [&](int64_t kh, int64_t kw, int64_t c, int64_t o) {
    return ((kh * w.kernelWidth + kw) * groupChannels + c) * outChannels + o;
  };
  auto convolve = [&](auto in, auto f, auto out, auto zero, auto madd) {
    int64_t at = 0;
    for (int64_t n = 0; n < w.batch; ++n)
      for (int64_t oh = 0; oh < w.outHeight; ++oh)
        for (int64_t ow = 0; ow < w.outWidth; ++ow)
          for (int64_t o = 0; o < outChannels; ++o) {
            auto acc = zero;
            for (int64_t kh = 0; kh < w.kernelHeight; ++kh)
              for (int64_t kw = 0; kw < w.kernelWidth; ++kw) {
                int64_t r = w.row(oh, kh), c = w.col(ow, kw);
                if (!w.inside(r, c))
                  continue;
                int64_t first = o / outPerGroup * groupChannels;
                for (int64_t ch = 0; ch < groupChannels; ++ch)
                  acc = madd(acc, in[w.inputAt(n, r, c, first + ch)], f[filterAt(kh, kw, ch, o)]);
              }
            out[at++] = acc;
          }
  };
  if (result.isFloat())
    convolve(input.floats(), filter.floats(), result.floats(), 0.0,
             [](double acc, double x, double y) { return acc + x * y; });
  else
    convolve(input.ints(), filter.ints(), result.ints(), uint64_t{0},
             [](uint64_t acc, int64_t x, int64_t y) {
               return acc + static_cast<uint64_t>(x) * static_cast<uint64_t>(y);
             });
  return result;
}

/// Scatters every input element through the filter: input (n, y, x, c) adds
/// in * filter[i, j, c - first, o] to result (n, y*sh + i*dh - top, x*sw + j*dw - left, o) for
/// the output channels o of c's group, where that lies inside the result. Accumulates as
/// evaluateConv2D does.
FailureOr<RefTensor> evaluateConvTranspose2D(ConvTranspose2DOp op, Operands operands) {
  const RefTensor &input = *operands[0], &filter = *operands[1];
  RefTensor result(op.getType());
  ArrayRef<int64_t> in = input.getShape(), out = result.getShape(), f = filter.getShape();
  ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                    padding = op.getPadding();
  int64_t groupChannels = f[2], outChannels = f[3], outPerGroup = outChannels / op.getGroups();
  auto scatter = [&](auto src, auto flt, auto dst, auto madd) {
    for (int64_t n = 0; n < in[0]; ++n)
      for (int64_t y = 0; y < in[1]; ++y)
        for (int64_t x = 0; x < in[2]; ++x)
          for (int64_t c = 0; c < in[3]; ++c) {
            auto value = src[((n * in[1] + y) * in[2] + x) * in[3] + c];
            int64_t group = c / groupChannels, k = c % groupChannels;
            for (int64_t i = 0; i < f[0]; ++i)
              for (int64_t j = 0; j < f[1]; ++j) {
                int64_t r = y * strides[0] + i * dilations[0] - padding[0];
                int64_t col = x * strides[1] + j * dilations[1] - padding[2];
                if (r < 0 || r >= out[1] || col < 0 || col >= out[2])
                  continue;
                for (int64_t o = group * outPerGroup; o < (group + 1) * outPerGroup; ++o) {
                  auto &acc = dst[((n * out[1] + r) * out[2] + col) * out[3] + o];
                  acc = madd(acc, value, flt[((i * f[1] + j) * groupChannels + k) * f[3] + o]);
                }
              }
          }
  };
  if (result.isFloat())
    scatter(input.floats(), filter.floats(), result.floats(),
            [](double acc, double x, double y) { return acc + x * y; });
  else
    scatter(input.ints(), filter.ints(), result.ints(), [](int64_t acc, int64_t x, int64_t y) {
      return static_cast<int64_t>(static_cast<uint64_t>(acc) +
                                  static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
    });
  return result;
}

namespace {

/// Calls `visit(inputIndex)` for each in-bounds element of every pooling window and
/// `finish(resultIndex, count)` after each window, `count` being how many it visited.
template <typename PoolOp, typename Visit, typename Finish>
void forEachPoolWindow(PoolOp op, const RefTensor &input, const RefTensor &result, Visit visit,
                       Finish finish) {
  SmallVector<int64_t> strides = op.getStridesOrWindow();
  Window w =
      windowOf(input.getShape(), result.getShape(), op.getWindow(), strides, op.getPadding());
  int64_t at = 0;
  for (int64_t n = 0; n < w.batch; ++n)
    for (int64_t oh = 0; oh < w.outHeight; ++oh)
      for (int64_t ow = 0; ow < w.outWidth; ++ow)
        for (int64_t ch = 0; ch < w.channels; ++ch) {
          int64_t count = 0;
          for (int64_t kh = 0; kh < w.kernelHeight; ++kh)
            for (int64_t kw = 0; kw < w.kernelWidth; ++kw) {
              int64_t r = w.row(oh, kh), c = w.col(ow, kw);
              if (!w.inside(r, c))
                continue;
              visit(at, w.inputAt(n, r, c, ch));
              ++count;
            }
          finish(at++, count);
        }
}

} // namespace

/// The maximum of each window's in-bounds elements; NaN propagates as in kiln.max.
FailureOr<RefTensor> evaluateMaxPool2D(MaxPool2DOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  RefTensor result(op.getType());
  // The verifier keeps padding below the window, so every window holds an input element.
  if (result.isFloat()) {
    llvm::fill(result.floats(), -INFINITY);
    forEachPoolWindow(
        op, input, result,
        [&](int64_t out, int64_t in) {
          result.floats()[out] = ieeeMaximum(result.floats()[out], input.floats()[in]);
        },
        [](int64_t, int64_t) {});
  } else {
    llvm::fill(result.ints(), intTypeMin(result.getElementType()));
    forEachPoolWindow(
        op, input, result,
        [&](int64_t out, int64_t in) {
          result.ints()[out] = std::max(result.ints()[out], input.ints()[in]);
        },
        [](int64_t, int64_t) {});
  }
  return result;
}

/// The sum of each window's in-bounds elements divided by their count.
FailureOr<RefTensor> evaluateAvgPool2D(AvgPool2DOp op, Operands operands) {
  const RefTensor &input = *operands[0];
  RefTensor result(op.getType());
  forEachPoolWindow(
      op, input, result,
      [&](int64_t out, int64_t in) { result.floats()[out] += input.floats()[in]; },
      [&](int64_t out, int64_t count) { result.floats()[out] /= static_cast<double>(count); });
  return result;
}

} // namespace kiln::interp
