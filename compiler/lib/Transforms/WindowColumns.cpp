//===- WindowColumns.cpp - im2col columns read from the convolution's input ===//
#include "WindowColumns.h"
#include "ZeroFill.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

namespace kiln {
namespace {

// Channels from which a graph argument's padded copy is read through (WindowColumns::unpadded).
constexpr int64_t kMinUnpaddedChannels = 16;

/// The coefficients of a linear `expr` of `numDims` dimensions, or nothing when it is not
/// linear without a constant term.
std::optional<SmallVector<int64_t>> linearCoefficients(AffineExpr expr, unsigned numDims) {
  auto map = AffineMap::get(numDims, 0, expr);
  SmallVector<int64_t> coefficients;
  AffineExpr rebuilt = getAffineConstantExpr(0, expr.getContext());
  for (unsigned d = 0; d < numDims; ++d) {
    SmallVector<int64_t> unit(numDims, 0);
    unit[d] = 1;
    coefficients.push_back(map.compose(unit).front());
    rebuilt = rebuilt + getAffineDimExpr(d, expr.getContext()) * coefficients.back();
  }
  if (simplifyAffineExpr(rebuilt, numDims, 0) != simplifyAffineExpr(expr, numDims, 0))
    return std::nullopt;
  return coefficients;
}

/// Whether `copy` is a generic that copies every window of its one input:
/// out[n, y, x, i, j, c] = in[n, y * sh + i * dh, x * sw + j * dw, c]. Fills in the strides and
/// dilations.
bool isWindowCopy(linalg::GenericOp copy, WindowColumns &columns) {
  if (copy.getNumDpsInputs() != 1 || copy.getNumDpsInits() != 1 || copy.getNumReductionLoops() != 0)
    return false;
  auto yield = cast<linalg::YieldOp>(copy.getBody()->getTerminator());
  if (yield.getValues().front() != copy.getBody()->getArgument(0))
    return false;
  SmallVector<AffineMap> maps = copy.getIndexingMapsArray();
  if (!maps[1].isIdentity() || maps[0].getNumResults() != 4 || maps[0].getNumDims() != 6)
    return false;
  ArrayRef<AffineExpr> in = maps[0].getResults();
  auto row = linearCoefficients(in[1], 6), col = linearCoefficients(in[2], 6);
  MLIRContext *ctx = copy.getContext();
  if (in[0] != getAffineDimExpr(0, ctx) || in[3] != getAffineDimExpr(5, ctx) || !row || !col)
    return false;
  columns.strideH = (*row)[1];
  columns.dilationH = (*row)[3];
  columns.strideW = (*col)[2];
  columns.dilationW = (*col)[4];
  auto dims = [](ArrayRef<int64_t> coefficients, int64_t a, int64_t b) {
    for (auto [d, coefficient] : llvm::enumerate(coefficients))
      if (coefficient != 0 && static_cast<int64_t>(d) != a && static_cast<int64_t>(d) != b)
        return false;
    return true;
  };
  return dims(*row, 1, 3) && dims(*col, 2, 4) && columns.strideH > 0 && columns.strideW > 0 &&
         columns.dilationH > 0 && columns.dilationW > 0;
}

} // namespace

std::optional<WindowColumns> matchWindowColumns(Value a, Operation *matmul) {
  auto view = a.getDefiningOp<memref::CollapseShapeOp>();
  if (!view || !view->hasOneUse() || view.getReassociationIndices().size() != 2 ||
      view.getReassociationIndices()[0].size() != 3)
    return std::nullopt;
  Value buffer = view.getSrc();
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc || !isStaticF32Buffer(buffer, 6))
    return std::nullopt;
  WindowColumns columns;
  linalg::GenericOp copy;
  SmallVector<Operation *> deallocs;
  for (Operation *user : buffer.getUsers()) {
    if (user == view)
      continue;
    if (isa<memref::DeallocOp>(user)) {
      deallocs.push_back(user);
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (copy || !generic || generic.getDpsInits().front() != buffer)
      return std::nullopt;
    copy = generic;
  }
  if (!copy || !isWindowCopy(copy, columns) || copy->getBlock() != matmul->getBlock() ||
      !copy->isBeforeInBlock(matmul))
    return std::nullopt;
  columns.source = copy.getDpsInputs().front();
  if (!isStaticF32Buffer(columns.source, 4) || !leavesUnwritten(copy, matmul, columns.source))
    return std::nullopt;
  ArrayRef<int64_t> in = cast<MemRefType>(columns.source.getType()).getShape();
  ArrayRef<int64_t> out = cast<MemRefType>(buffer.getType()).getShape();
  columns.height = in[1];
  columns.width = in[2];
  columns.channels = in[3];
  columns.outHeight = out[1];
  columns.outWidth = out[2];
  columns.kernelHeight = out[3];
  columns.kernelWidth = out[4];
  columns.copy = {view, copy};
  columns.copy.append(deallocs);
  columns.copy.push_back(alloc);
  // A tap's channels are the runs through the unpadded input: with few channels (an image's
  // three), runs that short cost more than the padded copy saves (ResNet-50's stem: 0.92 ->
  // 1.4 ms with tap runs; its 3x3 layers, 64-512 channels, lose under 1%).
  if (columns.channels >= kMinUnpaddedChannels)
    columns.unpadded = matchPaddedInput(columns.source, copy, matmul, columns.padding);
  return columns;
}

int64_t WindowColumns::contiguousColumns() const {
  return dilationW == 1 && !unpadded ? kernelWidth * channels : channels;
}

WindowColumns::Origin WindowColumns::origin(ImplicitLocOpBuilder &b, Value row) const {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, x, index(y)); };
  auto sub = [&](Value x, int64_t y) { return arith::SubIOp::create(b, x, index(y)); };
  int64_t pixels = outHeight * outWidth;
  Value n = arith::DivUIOp::create(b, row, index(pixels));
  Value pixel = arith::RemUIOp::create(b, row, index(pixels));
  Value y = arith::DivUIOp::create(b, pixel, index(outWidth));
  Value x = arith::RemUIOp::create(b, pixel, index(outWidth));
  return Origin{mul(n, unpadded->height * unpadded->width * channels),
                sub(mul(y, strideH), unpadded->top), sub(mul(x, strideW), unpadded->left)};
}

