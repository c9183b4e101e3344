//===- ConvTranspose.cpp - conv_transpose2d as one conv2d per stride phase ===//
//
// A transposed convolution with strides (sh, sw) splits into sh * sw ordinary convolutions, one
// per phase (result row mod sh, column mod sw): the result rows of one phase are reached only
// by the filter taps whose offsets agree with it modulo the stride, and they reach them from
// consecutive input rows. So each phase is a stride-1 kiln.conv2d of the input with the
// flipped sub-filter of its taps, inserted into the result with the strides. This does exactly
// the transposed convolution's multiplications (spreading the input with zeros and convolving
// would do sh * sw times as many) and reuses every conv2d lowering (im2col onto the packed
// matmul for f32, the grouped generic). Linalg has no transposed convolution to lower to.
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <optional>

using namespace mlir;

namespace kiln {
namespace {

/// The convolution that computes one phase of one spatial axis.
struct AxisPhase {
  int64_t phase;      // first result position of the phase; the others follow by the stride
  int64_t count;      // result positions in the phase
  int64_t firstTap;   // the filter tap of the sub-filter's position 0 (the phase's last tap)
  int64_t tapStep;    // sub-filter position j is filter tap firstTap - j * tapStep
  int64_t taps;       // sub-filter size
  int64_t dilation;   // input rows between consecutive sub-filter taps
  int64_t sliceStart; // the input rows the phase reads...
  int64_t sliceSize;
  int64_t padLow; // ...and the zeros around them
  int64_t padHigh;
};

int64_t floorMod(int64_t value, int64_t modulus) { return ((value % modulus) + modulus) % modulus; }

/// Plans phase `phase` of an axis of `inputSize` rows, `window` taps, and a result of
/// `resultSize` rows cropped by `padLow`; nullopt when no input row reaches it (it is zero).
/// Result row `phase + stride * t` is the full result's row `u = phase + padLow + stride * t`,
/// which input row `y` reaches through tap `i` when `y * stride + i * dilation = u`: the taps
/// with `i * dilation = phase + padLow (mod stride)`, from row `t + (phase + padLow - i *
/// dilation) / stride`.
std::optional<AxisPhase> planPhase(int64_t phase, int64_t resultSize, int64_t inputSize,
                                   int64_t window, int64_t stride, int64_t dilation,
                                   int64_t padLow) {
  SmallVector<int64_t> taps;
  for (int64_t i = window - 1; i >= 0; --i)
    if (floorMod(phase + padLow - i * dilation, stride) == 0)
      taps.push_back(i);
  if (taps.empty())
    return std::nullopt;
  auto rowOffset = [&](int64_t tap) { return (phase + padLow - tap * dilation) / stride; };
  AxisPhase plan;
  plan.phase = phase;
  plan.count = (resultSize - phase + stride - 1) / stride;
  plan.firstTap = taps.front();
  plan.taps = taps.size();
  plan.tapStep = taps.size() > 1 ? taps[0] - taps[1] : 1;
  plan.dilation = taps.size() > 1 ? rowOffset(taps[1]) - rowOffset(taps[0]) : 1;
  int64_t start = rowOffset(taps.front());
  int64_t end = start + plan.count - 1 + (plan.taps - 1) * plan.dilation + 1;
  int64_t first = std::max<int64_t>(start, 0), last = std::min(end, inputSize);
  if (first >= last)
    return std::nullopt;
  plan.sliceStart = first;
  plan.sliceSize = last - first;
  plan.padLow = first - start;
  plan.padHigh = end - last;
  return plan;
}

/// The sub-filter of a phase: taps `rows.firstTap - j * rows.tapStep` by
/// `cols.firstTap - i * cols.tapStep`, which flips the filter in both axes.
Value subFilter(OpBuilder &b, Location loc, Value filter, const AxisPhase &rows,
                const AxisPhase &cols) {
  auto type = cast<RankedTensorType>(filter.getType());
  MLIRContext *ctx = b.getContext();
  AffineExpr j, i, c, o;
  bindDims(ctx, j, i, c, o);
  AffineMap taps = AffineMap::get(
      4, 0, {rows.firstTap - j * rows.tapStep, cols.firstTap - i * cols.tapStep, c, o}, ctx);
  auto subType = RankedTensorType::get(
      {rows.taps, cols.taps, type.getDimSize(2), type.getDimSize(3)}, type.getElementType());
  return buildParallelGeneric(b, loc, subType, filter, {taps},
                              [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

struct ConvTranspose2DOpLowering : public OpRewritePattern<ConvTranspose2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvTranspose2DOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      padding = op.getPadding();
    int64_t batch = type.getDimSize(0), channels = inputType.getDimSize(3),
            outChannels = type.getDimSize(3);
    // tensor.extract_slice has no offset into a dimension of size 0.
    if (type.getNumElements() == 0 || inputType.getNumElements() == 0) {
      rewriter.replaceOp(op,
                         buildFilled(rewriter, loc, type.getShape(),
                                     cast<TypedAttr>(rewriter.getZeroAttr(type.getElementType()))));
      return success();
    }

    std::array<SmallVector<AxisPhase>, 2> phases;
    bool someZero = false;
    for (int d = 0; d < 2; ++d)
      for (int64_t p = 0; p < std::min(strides[d], type.getDimSize(1 + d)); ++p) {
        std::optional<AxisPhase> plan =
            planPhase(p, type.getDimSize(1 + d), inputType.getDimSize(1 + d),
                      filterType.getDimSize(d), strides[d], dilations[d], padding[2 * d]);
        if (plan)
          phases[d].push_back(*plan);
        else
          someZero = true;
      }

    Value result =
        someZero ? buildFilled(rewriter, loc, type.getShape(),
                               cast<TypedAttr>(rewriter.getZeroAttr(type.getElementType())))
                 : tensor::EmptyOp::create(rewriter, loc, type.getShape(), type.getElementType())
                       .getResult();
    for (const AxisPhase &rows : phases[0])
      for (const AxisPhase &cols : phases[1]) {
        Value input = tensor::ExtractSliceOp::create(
            rewriter, loc, op.getInput(),
            getAsIndexOpFoldResult(ctx, {0, rows.sliceStart, cols.sliceStart, 0}),
            getAsIndexOpFoldResult(ctx, {batch, rows.sliceSize, cols.sliceSize, channels}),
            getAsIndexOpFoldResult(ctx, {1, 1, 1, 1}));
        auto phaseType = RankedTensorType::get({batch, rows.count, cols.count, outChannels},
                                               type.getElementType());
        Value conv = Conv2DOp::create(
            rewriter, loc, phaseType, input, subFilter(rewriter, loc, op.getFilter(), rows, cols),
            rewriter.getDenseI64ArrayAttr({1, 1}),
            rewriter.getDenseI64ArrayAttr({rows.padLow, rows.padHigh, cols.padLow, cols.padHigh}),
            rewriter.getDenseI64ArrayAttr({rows.dilation, cols.dilation}), op.getGroupsAttr());
        result = tensor::InsertSliceOp::create(
            rewriter, loc, conv, result,
            getAsIndexOpFoldResult(ctx, {0, rows.phase, cols.phase, 0}),
            getAsIndexOpFoldResult(ctx, {batch, rows.count, cols.count, outChannels}),
            getAsIndexOpFoldResult(ctx, {1, strides[0], strides[1], 1}));
      }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateConvTransposeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvTranspose2DOpLowering>(patterns.getContext());
}

} // namespace kiln
