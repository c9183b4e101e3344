//===- TensorCoreMatmul.cpp - The kiln-cuda-tensor-core-matmul pass --------===//
//
// f16/bf16 matmuls summed in f32 run on the tensor cores with the warp-wide mma.sync
// (m16n8k16) of sm_80+. One block of 8 warps computes a 128 x 128 tile of C; each warp a
// 64 x 32 part of it, as 4 x 4 mma tiles whose f32 accumulators stay in registers over k:
//
//   scf.parallel (%bm, %bn) {kiln.gpu_block_loop}              // the grid of C tiles
//     scf.parallel (%t) = (0) to (256)                          // the block
//       %sA, %sB = memref.alloc (workgroup)                      // the block's shared memory
//       %staged = 16-byte loads of A[rows, 0:32] and B[0:32, cols]
//       scf.for %k iter_args(%acc = zeros, %staged) {
//         store %staged into %sA, %sB; gpu.barrier
//         %next = 16-byte loads of the next k step              // in flight during the mma's
//         2 x (nvgpu.ldmatrix fragments; 16 x nvgpu.mma.sync)
//         gpu.barrier }
//       C[row, col] += %acc (rows and columns inside C only)
//
// Shared rows are padded by 16 bytes so that the 8 row addresses of each ldmatrix fall in
// distinct banks. Loads outside A or B give zeros; k and n being multiples of 8 makes each
// 16-byte load wholly inside or outside. kiln-cuda-map-parallel-loops maps the loops and
// turns the workgroup allocations into the kernel's shared memory.
//
// Upstream's route to mma.sync (vector.contract distributed by nvgpu-optimize-shared-memory
// and the transform dialect's rewrite_matmul_as_mma_sync) assumes tiles that divide the
// problem; building the warp tiles here keeps edge tiles and the k steps ahead in registers
// under one pass.
//
//===----------------------------------------------------------------------===//
#include "TileCopy.h"
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCUDATENSORCOREMATMUL
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

constexpr int64_t kBlockM = 128, kBlockN = 128, kBlockK = 32; // C tile and k step per block
constexpr int64_t kWarpSize = 32, kWarpsN = 4, kWarps = 8;
constexpr int64_t kThreads = kWarps * kWarpSize;
constexpr int64_t kWarpM = kBlockM / (kWarps / kWarpsN), kWarpN = kBlockN / kWarpsN;
constexpr int64_t kMmaM = 16, kMmaN = 8, kMmaK = 16;
constexpr int64_t kTilesM = kWarpM / kMmaM, kTilesN = kWarpN / kMmaN;
constexpr int64_t kVector = 8;    // f16/bf16 elements in one 16-byte load
constexpr int64_t kPad = kVector; // shared rows padded by 16 bytes

struct Match {
  Operation *combine; ///< `c + product`
  Value product;      ///< extf(a) * extf(b)
};

bool isF32Extension(Value value, Value of) {
  auto ext = value.getDefiningOp<arith::ExtFOp>();
  return ext && ext.getIn() == of && ext.getType().isF32();
}

std::optional<Match> matchTensorCoreMatmul(linalg::MatmulOp op) {
  if (!op.hasPureBufferSemantics() || op.hasDynamicShape())
    return std::nullopt;
  if (op.getIndexingMapsArray() != linalg::MatmulOp::getDefaultIndexingMaps(op.getContext()))
    return std::nullopt;
  Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1], c = op.getDpsInits()[0];
  Type elementType = getElementTypeOrSelf(a.getType());
  if (!(elementType.isF16() || elementType.isBF16()) ||
      getElementTypeOrSelf(b.getType()) != elementType ||
      !getElementTypeOrSelf(c.getType()).isF32())
    return std::nullopt;
  int64_t depth = cast<MemRefType>(a.getType()).getShape()[1];
  int64_t n = cast<MemRefType>(c.getType()).getShape()[1];
  if (depth % kVector != 0 || n % kVector != 0 ||
      !hasAlignedRows(cast<MemRefType>(a.getType()), kVector) ||
      !hasAlignedRows(cast<MemRefType>(b.getType()), kVector))
    return std::nullopt;

  Block *body = op.getBody();
  BlockArgument x = body->getArgument(0), y = body->getArgument(1), acc = body->getArgument(2);
  auto add = body->getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || !acc.hasOneUse())
    return std::nullopt;
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul || (add.getLhs() != acc && add.getRhs() != acc))
    return std::nullopt;
  bool extended = (isF32Extension(mul.getLhs(), x) && isF32Extension(mul.getRhs(), y)) ||
                  (isF32Extension(mul.getLhs(), y) && isF32Extension(mul.getRhs(), x));
  if (!extended)
    return std::nullopt;
  return Match{add, product};
}

