//===- KilnMatmulOps.cpp - matmul verifier -------------------------------===//
#include "VerifierUtils.h"
#include "kiln/Dialect/Kiln/KilnOps.h"
#include "kiln/Dialect/Kiln/ShapeInference.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;

LogicalResult MatmulOp::verify() {
  auto lhs = tensorType(getLhs()), rhs = tensorType(getRhs());
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOpError() << "expects operands of rank >= 2, got ranks " << lhs.getRank() << " and "
                         << rhs.getRank();
  Type element = lhs.getElementType();
  if (element != rhs.getElementType())
    return emitOpError() << "operand element types must match, got " << element << " and "
                         << rhs.getElementType();
  if (element.isInteger(1))
    return emitOpError() << "does not multiply i1 tensors";
  ArrayRef<int64_t> a = lhs.getShape(), b = rhs.getShape();
  int64_t k = a.back(), kRhs = b[b.size() - 2];
  if (k != kRhs)
    return emitOpError() << "contracting dimensions differ: lhs " << formatShape(a)
                         << " has K = " << k << ", rhs " << formatShape(b) << " has K = " << kRhs;
  auto batch = broadcastShapes(a.drop_back(2), b.drop_back(2));
  if (!batch)
    return emitOpError() << "batch dimensions " << formatShape(a.drop_back(2)) << " and "
                         << formatShape(b.drop_back(2)) << " are not broadcast-compatible";
  SmallVector<int64_t> shape = *batch;
  shape.push_back(a[a.size() - 2]);
  shape.push_back(b.back());
  Type resultElement = tensorType(getResult()).getElementType();
  // i8 x i8 accumulates in i32, the building block of quantized layers.
  bool widening = element.isInteger(8) && resultElement.isInteger(32);
  return verifyResultType(*this, tensorType(getResult()), shape,
                          widening ? resultElement : element);
}
