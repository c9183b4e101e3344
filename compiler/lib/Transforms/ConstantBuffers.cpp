//===- ConstantBuffers.cpp - Buffers whose contents are known at build time -===//
#include "ConstantBuffers.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"
#include <cstring>

using namespace mlir;

namespace kiln {
namespace {

/// The get_global under `buffer`'s reshapes.
memref::GetGlobalOp getGlobalBehind(Value buffer) {
  Operation *def = buffer.getDefiningOp();
  while (isa_and_present<memref::CollapseShapeOp, memref::ExpandShapeOp>(def))
    def = def->getOperand(0).getDefiningOp();
  return dyn_cast_or_null<memref::GetGlobalOp>(def);
}

memref::GlobalOp globalOf(memref::GetGlobalOp get) {
  return SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(get, get.getNameAttr());
}

} // namespace

std::optional<std::vector<float>> readConstantF32(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type || !type.getElementType().isF32() || !type.getLayout().isIdentity())
    return std::nullopt;
  memref::GetGlobalOp get = getGlobalBehind(buffer);
  memref::GlobalOp global = get ? globalOf(get) : nullptr;
  if (!global || !global.getConstant() || !global.getInitialValue())
    return std::nullopt;
  auto globalType = global.getType();
  if (!globalType.getLayout().isIdentity() || globalType.getNumElements() != type.getNumElements())
    return std::nullopt;
  auto numElements = static_cast<size_t>(type.getNumElements());
  std::vector<float> values(numElements);
  Attribute init = *global.getInitialValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(init)) {
    if (!dense.getElementType().isF32())
      return std::nullopt;
    llvm::copy(dense.getValues<float>(), values.begin());
    return values;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(init)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != numElements * sizeof(float))
      return std::nullopt;
    std::memcpy(values.data(), blob->getData().data(), numElements * sizeof(float));
    return values;
  }
  return std::nullopt;
}

Value createConstantF32(OpBuilder &builder, Location loc, MemRefType type, ArrayRef<float> values,
                        StringRef name, int64_t alignment) {
  auto module = builder.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  auto tensorType = RankedTensorType::get(type.getShape(), type.getElementType());
  ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                       values.size() * sizeof(float));
  auto init = DenseResourceElementsAttr::get(
      tensorType, name, HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(float)));
  OpBuilder detached(builder.getContext());
  auto global =
      memref::GlobalOp::create(detached, loc, name, detached.getStringAttr("private"), type, init,
                               /*constant=*/true, detached.getI64IntegerAttr(alignment));
  // Inserting renames the global when its name is taken.
  SymbolTable(module).insert(global, module.getBody()->begin());
  return memref::GetGlobalOp::create(builder, loc, type, global.getSymName());
}

void eraseIfUnused(Value buffer) {
  memref::GetGlobalOp get = getGlobalBehind(buffer);
  if (!get)
    return;
  memref::GlobalOp global = globalOf(get);
  for (Operation *op = buffer.getDefiningOp(); op && op->use_empty();) {
    Operation *source = op->getNumOperands() ? op->getOperand(0).getDefiningOp() : nullptr;
    op->erase();
    op = source;
  }
  if (global && SymbolTable::symbolKnownUseEmpty(global, global->getParentOp()))
    global.erase();
}

} // namespace kiln
