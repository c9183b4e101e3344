//===- KilnCompareSelectCastOps.cpp - cmp, select and cast ---------------===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

LogicalResult CmpOp::verify() {
  static constexpr StringLiteral predicates[] = {"eq", "ne", "lt", "le", "gt", "ge"};
  if (!llvm::is_contained(predicates, getPredicate()))
    return emitOpError() << "expects predicate \"eq\", \"ne\", \"lt\", \"le\", \"gt\" or \"ge\", "
                         << "got \"" << getPredicate() << "\"";
  auto lhs = tensorType(getLhs()), rhs = tensorType(getRhs());
  if (lhs.getElementType() != rhs.getElementType())
    return emitOpError() << "operand element types must match, got " << lhs.getElementType()
                         << " and " << rhs.getElementType();
  auto shape = broadcastShapes(lhs.getShape(), rhs.getShape());
  if (!shape)
    return emitOpError() << "operand shapes " << formatShape(lhs.getShape()) << " and "
                         << formatShape(rhs.getShape()) << " are not broadcast-compatible";
  return verifyResultType(*this, tensorType(getResult()), *shape,
                          IntegerType::get(getContext(), 1));
}

LogicalResult SelectOp::verify() {
  auto cond = tensorType(getCondition()), onTrue = tensorType(getOnTrue()),
       onFalse = tensorType(getOnFalse());
  if (!cond.getElementType().isInteger(1))
    return emitOpError() << "expects an i1 condition, got element type " << cond.getElementType();
  if (onTrue.getElementType() != onFalse.getElementType())
    return emitOpError() << "value element types must match, got " << onTrue.getElementType()
                         << " and " << onFalse.getElementType();
  auto shape = broadcastShapes(cond.getShape(), onTrue.getShape());
  if (shape)
    shape = broadcastShapes(*shape, onFalse.getShape());
  if (!shape)
    return emitOpError() << "operand shapes " << formatShape(cond.getShape()) << ", "
                         << formatShape(onTrue.getShape()) << " and "
                         << formatShape(onFalse.getShape()) << " are not broadcast-compatible";
  return verifyResultType(*this, tensorType(getResult()), *shape, onTrue.getElementType());
}

LogicalResult CastOp::verify() {
  auto input = tensorType(getInput()), result = tensorType(getResult());
  if (input.getShape() != result.getShape())
    return emitOpError() << "expects the result shape to equal the input shape "
                         << formatShape(input.getShape()) << ", got "
                         << formatShape(result.getShape());
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}
