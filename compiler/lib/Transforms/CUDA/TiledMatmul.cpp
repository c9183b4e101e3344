//===- TiledMatmul.cpp - The kiln-cuda-tiled-matmul pass -------------------===//
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
// accumulator, integers sign-extended). kiln-cuda-map-parallel-loops maps the loops.
//
// f32 matmuls whose rows allow 16-byte loads (k and n multiples of 4, aligned rows) take a
// staged kernel instead: a block of 256 threads computes a 128 x 128 tile of C, each thread
// an 8 x 8 register tile (rows ty*4 + {0..3} and 64 + ty*4 + {0..3}, columns likewise with
// tx), with each k step of 16 copied into shared memory in 16-byte pieces loaded one step
// ahead (TileCopy.h); the threads then read A and B from shared memory, each element of B
// as part of a 16-byte read shared by 16 threads, instead of from global memory per output.
//
//===----------------------------------------------------------------------===//
#include "TileCopy.h"
#include "kiln/Compiler/Passes.h"

#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCUDATILEDMATMUL
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

constexpr int64_t kThreads = 16;  // per block, in each of the two dimensions
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
  Value product =
      combine->getOperand(0) == accumulator ? combine->getOperand(1) : combine->getOperand(0);
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
  op->setAttr(
      fastMath.getFastMathAttrName(),
      arith::FastMathFlagsAttr::get(op->getContext(), flags | arith::FastMathFlags::contract));
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

  auto loop =
      scf::ForOp::create(b, loc, index(0), index(depth), index(1), zeros,
                         [&](OpBuilder &nested, Location nestedLoc, Value k, ValueRange sums) {
                           SmallVector<Value> aValues, bValues, next;
                           for (int64_t i = 0; i < kPerThread; ++i) {
                             aValues.push_back(memref::LoadOp::create(nested, nestedLoc, a,
                                                                      ValueRange{safeRows[i], k}));
                             bValues.push_back(memref::LoadOp::create(nested, nestedLoc, bMatrix,
                                                                      ValueRange{k, safeCols[i]}));
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

  ImplicitLocOpBuilder epilogue(loc, b);
  for (int64_t r = 0; r < kPerThread; ++r)
    for (int64_t col = 0; col < kPerThread; ++col)
      addIntoOutput(epilogue, op, combine, product, rows[r], cols[col],
                    loop.getResult(r * kPerThread + col));
  op.erase();
}

/// The staged f32 kernel's shape.
constexpr int64_t kStagedTile = 128, kStagedDepth = 16, kStagedThreads = 256;
constexpr int64_t kStagedLanes = 16;             // threads along each side of the block
constexpr int64_t kStagedQuad = 4;               // rows (columns) per group of a thread
constexpr int64_t kStagedHalf = kStagedTile / 2; // the second group's offset
constexpr int64_t kStagedWidth = 4;              // f32 elements in a 16-byte piece

bool fitsStagedKernel(linalg::MatmulOp op) {
  Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1], c = op.getDpsInits()[0];
  auto isF32 = [](Value v) { return getElementTypeOrSelf(v.getType()).isF32(); };
  if (!isF32(a) || !isF32(b) || !isF32(c))
    return false;
  int64_t depth = cast<MemRefType>(a.getType()).getShape()[1];
  int64_t n = cast<MemRefType>(c.getType()).getShape()[1];
  return depth % kStagedWidth == 0 && n % kStagedWidth == 0 &&
         hasAlignedRows(cast<MemRefType>(a.getType()), kStagedWidth) &&
         hasAlignedRows(cast<MemRefType>(b.getType()), kStagedWidth);
}

/// Builds the staged kernel of one matmul inside the block's thread loop.
class StagedKernel {
public:
  StagedKernel(ImplicitLocOpBuilder &b, linalg::MatmulOp op, Operation *combine, Value product,
               Value rowBase, Value colBase, Value thread)
      : b(b), op(op), combine(combine), product(product), rowBase(rowBase), colBase(colBase),
        thread(thread) {
    auto cType = cast<MemRefType>(op.getDpsInits()[0].getType());
    m = cType.getShape()[0];
    n = cType.getShape()[1];
    depth = cast<MemRefType>(op.getDpsInputs()[0].getType()).getShape()[1];
  }

  void build() {
    auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
    Type f32 = b.getF32Type();
    sharedA = memref::AllocOp::create(
        b, MemRefType::get({kStagedTile, kStagedDepth}, f32, nullptr, workgroup));
    sharedB = memref::AllocOp::create(
        b, MemRefType::get({kStagedDepth, kStagedTile}, f32, nullptr, workgroup));
    Value ty = arith::DivUIOp::create(b, thread, index(kStagedLanes));
    Value tx = arith::RemUIOp::create(b, thread, index(kStagedLanes));
    for (int64_t i = 0; i < 2 * kStagedQuad; ++i) {
      int64_t offset = (i / kStagedQuad) * kStagedHalf + i % kStagedQuad;
      tileRows.push_back(add(mul(ty, kStagedQuad), offset));
    }
    for (int64_t half = 0; half < 2; ++half)
      tileCols.push_back(add(mul(tx, kStagedQuad), half * kStagedHalf));

    Value zero = arith::ConstantOp::create(b, b.getZeroAttr(f32));
    SmallVector<Value> inits(4 * kStagedQuad * kStagedQuad, zero);
    llvm::append_range(inits, loadStep(index(0)));
    auto loop = scf::ForOp::create(b, index(0), index(depth), index(kStagedDepth), inits);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      scf::YieldOp::create(b, step(loop.getInductionVar(), loop.getRegionIterArgs()));
    }
    storeTile(loop.getResults().take_front(4 * kStagedQuad * kStagedQuad));
  }

private:
  Value index(int64_t value) { return arith::ConstantIndexOp::create(b, value); }
  Value add(Value x, int64_t y) { return arith::AddIOp::create(b, x, index(y)); }
  Value mul(Value x, int64_t y) { return arith::MulIOp::create(b, x, index(y)); }

  TileCopy tileOfA() {
    return {op.getDpsInputs()[0], kStagedTile,   kStagedDepth, m, depth,
            kStagedWidth,         kStagedThreads};
  }
  TileCopy tileOfB() {
    return {op.getDpsInputs()[1], kStagedDepth,  kStagedTile, depth, n,
            kStagedWidth,         kStagedThreads};
  }

  SmallVector<Value> loadStep(Value k) {
    SmallVector<Value> pieces = tileOfA().load(b, rowBase, k, thread);
    llvm::append_range(pieces, tileOfB().load(b, k, colBase, thread));
    return pieces;
  }

  /// The 8 x 8 sums, row-major: sums[r * 8 + c] for row tileRows[r], column group c / 4.
  SmallVector<Value> step(Value k, ValueRange carried) {
    int64_t count = 4 * kStagedQuad * kStagedQuad;
    SmallVector<Value> sums(carried.take_front(count));
    ValueRange staged = carried.drop_front(count);
    int64_t piecesA = tileOfA().piecesPerThread();
    tileOfA().store(b, staged.take_front(piecesA), sharedA, thread);
    tileOfB().store(b, staged.drop_front(piecesA), sharedB, thread);
    gpu::BarrierOp::create(b);
    SmallVector<Value> next = loadStep(arith::AddIOp::create(b, k, index(kStagedDepth)));

    Block *body = op.getBody();
    auto quad = VectorType::get({kStagedQuad}, b.getF32Type());
    for (int64_t kk = 0; kk < kStagedDepth; ++kk) {
      Value kIndex = index(kk);
      SmallVector<Value> aValues, bValues;
      for (Value row : tileRows)
        aValues.push_back(memref::LoadOp::create(b, sharedA, ValueRange{row, kIndex}));
      for (Value col : tileCols) {
        Value piece = vector::LoadOp::create(b, quad, sharedB, ValueRange{kIndex, col},
                                             /*nontemporal=*/false, llvm::Align(16));
        for (int64_t j = 0; j < kStagedQuad; ++j)
          bValues.push_back(vector::ExtractOp::create(b, piece, ArrayRef<int64_t>{j}));
      }
      for (auto [r, aValue] : llvm::enumerate(aValues))
        for (auto [c, bValue] : llvm::enumerate(bValues)) {
          Value &sum = sums[r * bValues.size() + c];
          IRMapping mapping;
          mapping.map(body->getArgument(0), aValue);
          mapping.map(body->getArgument(1), bValue);
          mapping.map(body->getArgument(2), sum);
          for (Operation &bodyOp : body->without_terminator())
            allowContraction(b.clone(bodyOp, mapping));
          sum = mapping.lookup(combine->getResult(0));
        }
    }
    gpu::BarrierOp::create(b);
    llvm::append_range(sums, next);
    return sums;
  }

  void storeTile(ValueRange sums) {
    int64_t columns = 2 * kStagedQuad;
    for (int64_t r = 0; r < 2 * kStagedQuad; ++r)
      for (int64_t col = 0; col < columns; ++col) {
        Value row = arith::AddIOp::create(b, rowBase, tileRows[r]);
        Value column =
            add(arith::AddIOp::create(b, colBase, tileCols[col / kStagedQuad]), col % kStagedQuad);
        addIntoOutput(b, op, combine, product, row, column, sums[r * columns + col]);
      }
  }

  ImplicitLocOpBuilder &b;
  linalg::MatmulOp op;
  Operation *combine;
  Value product, rowBase, colBase, thread;
  int64_t m, n, depth;
  Value sharedA, sharedB;
  SmallVector<Value> tileRows, tileCols;
};

void rewriteStaged(linalg::MatmulOp op, Operation *combine, Value product) {
  ImplicitLocOpBuilder b(op.getLoc(), op);
  BlockTile tile = openBlockTiles(b, op.getDpsInits()[0], kStagedTile, kStagedThreads);
  StagedKernel(b, op, combine, product, tile.rowBase, tile.colBase, tile.thread).build();
  op.erase();
}

struct GPUTiledMatmulPass : impl::KilnCUDATiledMatmulBase<GPUTiledMatmulPass> {
  void runOnOperation() override {
    SmallVector<linalg::MatmulOp> matmuls;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(kCUDAEntryAttr))
        func.walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
    for (linalg::MatmulOp op : matmuls)
      if (auto match = matchMatmul(op)) {
        if (fitsStagedKernel(op))
          rewriteStaged(op, match->first, match->second);
        else
          rewrite(op, match->first, match->second);
      }
  }
};

} // namespace
} // namespace kiln
