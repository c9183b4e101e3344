//===- Convolution.cpp - conv2d and pooling to linalg named ops -----------===//
//
// Padding becomes a tensor.pad in front of linalg's NHWC convolution and pooling ops, so the
// named ops (which later tiling and vectorization know) see only valid windows. f32
// convolutions become a matrix product instead (convolveAsMatmul); grouped ones a generic
// (convolveGrouped).
//
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace kiln {
namespace {

/// Pads the H and W dimensions of an NHWC tensor by `padding` = [top, bottom, left, right].
Value padSpatial(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> padding,
                 TypedAttr value) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> low = {0, padding[0], padding[2], 0};
  SmallVector<int64_t> high = {0, padding[1], padding[3], 0};
  SmallVector<int64_t> shape(type.getShape());
  for (int d = 1; d < 3; ++d)
    shape[d] += low[d] + high[d];
  Value padValue = arith::ConstantOp::create(b, loc, value);
  return tensor::PadOp::create(b, loc, RankedTensorType::get(shape, type.getElementType()), input,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high), padValue);
}

/// Rounds an accumulator tensor to the result's element type (f32 -> f16/bf16) if they differ.
Value toResultType(OpBuilder &b, Location loc, Value acc, RankedTensorType resultType) {
  if (acc.getType() == resultType)
    return acc;
  return buildParallelGeneric(b, loc, resultType, acc,
                              {b.getMultiDimIdentityMap(resultType.getRank())},
                              [&](OpBuilder &nb, Location l, ValueRange args) {
                                return convertScalar(nb, l, args[0], resultType.getElementType());
                              });
}

