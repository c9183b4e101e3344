//===- ZeroFill.cpp - Fills of zeros that a kernel can start from instead -===//
#include "ZeroFill.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace kiln {

linalg::FillOp findZeroFill(Operation *op, Value buffer) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
      if (fill.getOutputs().front() != buffer || !fill.hasPureBufferSemantics())
        return {};
      Value value = fill.getInputs().front();
      if (matchPattern(value, m_AnyZeroFloat()) || matchPattern(value, m_Zero()))
        return fill;
      return {};
    }
    if (!isMemoryEffectFree(prev))
      return {};
  }
  return {};
}

} // namespace kiln
