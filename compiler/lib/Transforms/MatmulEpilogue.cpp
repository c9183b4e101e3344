//===- MatmulEpilogue.cpp - Elementwise epilogues fused into matmul tiles -===//
//
// Elementwise fusion never fuses into a matmul (the matmul must reach kiln-packed-matmul
// whole), so `relu(x W + b)` bufferizes into a matmul writing C and a generic reading C back.
// kiln-packed-matmul instead applies the generic to each output tile on its last pass over k,
// while the tile is in registers, and writes Y directly: one pass over C less. This file
// recognizes such generics and rewrites their payload on vectors.
//
// Why not upstream's vectorizer on the generic: it vectorizes whole loop nests, while this
// needs the payload alone, applied to values already in registers.
//
//===----------------------------------------------------------------------===//
#include "MatmulEpilogue.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace kiln {
namespace {

enum class OperandMap { Tile, Row, Column, Scalar };

/// How the epilogue reads an operand at output (m, n): the tile itself (identity), a vector
/// of a row vector such as a bias (d1), one value per row (d0), or one value.
std::optional<OperandMap> classifyMap(AffineMap map) {
  if (map.getNumDims() != 2 || map.getNumSymbols() != 0)
    return std::nullopt;
  if (map.isIdentity())
    return OperandMap::Tile;
  if (map.getNumResults() == 0)
    return OperandMap::Scalar;
  if (map.getNumResults() == 1 && map.getResult(0) == getAffineDimExpr(1, map.getContext()))
    return OperandMap::Row;
  if (map.getNumResults() == 1 && map.getResult(0) == getAffineDimExpr(0, map.getContext()))
    return OperandMap::Column;
  return std::nullopt;
}

bool isScalar(Type type) { return type.isIntOrFloat(); }

/// A payload the epilogue can run on vectors: elementwise arith/math ops on scalars and
/// constants, capturing only scalars.
bool hasVectorizablePayload(linalg::GenericOp generic) {
  Block &body = generic.getRegion().front();
  for (Operation &op : body.without_terminator()) {
    if (isa<arith::ConstantOp>(op) && isScalar(op.getResult(0).getType()))
      continue;
    if (op.getNumRegions() != 0 || !OpTrait::hasElementwiseMappableTraits(&op) ||
        !isMemoryEffectFree(&op))
      return false;
    if (!llvm::all_of(op.getResultTypes(), isScalar))
      return false;
    for (Value operand : op.getOperands())
      if (!isScalar(operand.getType()))
        return false;
  }
  return true;
}

/// Whether `value`, used by an op in `op`'s block, is available before `op` (a block argument
/// dominates the whole block).
bool definedBefore(Value value, Operation *op) {
  Operation *def = value.getDefiningOp();
  return !def || def->getBlock() != op->getBlock() || def->isBeforeInBlock(op);
}

/// The generic that follows `matmul` with only allocations and pure ops in between.
linalg::GenericOp nextGeneric(Operation *matmul) {
  for (Operation *op = matmul->getNextNode(); op; op = op->getNextNode()) {
    if (auto generic = dyn_cast<linalg::GenericOp>(op))
      return generic;
    if (!isa<memref::AllocOp>(op) && !isMemoryEffectFree(op))
      return nullptr;
  }
  return nullptr;
}

/// C is a buffer of the matmul's own: zero-filled before it, read by the generic, freed.
bool onlyFeedsEpilogue(Value product, Operation *matmul, linalg::GenericOp generic) {
  auto alloc = product.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != matmul->getBlock())
    return false;
  for (Operation *user : product.getUsers()) {
    if (user == matmul || user == generic || isa<memref::DeallocOp>(user))
      continue;
    if (isa<linalg::FillOp>(user) && user->getBlock() == matmul->getBlock() &&
        user->isBeforeInBlock(matmul))
      continue;
    return false;
  }
  return true;
}

