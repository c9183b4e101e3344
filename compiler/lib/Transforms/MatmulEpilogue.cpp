//===- MatmulEpilogue.cpp - Elementwise epilogues fused into matmul tiles -===//
//
// Elementwise fusion never fuses into a matmul (the matmul must reach kiln-packed-matmul
// whole), so `relu(x W + b)` bufferizes into a matmul writing C and a generic reading C back.
// kiln-packed-matmul instead applies the generic to each output tile on its last pass over k,
// while the tile is in registers, and writes Y directly: one pass over C less. This file
// recognizes such generics and rewrites their payload on vectors. A convolution lowered to a
// matmul (1x1, or over im2col columns) has its bias and activation in a generic over the NHWC
// output, an expand_shape of C that splits its rows into pixels: the same generic, read
// through 2-D views.
//
// Why not upstream's vectorizer on the generic: it vectorizes whole loop nests, while this
// needs the payload alone, applied to values already in registers.
//
//===----------------------------------------------------------------------===//
#include "MatmulEpilogue.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace kiln {
namespace {

enum class OperandMap { Tile, Row, Column, Scalar };

/// How the epilogue reads an operand at output element (d0, ..., d_{R-1}): the tile itself
/// (identity), one value per channel such as a bias (the last dimension), one value per row
/// (2-D only: d0), or one value.
std::optional<OperandMap> classifyMap(AffineMap map) {
  unsigned rank = map.getNumDims();
  if (rank < 2 || map.getNumSymbols() != 0)
    return std::nullopt;
  if (map.isIdentity())
    return OperandMap::Tile;
  if (map.getNumResults() == 0)
    return OperandMap::Scalar;
  if (map.getNumResults() != 1)
    return std::nullopt;
  if (map.getResult(0) == getAffineDimExpr(rank - 1, map.getContext()))
    return OperandMap::Row;
  if (rank == 2 && map.getResult(0) == getAffineDimExpr(0, map.getContext()))
    return OperandMap::Column;
  return std::nullopt;
}

bool isScalar(Type type) { return type.isIntOrFloat(); }

bool hasIdentityLayout(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  return type && type.getLayout().isIdentity();
}

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

/// What `generic` reads of C: C itself, or an expand_shape of it that keeps the columns whole
/// (reassociation [[0, ..., R-2], [R-1]]), read by the generic alone.
Value productViewIn(linalg::GenericOp generic, Value product) {
  for (Value input : generic.getDpsInputs()) {
    if (input == product)
      return input;
    auto expand = input.getDefiningOp<memref::ExpandShapeOp>();
    if (!expand || expand.getSrc() != product)
      continue;
    SmallVector<ReassociationIndices> groups = expand.getReassociationIndices();
    if (groups.size() == 2 && groups[1].size() == 1 &&
        llvm::all_of(input.getUsers(), [&](Operation *user) { return user == generic; }))
      return input;
  }
  return nullptr;
}

/// C is a buffer of the matmul's own: zero-filled before it, read by the generic (through
/// `view`), freed.
bool onlyFeedsEpilogue(Value product, Value view, Operation *matmul, linalg::GenericOp generic) {
  auto alloc = product.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != matmul->getBlock())
    return false;
  for (Operation *user : product.getUsers()) {
    if (user == matmul || user == generic || user == view.getDefiningOp() ||
        isa<memref::DeallocOp>(user))
      continue;
    if (isa<linalg::FillOp>(user) && user->getBlock() == matmul->getBlock() &&
        user->isBeforeInBlock(matmul))
      continue;
    return false;
  }
  return true;
}

bool isEpilogueShaped(linalg::GenericOp generic, Value product, Value view) {
  unsigned rank = generic.getNumLoops();
  if (!generic.hasPureBufferSemantics() || rank < 2 || generic.getNumParallelLoops() != rank ||
      generic.getNumDpsInits() != 1 ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0)).isIdentity() ||
      generic.payloadUsesValueFromOperand(generic.getDpsInitOperand(0)))
    return false;
  Value output = generic.getDpsInits()[0];
  if (output == product || output == view ||
      cast<MemRefType>(output.getType()).getShape() !=
          cast<MemRefType>(view.getType()).getShape() ||
      (rank > 2 && !hasIdentityLayout(output)))
    return false;
  int productReads = 0;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    std::optional<OperandMap> kind = classifyMap(generic.getMatchingIndexingMap(input));
    if (!kind || !isa<MemRefType>(input->get().getType()))
      return false;
    if (input->get() == view) {
      if (*kind != OperandMap::Tile)
        return false;
      ++productReads;
    } else if (*kind == OperandMap::Tile && rank > 2 && !hasIdentityLayout(input->get())) {
      return false;
    }
  }
  return productReads == 1 && hasVectorizablePayload(generic);
}

/// `buffer`, of the generic's N-D shape with an identity layout, as the 2-D rows x columns of
/// C (the leading dimensions collapsed), built at `b`.
Value rowsView(OpBuilder &b, Value buffer) {
  int64_t rank = cast<MemRefType>(buffer.getType()).getRank();
  if (rank == 2)
    return buffer;
  SmallVector<ReassociationIndices> groups = {llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)),
                                              {rank - 1}};
  return memref::CollapseShapeOp::create(b, buffer.getLoc(), buffer, groups);
}

} // namespace

std::optional<MatmulEpilogue> findMatmulEpilogue(linalg::LinalgOp matmul) {
  Value product = matmul.getDpsInits()[0];
  linalg::GenericOp generic = nextGeneric(matmul);
  Value view = generic ? productViewIn(generic, product) : nullptr;
  if (!view || !onlyFeedsEpilogue(product, view, matmul, generic) ||
      !isEpilogueShaped(generic, product, view))
    return std::nullopt;
  for (Value input : generic.getDpsInputs())
    if (input != view && !definedBefore(input, matmul))
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
  OpBuilder b(matmul);
  MatmulEpilogue epilogue{generic, product, view, rowsView(b, output), {}};
  for (OpOperand *input : generic.getDpsInputOperands()) {
    Value buffer = input->get();
    if (buffer == view)
      epilogue.inputs.push_back(nullptr);
    else if (*classifyMap(generic.getMatchingIndexingMap(input)) == OperandMap::Tile)
      epilogue.inputs.push_back(rowsView(b, buffer));
    else
      epilogue.inputs.push_back(buffer);
  }
  return epilogue;
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
  for (auto [input, buffer] : llvm::zip(generic.getDpsInputOperands(), epilogue.inputs)) {
    Value value;
    if (!buffer) {
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

bool isCostly(const MatmulEpilogue &epilogue) {
  linalg::GenericOp generic = epilogue.op;
  return llvm::any_of(generic.getBody()->getOperations(), [](Operation &op) {
    return isa<math::MathDialect>(op.getDialect()) || isa<arith::DivFOp>(op);
  });
}

void eraseEpilogue(MatmulEpilogue &epilogue) {
  Operation *view = epilogue.productView.getDefiningOp<memref::ExpandShapeOp>();
  epilogue.op.erase();
  if (view && view->use_empty())
    view->erase();
}

} // namespace kiln
