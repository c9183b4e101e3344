//===- DepthwiseConv.cpp - The kiln-depthwise-conv pass -------------------===//
//
// A depthwise convolution does KH x KW multiply-adds per output element, so it lives or dies
// by where its sums are kept. Lowered as linalg's loops, the window loops sit outside the
// channel loop that LLVM vectorizes, and every tap reads and writes the output again. Here the
// sums of a block of output pixels, one vector of channels each, stay in registers across the
// whole window and are stored once.
//
// Why not linalg's conv decomposition and vectorizer: they need the convolution tiled to one
// output row and one filter row first (the transform dialect or a tiling driver per op) and
// give a 1-D kernel whose shape we would then have to trust to MLIR 22's vectorizer; the
// kernel below is small and its shape is the one we measure.
//
//===----------------------------------------------------------------------===//
#include "ZeroFill.h"
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace kiln {
#define GEN_PASS_DEF_KILNDEPTHWISECONV
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// The sizes of one depthwise convolution, all static.
struct DepthwiseShape {
  int64_t batch, outHeight, outWidth, channels;
  int64_t kernelHeight, kernelWidth;
  int64_t strideH, strideW, dilationH, dilationW;
};

/// Output pixels whose sums are kept in registers together: the most (up to 8) that divide
/// the output width, so that no block is ragged.
int64_t pixelBlock(int64_t width) {
  for (int64_t block = 8; block > 1; --block)
    if (width % block == 0)
      return block;
  return 1;
}

class DepthwiseEmitter {
public:
  DepthwiseEmitter(ImplicitLocOpBuilder &b, const DepthwiseShape &s, int64_t lanes, Value input,
                   Value filter, Value output, bool zeroOutput)
      : b(b), s(s), lanes(lanes), block(pixelBlock(s.outWidth)), input(input), filter(filter),
        output(output), zeroOutput(zeroOutput),
        vectorType(VectorType::get({lanes}, b.getF32Type())),
        channelsInBounds(s.channels % lanes == 0) {}

  /// One parallel iteration per output row (n, y); inside, pixel blocks by channel vectors.
  void emit() {
    auto rows = scf::ParallelOp::create(b, ValueRange{index(0), index(0)},
                                        ValueRange{index(s.batch), index(s.outHeight)},
                                        ValueRange{index(1), index(1)});
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(rows.getBody());
    Value n = rows.getInductionVars()[0], y = rows.getInductionVars()[1];
    forLoop(0, s.outWidth, block, [&](Value x0) {
      forLoop(0, s.channels, lanes, [&](Value c) { emitTile(n, y, x0, c); });
    });
  }

private:
  /// The sums of pixels [x0, x0 + block) of row (n, y), channels [c, c + lanes).
  void emitTile(Value n, Value y, Value x0, Value c) {
    SmallVector<Value> sums;
    for (int64_t p = 0; p < block; ++p)
      sums.push_back(zeroOutput ? zeroVector() : readVector(output, {n, y, pixel(x0, p), c}));
    auto rowsLoop = scf::ForOp::create(b, index(0), index(s.kernelHeight), index(1), sums);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(rowsLoop.getBody());
      Value i = rowsLoop.getInductionVar();
      Value inputRow = add(mul(y, s.strideH), mul(i, s.dilationH));
      auto tapsLoop = scf::ForOp::create(b, index(0), index(s.kernelWidth), index(1),
                                         rowsLoop.getRegionIterArgs());
      {
        OpBuilder::InsertionGuard inner(b);
        b.setInsertionPointToStart(tapsLoop.getBody());
        Value j = tapsLoop.getInductionVar();
        Value weights = readVector(filter, {i, j, c});
        SmallVector<Value> next;
        for (int64_t p = 0; p < block; ++p) {
          Value inputColumn = add(mul(pixel(x0, p), s.strideW), mul(j, s.dilationW));
          Value values = readVector(input, {n, inputRow, inputColumn, c});
          next.push_back(vector::FMAOp::create(b, values, weights, tapsLoop.getRegionIterArg(p)));
        }
        scf::YieldOp::create(b, next);
      }
      scf::YieldOp::create(b, tapsLoop.getResults());
    }
    for (int64_t p = 0; p < block; ++p)
      vector::TransferWriteOp::create(b, rowsLoop.getResult(p), output,
                                      ValueRange{n, y, pixel(x0, p), c},
                                      ArrayRef<bool>{channelsInBounds});
  }

  /// `lanes` channels at `indices` (the channel last), zero past the last channel.
  Value readVector(Value buffer, ArrayRef<Value> indices) {
    Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0));
    return vector::TransferReadOp::create(b, vectorType, buffer, indices, zero,
                                          ArrayRef<bool>{channelsInBounds});
  }

  Value zeroVector() {
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(vectorType, b.getZeroAttr(b.getF32Type())));
  }

  Value pixel(Value x0, int64_t p) { return add(x0, index(p)); }
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value mul(Value x, int64_t y) { return arith::MulIOp::create(b, x, index(y)); }

  void forLoop(int64_t lb, int64_t ub, int64_t step, function_ref<void(Value)> body) {
    auto loop = scf::ForOp::create(b, index(lb), index(ub), index(step));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVar());
  }

  ImplicitLocOpBuilder &b;
  const DepthwiseShape &s;
  int64_t lanes, block;
  Value input, filter, output;
  bool zeroOutput;
  VectorType vectorType;
  bool channelsInBounds;
};

bool isStaticF32Buffer(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  return type && type.hasStaticShape() && type.getLayout().isIdentity() &&
         type.getElementType().isF32();
}

std::optional<DepthwiseShape> matchDepthwise(linalg::DepthwiseConv2DNhwcHwcOp op) {
  if (!op.hasPureBufferSemantics() ||
      !llvm::all_of(op->getOperands(), [](Value v) { return isStaticF32Buffer(v); }))
    return std::nullopt;
  ArrayRef<int64_t> out = cast<MemRefType>(op.getDpsInits()[0].getType()).getShape();
  ArrayRef<int64_t> kernel = cast<MemRefType>(op.getDpsInputs()[1].getType()).getShape();
  auto strides = llvm::to_vector(op.getStrides().getValues<int64_t>());
  auto dilations = llvm::to_vector(op.getDilations().getValues<int64_t>());
  return DepthwiseShape{out[0],    out[1],     out[2],     out[3],       kernel[0],
                        kernel[1], strides[0], strides[1], dilations[0], dilations[1]};
}

struct KilnDepthwiseConvPass : public impl::KilnDepthwiseConvBase<KilnDepthwiseConvPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::DepthwiseConv2DNhwcHwcOp> convolutions;
    getOperation()->walk([&](linalg::DepthwiseConv2DNhwcHwcOp op) {
      if (matchDepthwise(op))
        convolutions.push_back(op);
    });
    for (linalg::DepthwiseConv2DNhwcHwcOp op : convolutions) {
      DepthwiseShape shape = *matchDepthwise(op);
      Value output = op.getDpsInits()[0];
      linalg::FillOp zeroFill = findZeroFill(op, output);
      ImplicitLocOpBuilder builder(op.getLoc(), op);
      DepthwiseEmitter(builder, shape, vectorBits / 32, op.getDpsInputs()[0], op.getDpsInputs()[1],
                       output, static_cast<bool>(zeroFill))
          .emit();
      op->erase();
      if (zeroFill)
        zeroFill.erase();
    }
  }
};

} // namespace
} // namespace kiln
