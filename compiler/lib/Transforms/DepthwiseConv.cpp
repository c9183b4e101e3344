//===- DepthwiseConv.cpp - The kiln-depthwise-conv pass -------------------===//
//
// A depthwise convolution does KH x KW multiply-adds per output element, so it lives or dies
// by where its sums are kept. Lowered as linalg's loops, the window loops sit outside the
// channel loop that LLVM vectorizes, and every tap reads and writes the output again. Here the
// sums of a block of output pixels, one vector of channels each, stay in registers across the
// whole window and are stored once, through the elementwise generic that follows (bias,
// activation: MatmulEpilogue.h) when there is one.
//
// Its input is usually a zero-padded copy of the previous layer's output, which costs a fill
// and a copy of the whole tensor per call. When the padded buffer is only that (a zero fill,
// then a copy into its interior), the kernel reads the unpadded tensor instead: taps outside it
// add nothing, rows by a branch per filter row, columns by a select in the blocks at the edges.
//
// Why not linalg's conv decomposition and vectorizer: they need the convolution tiled to one
// output row and one filter row first (the transform dialect or a tiling driver per op) and
// give a 1-D kernel whose shape we would then have to trust to MLIR 22's vectorizer; the
// kernel below is small and its shape is the one we measure.
//
//===----------------------------------------------------------------------===//
#include "MatmulEpilogue.h"
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
  DepthwiseEmitter(ImplicitLocOpBuilder &b, const DepthwiseShape &s, int64_t lanes,
                   const InputWindow &in, Value filter, Value output, bool zeroOutput,
                   std::optional<MatmulEpilogue> epilogue)
      : b(b), s(s), lanes(lanes), block(pixelBlock(s.outWidth)), in(in), filter(filter),
        output(output), zeroOutput(zeroOutput), epilogue(std::move(epilogue)),
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
      forLoop(0, s.channels, lanes, [&](Value c) {
        if (in.left == 0 && !reachesRightEdge()) {
          emitTile(n, y, x0, c, /*checkColumns=*/false);
          return;
        }
        // Only the blocks at the left and right edges read columns outside the input.
        auto inside = scf::IfOp::create(b, blockInside(x0), /*withElseRegion=*/true);
        OpBuilder::InsertionGuard branch(b);
        b.setInsertionPointToStart(inside.thenBlock());
        emitTile(n, y, x0, c, /*checkColumns=*/false);
        b.setInsertionPointToStart(inside.elseBlock());
        emitTile(n, y, x0, c, /*checkColumns=*/true);
      });
    });
  }

