//===- TileCopy.cpp - Tiles of a matrix copied in 16-byte pieces ----------===//
#include "TileCopy.h"
#include "kiln/Compiler/Passes.h"

using namespace mlir;

namespace kiln {
namespace {

constexpr int64_t kPieceBytes = 16;

/// The (row, column) in the tile of piece `thread + i * threads`.
std::pair<Value, Value> pieceOrigin(ImplicitLocOpBuilder &b, const TileCopy &tile, Value thread,
                                    int64_t i) {
  Value perRow = arith::ConstantIndexOp::create(b, tile.cols / tile.width);
  Value piece =
      arith::AddIOp::create(b, thread, arith::ConstantIndexOp::create(b, i * tile.threads));
  Value row = arith::DivUIOp::create(b, piece, perRow);
  Value col = arith::MulIOp::create(b, arith::RemUIOp::create(b, piece, perRow),
                                    arith::ConstantIndexOp::create(b, tile.width));
  return {row, col};
}

} // namespace

SmallVector<Value> TileCopy::load(ImplicitLocOpBuilder &b, Value rowOrigin, Value colOrigin,
                                  Value thread) const {
  Type elementType = cast<MemRefType>(matrix.getType()).getElementType();
  auto vectorType = VectorType::get({width}, elementType);
  auto below = [&](Value x, int64_t bound) -> Value {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x,
                                 arith::ConstantIndexOp::create(b, bound));
  };
  SmallVector<Value> pieces;
  for (int64_t i = 0, e = piecesPerThread(); i < e; ++i) {
    auto [tileRow, tileCol] = pieceOrigin(b, *this, thread, i);
    Value row = arith::AddIOp::create(b, rowOrigin, tileRow);
    Value col = arith::AddIOp::create(b, colOrigin, tileCol);
    Value inside = arith::AndIOp::create(b, below(row, matrixRows), below(col, matrixCols));
    auto ifInside = scf::IfOp::create(
        b, inside,
        [&](OpBuilder &nested, Location loc) {
          Value loaded =
              vector::LoadOp::create(nested, loc, vectorType, matrix, ValueRange{row, col},
                                     /*nontemporal=*/false, llvm::Align(kPieceBytes));
          scf::YieldOp::create(nested, loc, loaded);
        },
        [&](OpBuilder &nested, Location loc) {
          Value zeros = arith::ConstantOp::create(nested, loc, nested.getZeroAttr(vectorType));
          scf::YieldOp::create(nested, loc, zeros);
        });
    pieces.push_back(ifInside.getResult(0));
  }
  return pieces;
}

void TileCopy::store(ImplicitLocOpBuilder &b, ValueRange pieces, Value shared, Value thread) const {
  for (auto [i, piece] : llvm::enumerate(pieces)) {
    auto [row, col] = pieceOrigin(b, *this, thread, static_cast<int64_t>(i));
    vector::StoreOp::create(b, piece, shared, ValueRange{row, col}, /*nontemporal=*/false,
                            llvm::Align(kPieceBytes));
  }
}

BlockTile openBlockTiles(ImplicitLocOpBuilder &b, Value c, int64_t tile, int64_t threads) {
  auto index = [&](int64_t value) -> Value { return arith::ConstantIndexOp::create(b, value); };
  ArrayRef<int64_t> shape = cast<MemRefType>(c.getType()).getShape();
  auto blocks = scf::ParallelOp::create(
      b, ValueRange{index(0), index(0)},
      ValueRange{index(llvm::divideCeil(shape[0], tile)), index(llvm::divideCeil(shape[1], tile))},
      ValueRange{index(1), index(1)});
  blocks->setAttr(kGPUBlockLoopAttr, b.getUnitAttr());
  b.setInsertionPointToStart(blocks.getBody());
  auto lanes = scf::ParallelOp::create(b, ValueRange{index(0)}, ValueRange{index(threads)},
                                       ValueRange{index(1)});
  b.setInsertionPointToStart(lanes.getBody());
  return {arith::MulIOp::create(b, blocks.getInductionVars()[0], index(tile)),
          arith::MulIOp::create(b, blocks.getInductionVars()[1], index(tile)),
          lanes.getInductionVars()[0]};
}

void addIntoOutput(ImplicitLocOpBuilder &b, linalg::MatmulOp op, Operation *combine, Value product,
                   Value row, Value col, Value sum) {
  Value c = op.getDpsInits()[0];
  ArrayRef<int64_t> shape = cast<MemRefType>(c.getType()).getShape();
  auto below = [&](Value x, int64_t bound) -> Value {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x,
                                 arith::ConstantIndexOp::create(b, bound));
  };
  Value inside = arith::AndIOp::create(b, below(row, shape[0]), below(col, shape[1]));
  auto ifInside = scf::IfOp::create(b, inside, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifInside.thenBlock());
  Value old = memref::LoadOp::create(b, c, ValueRange{row, col});
  IRMapping mapping;
  mapping.map(op.getBody()->getArguments().back(), old);
  mapping.map(product, sum);
  Operation *updated = b.clone(*combine, mapping);
  memref::StoreOp::create(b, updated->getResult(0), c, ValueRange{row, col});
}

bool hasAlignedRows(MemRefType type, int64_t alignment) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (type.getRank() == 0 || failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) || strides.back() != 1 || offset % alignment != 0)
    return false;
  return llvm::all_of(ArrayRef(strides).drop_back(), [&](int64_t stride) {
    return !ShapedType::isDynamic(stride) && stride % alignment == 0;
  });
}

} // namespace kiln
