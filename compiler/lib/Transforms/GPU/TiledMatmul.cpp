//===- TiledMatmul.cpp - The kiln-gpu-tiled-matmul pass -------------------===//
//
// The generic lowering of a matmul gives one thread per output element, reading and writing
// C at every step of k: two loads and a store per multiply-add. Here a block of 16 x 16 threads
// computes a 64 x 64 tile of C, each thread a 4 x 4 register tile whose rows are 16 apart and
// whose columns are 16 apart (so that consecutive threads touch consecutive columns of B and C:
// coalesced), with the sums carried in registers across k and C read and written once:
//
//   scf.parallel (%bi, %bj) {kiln.gpu_block_loop}        // the grid of 64 x 64 tiles
//     scf.parallel (%ty, %tx) = (0, 0) to (16, 16)        // the block
//       %sums:16 = scf.for %k iter_args(zeros) { a[r] = A[row r, k]; b[c] = B[k, col c];
//                                                sums[r][c] += a[r] * b[c] }
//       C[row r, col c] += sums[r][c]      (rows and columns inside C only)
//
// Element types follow linalg.matmul's own body (f16/bf16 operands extended to an f32
// accumulator, integers sign-extended). kiln-map-parallel-loops-to-gpu maps the loops.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"

namespace kiln {
#define GEN_PASS_DEF_KILNGPUTILEDMATMUL
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

constexpr int64_t kThreads = 16; // per block, in each of the two dimensions
constexpr int64_t kPerThread = 4; // rows and columns of C per thread
constexpr int64_t kTile = kThreads * kPerThread;

/// linalg.matmul on static buffers with its default indexing, whose body is
/// `c + f(a, b)`; returns the add and f's result.
std::optional<std::pair<Operation *, Value>> matchMatmul(linalg::MatmulOp op) {
  if (!op.hasPureBufferSemantics() || op.hasDynamicShape())
    return std::nullopt;
  if (op.getIndexingMapsArray() != linalg::MatmulOp::getDefaultIndexingMaps(op.getContext()))
    return std::nullopt;
  Block *body = op.getBody();
  BlockArgument accumulator = body->getArguments().back();
  Operation *combine = body->getTerminator()->getOperand(0).getDefiningOp();
  if (!combine || !isa<arith::AddFOp, arith::AddIOp>(combine) || !accumulator.hasOneUse() ||
      accumulator.getUses().begin()->getOwner() != combine)
    return std::nullopt;
  Value product = combine->getOperand(0) == accumulator ? combine->getOperand(1)
                                                        : combine->getOperand(0);
  return std::make_pair(combine, product);
}

/// Lets LLVM fuse the multiply and the add into one FMA (one rounding instead of two): without
/// the flag, NVPTX keeps mul.rn and add.rn apart and the loop runs at half the FMA rate.
void allowContraction(Operation *op) {
  auto fastMath = dyn_cast<arith::ArithFastMathInterface>(op);
  if (!fastMath)
    return;
  arith::FastMathFlagsAttr attr = fastMath.getFastMathFlagsAttr();
  arith::FastMathFlags flags = attr ? attr.getValue() : arith::FastMathFlags::none;
  op->setAttr(fastMath.getFastMathAttrName(),
              arith::FastMathFlagsAttr::get(op->getContext(),
                                            flags | arith::FastMathFlags::contract));
}

void rewrite(linalg::MatmulOp op, Operation *combine, Value product) {
  Location loc = op.getLoc();
  OpBuilder b(op);
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  Value a = op.getDpsInputs()[0], bMatrix = op.getDpsInputs()[1], c = op.getDpsInits()[0];
  ArrayRef<int64_t> aShape = cast<MemRefType>(a.getType()).getShape();
  ArrayRef<int64_t> cShape = cast<MemRefType>(c.getType()).getShape();
  int64_t m = cShape[0], n = cShape[1], depth = aShape[1];
  Block *body = op.getBody();

  auto blocks = scf::ParallelOp::create(
      b, loc, ValueRange{index(0), index(0)},
      ValueRange{index(llvm::divideCeil(m, kTile)), index(llvm::divideCeil(n, kTile))},
      ValueRange{index(1), index(1)});
  blocks->setAttr(kGPUBlockLoopAttr, b.getUnitAttr());
  b.setInsertionPointToStart(blocks.getBody());
  auto lanes = scf::ParallelOp::create(b, loc, ValueRange{index(0), index(0)},
                                       ValueRange{index(kThreads), index(kThreads)},
                                       ValueRange{index(1), index(1)});
  b.setInsertionPointToStart(lanes.getBody());

  // Rows bi * 64 + ty + 16 r and columns bj * 64 + tx + 16 c; loads clamp them into the
  // matrix (what they read past the edge is never stored).
  SmallVector<Value> rows, cols, safeRows, safeCols;
  Value tile = index(kTile);
  Value rowBase = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, blocks.getInductionVars()[0], tile),
      lanes.getInductionVars()[0]);
  Value colBase = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, blocks.getInductionVars()[1], tile),
      lanes.getInductionVars()[1]);
  for (int64_t i = 0; i < kPerThread; ++i) {
    rows.push_back(arith::AddIOp::create(b, loc, rowBase, index(i * kThreads)));
    cols.push_back(arith::AddIOp::create(b, loc, colBase, index(i * kThreads)));
    safeRows.push_back(arith::MinUIOp::create(b, loc, rows.back(), index(m - 1)));
    safeCols.push_back(arith::MinUIOp::create(b, loc, cols.back(), index(n - 1)));
  }
  Type accType = combine->getResult(0).getType();
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(accType));
  SmallVector<Value> zeros(kPerThread * kPerThread, zero);

  auto loop = scf::ForOp::create(
      b, loc, index(0), index(depth), index(1), zeros,
      [&](OpBuilder &nested, Location nestedLoc, Value k, ValueRange sums) {
        SmallVector<Value> aValues, bValues, next;
        for (int64_t i = 0; i < kPerThread; ++i) {
          aValues.push_back(
              memref::LoadOp::create(nested, nestedLoc, a, ValueRange{safeRows[i], k}));
          bValues.push_back(
              memref::LoadOp::create(nested, nestedLoc, bMatrix, ValueRange{k, safeCols[i]}));
        }
        for (int64_t r = 0; r < kPerThread; ++r)
          for (int64_t col = 0; col < kPerThread; ++col) {
            IRMapping mapping;
            mapping.map(body->getArgument(0), aValues[r]);
            mapping.map(body->getArgument(1), bValues[col]);
            mapping.map(body->getArgument(2), sums[r * kPerThread + col]);
            for (Operation &bodyOp : body->without_terminator())
              allowContraction(nested.clone(bodyOp, mapping));
            next.push_back(mapping.lookup(combine->getResult(0)));
          }
        scf::YieldOp::create(nested, nestedLoc, next);
      });

  for (int64_t r = 0; r < kPerThread; ++r)
    for (int64_t col = 0; col < kPerThread; ++col) {
      Value inRow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, rows[r], index(m));
      Value inCol =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, cols[col], index(n));
      Value inside = arith::AndIOp::create(b, loc, inRow, inCol);
      auto ifInside = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifInside.thenBlock());
      Value old = memref::LoadOp::create(b, loc, c, ValueRange{rows[r], cols[col]});
      IRMapping mapping;
      mapping.map(body->getArguments().back(), old);
      mapping.map(product, loop.getResult(r * kPerThread + col));
      Operation *sum = b.clone(*combine, mapping);
      memref::StoreOp::create(b, loc, sum->getResult(0), c, ValueRange{rows[r], cols[col]});
    }
  op.erase();
}

struct GPUTiledMatmulPass : impl::KilnGPUTiledMatmulBase<GPUTiledMatmulPass> {
  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> matmuls;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(kCUDAEntryAttr))
        func.walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
    for (linalg::MatmulOp op : matmuls)
      if (auto match = matchMatmul(op))
        rewrite(op, match->first, match->second);
  }
};

} // namespace
} // namespace kiln
