//===- VectorizeElementwise.cpp - The kiln-cuda-vectorize-elementwise pass -===//
//
// An elementwise loop of a CUDA entry would give each thread one element: one 4-byte load per
// operand per thread. Here each thread takes 4 consecutive elements of the innermost dimension
// instead, loading and storing them as one vector (16 bytes for f32: ld.global.v4.f32) and
// computing the 4 lanes with the loop's scalar ops:
//
//   scf.parallel (%i, %j) = (0, 0) to (M, N)          // N a multiple of 4
//     out[i, j] = f(a[i, j], b[i])
// ->
//   scf.parallel (%i, %q) = (0, 0) to (M, N / 4)
//     %va = vector.load a[i, 4q] : vector<4xT>          // aligned: see below
//     out[i, 4q .. 4q + 3] = vector.from_elements(f(va[0], b[i]), ..., f(va[3], b[i]))
//
// The vectors are aligned to their size (at most 16 bytes) when the buffer's base pointer is
// 16-byte aligned, which the generated entries require of their callers (the runtime checks
// each argument, kiln_cuda_check_alignment) and cuMemAllocAsync provides for intermediates,
// and when the buffer's static offset and outer strides are multiples of 4 elements.
//
//===----------------------------------------------------------------------===//
#include "TileCopy.h"
#include "kiln/Compiler/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCUDAVECTORIZEELEMENTWISE
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

constexpr int64_t kLanes = 4;
constexpr int64_t kMaxAlignment = 16; // bytes the callers' base pointers are aligned to

/// Whether `type` lets lanes 4q .. 4q + 3 of its innermost dimension be one aligned vector.
bool hasAlignedGroups(MemRefType type) {
  if (!type.getElementType().isIntOrFloat())
    return false;
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  return width % 8 == 0 && width <= 64 && hasAlignedRows(type, kLanes);
}

/// Whether `indices` use `iv` exactly as their last index (true) or not at all (false);
/// nullopt otherwise.
std::optional<bool> indexedByLast(ValueRange indices, Value iv) {
  bool last = !indices.empty() && indices.back() == iv;
  if (llvm::count(indices, iv) != (last ? 1 : 0))
    return std::nullopt;
  return last;
}

/// The innermost dimension's trip count when `loop` can take 4 elements per thread.
std::optional<int64_t> vectorizableLength(scf::ParallelOp loop) {
  if (!loop.getInitVals().empty() || loop->hasAttr(kGPUBlockLoopAttr))
    return std::nullopt;
  unsigned inner = loop.getNumLoops() - 1;
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()[inner]);
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound()[inner]);
  std::optional<int64_t> step = getConstantIntValue(loop.getStep()[inner]);
  if (lb != 0 || step != 1 || !ub || *ub < kLanes || *ub % kLanes != 0)
    return std::nullopt;
  Value iv = loop.getInductionVars()[inner];
  bool vectorAccess = false;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (op.getNumRegions() != 0)
      return std::nullopt;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      std::optional<bool> last = indexedByLast(load.getIndices(), iv);
      if (!last || (*last && !hasAlignedGroups(load.getMemRefType())))
        return std::nullopt;
      vectorAccess |= *last;
      continue;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      std::optional<bool> last = indexedByLast(store.getIndices(), iv);
      if (!last || !*last || !hasAlignedGroups(store.getMemRefType()))
        return std::nullopt;
      continue;
    }
    if (!isMemoryEffectFree(&op) || llvm::is_contained(op.getOperands(), iv))
      return std::nullopt;
  }
  if (!vectorAccess)
    return std::nullopt;
  return *ub;
}

int64_t alignmentOf(MemRefType type) {
  return std::min<int64_t>(kMaxAlignment,
                           kLanes * type.getElementType().getIntOrFloatBitWidth() / 8);
}

void vectorize(scf::ParallelOp loop, int64_t length) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  unsigned inner = loop.getNumLoops() - 1;
  SmallVector<Value> ubs(loop.getUpperBound());
  ubs[inner] = arith::ConstantIndexOp::create(b, loc, length / kLanes);
  auto vectorLoop = scf::ParallelOp::create(b, loc, loop.getLowerBound(), ubs, loop.getStep());
  b.setInsertionPointToStart(vectorLoop.getBody());
  Value iv = loop.getInductionVars()[inner];
  Value first = arith::MulIOp::create(b, loc, vectorLoop.getInductionVars()[inner],
                                      arith::ConstantIndexOp::create(b, loc, kLanes));
  // One mapping per lane; values that do not depend on the lane are the same in each.
  SmallVector<IRMapping> lanes(kLanes);
  SmallVector<Value> scalarIvs = loop.getInductionVars(), vectorIvs = vectorLoop.getInductionVars();
  for (IRMapping &lane : lanes)
    for (auto [from, to] : llvm::zip(ArrayRef(scalarIvs).drop_back(), vectorIvs))
      lane.map(from, to);
  auto vectorIndices = [&](ValueRange indices) {
    SmallVector<Value> mapped;
    for (Value index : indices.drop_back())
      mapped.push_back(lanes[0].lookupOrDefault(index));
    mapped.push_back(first);
    return mapped;
  };
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (auto load = dyn_cast<memref::LoadOp>(op);
        load && !load.getIndices().empty() && load.getIndices().back() == iv) {
      MemRefType type = load.getMemRefType();
      auto vectorType = VectorType::get({kLanes}, type.getElementType());
      Value loaded =
          vector::LoadOp::create(b, loc, vectorType, lanes[0].lookupOrDefault(load.getMemRef()),
                                 vectorIndices(load.getIndices()),
                                 /*nontemporal=*/false, llvm::Align(alignmentOf(type)));
      for (int64_t i = 0; i < kLanes; ++i)
        lanes[i].map(load.getResult(),
                     vector::ExtractOp::create(b, loc, loaded, ArrayRef<int64_t>{i}));
      continue;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      MemRefType type = store.getMemRefType();
      SmallVector<Value> values;
      for (IRMapping &lane : lanes)
        values.push_back(lane.lookupOrDefault(store.getValueToStore()));
      Value vector = vector::FromElementsOp::create(
          b, loc, VectorType::get({kLanes}, type.getElementType()), values);
      vector::StoreOp::create(b, loc, vector, lanes[0].lookupOrDefault(store.getMemRef()),
                              vectorIndices(store.getIndices()), /*nontemporal=*/false,
                              llvm::Align(alignmentOf(type)));
      continue;
    }
    // Lane-invariant ops (broadcast loads, constants) once; the others once per lane.
    bool invariant = llvm::all_of(op.getOperands(), [&](Value operand) {
      return llvm::all_of(lanes, [&](IRMapping &lane) {
        return lane.lookupOrDefault(operand) == lanes[0].lookupOrDefault(operand);
      });
    });
    if (invariant) {
      Operation *clone = b.clone(op, lanes[0]);
      for (IRMapping &lane : lanes)
        for (auto [from, to] : llvm::zip(op.getResults(), clone->getResults()))
          lane.map(from, to);
      continue;
    }
    for (IRMapping &lane : lanes)
      b.clone(op, lane);
  }
  loop.erase();
}

struct GPUVectorizeElementwisePass
    : impl::KilnCUDAVectorizeElementwiseBase<GPUVectorizeElementwisePass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func->hasAttr(kCUDAEntryAttr) || func.getBody().empty())
        continue;
      for (auto loop : llvm::to_vector(func.getBody().front().getOps<scf::ParallelOp>()))
        if (std::optional<int64_t> length = vectorizableLength(loop))
          vectorize(loop, *length);
    }
  }
};

} // namespace
} // namespace kiln
