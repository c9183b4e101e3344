//===- ZeroFill.cpp - Fills of zeros that a kernel can start from instead -===//
#include "ZeroFill.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace kiln {

namespace {
bool isZero(Value value) {
  return matchPattern(value, m_AnyZeroFloat()) || matchPattern(value, m_Zero());
}

/// Whether writing `written` leaves `buffer` alone: they view different buffers, one of them
/// an allocation of the function's own (which nothing else aliases). A graph result that
/// kiln-forward-result-copies computes in place is a view of the caller's out-parameter.
bool viewsAnotherBuffer(Value written, Value buffer) {
  Value a = memref::skipViewLikeOps(cast<MemrefValue>(written));
  Value b = memref::skipViewLikeOps(cast<MemrefValue>(buffer));
  return a != b && (a.getDefiningOp<memref::AllocOp>() || b.getDefiningOp<memref::AllocOp>());
}
} // namespace

bool leavesUnwritten(Operation *first, Operation *last, Value buffer) {
  for (Operation *op = first->getNextNode(); op != last; op = op->getNextNode()) {
    auto fill = dyn_cast<linalg::FillOp>(op);
    bool fillsOther = fill && viewsAnotherBuffer(fill.getOutputs().front(), buffer);
    if (!isMemoryEffectFree(op) && !isa<memref::AllocOp>(op) && !fillsOther)
      return false;
  }
  return true;
}

bool isZeroFill(Operation *op, Value buffer) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return fill.hasPureBufferSemantics() && fill.getOutputs().front() == buffer &&
           isZero(fill.getInputs().front());
  auto map = dyn_cast<linalg::MapOp>(op);
  if (!map || !map.getInputs().empty() || map.getInit() != buffer)
    return false;
  auto yield = cast<linalg::YieldOp>(map.getMapper().front().getTerminator());
  return yield.getNumOperands() == 1 && isZero(yield.getOperand(0));
}

linalg::FillOp findZeroFill(Operation *op, Value buffer) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev))
      return isZeroFill(fill, buffer) ? fill : linalg::FillOp();
    if (!isMemoryEffectFree(prev))
      return {};
  }
  return {};
}

} // namespace kiln
