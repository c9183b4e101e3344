//===- WidenBoolMemory.cpp - The kiln-widen-bool-memory pass --------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace kiln {
#define GEN_PASS_DEF_KILNWIDENBOOLMEMORY
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

bool isBool(Type type) { return type.isInteger(1); }

/// `load i1, p` -> `trunc (load i8, p)`: the clone keeps the load's alignment, volatility and
/// alias metadata.
void widenLoad(LLVM::LoadOp load) {
  OpBuilder b(load);
  Operation *byte = b.clone(*load);
  byte->getResult(0).setType(b.getI8Type());
  b.setInsertionPointAfter(byte);
  Value bit = LLVM::TruncOp::create(b, load.getLoc(), b.getI1Type(), byte->getResult(0));
  load.getResult().replaceAllUsesWith(bit);
  load.erase();
}

/// `store i1 v, p` -> `store i8 (zext v), p`.
void widenStore(LLVM::StoreOp store) {
  OpBuilder b(store);
  Value byte = LLVM::ZExtOp::create(b, store.getLoc(), b.getI8Type(), store.getValue());
  store.getValueMutable().assign(byte);
}

struct KilnWidenBoolMemoryPass : public impl::KilnWidenBoolMemoryBase<KilnWidenBoolMemoryPass> {
  void runOnOperation() override {
    SmallVector<LLVM::LoadOp> loads;
    SmallVector<LLVM::StoreOp> stores;
    getOperation().walk([&](Operation *op) {
      if (auto load = dyn_cast<LLVM::LoadOp>(op); load && isBool(load.getType()))
        loads.push_back(load);
      if (auto store = dyn_cast<LLVM::StoreOp>(op); store && isBool(store.getValue().getType()))
        stores.push_back(store);
    });
    for (LLVM::LoadOp load : loads)
      widenLoad(load);
    for (LLVM::StoreOp store : stores)
      widenStore(store);
  }
};

} // namespace
} // namespace kiln