/// im2col's copy: columns[n, y, x, i, j, ch] = padded[n, y * sh + i * dh, x * sw + j * dw, ch].
Value windowColumns(OpBuilder &b, Location loc, Conv2DOp op, Value padded) {
  RankedTensorType resultType = op.getType();
  auto filterType = cast<RankedTensorType>(op.getFilter().getType());
  int64_t n = resultType.getDimSize(0), oh = resultType.getDimSize(1),
          ow = resultType.getDimSize(2);
  int64_t kh = filterType.getDimSize(0), kw = filterType.getDimSize(1),
          c = filterType.getDimSize(2);
  ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
  MLIRContext *ctx = b.getContext();
  AffineExpr dn, dy, dx, di, dj, dc;
  bindDims(ctx, dn, dy, dx, di, dj, dc);
  auto window = AffineMap::get(
      6, 0, {dn, dy * strides[0] + di * dilations[0], dx * strides[1] + dj * dilations[1], dc},
      ctx);
  auto columnsType = RankedTensorType::get({n, oh, ow, kh, kw, c}, resultType.getElementType());
  return buildParallelGeneric(b, loc, columnsType, padded, {window},
                              [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// f32 convolution as a matrix product (im2col): the windows of the padded input are copied
/// into a [N*OH*OW, KH*KW*C] matrix, which multiplies the filter seen as [KH*KW*C, F]. The
/// product then runs on the packed matmul micro-kernel (kiln-packed-matmul); the copy costs
/// one pass over KH*KW times the input, far less than the convolution's loops lose without
/// register blocking. A 1x1 convolution at stride 1 needs no copy: the input is the matrix.
Value convolveAsMatmul(OpBuilder &b, Location loc, Conv2DOp op, Value padded) {
  RankedTensorType resultType = op.getType();
  auto filterType = cast<RankedTensorType>(op.getFilter().getType());
  int64_t n = resultType.getDimSize(0), oh = resultType.getDimSize(1),
          ow = resultType.getDimSize(2), f = resultType.getDimSize(3);
  int64_t kh = filterType.getDimSize(0), kw = filterType.getDimSize(1),
          c = filterType.getDimSize(2);
  ArrayRef<int64_t> strides = op.getStrides();
  Type element = resultType.getElementType();

  auto matrix = [&](Value v, int64_t rows, int64_t cols,
                    ArrayRef<ReassociationIndices> groups) -> Value {
    return tensor::CollapseShapeOp::create(b, loc, RankedTensorType::get({rows, cols}, element), v,
                                           groups);
  };
  Value lhs;
  if (kh == 1 && kw == 1 && strides[0] == 1 && strides[1] == 1) {
    // A 1x1 window at stride 1 is the padded input itself: [N*H*W, C] without a copy.
    lhs = matrix(padded, n * oh * ow, c, {{0, 1, 2}, {3}});
  } else {
    lhs =
        matrix(windowColumns(b, loc, op, padded), n * oh * ow, kh * kw * c, {{0, 1, 2}, {3, 4, 5}});
  }
  Value rhs = matrix(op.getFilter(), kh * kw * c, f, {{0, 1, 2}, {3}});
  Value init = buildFilled(b, loc, {n * oh * ow, f}, cast<TypedAttr>(b.getZeroAttr(element)));
  Value product = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
                                           ValueRange{init})
                      .getResult(0);
  return tensor::ExpandShapeOp::create(b, loc, resultType, product,
                                       ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
}

/// A grouped convolution (groups > 1, depthwise included) as one generic over
/// (n, y, x, i, j, k, g, f): out[n, y, x, g, f] += in[n, y*sh + i*dh, x*sw + j*dw, g*Cg + k] *
/// filter[i, j, k, g, f], with the filter's O = G x Fg output channels split into (g, f) and the
/// result's joined again. The group and its output channels iterate innermost: the input,
/// filter and result are contiguous along them (a depthwise convolution's channels), which is
/// where LLVM vectorizes the loops. Linalg has no NHWC/HWIO grouped convolution to use instead
/// (its grouped ops take other layouts).
Value convolveGrouped(OpBuilder &b, Location loc, Conv2DOp op, Value padded, Type acc) {
  RankedTensorType resultType = op.getType();
  auto filterType = cast<RankedTensorType>(op.getFilter().getType());
  int64_t groups = op.getGroups();
  int64_t kh = filterType.getDimSize(0), kw = filterType.getDimSize(1),
          groupChannels = filterType.getDimSize(2), outPerGroup = filterType.getDimSize(3) / groups;
  SmallVector<int64_t> outShape(resultType.getShape().take_front(3));
  outShape.append({groups, outPerGroup});
  Value filter = tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get({kh, kw, groupChannels, groups, outPerGroup},
                            filterType.getElementType()),
      op.getFilter(), ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});

  MLIRContext *ctx = b.getContext();
  AffineExpr dn, dy, dx, di, dj, dk, dg, df;
  bindDims(ctx, dn, dy, dx, di, dj, dk, dg, df);
  ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
  SmallVector<AffineMap> maps = {
      AffineMap::get(8, 0,
                     {dn, dy * strides[0] + di * dilations[0], dx * strides[1] + dj * dilations[1],
                      dg * groupChannels + dk},
                     ctx),
      AffineMap::get(8, 0, {di, dj, dk, dg, df}, ctx),
      AffineMap::get(8, 0, {dn, dy, dx, dg, df}, ctx)};
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {IteratorType::parallel,  IteratorType::parallel,
                                         IteratorType::parallel,  IteratorType::reduction,
                                         IteratorType::reduction, IteratorType::reduction,
                                         IteratorType::parallel,  IteratorType::parallel};
  Value init = buildFilled(b, loc, outShape, cast<TypedAttr>(b.getZeroAttr(acc)));
  bool isFloat = isa<FloatType>(acc);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{padded, filter}, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = convertScalar(nb, l, args[0], acc), w = convertScalar(nb, l, args[1], acc);
        Value sum = isFloat
                        ? arith::AddFOp::create(nb, l, args[2], arith::MulFOp::create(nb, l, x, w))
                              .getResult()
                        : arith::AddIOp::create(nb, l, args[2], arith::MulIOp::create(nb, l, x, w))
                              .getResult();
        linalg::YieldOp::create(nb, l, sum);
      });
  Value joined = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(resultType.getShape(), acc), generic.getResult(0),
      ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  return toResultType(b, loc, joined, resultType);
}

/// An f32 depthwise convolution (one filter per channel, groups = C) as linalg's named
/// depthwise_conv_2d_nhwc_hwc, which kiln-depthwise-conv gives a register-blocked kernel on
/// the CPU; other targets lower it as any linalg op.
Value convolveDepthwise(OpBuilder &b, Location loc, Conv2DOp op, Value padded) {
  RankedTensorType resultType = op.getType();
  auto filterType = cast<RankedTensorType>(op.getFilter().getType());
  int64_t kh = filterType.getDimSize(0), kw = filterType.getDimSize(1),
          channels = filterType.getDimSize(3);
  Value filter = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({kh, kw, channels}, filterType.getElementType()),
      op.getFilter(), ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}});
  Value init =
      buildFilled(b, loc, resultType.getShape(), cast<TypedAttr>(b.getZeroAttr(b.getF32Type())));
  return linalg::DepthwiseConv2DNhwcHwcOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{padded, filter}, ValueRange{init},
             b.getI64TensorAttr(op.getStrides()), b.getI64TensorAttr(op.getDilations()))
      .getResult(0);
}

bool isDepthwiseF32(Conv2DOp op) {
  auto filterType = cast<RankedTensorType>(op.getFilter().getType());
  return op.getType().getElementType().isF32() && filterType.getDimSize(2) == 1 &&
         filterType.getDimSize(3) == static_cast<int64_t>(op.getGroups());
}