bool isEpilogueShaped(linalg::GenericOp generic, Value product) {
  if (!generic.hasPureBufferSemantics() || generic.getNumLoops() != 2 ||
      generic.getNumParallelLoops() != 2 || generic.getNumDpsInits() != 1 ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0)).isIdentity() ||
      generic.payloadUsesValueFromOperand(generic.getDpsInitOperand(0)))
    return false;
  Value output = generic.getDpsInits()[0];
  if (output == product || cast<MemRefType>(output.getType()).getShape() !=
                               cast<MemRefType>(product.getType()).getShape())
    return false;
  int productReads = 0;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    std::optional<OperandMap> kind = classifyMap(generic.getMatchingIndexingMap(input));
    if (!kind || !isa<MemRefType>(input->get().getType()))
      return false;
    if (input->get() == product) {
      if (*kind != OperandMap::Tile)
        return false;
      ++productReads;
    }
  }
  return productReads == 1 && hasVectorizablePayload(generic);
}

} // namespace

std::optional<MatmulEpilogue> findMatmulEpilogue(linalg::LinalgOp matmul) {
  Value product = matmul.getDpsInits()[0];
  linalg::GenericOp generic = nextGeneric(matmul);
  if (!generic || !onlyFeedsEpilogue(product, matmul, generic) ||
      !isEpilogueShaped(generic, product))
    return std::nullopt;
  for (Value input : generic.getDpsInputs())
    if (input != product && !definedBefore(input, matmul))
      return std::nullopt;
  // Y in place of A or B would overwrite what later panels still pack.
  Value output = generic.getDpsInits()[0];
  if (llvm::is_contained(matmul.getDpsInputs(), output))
    return std::nullopt;
  if (!definedBefore(output, matmul)) {
    auto alloc = output.getDefiningOp<memref::AllocOp>();
    if (!alloc || alloc->getNumOperands() != 0)
      return std::nullopt;
    alloc->moveBefore(matmul);
  }
  return MatmulEpilogue{generic, product, output};
}

void emitEpilogueStore(OpBuilder &b, Location loc, const MatmulEpilogue &epilogue, Value sum,
                       Value row, Value col, bool inBounds) {
  int64_t lanes = cast<VectorType>(sum.getType()).getNumElements();
  auto vectorOf = [&](Type type) { return VectorType::get({lanes}, type); };
  auto broadcast = [&](Value scalar) -> Value {
    return vector::BroadcastOp::create(b, loc, vectorOf(scalar.getType()), scalar);
  };
  auto read = [&](Value buffer, ValueRange indices) -> Value {
    Type element = cast<MemRefType>(buffer.getType()).getElementType();
    Value padding = arith::ConstantOp::create(b, loc, cast<TypedAttr>(b.getZeroAttr(element)));
    return vector::TransferReadOp::create(b, loc, vectorOf(element), buffer, indices, padding,
                                          ArrayRef<bool>{inBounds});
  };

  linalg::GenericOp generic = epilogue.op;
  IRMapping map;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    Value buffer = input->get();
    Value value;
    if (buffer == epilogue.product) {
      value = sum;
    } else {
      switch (*classifyMap(generic.getMatchingIndexingMap(input))) {
      case OperandMap::Tile:
        value = read(buffer, {row, col});
        break;
      case OperandMap::Row:
        value = read(buffer, {col});
        break;
      case OperandMap::Column:
        value = broadcast(memref::LoadOp::create(b, loc, buffer, ValueRange{row}));
        break;
      case OperandMap::Scalar:
        value = broadcast(memref::LoadOp::create(b, loc, buffer, ValueRange{}));
        break;
      }
    }
    map.map(generic.getMatchingBlockArgument(input), value);
  }

  Block &body = generic.getRegion().front();
  for (Operation &op : body.without_terminator()) {
    if (isa<arith::ConstantOp>(op)) {
      map.map(op.getResult(0), broadcast(b.clone(op)->getResult(0)));
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : op.getOperands()) {
      Value mapped = map.lookupOrNull(operand);
      operands.push_back(mapped ? mapped : broadcast(operand));
    }
    SmallVector<Type> types;
    for (Type type : op.getResultTypes())
      types.push_back(vectorOf(type));
    OperationState state(loc, op.getName(), operands, types, op.getAttrs());
    map.map(op.getResults(), b.create(state)->getResults());
  }
  Value result = map.lookup(body.getTerminator()->getOperand(0));
  vector::TransferWriteOp::create(b, loc, result, epilogue.output, ValueRange{row, col},
                                  ArrayRef<bool>{inBounds});
}

} // namespace kiln