private:
  /// Whether some window starts above the input or ends below it (padding at the top or the
  /// bottom).
  bool rowsLeaveInput() const {
    return in.top > 0 ||
           (s.outHeight - 1) * s.strideH + (s.kernelHeight - 1) * s.dilationH - in.top >= in.height;
  }

  /// Whether the last output column's window passes the input's right edge.
  bool reachesRightEdge() const {
    return (s.outWidth - 1) * s.strideW + (s.kernelWidth - 1) * s.dilationW - in.left >= in.width;
  }

  /// Whether the windows of pixels [x0, x0 + block) lie within the input's columns.
  Value blockInside(Value x0) {
    Value first = sub(mul(x0, s.strideW), index(in.left));
    Value last = add(first, index((block - 1) * s.strideW + (s.kernelWidth - 1) * s.dilationW));
    Value fromLeft = arith::CmpIOp::create(b, arith::CmpIPredicate::sge, first, index(0));
    Value toRight = arith::CmpIOp::create(b, arith::CmpIPredicate::slt, last, index(in.width));
    return arith::AndIOp::create(b, fromLeft, toRight);
  }

  /// The sums of pixels [x0, x0 + block) of row (n, y), channels [c, c + lanes).
  void emitTile(Value n, Value y, Value x0, Value c, bool checkColumns) {
    SmallVector<Value> sums;
    for (int64_t p = 0; p < block; ++p)
      sums.push_back(zeroOutput ? zeroVector() : readVector(output, {n, y, pixel(x0, p), c}));
    auto rowsLoop = scf::ForOp::create(b, index(0), index(s.kernelHeight), index(1), sums);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(rowsLoop.getBody());
      Value i = rowsLoop.getInductionVar();
      Value inputRow = sub(add(mul(y, s.strideH), mul(i, s.dilationH)), index(in.top));
      ValueRange carried = rowsLoop.getRegionIterArgs();
      if (!rowsLeaveInput()) {
        scf::YieldOp::create(b, emitTaps(n, i, inputRow, x0, c, carried, checkColumns));
      } else {
        // A filter row above or below the input adds nothing.
        Value inside = arith::AndIOp::create(
            b, arith::CmpIOp::create(b, arith::CmpIPredicate::sge, inputRow, index(0)),
            arith::CmpIOp::create(b, arith::CmpIPredicate::slt, inputRow, index(in.height)));
        auto rowInside = scf::IfOp::create(b, carried.getTypes(), inside, /*withElse=*/true);
        {
          OpBuilder::InsertionGuard branch(b);
          b.setInsertionPointToStart(rowInside.thenBlock());
          scf::YieldOp::create(b, emitTaps(n, i, inputRow, x0, c, carried, checkColumns));
          b.setInsertionPointToStart(rowInside.elseBlock());
          scf::YieldOp::create(b, carried);
        }
        scf::YieldOp::create(b, rowInside.getResults());
      }
    }
    for (int64_t p = 0; p < block; ++p)
      store(rowsLoop.getResult(p), n, y, pixel(x0, p), c);
  }

  /// The sums after the taps of filter row `i`, reading input row `inputRow`.
  SmallVector<Value> emitTaps(Value n, Value i, Value inputRow, Value x0, Value c, ValueRange sums,
                              bool checkColumns) {
    auto tapsLoop = scf::ForOp::create(b, index(0), index(s.kernelWidth), index(1), sums);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(tapsLoop.getBody());
    Value j = tapsLoop.getInductionVar();
    Value weights = readVector(filter, {i, j, c});
    SmallVector<Value> next;
    for (int64_t p = 0; p < block; ++p) {
      Value column = sub(add(mul(pixel(x0, p), s.strideW), mul(j, s.dilationW)), index(in.left));
      Value values;
      if (!checkColumns) {
        values = readVector(in.source, {n, inputRow, column, c});
      } else {
        // Read a column that exists, then take zeros for one that does not.
        Value clamped = arith::MaxSIOp::create(
            b, arith::MinSIOp::create(b, column, index(in.width - 1)), index(0));
        Value inside = arith::CmpIOp::create(b, arith::CmpIPredicate::eq, column, clamped);
        values = arith::SelectOp::create(
            b, inside, readVector(in.source, {n, inputRow, clamped, c}), zeroVector());
      }
      next.push_back(vector::FMAOp::create(b, values, weights, tapsLoop.getRegionIterArg(p)));
    }
    scf::YieldOp::create(b, next);
    return llvm::to_vector_of<Value>(tapsLoop.getResults());
  }

  /// Stores the sums of one pixel, through the epilogue when there is one (on the output as
  /// rows of pixels by channels).
  void store(Value sums, Value n, Value y, Value x, Value c) {
    if (!epilogue) {
      vector::TransferWriteOp::create(b, sums, output, ValueRange{n, y, x, c},
                                      ArrayRef<bool>{channelsInBounds});
      return;
    }
    Value row = add(mul(add(mul(n, s.outHeight), y), s.outWidth), x);
    emitEpilogueStore(b, b.getLoc(), *epilogue, sums, row, c, channelsInBounds);
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
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, x, y); }
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
  const InputWindow &in;
  Value filter, output;
  bool zeroOutput;
  std::optional<MatmulEpilogue> epilogue;
  VectorType vectorType;
  bool channelsInBounds;
};

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
      SmallVector<Operation *> padding;
      Value input = op.getDpsInputs()[0];
      auto inputShape = cast<MemRefType>(input.getType()).getShape();
      InputWindow window{input, 0, 0, inputShape[1], inputShape[2]};
      if (std::optional<InputWindow> unpadded = matchPaddedInput(input, op, op, padding))
        window = *unpadded;
      // Before the epilogue is found, which moves its output's allocation above the kernel.
      std::optional<MatmulEpilogue> epilogue =
          findMatmulEpilogue(cast<linalg::LinalgOp>(op.getOperation()));
      ImplicitLocOpBuilder builder(op.getLoc(), op);
      DepthwiseEmitter(builder, shape, vectorBits / 32, window, op.getDpsInputs()[1], output,
                       static_cast<bool>(zeroFill), epilogue)
          .emit();
      op->erase();
      if (zeroFill)
        zeroFill.erase();
      if (epilogue)
        eraseEpilogue(*epilogue);
      for (Operation *dead : padding)
        dead->erase();
    }
  }
};

} // namespace
} // namespace kiln
