//===- ReassociateReductions.cpp - The kiln-reassociate-reductions pass ---===//
//
// A float reduction loop vectorizes only when its combining operation may be reassociated:
// a row sum of 1024 floats then runs as 16-lane partial sums combined at the end instead of
// one serial chain of dependent adds. Kiln's reductions promise no evaluation order
// (docs/language.md), so the combiner of every reducing linalg.generic gets `reassoc`; the
// operations that compute the reduced values keep their exact semantics. kiln.reduce with a
// user kernel does promise row-major order: its generic is marked kiln.ordered_reduction.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_KILNREASSOCIATEREDUCTIONS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// The operation that folds a new value into the accumulator `acc`, if it is one LLVM can
/// vectorize as a reduction.
Operation *combinerOf(Value yielded, BlockArgument acc) {
  Operation *op = yielded.getDefiningOp();
  if (!isa_and_nonnull<arith::AddFOp, arith::MulFOp, arith::MaximumFOp, arith::MinimumFOp,
                       arith::MaxNumFOp, arith::MinNumFOp>(op))
    return nullptr;
  if (!llvm::is_contained(op->getOperands(), Value(acc)))
    return nullptr;
  return op;
}

struct KilnReassociateReductionsPass
    : public impl::KilnReassociateReductionsBase<KilnReassociateReductionsPass> {
  void runOnOperation() override {
    getOperation()->walk([](linalg::GenericOp op) {
      if (op.getNumReductionLoops() == 0 || op->hasAttr(kOrderedReductionAttr))
        return;
      auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
      for (OpOperand &init : op.getDpsInitsMutable()) {
        BlockArgument acc = op.getMatchingBlockArgument(&init);
        Value yielded = yield.getOperand(init.getOperandNumber() - op.getNumDpsInputs());
        if (Operation *combiner = combinerOf(yielded, acc)) {
          auto fastmath = cast<arith::ArithFastMathInterface>(combiner);
          arith::FastMathFlags flags = fastmath.getFastMathFlagsAttr().getValue();
          combiner->setAttr(fastmath.getFastMathAttrName(),
                            arith::FastMathFlagsAttr::get(combiner->getContext(),
                                                          flags | arith::FastMathFlags::reassoc));
        }
      }
    });
  }
};

} // namespace
} // namespace kiln