Value WindowColumns::tapStart(ImplicitLocOpBuilder &b, const Origin &origin, Value k,
                              Value &inside) const {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, x, index(y)); };
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, x, y); };
  Value tap = arith::DivUIOp::create(b, k, index(channels));
  Value channel = arith::RemUIOp::create(b, k, index(channels));
  Value i = arith::DivUIOp::create(b, tap, index(kernelWidth));
  Value j = arith::RemUIOp::create(b, tap, index(kernelWidth));
  Value row = add(origin.row, mul(i, dilationH));
  Value column = add(origin.column, mul(j, dilationW));
  // Unsigned: a row or column above or left of the input is negative, a huge unsigned value.
  auto below = [&](Value x, int64_t bound) {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x, index(bound));
  };
  Value rowInside = below(row, unpadded->height);
  Value columnInside = below(column, unpadded->width);
  inside = arith::AndIOp::create(b, rowInside, columnInside);
  Value pixel = add(mul(row, unpadded->width), column);
  return add(add(origin.image, mul(pixel, channels)), channel);
}

Value WindowColumns::rowBase(ImplicitLocOpBuilder &b, Value row) const {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, x, index(y)); };
  auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, x, y); };
  int64_t pixels = outHeight * outWidth;
  Value n = arith::DivUIOp::create(b, row, index(pixels));
  Value pixel = arith::RemUIOp::create(b, row, index(pixels));
  Value y = arith::DivUIOp::create(b, pixel, index(outWidth));
  Value x = arith::RemUIOp::create(b, pixel, index(outWidth));
  Value inputRow = add(mul(n, height), mul(y, strideH));
  return mul(add(mul(inputRow, width), mul(x, strideW)), channels);
}

Value WindowColumns::columnOffset(ImplicitLocOpBuilder &b, Value k) const {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  auto mul = [&](Value x, int64_t y) { return arith::MulIOp::create(b, x, index(y)); };
  Value i = arith::DivUIOp::create(b, k, index(kernelWidth * channels));
  Value tap = arith::DivUIOp::create(b, k, index(channels));
  Value j = arith::RemUIOp::create(b, tap, index(kernelWidth));
  Value channel = arith::RemUIOp::create(b, k, index(channels));
  Value pixel = arith::AddIOp::create(b, mul(i, dilationH * width), mul(j, dilationW));
  return arith::AddIOp::create(b, mul(pixel, channels), channel);
}

Value WindowColumns::flatSource(ImplicitLocOpBuilder &b) const {
  return memref::CollapseShapeOp::create(b, unpadded ? unpadded->source : source,
                                         ArrayRef<ReassociationIndices>{{0, 1, 2, 3}});
}

void WindowColumns::eraseCopy() {
  for (Operation *op : copy)
    op->erase();
  for (Operation *op : padding)
    op->erase();
  copy.clear();
  padding.clear();
}

} // namespace kiln
