//===- ZeroFill.cpp - Fills of zeros that a kernel can start from instead -===//
#include "ZeroFill.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace kiln {

namespace {
bool isZero(Value value) {
  return matchPattern(value, m_AnyZeroFloat()) || matchPattern(value, m_Zero());
}

/// Whether `value` is an argument of the function: a graph's input or output buffer.
bool isFunctionArgument(Value value) {
  auto argument = dyn_cast<BlockArgument>(value);
  return argument && argument.getOwner()->isEntryBlock() &&
         isa<FunctionOpInterface>(argument.getOwner()->getParentOp());
}

/// Whether writing `written` leaves `buffer` alone: they view different buffers, one of them
/// an allocation of the function's own (which nothing else aliases), or two of the graph's
/// buffers, which never overlap (docs/design.md, "Buffers"). A graph result that
/// kiln-forward-result-copies computes in place is a view of the caller's out-parameter.
bool viewsAnotherBuffer(Value written, Value buffer) {
  Value a = memref::skipViewLikeOps(cast<MemrefValue>(written));
  Value b = memref::skipViewLikeOps(cast<MemrefValue>(buffer));
  return a != b && (a.getDefiningOp<memref::AllocOp>() || b.getDefiningOp<memref::AllocOp>() ||
                    (isFunctionArgument(a) && isFunctionArgument(b)));
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

bool isStaticF32Buffer(Value value, int64_t rank) {
  auto type = dyn_cast<MemRefType>(value.getType());
  return type && (rank < 0 || type.getRank() == rank) && type.hasStaticShape() &&
         type.getLayout().isIdentity() && type.getElementType().isF32();
}

std::optional<InputWindow> matchPaddedInput(Value padded, Operation *reader, Operation *lastRead,
                                            SmallVectorImpl<Operation *> &erase) {
  auto alloc = padded.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != reader->getBlock() || !isStaticF32Buffer(padded, 4))
    return std::nullopt;
  Operation *fill = nullptr;
  memref::SubViewOp interior;
  SmallVector<Operation *> deallocs;
  for (Operation *user : padded.getUsers()) {
    if (user == reader)
      continue;
    if (isa<memref::DeallocOp>(user))
      deallocs.push_back(user);
    else if (!fill && isZeroFill(user, padded))
      fill = user;
    else if (auto subview = dyn_cast<memref::SubViewOp>(user); subview && !interior)
      interior = subview;
    else
      return std::nullopt;
  }
  if (!fill || !interior || !interior->hasOneUse() || !interior.hasUnitStride() ||
      interior.getType().getRank() != 4)
    return std::nullopt;
  auto copy = dyn_cast<memref::CopyOp>(*interior->getUsers().begin());
  if (!copy || copy.getTarget() != interior.getResult() || copy->getBlock() != reader->getBlock() ||
      !fill->isBeforeInBlock(copy) || !copy->isBeforeInBlock(reader))
    return std::nullopt;
  // Nothing between the copy and the last read may write the source, which must still hold
  // what was copied (the fill of the convolution's output is usually there). The reader, when
  // it is not the last read, is the im2col copy that goes with the padded buffer.
  Value source = copy.getSource();
  if (!isStaticF32Buffer(source, 4) || !leavesUnwritten(copy, reader, source) ||
      (reader != lastRead && !leavesUnwritten(reader, lastRead, source)))
    return std::nullopt;
  ArrayRef<int64_t> offsets = interior.getStaticOffsets();
  ArrayRef<int64_t> shape = cast<MemRefType>(source.getType()).getShape();
  ArrayRef<int64_t> paddedShape = cast<MemRefType>(padded.getType()).getShape();
  if (ShapedType::isDynamicShape(offsets) || offsets[0] != 0 || offsets[3] != 0 ||
      shape[0] != paddedShape[0] || shape[3] != paddedShape[3])
    return std::nullopt;
  erase.append({copy, interior, fill});
  erase.append(deallocs);
  erase.push_back(alloc);
  return InputWindow{source, offsets[1], offsets[2], shape[1], shape[2]};
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