/// Builds the kernel of one matmul; the builder sits inside the block's thread loop.
class KernelBuilder {
public:
  KernelBuilder(ImplicitLocOpBuilder &b, linalg::MatmulOp op, Match match, Value rowBase,
                Value colBase, Value thread)
      : b(b), op(op), match(match), a(op.getDpsInputs()[0]), bMatrix(op.getDpsInputs()[1]),
        c(op.getDpsInits()[0]), rowBase(rowBase), colBase(colBase), thread(thread) {
    elementType = getElementTypeOrSelf(a.getType());
    m = cast<MemRefType>(c.getType()).getShape()[0];
    n = cast<MemRefType>(c.getType()).getShape()[1];
    depth = cast<MemRefType>(a.getType()).getShape()[1];
  }

  void build() {
    auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
    sharedA = memref::AllocOp::create(
        b, MemRefType::get({kBlockM, kBlockK + kPad}, elementType, nullptr, workgroup));
    sharedB = memref::AllocOp::create(
        b, MemRefType::get({kBlockK, kBlockN + kPad}, elementType, nullptr, workgroup));
    Value warp = arith::DivUIOp::create(b, thread, index(kWarpSize));
    lane = arith::RemUIOp::create(b, thread, index(kWarpSize));
    warpRow =
        arith::MulIOp::create(b, arith::DivUIOp::create(b, warp, index(kWarpsN)), index(kWarpM));
    warpCol =
        arith::MulIOp::create(b, arith::RemUIOp::create(b, warp, index(kWarpsN)), index(kWarpN));

    auto accType = VectorType::get({2, 2}, b.getF32Type());
    Value zero = arith::ConstantOp::create(b, b.getZeroAttr(accType));
    SmallVector<Value> inits(kTilesM * kTilesN, zero);
    llvm::append_range(inits, loadStep(index(0)));
    auto loop = scf::ForOp::create(b, index(0), index(depth), index(kBlockK), inits);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      scf::YieldOp::create(b, step(loop.getInductionVar(), loop.getRegionIterArgs()));
    }
    storeTile(loop.getResults().take_front(kTilesM * kTilesN));
  }

