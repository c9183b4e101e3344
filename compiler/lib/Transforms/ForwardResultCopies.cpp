//===- ForwardResultCopies.cpp - The kiln-forward-result-copies pass ------===//
//
// buffer-results-to-out-params (hoist-static-allocs) lets a returned allocation be the
// caller's buffer only when it is returned as is. A result returned through a reshape keeps
// its allocation and gets a copy into the out-parameter; this pass runs after it and does the
// same replacement through the reshapes, by viewing the out-parameter with the inverse ones.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFORWARDRESULTCOPIES
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// A static, identity-layout allocation and the reshapes that lead from it to a copy's
/// source, the allocation's own first.
struct ReshapedAllocation {
  memref::AllocOp alloc;
  SmallVector<Operation *> reshapes;
};

std::optional<ReshapedAllocation> traceReshapes(Value value) {
  ReshapedAllocation traced;
  while (Operation *def = value.getDefiningOp()) {
    if (auto alloc = dyn_cast<memref::AllocOp>(def)) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity() || traced.reshapes.empty())
        return std::nullopt;
      traced.alloc = alloc;
      std::reverse(traced.reshapes.begin(), traced.reshapes.end());
      return traced;
    }
    if (!isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
      return std::nullopt;
    traced.reshapes.push_back(def);
    value = def->getOperand(0);
  }
  return std::nullopt;
}

/// Whether `value`, or a view of it, is used by anything but `copy` that does not come before
/// `copy` in its block.
bool usedAtOrAfter(Value value, Operation *copy) {
  Block *block = copy->getBlock();
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (user == copy)
      continue;
    Operation *inBlock = block->findAncestorOpInBlock(*user);
    if (!inBlock || !inBlock->isBeforeInBlock(copy))
      return true;
    if (isa<ViewLikeOpInterface>(user))
      for (Value view : user->getResults())
        if (usedAtOrAfter(view, copy))
          return true;
  }
  return false;
}

/// `out` seen through the inverse of `reshapes`, in the allocation's type.
Value viewAsAllocation(OpBuilder &b, Location loc, Value out, ArrayRef<Operation *> reshapes) {
  for (Operation *reshape : llvm::reverse(reshapes)) {
    auto sourceType = cast<MemRefType>(reshape->getOperand(0).getType());
    if (auto expand = dyn_cast<memref::ExpandShapeOp>(reshape))
      out = memref::CollapseShapeOp::create(b, loc, sourceType, out,
                                            expand.getReassociationIndices());
    else
      out = memref::ExpandShapeOp::create(
          b, loc, sourceType, out,
          cast<memref::CollapseShapeOp>(reshape).getReassociationIndices());
  }
  return out;
}

/// Computes into the out-parameter that `copy` fills, when the rewrite is safe.
void forwardIntoOutParameter(memref::CopyOp copy) {
  auto out = dyn_cast<BlockArgument>(copy.getTarget());
  if (!out || !out.hasOneUse() || !isa<func::FuncOp>(out.getOwner()->getParentOp()))
    return;
  std::optional<ReshapedAllocation> traced = traceReshapes(copy.getSource());
  if (!traced || traced->alloc->getBlock() != copy->getBlock() ||
      usedAtOrAfter(traced->alloc, copy))
    return;
  OpBuilder b(traced->alloc);
  Value view = viewAsAllocation(b, traced->alloc.getLoc(), out, traced->reshapes);
  copy->erase();
  traced->alloc.getResult().replaceAllUsesWith(view);
  traced->alloc->erase();
}

struct KilnForwardResultCopiesPass
    : public impl::KilnForwardResultCopiesBase<KilnForwardResultCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    for (memref::CopyOp copy : copies)
      forwardIntoOutParameter(copy);
  }
};

} // namespace
} // namespace kiln
