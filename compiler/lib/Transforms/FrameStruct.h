//===- FrameStruct.h - Values passed by address through a stack struct ----===//
//
// Shared by the LLVM-dialect lowerings that hand a runtime function a pointer to some values
// (kiln-lower-parallel-calls: a task's captures; kiln-cuda-lower-launches: kernel arguments).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_COMPILER_TRANSFORMS_FRAMESTRUCT_H
#define KILN_COMPILER_TRANSFORMS_FRAMESTRUCT_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace kiln {

/// Stores `values`, at `b`'s insertion point, into the fields of a struct allocated in the
/// entry block of `func` (an alloca inside the loops around the insertion point would grow
/// the stack on every iteration). Returns the struct's address; `fields`, if given, receives
/// the address of each field.
inline mlir::Value storeInFrameStruct(mlir::OpBuilder &b, mlir::LLVM::LLVMFuncOp func,
                                      mlir::Location loc, mlir::ValueRange values,
                                      llvm::SmallVectorImpl<mlir::Value> *fields = nullptr) {
  using namespace mlir;
  MLIRContext *ctx = b.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto type = LLVM::LLVMStructType::getLiteral(ctx, llvm::to_vector(values.getTypes()));
  Value frame;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&func.getBody().front());
    Value one = LLVM::ConstantOp::create(b, loc, b.getI64Type(), b.getI64IntegerAttr(1));
    frame = LLVM::AllocaOp::create(b, loc, ptrType, type, one);
  }
  for (auto [index, value] : llvm::enumerate(values)) {
    Value field = LLVM::GEPOp::create(b, loc, ptrType, type, frame,
                                      ArrayRef<LLVM::GEPArg>{0, int32_t(index)});
    LLVM::StoreOp::create(b, loc, value, field);
    if (fields)
      fields->push_back(field);
  }
  return frame;
}

} // namespace kiln

#endif