struct Conv2DOpLowering : public OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type element = op.getInput().getType().getElementType();
    Type acc = computeType(resultType.getElementType());
    Value input = padSpatial(rewriter, loc, op.getInput(), op.getPadding(),
                             cast<TypedAttr>(rewriter.getZeroAttr(element)));
    if (op.getGroups() > 1 && isDepthwiseF32(op)) {
      rewriter.replaceOp(op, convolveDepthwise(rewriter, loc, op, input));
      return success();
    }
    if (op.getGroups() > 1) {
      rewriter.replaceOp(op, convolveGrouped(rewriter, loc, op, input, acc));
      return success();
    }
    if (element.isF32()) {
      rewriter.replaceOp(op, convolveAsMatmul(rewriter, loc, op, input));
      return success();
    }
    Value init = buildFilled(rewriter, loc, resultType.getShape(),
                             cast<TypedAttr>(rewriter.getZeroAttr(acc)));
    // The named op extends both operands to the accumulator's type (sign-extends i8 to i32).
    auto conv = linalg::Conv2DNhwcHwcfOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{input, op.getFilter()},
        ValueRange{init}, rewriter.getI64TensorAttr(op.getStrides()),
        rewriter.getI64TensorAttr(op.getDilations()));
    rewriter.replaceOp(op, toResultType(rewriter, loc, conv.getResult(0), resultType));
    return success();
  }
};

/// `index * stride + tap - padLow`, clamped into [0, size).
Value clampedTap(OpBuilder &b, Location loc, Value index, Value tap, int64_t stride, int64_t padLow,
                 int64_t size) {
  auto constant = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value start = arith::MulIOp::create(b, loc, index, constant(stride));
  Value at =
      arith::SubIOp::create(b, loc, arith::AddIOp::create(b, loc, start, tap), constant(padLow));
  Value low = arith::MaxSIOp::create(b, loc, at, constant(0));
  return arith::MinSIOp::create(b, loc, low, constant(size - 1));
}

/// The larger of `a` and `b`: NaN-propagating for floats, signed for integers (what linalg's
/// pooling op computes).
Value maxOf(OpBuilder &b, Location loc, Value a, Value c) {
  if (isa<FloatType>(a.getType()))
    return arith::MaximumFOp::create(b, loc, a, c);
  return arith::MaxSIOp::create(b, loc, a, c);
}

/// Windows of at most this many taps have them unrolled in one generic over the output.
constexpr int64_t kUnrolledPoolTaps = 25;

/// Max pooling with the channels innermost, where they are contiguous and LLVM vectorizes
/// them. Each tap reads the input at its row and column clamped into the input: a tap in the
/// padding reads an element of its own window again (the verifier leaves every window a real
/// element, and clamping lands on the nearest one), which cannot change the maximum, so no
/// padded copy of the input is made. A small window (ResNet's 3x3) is one generic over the
/// output whose payload takes the maximum of its taps, unrolled: each output vector is written
/// once, with no -inf fill and no reload per tap. A larger one is a generic over (n, y, x, i,
/// j, c) that reduces into an output filled with the lowest value. Why not linalg's pooling
/// op: it needs the padded copy, and its window loops are innermost, so it runs scalar
/// (ResNet-50's max pool took 7.7 ms at batch 8 on 2 threads; 2.6 with the reduction form).
struct MaxPool2DOpLowering : public OpRewritePattern<MaxPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2DOp op, PatternRewriter &rewriter) const override {
    ArrayRef<int64_t> window = op.getWindow();
    Value pool = window[0] * window[1] <= kUnrolledPoolTaps ? poolUnrolled(rewriter, op)
                                                            : poolReduction(rewriter, op);
    rewriter.replaceOp(op, pool);
    return success();
  }

