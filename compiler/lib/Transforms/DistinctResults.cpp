//===- DistinctResults.cpp - The kiln-distinct-results pass ---------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln {
#define GEN_PASS_DEF_KILNDISTINCTRESULTS
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

struct KilnDistinctResultsPass : public impl::KilnDistinctResultsBase<KilnDistinctResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      OpBuilder b(ret);
      SmallVector<Value> seen;
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (type && llvm::is_contained(seen, value))
          operand.set(
              bufferization::AllocTensorOp::create(b, ret.getLoc(), type, ValueRange{}, value));
        seen.push_back(value);
      }
    });
  }
};

} // namespace
} // namespace kiln
