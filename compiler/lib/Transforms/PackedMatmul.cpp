//===- PackedMatmul.cpp - The kiln-packed-matmul pass ---------------------===//
//
// f32 and integer (i8/i16/i32 -> i32) linalg.matmul on buffers becomes the GotoBLAS/BLIS loop
// nest (linalg.batch_matmul: the same nest per matrix of the batch): B is packed into
// kc x NR panels that stay in L1, A into MC x kc blocks of MR-row panels that stay in L2,
// and an MR x NR register-blocked micro-kernel of vector FMAs runs over them. The accumulators
// are loop-carried vectors, so LLVM keeps them in registers for the whole k loop. Integer
// operands are sign-extended to i32 once, when packed, and multiplied and added in i32.
//
// With AVX-512 VNNI, i8 x i8 -> i32 takes vpdpbusd instead, which adds four byte products
// into each i32 lane: B's panels hold groups of four rows per column (VNNI.h), A's four bytes
// are broadcast to every lane, and one instruction does the work of sixteen multiply-adds.
//
// Why not linalg tiling + transform.structured.vectorize: at MLIR 22 that route lowers the
// broadcast of A to scalar inserts and no FMA chain (MACHINE-NOTES: 0.2 GFLOP/s). Building the
// micro-kernel directly from vector ops keeps the shape we need and is small.
//
//===----------------------------------------------------------------------===//
#include "ConstantBuffers.h"
#include "MatmulEpilogue.h"
#include "VNNI.h"
#include "WindowColumns.h"
#include "ZeroFill.h"
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace kiln {
#define GEN_PASS_DEF_KILNPACKEDMATMUL
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// Block sizes of one matmul, all static.
struct MatmulTiling {
  int64_t m, n, k; // problem
  int64_t lanes;   // 32-bit lanes per vector register
  int64_t mr, nr;  // micro-kernel: mr rows x nr columns (nr = vectorsPerRow * lanes)
  int64_t vectorsPerRow;
  int64_t mc, nc, kc;    // cache blocks; mc % mr == 0, nc % nr == 0
  int64_t rowBlocks;     // ceil(m / mc)
  int64_t directAPanels; // B's column panels up to which A is read in place
  bool vnni = false;     // i8 x i8 -> i32 on vpdpbusd (usesVNNI)
};

int64_t roundUp(int64_t x, int64_t multiple) { return (x + multiple - 1) / multiple * multiple; }

/// Rows of `m` that micro-tiles of `mr` rows compute when `rowBlocks` blocks of whole tiles
/// split them: the padding of each block to a multiple of mr is wasted work.
int64_t computedRows(int64_t m, int64_t rowBlocks, int64_t mr) {
  int64_t mc = roundUp((m + rowBlocks - 1) / rowBlocks, mr), rows = 0;
  for (int64_t ic = 0; ic < m; ic += mc)
    rows += roundUp(std::min(mc, m - ic), mr);
  return rows;
}

/// The micro-kernel's rows for `m` rows in `rowBlocks` blocks, at most `maxRows` (what the
/// register file holds): the count in (maxRows / 2, maxRows] that computes the fewest padded
/// rows, the larger on a tie. Every such count keeps enough accumulators in flight to hide
/// the FMA latency, and the loop is FMA-bound whatever the count (one broadcast per row, two
/// loads of B per step), so padding is what differs: with 12 rows, ResNet-50's 7x7 layers
/// (M = 49) computed 60 rows for 49, and a transformer's 128 rows 132. A matrix of at most
/// maxRows rows is one tile of exactly its rows.
int64_t chooseTileRows(int64_t m, int64_t rowBlocks, int64_t maxRows) {
  if (m <= maxRows)
    return m;
  int64_t best = maxRows;
  for (int64_t mr = maxRows - 1; mr > maxRows / 2; --mr)
    if (computedRows(m, rowBlocks, mr) < computedRows(m, rowBlocks, best))
      best = mr;
  return best;
}

MatmulTiling chooseTiling(int64_t m, int64_t n, int64_t k, int64_t lanes, int64_t mr,
                          int64_t mcRows, int64_t ncColumns, int64_t kcDepth,
                          int64_t directAPanels) {
  MatmulTiling t;
  t.directAPanels = directAPanels;
  t.m = m;
  t.n = n;
  t.k = k;
  t.lanes = lanes;
  t.vectorsPerRow = 2;
  t.nr = t.vectorsPerRow * lanes;
  // Two vectors per row and mr rows of accumulators, plus the two B vectors and one broadcast,
  // must fit the register file: 32 registers with AVX-512, 16 below it.
  t.kc = std::min(k, kcDepth);
  // Row blocks of equal size (what threads share), none larger than mcRows, and an even
  // count of them when there are several: two threads then get equal shares. SGEMM 2048 in
  // 15 blocks (of 17 or 18 tiles) gave one thread 8 blocks, 7% more rows than half, and ran
  // 6% slower than in 16.
  t.rowBlocks = (m + mcRows - 1) / mcRows;
  if (t.rowBlocks > 1 && t.rowBlocks % 2 == 1)
    ++t.rowBlocks;
  t.mr = mr > 0 ? mr : chooseTileRows(m, t.rowBlocks, lanes >= 16 ? 12 : 6);
  t.mc = roundUp((m + t.rowBlocks - 1) / t.rowBlocks, t.mr);
  t.nc = std::min(roundUp(n, t.nr), roundUp(ncColumns, t.nr));
  return t;
}

/// Whether the micro-kernel reads A where it is instead of from packed panels: packing A
/// costs a read and a write of it per pass over k, which pays only when many column panels
/// reuse a block of one row block: a transformer at batch 1 (128 rows, one block shared by
/// the threads' column panels) ran 4% slower with A read in place. With several row blocks
/// or few column panels, reading A in place is faster: ResNet-50 and MobileNetV2 at batch 1
/// ran 5-6% faster than with A packed whenever B has more than two panels, and MobileNetV2
/// 10% faster with its narrow 1x1 convolutions (at most two panels) reading A in place.
bool readsADirectly(const MatmulTiling &t, bool transposeA) {
  if (transposeA || t.directAPanels == 0)
    return false;
  return t.rowBlocks > 1 || (t.n + t.nr - 1) / t.nr <= t.directAPanels;
}

/// The depth of the panels when A is read through `window`: a multiple of its contiguous
/// columns, or a divisor of them, so that no pass over k, and no run of columns the kernel
/// reads as one, straddles a filter row. Nothing when only a much shallower depth would do.
std::optional<int64_t> windowDepth(const WindowColumns &window, int64_t k, int64_t kcDepth) {
  int64_t run = window.contiguousColumns();
  if (run <= kcDepth)
    return std::min(k, kcDepth / run * run);
  for (int64_t depth = kcDepth; depth >= kcDepth / 4; --depth)
    if (run % depth == 0)
      return depth;
  return std::nullopt;
}

/// Emits the loop nest for one matmul C += A * B; `b` inserts before the matmul.
class PackedMatmulEmitter {
public:
  /// With `transposeA` (`transposeB`), `a` holds A^T (`bMat` holds B^T): k x m (n x k). With
  /// an `epilogue`, the last pass over k writes its output instead of C. With `zeroC`, C holds
  /// zeros on entry (its fill was dropped): the first pass over k stores instead of adding.
  PackedMatmulEmitter(ImplicitLocOpBuilder &b, const MatmulTiling &t, Value a, Value bMat, Value c,
                      bool transposeA = false, bool transposeB = false,
                      std::optional<MatmulEpilogue> epilogue = std::nullopt, bool zeroC = false)
      : b(b), t(t), a(a), bMat(bMat), c(c), transposeA(transposeA), transposeB(transposeB),
        epilogue(epilogue), zeroC(zeroC), acc(cast<MemRefType>(c.getType()).getElementType()),
        vectorType(VectorType::get({t.lanes}, acc)) {}

  /// C += A B; with `prepackedB` (packWholeB's layout, packed at build time), B's panels are
  /// read from it instead of being packed on each call; with `columns` (A read in place, and
  /// kc from windowDepth), A's elements are read from the convolution input behind them.
  void emit(Value prepackedB = nullptr, const WindowColumns *columns = nullptr) {
    wholeB = prepackedB;
    // VNNI reads A's groups of four bytes where they are: packing them gains nothing.
    directA = t.vnni || readsADirectly(t, transposeA);
    window = columns;
    if (window)
      flatInput = window->flatSource(b);
    if (window && window->unpadded) {
      zeroRun = allocate({window->contiguousColumns()});
      Value zero = arith::ConstantOp::create(b, b.getZeroAttr(acc));
      linalg::FillOp::create(b, ValueRange{zero}, ValueRange{zeroRun});
    }
    Value packedA, packedB;
    bool panelsOwnAllPasses = ownsPanelsForAllPasses();
    bool rowBlocksOwnPasses = rowBlocksOwnAllPasses();
    sharesColumnsOfRowBlocks = rowBlocksOwnPasses && t.n >= t.m;
    allocatePanels(packedA, packedB, {}, panelsOwnAllPasses ? passes() : t.rowBlocks);
    // One tile per iteration of the parallel loop: row blocks, with one row block the column
    // panels of a column block, or both.
    if (epilogue && isCostly(*epilogue)) {
      int64_t slots = t.rowBlocks == 1 ? t.nc / t.nr : t.rowBlocks;
      staging = allocate({sharesColumnsOfRowBlocks ? slots * t.nc / t.nr : slots, t.mr, t.nr});
    }
    if (panelsOwnAllPasses)
      emitPanelLoopsOverAllPasses(packedA, packedB);
    else if (rowBlocksOwnPasses)
      emitRowBlockLoopsOverAllPasses(packedA);
    else
      emitLoops(packedA, packedB);
    freePanels(packedA, packedB);
    if (staging)
      memref::DeallocOp::create(b, staging);
    if (zeroRun)
      memref::DeallocOp::create(b, zeroRun);
  }

  /// C[i] += A[i] B[i] for each i of the batch. Matrices of one row block have no threads
  /// of their own to use (only B's packing splits), so the batch is split across threads, each
  /// matrix with panels of its own, unless those would take more than kMaxBatchPanelBytes;
  /// otherwise the 2-D kernel runs on each matrix in turn, with the panels allocated once.
  void emitBatched(int64_t batch) {
    directA = readsADirectly(t, transposeA);
    Value batchA = a, batchB = bMat, batchC = c;
    auto selectMatrix = [&](Value i) {
      a = sliceAt(batchA, i);
      bMat = sliceAt(batchB, i);
      c = sliceAt(batchC, i);
    };
    int64_t panelBytes =
        (t.nc * t.kc + t.rowBlocks * t.mc * t.kc) * acc.getIntOrFloatBitWidth() / 8;
    bool splitBatch = t.rowBlocks == 1 && batch > 1 && batch * panelBytes <= kMaxBatchPanelBytes;
    Value packedA, packedB;
    if (splitBatch) {
      allocatePanels(packedA, packedB, batch);
      parallelLoop(index(0), index(batch), index(1), [&](Value i) {
        selectMatrix(i);
        emitLoops(packedA ? sliceAt(packedA, i) : nullptr, sliceAt(packedB, i));
      });
    } else {
      allocatePanels(packedA, packedB);
      forLoop(0, batch, 1, [&](Value i) {
        selectMatrix(i);
        emitLoops(packedA, packedB);
      });
    }
    freePanels(packedA, packedB);
  }

private:
  static constexpr int64_t kMaxBatchPanelBytes = 16 << 20;
  // Half of L2 (1 MB on Zen 5; Intel's server cores have 1-2 MB).
  static constexpr int64_t kMaxWholeABytes = 512 << 10;
  // C from this size on comes from memory on each pass over k (with A and B streaming beside
  // it, even a 32 MB L3 does not keep it); smaller ones were no faster with the prefetch
  // (BERT-base at batch 1: 1-2% slower).
  static constexpr int64_t kLargeCBytes = 8 << 20;

  int64_t passes() const { return (t.k + t.kc - 1) / t.kc; }

  /// Whether the threads take B's column panels each for all passes over k, instead of
  /// meeting once per pass: a matmul of one row block whose B was packed at build time, with
  /// A read in place or, packed whole, small enough to stay in L2 (its one copy is read once
  /// per panel). ResNet-50's 7x7 1x1 layers (49 rows, k up to 2048: eight passes over 16
  /// panels) waited for the slower thread at the end of each pass, and ran 12-17% faster
  /// this way; its 7x7 3x3 layers (A read through the window) ran 6-8% slower.
  bool ownsPanelsForAllPasses() const {
    if (t.rowBlocks != 1 || !wholeB || t.vnni || window || t.k <= t.kc)
      return false;
    int64_t wholeABytes = t.mc * passes() * t.kc * acc.getIntOrFloatBitWidth() / 8;
    return directA || wholeABytes <= kMaxWholeABytes;
  }

  /// Whether the threads take row blocks (or row blocks' column panels) each for all passes
  /// over k, instead of meeting once per pass: nothing is shared between the passes when B
  /// was packed at build time (each row block packs its own A).
  bool rowBlocksOwnAllPasses() const { return t.rowBlocks > 1 && wholeB && !t.vnni; }

  /// The panels of one matmul, or with `copies`, of that many (an outer dimension); A's
  /// panels for `aBlocks` blocks (row blocks, or passes over k), one row block by default.
  void allocatePanels(Value &packedA, Value &packedB, std::optional<int64_t> copies = {},
                      std::optional<int64_t> aBlocks = {}) {
    auto shape = [&](std::initializer_list<int64_t> dims) {
      SmallVector<int64_t> all;
      if (copies)
        all.push_back(*copies);
      all.append(dims);
      return all;
    };
    if (t.vnni) {
      packedB = allocate(shape({t.nc / t.nr, t.kc / kVNNIGroup, t.nr * kVNNIGroup}), b.getI8Type());
      corrections = allocate(shape({t.nc / t.nr, t.nr}));
    } else {
      packedB = wholeB ? wholeB : allocate(shape({t.nc / t.nr, t.kc, t.nr}));
    }
    // One packed block of A per row block, so that row blocks can run on different threads.
    packedA = directA ? nullptr
                      : allocate(shape({aBlocks.value_or(t.rowBlocks), t.mc / t.mr, t.kc, t.mr}));
  }

  void freePanels(Value packedA, Value packedB) {
    if (packedA)
      memref::DeallocOp::create(b, packedA);
    if (!wholeB)
      memref::DeallocOp::create(b, packedB);
    if (corrections)
      memref::DeallocOp::create(b, corrections);
  }

  /// Element `i` of the outer dimension of `buffer`, as a strided view of one rank less.
  Value sliceAt(Value buffer, Value i) {
    auto type = cast<MemRefType>(buffer.getType());
    ArrayRef<int64_t> inner = type.getShape().drop_front();
    SmallVector<OpFoldResult> offsets = {i}, sizes = {b.getIndexAttr(1)};
    for (int64_t size : inner) {
      offsets.push_back(b.getIndexAttr(0));
      sizes.push_back(b.getIndexAttr(size));
    }
    SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
    auto viewType =
        memref::SubViewOp::inferRankReducedResultType(inner, type, offsets, sizes, strides);
    return memref::SubViewOp::create(b, cast<MemRefType>(viewType), buffer, offsets, sizes,
                                     strides);
  }

  void emitLoops(Value packedA, Value packedB) {
    forLoop(0, t.n, t.nc, [&](Value jc) {
      Value ncCur = minIndex(index(t.nc), sub(index(t.n), jc));
      forLoop(0, t.k, t.kc, [&](Value pc) {
        Value kcCur = minIndex(index(t.kc), sub(index(t.k), pc));
        if (!wholeB)
          parallelLoop(index(0), ncCur, index(t.nr),
                       [&](Value jr) { packBPanel(packedB, jc, jr, pc, kcCur); });
        parallelLoop(index(0), index(t.rowBlocks), index(1), [&](Value block) {
          Value ic = rowBlockStart(block);
          Value mcCur = sub(rowBlockStart(add(block, index(1))), ic);
          if (!directA)
            packA(packedA, block, ic, mcCur, pc, kcCur);
          auto columnPanel = [&](Value jr) {
            forLoop(index(0), mcCur, index(t.mr), [&](Value ir) {
              microKernel(packedA, block, packedB, ic, ir, jc, jr, pc, kcCur);
            });
          };
          // With one row block (a matmul of few rows: a transformer at batch 1), the threads
          // share B's column panels instead (kiln-outline-parallel-loops looks through the
          // row-block loop that runs once).
          if (t.rowBlocks == 1)
            parallelLoop(index(0), ncCur, index(t.nr), columnPanel);
          else
            forLoop(index(0), ncCur, index(t.nr), columnPanel);
        });
      });
    });
  }

  /// One row block, B packed at build time (ownsPanelsForAllPasses): A is packed once, a
  /// block per pass over k, and each column panel is an iteration of one parallel loop that
  /// runs every pass over k on it.
  void emitPanelLoopsOverAllPasses(Value packedA, Value packedB) {
    Value rows = index(t.m), zero = index(0);
    auto passAt = [&](Value pass, function_ref<void(Value, Value)> body) {
      Value pc = mul(pass, index(t.kc));
      body(pc, minIndex(index(t.kc), sub(index(t.k), pc)));
    };
    if (!directA)
      forLoop(0, passes(), 1, [&](Value pass) {
        passAt(pass, [&](Value pc, Value kcCur) { packA(packedA, pass, zero, rows, pc, kcCur); });
      });
    forLoop(0, t.n, t.nc, [&](Value jc) {
      Value ncCur = minIndex(index(t.nc), sub(index(t.n), jc));
      parallelLoop(zero, ncCur, index(t.nr), [&](Value jr) {
        forLoop(0, passes(), 1, [&](Value pass) {
          passAt(pass, [&](Value pc, Value kcCur) {
            forLoop(zero, rows, index(t.mr), [&](Value ir) {
              microKernel(packedA, pass, packedB, zero, ir, jc, jr, pc, kcCur);
            });
          });
        });
      });
    });
  }

  /// Several row blocks, B packed at build time (rowBlocksOwnAllPasses): each row block is an
  /// iteration of one parallel loop that runs every pass over k on it.
  /// With sharesColumnsOfRowBlocks (B at least as wide as A is tall, so B is the larger
  /// operand), the iterations are (column panel, row block) pairs, the panels outermost, so
  /// that each thread reads its share of B and all of A instead of all of B: ResNet-50 at
  /// batch 1 on 2 threads (its 14x14 layers: 196 rows, 256-1024 columns) ran 1-2% faster.
  void emitRowBlockLoopsOverAllPasses(Value packedA) {
    forLoop(0, t.n, t.nc, [&](Value jc) {
      Value ncCur = minIndex(index(t.nc), sub(index(t.n), jc));
      // `columns(ic, mcCur, pc, kcCur)` runs one pass of the row block on its column panels.
      auto rowBlock = [&](Value block, function_ref<void(Value, Value, Value, Value)> columns) {
        Value ic = rowBlockStart(block);
        Value mcCur = sub(rowBlockStart(add(block, index(1))), ic);
        forLoop(0, t.k, t.kc, [&](Value pc) {
          Value kcCur = minIndex(index(t.kc), sub(index(t.k), pc));
          if (!directA)
            packA(packedA, block, ic, mcCur, pc, kcCur);
          columns(ic, mcCur, pc, kcCur);
        });
      };
      auto columnPanel = [&](Value block, Value ic, Value mcCur, Value pc, Value kcCur, Value jr) {
        forLoop(index(0), mcCur, index(t.mr),
                [&](Value ir) { microKernel(packedA, block, wholeB, ic, ir, jc, jr, pc, kcCur); });
      };
      if (!sharesColumnsOfRowBlocks) {
        parallelLoop(index(0), index(t.rowBlocks), index(1), [&](Value block) {
          rowBlock(block, [&](Value ic, Value mcCur, Value pc, Value kcCur) {
            forLoop(index(0), ncCur, index(t.nr),
                    [&](Value jr) { columnPanel(block, ic, mcCur, pc, kcCur, jr); });
          });
        });
        return;
      }
      auto loop = scf::ParallelOp::create(b, ValueRange{index(0), index(0)},
                                          ValueRange{ncCur, index(t.rowBlocks)},
                                          ValueRange{index(t.nr), index(1)});
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value jr = loop.getInductionVars()[0], block = loop.getInductionVars()[1];
      rowBlock(block, [&](Value ic, Value mcCur, Value pc, Value kcCur) {
        columnPanel(block, ic, mcCur, pc, kcCur, jr);
      });
    });
  }

  /// The first row of row block `block` (of t.rowBlocks; `block` = t.rowBlocks gives t.m).
  /// Each block takes whole tiles, as equal in count as they divide: blocks of mc rows and a
  /// shorter last one left the threads' shares unequal (ResNet-50's 56x56 layers: 21 blocks of
  /// 144 rows and one of 112, halves of 1584 and 1552 rows). ResNet-50 at batch 1 on 2 threads
  /// ran 2% faster with the tiles shared out evenly. No block has more than mc rows.
  Value rowBlockStart(Value block) {
    int64_t tiles = (t.m + t.mr - 1) / t.mr;
    Value first = divIndex(mul(block, index(tiles)), t.rowBlocks);
    return minIndex(mul(first, index(t.mr)), index(t.m));
  }

  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, x, y); }
  Value minIndex(Value x, Value y) { return arith::MinSIOp::create(b, x, y); }
  Value divIndex(Value x, int64_t y) { return arith::DivUIOp::create(b, x, index(y)); }

  Value allocate(ArrayRef<int64_t> shape, Type element = nullptr) {
    // 64-byte alignment: every vector load from a packed panel is one aligned cache line.
    return memref::AllocOp::create(b, MemRefType::get(shape, element ? element : acc),
                                   b.getI64IntegerAttr(64));
  }

  /// Iterations that may run on different threads (kiln-outline-parallel-loops).
  void parallelLoop(Value lb, Value ub, Value step, function_ref<void(Value)> body) {
    auto loop = scf::ParallelOp::create(b, ValueRange{lb}, ValueRange{ub}, ValueRange{step});
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVars()[0]);
  }

  void forLoop(int64_t lb, int64_t ub, int64_t step, function_ref<void(Value)> body) {
    forLoop(index(lb), index(ub), index(step), body);
  }
  void forLoop(Value lb, Value ub, Value step, function_ref<void(Value)> body) {
    auto loop = scf::ForOp::create(b, lb, ub, step);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVar());
  }

  /// A row of `lanes` elements of `matrix` at (row, col), zero past its last column, in the
  /// accumulator type.
  Value readRow(Value matrix, Value row, Value col, int64_t columns) {
    Type element = cast<MemRefType>(matrix.getType()).getElementType();
    Value zero = arith::ConstantOp::create(b, cast<TypedAttr>(b.getZeroAttr(element)));
    bool inBounds = columns % t.nr == 0;
    Value values =
        vector::TransferReadOp::create(b, VectorType::get({t.lanes}, element), matrix,
                                       ValueRange{row, col}, zero, ArrayRef<bool>{inBounds});
    return extend(values);
  }

  /// Sign-extends narrower integers to the accumulator type (matmul's semantics for i8 x i8).
  Value extend(Value value) {
    Type target = acc;
    if (auto vector = dyn_cast<VectorType>(value.getType()))
      target = VectorType::get(vector.getShape(), acc);
    return value.getType() == target ? value : arith::ExtSIOp::create(b, target, value);
  }

  Value multiplyAdd(Value x, Value y, Value sum) {
    if (isa<FloatType>(acc))
      return vector::FMAOp::create(b, x, y, sum);
    return arith::AddIOp::create(b, arith::MulIOp::create(b, x, y), sum);
  }

  Value addition(Value x, Value y) {
    if (isa<FloatType>(acc))
      return arith::AddFOp::create(b, x, y);
    return arith::AddIOp::create(b, x, y);
  }

  /// packedB[jr / nr][kk][:] = B[pc + kk][jc + jr : jc + jr + nr], zero-padded on the right.
  void packBPanel(Value packedB, Value jc, Value jr, Value pc, Value kcCur) {
    Value panel = divIndex(jr, t.nr);
    if (t.vnni) {
      packVNNIPanel(packedB, panel, add(jc, jr), pc, kcCur);
      return;
    }
    if (transposeB) {
      packTransposedBPanel(packedB, panel, add(jc, jr), pc, kcCur);
      return;
    }
    forLoop(index(0), kcCur, index(1), [&](Value kk) {
      Value row = add(pc, kk);
      for (int64_t v = 0; v < t.vectorsPerRow; ++v) {
        Value col = add(add(jc, jr), index(v * t.lanes));
        Value values = readRow(bMat, row, col, t.n);
        vector::StoreOp::create(b, values, packedB, ValueRange{panel, kk, index(v * t.lanes)});
      }
    });
  }

  /// packedB[panel][g][:] = B's rows pc + 4g ... pc + 4g + 3 at columns [col0, col0 + nr) in
  /// vpdpbusd's groups (interleaveRowGroup), zero past the last column; and
  /// corrections[panel][:] = -128 times each column's sum over those rows, which undoes the
  /// bias of A's bytes (VNNI.h) when it starts the accumulators.
  void packVNNIPanel(Value packedB, Value panel, Value col0, Value pc, Value kcCur) {
    bool inBounds = t.n % t.nr == 0;
    auto bytesType = VectorType::get({t.lanes}, b.getI8Type());
    Value zeroByte = arith::ConstantOp::create(b, b.getI8IntegerAttr(0));
    Value zeroSums =
        arith::ConstantOp::create(b, DenseElementsAttr::get(vectorType, b.getZeroAttr(acc)));
    SmallVector<Value> init(t.vectorsPerRow, zeroSums);
    auto groups = scf::ForOp::create(b, index(0), divIndex(kcCur, kVNNIGroup), index(1), init);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(groups.getBody());
      Value g = groups.getInductionVar();
      Value row0 = add(pc, mul(g, index(kVNNIGroup)));
      SmallVector<Value> sums;
      for (int64_t v = 0; v < t.vectorsPerRow; ++v) {
        Value col = add(col0, index(v * t.lanes));
        SmallVector<Value> rows;
        Value sum = groups.getRegionIterArg(v);
        for (int64_t q = 0; q < kVNNIGroup; ++q) {
          rows.push_back(vector::TransferReadOp::create(b, bytesType, bMat,
                                                        ValueRange{add(row0, index(q)), col},
                                                        zeroByte, ArrayRef<bool>{inBounds}));
          sum = arith::AddIOp::create(b, sum, extend(rows.back()));
        }
        vector::StoreOp::create(b, interleaveRowGroup(b, rows), packedB,
                                ValueRange{panel, g, index(v * t.lanes * kVNNIGroup)});
        sums.push_back(sum);
      }
      scf::YieldOp::create(b, sums);
    }
    Value scale = arith::ConstantOp::create(
        b, DenseElementsAttr::get(vectorType, b.getI32IntegerAttr(-kVNNIBias)));
    for (int64_t v = 0; v < t.vectorsPerRow; ++v)
      vector::StoreOp::create(b, arith::MulIOp::create(b, groups.getResult(v), scale), corrections,
                              ValueRange{panel, index(v * t.lanes)});
  }

  /// The same panel from B^T (n x k): column j of the panel is row col0 + j of B^T, read
  /// along k (contiguous); columns past the end are zero.
  void packTransposedBPanel(Value packedB, Value panel, Value col0, Value pc, Value kcCur) {
    Value zero = arith::ConstantOp::create(b, cast<TypedAttr>(b.getZeroAttr(acc)));
    forLoop(index(0), index(t.nr), index(1), [&](Value j) {
      Value col = add(col0, j);
      Value inside = arith::CmpIOp::create(b, arith::CmpIPredicate::ult, col, index(t.n));
      Value row = minIndex(col, index(t.n - 1));
      forLoop(index(0), kcCur, index(1), [&](Value kk) {
        Value value = memref::LoadOp::create(b, bMat, ValueRange{row, add(pc, kk)});
        value = arith::SelectOp::create(b, inside, extend(value), zero);
        memref::StoreOp::create(b, value, packedB, ValueRange{panel, kk, j});
      });
    });
  }

  /// The rows of A that micro-tile (ic + ir) reads: rows past the end repeat the last row, so
  /// that reading them stays in bounds without a branch (their results are never stored).
  SmallVector<Value> tileRows(Value ic, Value ir) {
    SmallVector<Value> rows;
    for (int64_t r = 0; r < t.mr; ++r) {
      Value row = add(add(ic, ir), index(r));
      rows.push_back(t.m % t.mr == 0 ? row : minIndex(row, index(t.m - 1)));
    }
    return rows;
  }

  /// packedA[block][ir / mr][kk][r] = A[ic + ir + r][pc + kk] (A^T[pc + kk][ic + ir + r]). Rows
  /// past the end repeat the last row: their results are never stored, and reading them stays
  /// in bounds without a branch.
  void packA(Value packedA, Value block, Value ic, Value mcCur, Value pc, Value kcCur) {
    forLoop(index(0), mcCur, index(t.mr), [&](Value ir) {
      Value panel = divIndex(ir, t.mr);
      SmallVector<Value> rows = tileRows(ic, ir);
      forLoop(index(0), kcCur, index(1), [&](Value kk) {
        Value col = add(pc, kk);
        for (int64_t r = 0; r < t.mr; ++r) {
          Value value = extend(memref::LoadOp::create(
              b, a, transposeA ? ValueRange{col, rows[r]} : ValueRange{rows[r], col}));
          memref::StoreOp::create(b, value, packedA, ValueRange{block, panel, kk, index(r)});
        }
      });
    });
  }

  /// C[ic + ir : +mr][jc + jr : +nr] += Apanel * Bpanel over kcCur steps.
  void microKernel(Value packedA, Value block, Value packedB, Value ic, Value ir, Value jc,
                   Value jr, Value pc, Value kcCur) {
    Value aPanel = divIndex(ir, t.mr);
    // The whole of B packed at build time is indexed by B's own panel and row.
    Value bPanel = divIndex(wholeB ? add(jc, jr) : jr, t.nr);
    Value bRow0 = wholeB ? pc : index(0);
    Value zeroVector =
        arith::ConstantOp::create(b, DenseElementsAttr::get(vectorType, b.getZeroAttr(acc)));
    SmallVector<Value> init(t.mr * t.vectorsPerRow, zeroVector);
    SmallVector<Value> aRows = directA ? tileRows(ic, ir) : SmallVector<Value>{};
    if (readsLargeC())
      prefetchTileOfC(add(ic, ir), add(jc, jr));
    ValueRange sums;
    if (t.vnni) {
      sums = accumulateVNNI(aRows, packedB, bPanel, pc, kcCur);
    } else if (window) {
      sums = accumulateThroughWindow(init, aRows, packedB, bPanel, bRow0, pc, kcCur);
    } else {
      auto aElement = [&](int64_t r, Value kk) -> Value {
        if (directA)
          return extend(memref::LoadOp::create(b, a, ValueRange{aRows[r], add(pc, kk)}));
        return memref::LoadOp::create(b, packedA, ValueRange{block, aPanel, kk, index(r)});
      };
      sums = accumulate(init, index(0), kcCur, packedB, bPanel, bRow0, aElement);
    }
    Value row0 = add(ic, ir), col0 = add(jc, jr);
    Value slot = t.rowBlocks == 1 ? divIndex(jr, t.nr) : block;
    if (sharesColumnsOfRowBlocks)
      slot = add(mul(slot, index(t.nc / t.nr)), divIndex(jr, t.nr));
    auto store = [&](bool applyEpilogue, bool addToC) {
      if (applyEpilogue && staging)
        storeTileThroughStaging(sums, slot, row0, col0, addToC);
      else
        storeTile(sums, row0, col0, applyEpilogue, addToC);
    };
    // Passes over k: the last applies the epilogue; the first, when C starts at zero, stores
    // without reading C. With one pass, it is both.
    if (t.k <= t.kc) {
      store(epilogue.has_value(), !zeroC);
      return;
    }
    auto laterPass = [&] {
      if (!epilogue) {
        store(false, true);
        return;
      }
      Value last = arith::CmpIOp::create(b, arith::CmpIPredicate::eq, add(pc, kcCur), index(t.k));
      ifThenElse(last, [&] { store(true, true); }, [&] { store(false, true); });
    };
    if (!zeroC) {
      laterPass();
      return;
    }
    Value first = arith::CmpIOp::create(b, arith::CmpIPredicate::eq, pc, index(0));
    ifThenElse(first, [&] { store(false, false); }, laterPass);
  }

  /// Whether a pass reads C (a later pass over k, or C not cleared) and C is too large to
  /// stay in cache from one pass to the next.
  bool readsLargeC() const {
    int64_t bytes = t.m * t.n * acc.getIntOrFloatBitWidth() / 8;
    return (t.k > t.kc || !zeroC) && bytes >= kLargeCBytes;
  }

  /// Asks for the tile's rows of C, which the tile reads or writes after its k loop: a C
  /// larger than the caches (2048 x 2048, 16 MB, read and written once per pass over k) would
  /// otherwise be fetched row by row with the accumulators waiting.
  void prefetchTileOfC(Value row0, Value col0) {
    for (int64_t r = 0; r < t.mr; ++r) {
      Value row = minIndex(add(row0, index(r)), index(t.m - 1));
      for (int64_t v = 0; v < t.vectorsPerRow; ++v) {
        Value col = minIndex(add(col0, index(v * t.lanes)), index(t.n - 1));
        memref::PrefetchOp::create(b, c, ValueRange{row, col}, /*isWrite=*/true,
                                   /*localityHint=*/3, /*isDataCache=*/true);
      }
    }
  }

  /// The accumulators after steps [lb, ub) of the k loop from `init`: step kk multiplies B's
  /// row bRow0 + kk of panel bPanel by the elements aElement(r, kk) of the tile's rows.
  ValueRange accumulate(ValueRange init, Value lb, Value ub, Value packedB, Value bPanel,
                        Value bRow0, function_ref<Value(int64_t, Value)> aElement) {
    Value nextPanel = wholeB ? followingPanel(packedB, bPanel) : nullptr;
    auto loop = scf::ForOp::create(b, lb, ub, index(1), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kk = loop.getInductionVar();
    SmallVector<Value> bVectors;
    for (int64_t v = 0; v < t.vectorsPerRow; ++v)
      bVectors.push_back(vector::LoadOp::create(
          b, vectorType, packedB, ValueRange{bPanel, add(bRow0, kk), index(v * t.lanes)}));
    if (nextPanel)
      prefetchRow(packedB, nextPanel, add(bRow0, kk));
    SmallVector<Value> next;
    for (int64_t r = 0; r < t.mr; ++r) {
      Value broadcast = vector::BroadcastOp::create(b, vectorType, aElement(r, kk));
      for (int64_t v = 0; v < t.vectorsPerRow; ++v)
        next.push_back(
            multiplyAdd(broadcast, bVectors[v], loop.getRegionIterArg(r * t.vectorsPerRow + v)));
    }
    scf::YieldOp::create(b, next);
    return loop.getResults();
  }

  /// The accumulators of a tile after vpdpbusd over the pass's groups of four rows, started
  /// from the panel's corrections: each step broadcasts four bytes of each of the tile's rows
  /// of A, biased to unsigned, against a row group of B's panel.
  ValueRange accumulateVNNI(ArrayRef<Value> aRows, Value packedB, Value bPanel, Value pc,
                            Value kcCur) {
    SmallVector<Value> init;
    for (int64_t r = 0; r < t.mr; ++r)
      for (int64_t v = 0; v < t.vectorsPerRow; ++v)
        init.push_back(vector::LoadOp::create(b, vectorType, corrections,
                                              ValueRange{bPanel, index(v * t.lanes)}));
    auto loop = scf::ForOp::create(b, index(0), divIndex(kcCur, kVNNIGroup), index(1), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value g = loop.getInductionVar();
    auto groupType = VectorType::get({t.lanes * kVNNIGroup}, b.getI8Type());
    SmallVector<Value> bGroups;
    for (int64_t v = 0; v < t.vectorsPerRow; ++v)
      bGroups.push_back(vector::LoadOp::create(
          b, groupType, packedB, ValueRange{bPanel, g, index(v * t.lanes * kVNNIGroup)}));
    Value col = add(pc, mul(g, index(kVNNIGroup)));
    SmallVector<Value> next;
    for (int64_t r = 0; r < t.mr; ++r) {
      Value aBytes = broadcastBiasedGroup(b, a, aRows[r], col, t.lanes);
      for (int64_t v = 0; v < t.vectorsPerRow; ++v)
        next.push_back(
            dotBytes(b, loop.getRegionIterArg(r * t.vectorsPerRow + v), aBytes, bGroups[v]));
    }
    scf::YieldOp::create(b, next);
    return loop.getResults();
  }

  /// The panel of B packed at build time that the tiles after those of `panel` read (the
  /// last panel's own), or null when B has one panel.
  Value followingPanel(Value packedB, Value panel) {
    int64_t panels = cast<MemRefType>(packedB.getType()).getShape()[0];
    return panels > 1 ? minIndex(add(panel, index(1)), index(panels - 1)) : nullptr;
  }

  /// Asks for row `row` of `panel`, which later tiles read. Weights packed at build time come
  /// from memory on every call (a model's weights do not stay in cache between calls), so the
  /// first tile of each panel would otherwise wait for them: ResNet-50 and BERT-base at batch
  /// 1 ran 5-9% faster asking for the next panel's row at each step. Locality 1 (the outer
  /// caches): the current panel's kc rows fill L1 already.
  void prefetchRow(Value packedB, Value panel, Value row) {
    for (int64_t v = 0; v < t.vectorsPerRow; ++v)
      memref::PrefetchOp::create(b, packedB, ValueRange{panel, row, index(v * t.lanes)},
                                 /*isWrite=*/false, /*localityHint=*/1, /*isDataCache=*/true);
  }

  /// accumulate over [0, kcCur) with A's elements read from the convolution input behind
  /// `window`: in runs of contiguous columns, each row's element at offset base(row) +
  /// offset(run) + kk, so that the inner loop has no index arithmetic beyond an increment.
  ValueRange accumulateThroughWindow(ValueRange init, ArrayRef<Value> aRows, Value packedB,
                                     Value bPanel, Value bRow0, Value pc, Value kcCur) {
    if (window->unpadded)
      return accumulateThroughUnpaddedWindow(init, aRows, packedB, bPanel, bRow0, pc, kcCur);
    SmallVector<Value> bases;
    for (Value row : aRows)
      bases.push_back(window->rowBase(b, row));
    int64_t run = std::min(window->contiguousColumns(), t.kc);
    auto runs = scf::ForOp::create(b, index(0), kcCur, index(run), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(runs.getBody());
    Value start = runs.getInductionVar();
    Value offset = window->columnOffset(b, add(pc, start));
    SmallVector<Value> runBases;
    for (Value base : bases)
      runBases.push_back(add(base, offset));
    auto aElement = [&](int64_t r, Value kk) -> Value {
      return memref::LoadOp::create(b, flatInput, ValueRange{add(runBases[r], kk)});
    };
    ValueRange sums = accumulate(runs.getRegionIterArgs(), index(0), index(run), packedB, bPanel,
                                 add(bRow0, start), aElement);
    scf::YieldOp::create(b, sums);
    return runs.getResults();
  }

  /// The same through the unpadded input (WindowColumns::unpadded), a tap per run: each
  /// row reads its tap's channels from the input, or from a run of zeros when the tap is in
  /// the padding, chosen once per run (the k loop itself is the same).
  ValueRange accumulateThroughUnpaddedWindow(ValueRange init, ArrayRef<Value> aRows, Value packedB,
                                             Value bPanel, Value bRow0, Value pc, Value kcCur) {
    SmallVector<WindowColumns::Origin> origins;
    for (Value row : aRows)
      origins.push_back(window->origin(b, row));
    // Inside the parallel loop: the loop's captures must keep their static shapes.
    auto anySize = MemRefType::get({ShapedType::kDynamic}, acc);
    Value input = memref::CastOp::create(b, anySize, flatInput);
    Value zeros = memref::CastOp::create(b, anySize, zeroRun);
    // A tap of more channels than the panels are deep is read in several runs.
    int64_t run = std::min(window->contiguousColumns(), t.kc);
    auto runs = scf::ForOp::create(b, index(0), kcCur, index(run), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(runs.getBody());
    Value k = add(pc, runs.getInductionVar());
    SmallVector<Value> sources, runBases;
    for (const WindowColumns::Origin &origin : origins) {
      Value inside;
      Value tap = window->tapStart(b, origin, k, inside);
      sources.push_back(arith::SelectOp::create(b, inside, input, zeros));
      runBases.push_back(arith::SelectOp::create(b, inside, tap, index(0)));
    }
    auto aElement = [&](int64_t r, Value kk) -> Value {
      return memref::LoadOp::create(b, sources[r], ValueRange{add(runBases[r], kk)});
    };
    ValueRange sums = accumulate(runs.getRegionIterArgs(), index(0), index(run), packedB, bPanel,
                                 add(bRow0, runs.getInductionVar()), aElement);
    scf::YieldOp::create(b, sums);
    return runs.getResults();
  }

  void ifThenElse(Value condition, function_ref<void()> thenBody, function_ref<void()> elseBody) {
    auto branch = scf::IfOp::create(b, condition, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(branch.thenBlock());
    thenBody();
    b.setInsertionPointToStart(branch.elseBlock());
    elseBody();
  }

  /// Adds the accumulators to C (with `addToC`; else stores them), skipping rows past the end
  /// (masked columns past the end); with `applyEpilogue`, writes the epilogue of the sums to
  /// its output instead.
  void storeTile(ValueRange accumulators, Value row0, Value col0, bool applyEpilogue, bool addToC) {
    bool inBounds = t.n % t.nr == 0;
    for (int64_t r = 0; r < t.mr; ++r) {
      Value row = add(row0, index(r));
      auto storeRow = [&] {
        for (int64_t v = 0; v < t.vectorsPerRow; ++v) {
          Value col = add(col0, index(v * t.lanes));
          Value sum = accumulators[r * t.vectorsPerRow + v];
          if (addToC)
            sum = addition(readRow(c, row, col, t.n), sum);
          if (applyEpilogue)
            emitEpilogueStore(b, b.getLoc(), *epilogue, sum, row, col, inBounds);
          else
            vector::TransferWriteOp::create(b, sum, c, ValueRange{row, col},
                                            ArrayRef<bool>{inBounds});
        }
      };
      if (t.m % t.mr == 0) {
        storeRow();
        continue;
      }
      Value inside = arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row, index(t.m));
      auto guard = scf::IfOp::create(b, inside, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard insertion(b);
      b.setInsertionPointToStart(guard.thenBlock());
      storeRow();
    }
  }

  /// The epilogue of the sums (added to C with `addToC`) through this thread's tile of
  /// `staging`: the sums are stored there, then a loop over the tile's rows applies the
  /// epilogue to one row at a time. Applied to the whole tile at once, a costly epilogue (GELU's
  /// erfc: a polynomial, an exponential and two divisions) has every accumulator and its own
  /// constants live together, more than the 32 registers hold; BERT-base's FFN with its GELU
  /// took 27% longer than without (8% for GELU as a pass of its own), and 5% through staging.
  void storeTileThroughStaging(ValueRange accumulators, Value slot, Value row0, Value col0,
                               bool addToC) {
    for (int64_t r = 0; r < t.mr; ++r)
      for (int64_t v = 0; v < t.vectorsPerRow; ++v) {
        Value sum = accumulators[r * t.vectorsPerRow + v];
        if (addToC)
          sum = addition(readRow(c, add(row0, index(r)), add(col0, index(v * t.lanes)), t.n), sum);
        vector::StoreOp::create(b, sum, staging, ValueRange{slot, index(r), index(v * t.lanes)});
      }
    Value rows = t.m % t.mr == 0 ? index(t.mr) : minIndex(index(t.mr), sub(index(t.m), row0));
    bool inBounds = t.n % t.nr == 0;
    forLoop(index(0), rows, index(1), [&](Value r) {
      for (int64_t v = 0; v < t.vectorsPerRow; ++v) {
        Value sum =
            vector::LoadOp::create(b, vectorType, staging, ValueRange{slot, r, index(v * t.lanes)});
        emitEpilogueStore(b, b.getLoc(), *epilogue, sum, add(row0, r),
                          add(col0, index(v * t.lanes)), inBounds);
      }
    });
  }

  ImplicitLocOpBuilder &b;
  const MatmulTiling &t;
  Value wholeB;                          // B packed at build time (packWholeB), or null
  bool directA = false;                  // the micro-kernel reads A itself (readsADirectly)
  bool sharesColumnsOfRowBlocks = false; // threads share (column panel, row block) pairs
  const WindowColumns *window = nullptr; // A is the im2col copy of this input, read in place
  Value flatInput;                       // window's input as one dimension
  Value staging;     // [slot][mr][nr]: each parallel iteration's tile, for a costly epilogue
  Value zeroRun;     // a run of zeros, which taps in the padding read (WindowColumns::unpadded)
  Value corrections; // VNNI: [panel][nr], -128 times B's column sums over the pass
  Value a, bMat, c;  // the matrices of the matmul, or of the batch element being emitted
  bool transposeA, transposeB;
  std::optional<MatmulEpilogue> epilogue;
  bool zeroC;
  Type acc; // f32 or i32: C's element type, and what the panels are packed as
  VectorType vectorType;
};

/// All of B (B^T with `transposeB`) in the micro-kernel's panels, as [ceil(n / nr)][k][nr]:
/// panel p holds columns [p nr, p nr + nr) of every row of B, zero past the last column.
std::vector<float> packWholeB(ArrayRef<float> values, const MatmulTiling &t, bool transposeB) {
  int64_t panels = (t.n + t.nr - 1) / t.nr;
  std::vector<float> packed(panels * t.k * t.nr, 0.0f);
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t kk = 0; kk < t.k; ++kk)
      for (int64_t j = 0, col = p * t.nr; j < t.nr && col < t.n; ++j, ++col)
        packed[(p * t.k + kk) * t.nr + j] =
            transposeB ? values[col * t.k + kk] : values[kk * t.n + col];
  return packed;
}

/// B's panels packed at build time, when B is an f32 constant, as a get_global built at `b`.
Value prepackConstantB(ImplicitLocOpBuilder &b, Value bMat, const MatmulTiling &t,
                       bool transposeB) {
  std::optional<std::vector<float>> values = readConstantF32(bMat);
  if (!values)
    return nullptr;
  int64_t panels = (t.n + t.nr - 1) / t.nr;
  auto type = MemRefType::get({panels, t.k, t.nr}, b.getF32Type());
  // 64 bytes: each vector load of a panel row is one aligned cache line, as with run-time
  // panels.
  return createConstantF32(b, b.getLoc(), type, packWholeB(*values, t, transposeB),
                           "__kiln_packed_b", /*alignment=*/64);
}

/// Whether an i8 x i8 -> i32 matmul can run on vpdpbusd: A and B as they are (B^T would need
/// another packing), k in whole groups of four (A's groups are read in place), 512-bit vectors.
bool fitsVNNI(Operation *op, bool transposeA, bool transposeB, const MatmulTiling &t) {
  if (!isa<linalg::MatmulOp>(op) || transposeA || transposeB || t.lanes != 16 || t.k == 0 ||
      t.k % kVNNIGroup != 0)
    return false;
  auto element = [&](unsigned i) {
    return cast<MemRefType>(op->getOperand(i).getType()).getElementType();
  };
  return element(0).isInteger(8) && element(1).isInteger(8) && element(2).isInteger(32);
}

/// f32 x f32 -> f32, or signed i8/i16/i32 operands -> i32.
bool hasPackableTypes(Type a, Type b, Type c) {
  if (c.isF32())
    return a.isF32() && b.isF32();
  auto narrowInteger = [](Type t) { return t.isInteger(8) || t.isInteger(16) || t.isInteger(32); };
  return c.isInteger(32) && narrowInteger(a) && narrowInteger(b);
}

/// A matmul (2-D) or batch_matmul (3-D) on static, contiguous buffers of packable types,
/// with the default indexing maps and sign extension.
/// Which operands a matmul's indexing maps transpose, when they are A B, A^T B, A B^T or
/// A^T B^T.
std::optional<std::pair<bool, bool>> transposedOperands(linalg::MatmulOp op) {
  MLIRContext *ctx = op.getContext();
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  auto map = [&](AffineExpr row, AffineExpr col) { return AffineMap::get(3, 0, {row, col}, ctx); };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[2] != map(m, n))
    return std::nullopt;
  bool transposeA = maps[0] == map(k, m), transposeB = maps[1] == map(n, k);
  if ((!transposeA && maps[0] != map(m, k)) || (!transposeB && maps[1] != map(k, n)))
    return std::nullopt;
  return std::make_pair(transposeA, transposeB);
}

/// A matmul (2-D, operands possibly transposed) or batch_matmul (3-D) on static, contiguous
/// buffers of packable types, with sign extension.
template <typename MatmulOpTy> bool isPackable(MatmulOpTy op) {
  if (!op.hasPureBufferSemantics() || op.getCast() != linalg::TypeFn::cast_signed)
    return false;
  if constexpr (std::is_same_v<MatmulOpTy, linalg::MatmulOp>) {
    if (!transposedOperands(op))
      return false;
  } else if (op.hasUserDefinedMaps()) {
    return false;
  }
  SmallVector<Type> elements;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
      return false;
    elements.push_back(type.getElementType());
  }
  return hasPackableTypes(elements[0], elements[1], elements[2]);
}

struct KilnPackedMatmulPass : public impl::KilnPackedMatmulBase<KilnPackedMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> matmuls;
    getOperation()->walk([&](Operation *op) {
      if (auto matmul = dyn_cast<linalg::MatmulOp>(op); matmul && isPackable(matmul))
        matmuls.push_back(op);
      if (auto batched = dyn_cast<linalg::BatchMatmulOp>(op); batched && isPackable(batched))
        matmuls.push_back(op);
    });
    for (Operation *op : matmuls) {
      auto linalgOp = cast<linalg::LinalgOp>(op);
      Value a = linalgOp.getDpsInputs()[0], bMat = linalgOp.getDpsInputs()[1],
            c = linalgOp.getDpsInits()[0];
      auto [transposeA, transposeB] = std::make_pair(false, false);
      if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
        std::tie(transposeA, transposeB) = *transposedOperands(matmul);
      ArrayRef<int64_t> cShape = cast<MemRefType>(c.getType()).getShape();
      ArrayRef<int64_t> aShape = cast<MemRefType>(a.getType()).getShape();
      int64_t k = transposeA ? aShape[aShape.size() - 2] : aShape.back();
      MatmulTiling tiling = chooseTiling(cShape[cShape.size() - 2], cShape.back(), k,
                                         vectorBits / 32, microKernelRows, cacheBlockRows,
                                         cacheBlockColumns, cacheBlockDepth, directAPanels);
      if (vnni && fitsVNNI(op, transposeA, transposeB, tiling)) {
        tiling.vnni = true;
        // A row of a panel is a byte per column: four times the depth fits where the f32 panel
        // did, and fewer passes add to C (1024^3 on 2 threads: 1.5 -> 1.2 ms).
        tiling.kc = std::min(k, cacheBlockDepth * kVNNIGroup);
        tiling.kc -= tiling.kc % kVNNIGroup;
      }
      // Before the epilogue is found, which moves an allocation between the copy and here.
      std::optional<WindowColumns> window;
      if (isa<linalg::MatmulOp>(op) && !transposeA && !tiling.vnni && tiling.directAPanels > 0)
        window = matchWindowColumns(a, op);
      if (window) {
        // Deeper than B's usual L1 panels: each pass over k reads and writes C again, and
        // ResNet-50's 3x3 layers ran 4-7% faster in one pass (K = 576) or two (K = 2304) with
        // 1024-deep panels, which stream from L2, than in three to nine of 192-256.
        std::optional<int64_t> depth = windowDepth(*window, k, windowBlockDepth);
        if (depth) {
          tiling.kc = *depth;
          // Through the window whatever B's panels (readsADirectly then holds): reading the
          // input in place also beats packing A from the copy for one row block of many
          // panels (ResNet-50's 3x3 layer at 7x7, 49 rows: 2-8% faster).
          tiling.directAPanels = tiling.n;
        } else {
          window.reset();
        }
      }
      // Before the epilogue is found, which moves its output's allocation above the matmul.
      linalg::FillOp zeroFill = findZeroFill(op, c);
      std::optional<MatmulEpilogue> epilogue;
      if (isa<linalg::MatmulOp>(op))
        epilogue = findMatmulEpilogue(linalgOp);
      ImplicitLocOpBuilder builder(op->getLoc(), op);
      PackedMatmulEmitter emitter(builder, tiling, a, bMat, c, transposeA, transposeB, epilogue,
                                  /*zeroC=*/static_cast<bool>(zeroFill));
      if (isa<linalg::BatchMatmulOp>(op))
        emitter.emitBatched(aShape.front());
      else
        emitter.emit(prepackConstantB(builder, bMat, tiling, transposeB),
                     window ? &*window : nullptr);
      op->erase();
      if (window)
        window->eraseCopy();
      eraseIfUnused(bMat);
      if (zeroFill)
        zeroFill.erase();
      if (epilogue)
        eraseEpilogue(*epilogue);
    }
  }
};

} // namespace
} // namespace kiln
