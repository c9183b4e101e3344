//===- KilnElementwiseOps.cpp - binary and unary folds, gelu ------------===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/Dialect/UB/IR/UBOps.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError() << "expects approximate = \"none\" or \"tanh\", got \"" << getApproximate()
                         << "\"";
  return success();
}

/// Folds an elementwise binary op whose operands are constants of the result's type (folding
/// across broadcasts would materialize large constants, so it is left to the lowering).
template <typename FloatFn, typename IntFn>
static OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands, FloatFn floatFn,
                               IntFn intFn) {
  Type type = op->getResult(0).getType();
  if (op->getOperand(0).getType() != type || op->getOperand(1).getType() != type)
    return {};
  if (isa<FloatType>(cast<ShapedType>(type).getElementType()))
    return constFoldBinaryOp<FloatAttr>(operands, type, floatFn);
  return constFoldBinaryOp<IntegerAttr>(operands, type, intFn);
}

static bool isUnsignedTensor(RankedTensorType type) {
  return type.getElementType().isUnsignedInteger();
}

/// i1 orders false < true, and ui8/ui16/ui32 as unsigned numbers: the unsigned order of their
/// bits, as in the lowering.
static bool hasUnsignedOrder(RankedTensorType type) {
  return isUnsignedTensor(type) || type.getElementType().isInteger(1);
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &b) { return a + b; },
      [](const APInt &a, const APInt &b) { return a + b; });
}
OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &b) { return a - b; },
      [](const APInt &a, const APInt &b) { return a - b; });
}
OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &b) { return a * b; },
      [](const APInt &a, const APInt &b) { return a * b; });
}
OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &b) { return a / b; },
      [unsignedInts = isUnsignedTensor(getType())](const APInt &a, const APInt &b) {
        // Matches the lowering: x / 0 = 0, and INT_MIN / -1 wraps.
        if (b.isZero())
          return APInt::getZero(a.getBitWidth());
        return unsignedInts ? a.udiv(b) : a.sdiv(b);
      });
}
OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return llvm::maximum(a, b); },
      [unsignedOrder = hasUnsignedOrder(getType())](const APInt &a, const APInt &b) {
        bool aFirst = unsignedOrder ? a.uge(b) : a.sge(b);
        return aFirst ? a : b;
      });
}
OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return llvm::minimum(a, b); },
      [unsignedOrder = hasUnsignedOrder(getType())](const APInt &a, const APInt &b) {
        bool aFirst = unsignedOrder ? a.ule(b) : a.sle(b);
        return aFirst ? a : b;
      });
}

/// Shift amounts are read as unsigned: one of N or more (a negative one included) shifts every
/// bit out.
OpFoldResult ShiftLeftOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &) { return a; },
      [](const APInt &a, const APInt &b) {
        return b.uge(a.getBitWidth()) ? APInt::getZero(a.getBitWidth()) : a.shl(b);
      });
}
OpFoldResult ShiftRightOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), [](const APFloat &a, const APFloat &) { return a; },
      [unsignedInts = isUnsignedTensor(getType())](const APInt &a, const APInt &b) {
        unsigned bits = a.getBitWidth();
        if (unsignedInts)
          return b.uge(bits) ? APInt::getZero(bits) : a.lshr(b);
        return a.ashr(b.uge(bits) ? APInt(bits, bits - 1) : b);
      });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto producer = getInput().getDefiningOp<NegOp>())
    return producer.getInput();
  Type type = getType();
  if (isa<FloatType>(getType().getElementType()))
    return constFoldUnaryOp<FloatAttr>(adaptor.getOperands(), type,
                                       [](const APFloat &a) { return -a; });
  return constFoldUnaryOp<IntegerAttr>(adaptor.getOperands(), type,
                                       [](const APInt &a) { return -a; });
}