private:
  /// The input element of tap (i, j) of the window of output (n, y, x, c).
  static Value tapValue(OpBuilder &b, Location loc, MaxPool2DOp op, Value n, Value y, Value x,
                        Value i, Value j, Value c) {
    ArrayRef<int64_t> inputShape = op.getInput().getType().getShape();
    ArrayRef<int64_t> padding = op.getPadding();
    SmallVector<int64_t> strides = op.getStridesOrWindow();
    Value row = clampedTap(b, loc, y, i, strides[0], padding[0], inputShape[1]);
    Value col = clampedTap(b, loc, x, j, strides[1], padding[2], inputShape[2]);
    return tensor::ExtractOp::create(b, loc, op.getInput(), ValueRange{n, row, col, c});
  }

  static Value poolUnrolled(PatternRewriter &rewriter, MaxPool2DOp op) {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    ArrayRef<int64_t> window = op.getWindow();
    return buildParallelGeneric(
        rewriter, loc, type, ValueRange{}, {}, [&](OpBuilder &b, Location l, ValueRange) {
          auto dim = [&](int64_t d) { return linalg::IndexOp::create(b, l, d); };
          auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, l, v); };
          Value n = dim(0), y = dim(1), x = dim(2), c = dim(3);
          SmallVector<Value> taps;
          for (int64_t i = 0; i < window[0]; ++i)
            for (int64_t j = 0; j < window[1]; ++j)
              taps.push_back(tapValue(b, l, op, n, y, x, index(i), index(j), c));
          // Pairwise, so that the maxima form a tree of depth log2(taps) rather than a chain:
          // a NaN-propagating maximum is several instructions deep.
          while (taps.size() > 1) {
            SmallVector<Value> next;
            for (size_t t = 0; t + 1 < taps.size(); t += 2)
              next.push_back(maxOf(b, l, taps[t], taps[t + 1]));
            if (taps.size() % 2)
              next.push_back(taps.back());
            taps = std::move(next);
          }
          return taps.front();
        });
  }

  static Value poolReduction(PatternRewriter &rewriter, MaxPool2DOp op) {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type element = type.getElementType();
    Value init = buildFilled(rewriter, loc, type.getShape(),
                             extremeValue(rewriter, element, /*lowest=*/true));
    Value window = tensor::EmptyOp::create(rewriter, loc, op.getWindow(), element);
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr dn, dy, dx, di, dj, dc;
    bindDims(ctx, dn, dy, dx, di, dj, dc);
    SmallVector<AffineMap> maps = {AffineMap::get(6, 0, {di, dj}, ctx),
                                   AffineMap::get(6, 0, {dn, dy, dx, dc}, ctx)};
    using utils::IteratorType;
    SmallVector<IteratorType> iterators = {IteratorType::parallel,  IteratorType::parallel,
                                           IteratorType::parallel,  IteratorType::reduction,
                                           IteratorType::reduction, IteratorType::parallel};
    auto pool = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{window}, ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto dim = [&](int64_t d) { return linalg::IndexOp::create(b, l, d); };
          Value value = tapValue(b, l, op, dim(0), dim(1), dim(2), dim(3), dim(4), dim(5));
          linalg::YieldOp::create(b, l, maxOf(b, l, args[1], value));
        });
    return pool.getResult(0);
  }
};

/// The number of rows (or columns) of window `index` that lie inside the unpadded input.
Value inBoundsCount(OpBuilder &b, Location loc, Value index, int64_t stride, int64_t padLow,
                    int64_t window, int64_t size) {
  auto constant = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value start = arith::SubIOp::create(
      b, loc, arith::MulIOp::create(b, loc, index, constant(stride)), constant(padLow));
  Value end = arith::AddIOp::create(b, loc, start, constant(window));
  Value first = arith::MaxSIOp::create(b, loc, start, constant(0));
  Value last = arith::MinSIOp::create(b, loc, end, constant(size));
  return arith::SubIOp::create(b, loc, last, first);
}

/// Average pooling sums zero-padded windows, then divides each by its count of in-bounds
/// elements, computed from the output position.
struct AvgPool2DOpLowering : public OpRewritePattern<AvgPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPool2DOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type element = type.getElementType();
    Type acc = computeType(element);
    auto inputType = op.getInput().getType();
    ArrayRef<int64_t> window = op.getWindow(), padding = op.getPadding();
    SmallVector<int64_t> strides = op.getStridesOrWindow();
    Value input = padSpatial(rewriter, loc, op.getInput(), padding,
                             cast<TypedAttr>(rewriter.getZeroAttr(element)));
    Value init =
        buildFilled(rewriter, loc, type.getShape(), cast<TypedAttr>(rewriter.getZeroAttr(acc)));
    Value windowShape = tensor::EmptyOp::create(rewriter, loc, window, element);
    Value sums = linalg::PoolingNhwcSumOp::create(rewriter, loc, TypeRange{init.getType()},
                                                  ValueRange{input, windowShape}, ValueRange{init},
                                                  rewriter.getI64TensorAttr(strides),
                                                  rewriter.getI64TensorAttr({1, 1}))
                     .getResult(0);
    Value result = buildParallelGeneric(
        rewriter, loc, type, sums, {rewriter.getMultiDimIdentityMap(4)},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value rows = inBoundsCount(b, l, linalg::IndexOp::create(b, l, 1), strides[0], padding[0],
                                     window[0], inputType.getDimSize(1));
          Value cols = inBoundsCount(b, l, linalg::IndexOp::create(b, l, 2), strides[1], padding[2],
                                     window[1], inputType.getDimSize(2));
          Value count = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                                   arith::MulIOp::create(b, l, rows, cols));
          Value divisor = arith::SIToFPOp::create(b, l, acc, count);
          return convertScalar(b, l, arith::DivFOp::create(b, l, args[0], divisor), element);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateConvolutionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DOpLowering, MaxPool2DOpLowering, AvgPool2DOpLowering>(patterns.getContext());
}

} // namespace kiln