private:
  Value index(int64_t value) { return arith::ConstantIndexOp::create(b, value); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value add(Value x, int64_t y) { return add(x, index(y)); }

  /// A[rows of this block, k:k+32] and B[k:k+32, columns of this block], copied in pieces.
  TileCopy tileOfA() const { return {a, kBlockM, kBlockK, m, depth, kVector, kThreads}; }
  TileCopy tileOfB() const { return {bMatrix, kBlockK, kBlockN, depth, n, kVector, kThreads}; }

  SmallVector<Value> loadStep(Value k) {
    SmallVector<Value> pieces = tileOfA().load(b, rowBase, k, thread);
    llvm::append_range(pieces, tileOfB().load(b, k, colBase, thread));
    return pieces;
  }

  /// One k step: the staged pieces into shared memory, the next step's loads issued, and the
  /// mma's over the two k16 halves of the step.
  SmallVector<Value> step(Value k, ValueRange carried) {
    ValueRange accs = carried.take_front(kTilesM * kTilesN);
    ValueRange staged = carried.drop_front(kTilesM * kTilesN);
    int64_t piecesA = tileOfA().piecesPerThread();
    tileOfA().store(b, staged.take_front(piecesA), sharedA, thread);
    tileOfB().store(b, staged.drop_front(piecesA), sharedB, thread);
    gpu::BarrierOp::create(b);
    SmallVector<Value> next = loadStep(add(k, kBlockK));

    SmallVector<Value> sums(accs.begin(), accs.end());
    Value laneRow = arith::RemUIOp::create(b, lane, index(16));
    Value laneHalf = arith::MulIOp::create(b, arith::DivUIOp::create(b, lane, index(16)), index(8));
    auto fragmentA = VectorType::get({4, 2}, elementType);
    auto fragmentB = VectorType::get({2, 2}, elementType);
    for (int64_t kk = 0; kk < kBlockK; kk += kMmaK) {
      // ldmatrix.x4: lanes 0-15 give the rows of the left 16 x 8 half, 16-31 the right half.
      SmallVector<Value> fragmentsA, fragmentsB;
      for (int64_t tm = 0; tm < kTilesM; ++tm)
        fragmentsA.push_back(nvgpu::LdMatrixOp::create(
            b, fragmentA, sharedA,
            ValueRange{add(add(warpRow, tm * kMmaM), laneRow), add(laneHalf, kk)},
            /*transpose=*/false, /*numTiles=*/4));
      // ldmatrix.x2.trans: lanes 0-15 give the 16 k rows of an 8-column slice of B.
      for (int64_t tn = 0; tn < kTilesN; ++tn)
        fragmentsB.push_back(nvgpu::LdMatrixOp::create(
            b, fragmentB, sharedB, ValueRange{add(laneRow, kk), add(warpCol, tn * kMmaN)},
            /*transpose=*/true, /*numTiles=*/2));
      for (int64_t tm = 0; tm < kTilesM; ++tm)
        for (int64_t tn = 0; tn < kTilesN; ++tn) {
          Value &sum = sums[tm * kTilesN + tn];
          sum = mma(fragmentsA[tm], fragmentsB[tn], sum);
        }
    }
    gpu::BarrierOp::create(b);
    llvm::append_range(sums, next);
    return sums;
  }

  /// sum + a * b for one 16 x 8 x 16 tile. f16 goes through nvgpu.mma.sync; its conversion to
  /// NVVM in MLIR 22 knows no bf16 operands (getNvvmMmaType), so bf16 goes to nvvm.mma.sync
  /// directly, with the 32-bit registers (two bf16 each) that the instruction takes.
  Value mma(Value fragmentA, Value fragmentB, Value sum) {
    if (elementType.isF16())
      return nvgpu::MmaSyncOp::create(b, fragmentA, fragmentB, sum,
                                      ArrayRef<int64_t>{kMmaM, kMmaN, kMmaK});
    auto word = VectorType::get({1}, b.getI32Type());
    auto registers = [&](Value fragment) {
      SmallVector<Value> words;
      for (int64_t i = 0, e = cast<VectorType>(fragment.getType()).getDimSize(0); i < e; ++i) {
        Value pair = vector::ExtractOp::create(b, fragment, ArrayRef<int64_t>{i});
        Value cast = vector::BitCastOp::create(b, word, pair);
        words.push_back(vector::ExtractOp::create(b, cast, ArrayRef<int64_t>{0}));
      }
      return words;
    };
    SmallVector<Value> sums;
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 2; ++j)
        sums.push_back(vector::ExtractOp::create(b, sum, ArrayRef<int64_t>{i, j}));
    Type f32 = b.getF32Type();
    auto resultType = LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
    auto product = NVVM::MmaOp::create(
        b, resultType, registers(fragmentA), registers(fragmentB), sums,
        ArrayRef<int64_t>{kMmaM, kMmaN, kMmaK}, std::nullopt, std::nullopt,
        std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16},
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row, NVVM::MMALayout::col});
    SmallVector<Value> elements;
    for (int64_t i = 0; i < 4; ++i)
      elements.push_back(LLVM::ExtractValueOp::create(b, product, ArrayRef<int64_t>{i}));
    return vector::FromElementsOp::create(b, sum.getType(), elements);
  }

  /// Adds the accumulators into C: element (i, j) of a tile's vector<2x2xf32> is row
  /// lane / 4 + 8 i, column 2 (lane % 4) + j of the 16 x 8 tile.
  void storeTile(ValueRange sums) {
    Value groupRow = add(rowBase, add(warpRow, arith::DivUIOp::create(b, lane, index(4))));
    Value groupCol =
        add(colBase, add(warpCol, arith::MulIOp::create(
                                      b, arith::RemUIOp::create(b, lane, index(4)), index(2))));
    for (int64_t tm = 0; tm < kTilesM; ++tm)
      for (int64_t tn = 0; tn < kTilesN; ++tn)
        for (int64_t i = 0; i < 2; ++i)
          for (int64_t j = 0; j < 2; ++j) {
            Value sum =
                vector::ExtractOp::create(b, sums[tm * kTilesN + tn], ArrayRef<int64_t>{i, j});
            addIntoOutput(b, op, match.combine, match.product, add(groupRow, tm * kMmaM + i * 8),
                          add(groupCol, tn * kMmaN + j), sum);
          }
  }

  ImplicitLocOpBuilder &b;
  linalg::MatmulOp op;
  Match match;
  Value a, bMatrix, c, rowBase, colBase, thread;
  Type elementType;
  int64_t m, n, depth;
  Value sharedA, sharedB, lane, warpRow, warpCol;
};

void rewrite(linalg::MatmulOp op, Match match) {
  static_assert(kBlockM == kBlockN, "square tiles of C");
  ImplicitLocOpBuilder b(op.getLoc(), op);
  BlockTile tile = openBlockTiles(b, op.getDpsInits()[0], kBlockM, kThreads);
  KernelBuilder(b, op, match, tile.rowBase, tile.colBase, tile.thread).build();
  op.erase();
}

struct GPUTensorCoreMatmulPass : impl::KilnCUDATensorCoreMatmulBase<GPUTensorCoreMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    if (minSM < 80)
      return;
    SmallVector<linalg::MatmulOp> matmuls;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(kCUDAEntryAttr))
        func.walk([&](linalg::MatmulOp op) { matmuls.push_back(op); });
    for (linalg::MatmulOp op : matmuls)
      if (std::optional<Match> match = matchTensorCoreMatmul(op))
        rewrite(op, *match);
  }
};

} // namespace
} // namespace kiln
