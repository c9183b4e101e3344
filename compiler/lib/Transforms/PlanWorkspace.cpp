//===- PlanWorkspace.cpp - The kiln-plan-workspace pass -------------------===//
//
// Static memory planning. Bufferization leaves each intermediate a memref.alloc, and the
// deallocation pipeline frees them all at the end of the graph; called in a loop, a graph would
// malloc and free its intermediates on every call. This pass gives each top-level allocation of
// a graph function an offset in one workspace buffer instead, reusing the bytes of buffers
// whose last use is behind, and passes the workspace as the function's second argument. Codegen
// (Workspace.cpp) wraps the function, renamed `<graph>.body`, in the C entry, which takes the
// workspace from the context (kiln/abi.h) or from a per-thread arena, allocated once per thread.
// CUDA entries (option `allocate`) allocate their workspace themselves: one device allocation per
// call.
//
// The placement is the greedy one of TFLite's arena planner and XLA's heap simulator: largest
// buffers first, each at the lowest offset that no buffer live at the same time occupies (with
// a gap after each, see kBufferGap).
//
// A buffer whose first use is the op that reads another for the last time, and reads each of
// its elements just before writing the same element of the first (a matmul's residual addend,
// an elementwise op), takes that buffer's bytes when they are free otherwise: it is computed in
// place, as onnxruntime's planner does for such ops. The working set shrinks by one buffer,
// which is what keeps it in cache: ResNet-50's layer1.1/conv3 read its 3.2 MB residual from
// memory, 590 us against 420 for the same layer in the next block, while writing a third
// 3.2 MB region.
//
//===----------------------------------------------------------------------===//
#include "kiln/Compiler/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace kiln {
#define GEN_PASS_DEF_KILNPLANWORKSPACE
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

// KILN_WORKSPACE_ALIGNMENT of kiln/abi.h, which the compiler layer does not include; the
// codegen entry and the runtime supply workspaces with it (AbiLayoutTest pins the value).
constexpr int64_t kWorkspaceAlignment = 64;
// Bytes left between neighbouring buffers. Buffers a power of two apart (two 16 KiB row
// statistics back to back) share their addresses modulo 4 KiB, and x86 cores then take a load
// from one for a dependent of a store to the other (4K aliasing): layer_norm 4096x1024 ran
// 1.9 ms instead of 1.3 ms with its two statistics at offsets 0 and 16384.
constexpr int64_t kBufferGap = 4 * kWorkspaceAlignment;

int64_t alignUp(int64_t bytes) {
  return static_cast<int64_t>(llvm::alignTo(bytes, kWorkspaceAlignment));
}

/// One planned allocation: the allocation and its views, its bytes, the span of top-level ops
/// it is live across (both included), the first of them that accesses it (not only views it),
/// the buffers it may be computed in place of (see inPlaceCompatible), and the offset it gets.
struct Buffer {
  memref::AllocOp alloc;
  SmallVector<Value> views;
  SmallVector<memref::DeallocOp> deallocs;
  int64_t bytes = 0;
  unsigned first = 0, last = 0;
  unsigned firstAccess = 0;
  SmallVector<const Buffer *> inPlaceOf;
  int64_t offset = 0;
};

/// Bytes of a memref the workspace can hold: static shape, identity layout, int or float
/// elements (i1 takes a byte, as LLVM stores it).
std::optional<int64_t> plannableBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !type.getElementType().isIntOrFloat() || type.getMemorySpace())
    return std::nullopt;
  int64_t elementBytes = llvm::divideCeil(type.getElementTypeBitWidth(), 8);
  return type.getNumElements() * elementBytes;
}

/// Finds the live span of `buffer` from the uses of its value and of the views of it; fails
/// when the buffer escapes (returned, passed to a call, or used by something unknown to
/// reach it through a view).
LogicalResult computeLiveness(Buffer &buffer, Block &body,
                              const DenseMap<Operation *, unsigned> &position) {
  buffer.first = buffer.last = position.lookup(buffer.alloc);
  buffer.firstAccess = std::numeric_limits<unsigned>::max();
  buffer.views = {buffer.alloc.getResult()};
  SmallVector<Value> worklist = {buffer.alloc.getResult()};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
        if (dealloc->getBlock() != &body)
          return failure();
        buffer.deallocs.push_back(dealloc);
        continue;
      }
      if (isa<func::ReturnOp, func::CallOp, CallOpInterface>(user))
        return failure();
      bool isView = false;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == value) {
          llvm::append_range(worklist, user->getResults());
          llvm::append_range(buffer.views, user->getResults());
          isView = true;
        }
      Operation *top = body.findAncestorOpInBlock(*user);
      if (!top)
        return failure();
      buffer.last = std::max(buffer.last, position.lookup(top));
      if (!isView || top != user)
        buffer.firstAccess = std::min(buffer.firstAccess, position.lookup(top));
    }
  }
  return success();
}

/// Whether `a` and `b` are the same chain of views (same ops, attributes, index operands and
/// types) of two allocations of the same type: then equal indices name the same element.
bool sameViewChain(Value a, Value b) {
  if (a.getType() != b.getType())
    return false;
  auto allocA = a.getDefiningOp<memref::AllocOp>();
  auto allocB = b.getDefiningOp<memref::AllocOp>();
  if (allocA || allocB)
    return allocA && allocB;
  auto viewA = a.getDefiningOp<ViewLikeOpInterface>();
  auto viewB = b.getDefiningOp<ViewLikeOpInterface>();
  if (!viewA || !viewB || viewA->getName() != viewB->getName() ||
      viewA->getAttrDictionary() != viewB->getAttrDictionary() ||
      viewA->getNumOperands() != viewB->getNumOperands() || viewA->getNumResults() != 1)
    return false;
  for (auto [operandA, operandB] : llvm::zip(viewA->getOpOperands(), viewB->getOpOperands())) {
    bool isSource = operandA.get() == viewA.getViewSource();
    if (isSource != (operandB.get() == viewB.getViewSource()))
      return false;
    if (!isSource && operandA.get() != operandB.get())
      return false;
  }
  return sameViewChain(viewA.getViewSource(), viewB.getViewSource());
}

/// Whether `view` is its allocation reshaped (collapse_shape and expand_shape only) into an
/// identity layout: then its indices name the element at the same linear offset as in any
/// other such view of the same shape.
bool isReshapedAllocation(Value view) {
  if (!cast<MemRefType>(view.getType()).getLayout().isIdentity())
    return false;
  while (!view.getDefiningOp<memref::AllocOp>()) {
    Operation *def = view.getDefiningOp();
    if (!isa_and_nonnull<memref::CollapseShapeOp, memref::ExpandShapeOp>(def))
      return false;
    view = def->getOperand(0);
  }
  return true;
}

/// Whether equal indices into `a` and `b` name elements at the same offset from their
/// allocations.
bool sameElements(Value a, Value b) {
  return a.getType() == b.getType() &&
         (sameViewChain(a, b) || (isReshapedAllocation(a) && isReshapedAllocation(b)));
}

/// Whether `read` loads the element(s) that `write`, later in the same block, stores: same
/// vector type and indices, no masks, at the same offsets from their allocations.
bool readsWhatItWrites(vector::TransferReadOp read, vector::TransferWriteOp write) {
  return read->getBlock() == write->getBlock() && read->isBeforeInBlock(write) &&
         read.getVectorType() == write.getVectorType() && !read.getMask() && !write.getMask() &&
         read.getPermutationMap() == write.getPermutationMap() &&
         read.getInBoundsAttr() == write.getInBoundsAttr() &&
         llvm::equal(read.getIndices(), write.getIndices()) &&
         sameElements(read.getBase(), write.getBase());
}

/// Whether `output` may take the bytes of `input` at the top-level op `op`, where `input` is
/// read for the last time and `output` accessed for the first: inside `op`, `output` is only
/// written, every write preceded in its block by a read of the same elements of `input`, and
/// `input` is read nowhere else. This assumes each element is written once (as the tiles of a
/// parallel loop are); a loop that recomputed an element would read the value it wrote.
bool inPlaceCompatible(Operation *op, const Buffer &output, const Buffer &input) {
  auto ofOutput = [&](Value value) { return llvm::is_contained(output.views, value); };
  auto ofInput = [&](Value value) { return llvm::is_contained(input.views, value); };
  SmallVector<vector::TransferReadOp> inputReads, pairedReads;
  WalkResult walk = op->walk([&](Operation *nested) {
    for (Value operand : nested->getOperands()) {
      if (!ofOutput(operand) && !ofInput(operand))
        continue;
      if (auto view = dyn_cast<ViewLikeOpInterface>(nested);
          view && view.getViewSource() == operand)
        continue;
      if (auto read = dyn_cast<vector::TransferReadOp>(nested);
          read && read.getBase() == operand && ofInput(operand)) {
        inputReads.push_back(read);
        continue;
      }
      auto write = dyn_cast<vector::TransferWriteOp>(nested);
      if (!write || write.getBase() != operand || !ofOutput(operand))
        return WalkResult::interrupt();
      vector::TransferReadOp match;
      for (Operation *before = write->getPrevNode(); before && !match;
           before = before->getPrevNode())
        if (auto candidate = dyn_cast<vector::TransferReadOp>(before))
          if (ofInput(candidate.getBase()) && readsWhatItWrites(candidate, write))
            match = candidate;
      if (!match)
        return WalkResult::interrupt();
      pairedReads.push_back(match);
    }
    return WalkResult::advance();
  });
  // Every read of the input must be one that a write of the output follows.
  return !walk.wasInterrupted() && !pairedReads.empty() &&
         llvm::all_of(inputReads, [&](vector::TransferReadOp read) {
           return llvm::is_contained(pairedReads, read);
         });
}

/// Records, for each buffer, the buffers it may be computed in place of.
void findInPlacePairs(MutableArrayRef<Buffer> buffers, Block &body) {
  SmallVector<Operation *> ops = llvm::map_to_vector(body, [](Operation &op) { return &op; });
  for (Buffer &output : buffers)
    for (const Buffer &input : buffers)
      if (&output != &input && input.last == output.firstAccess &&
          output.firstAccess < ops.size() &&
          inPlaceCompatible(ops[output.firstAccess], output, input))
        output.inPlaceOf.push_back(&input);
}

/// Whether `alloc` is only stored into. The CUDA pipeline leaves such buffers (the statistics
/// that kiln-cuda-row-kernels keeps in registers) to canonicalization, which erases them and
/// their stores but could not do so to a view of the workspace.
bool isWriteOnly(memref::AllocOp alloc) {
  return llvm::all_of(alloc->getUsers(), [&](Operation *user) {
    if (auto store = dyn_cast<memref::StoreOp>(user))
      return store.getMemRef() == alloc.getResult() && store.getValueToStore() != alloc.getResult();
    return isa<memref::DeallocOp>(user);
  });
}

bool overlapInTime(const Buffer &a, const Buffer &b) {
  return a.first <= b.last && b.first <= a.last;
}

bool inPlacePair(const Buffer &a, const Buffer &b) {
  return llvm::is_contained(a.inPlaceOf, &b) || llvm::is_contained(b.inPlaceOf, &a);
}

/// Whether `buffer` fits at `offset` beside the `live` buffers, `except` aside.
bool fitsAt(const Buffer &buffer, int64_t offset, ArrayRef<Buffer *> live, const Buffer *except) {
  return llvm::none_of(live, [&](const Buffer *other) {
    return other != except && offset < alignUp(other->offset + other->bytes) + kBufferGap &&
           other->offset < alignUp(offset + buffer.bytes) + kBufferGap;
  });
}

/// Places the buffers (largest first, at the lowest free offset) and returns the size.
int64_t placeBuffers(MutableArrayRef<Buffer> buffers) {
  SmallVector<Buffer *> order;
  for (Buffer &buffer : buffers)
    order.push_back(&buffer);
  llvm::stable_sort(order, [](const Buffer *a, const Buffer *b) {
    return a->bytes != b->bytes ? a->bytes > b->bytes : a->first < b->first;
  });
  SmallVector<Buffer *> placed;
  int64_t size = 0;
  for (Buffer *buffer : order) {
    SmallVector<Buffer *> live;
    for (Buffer *other : placed)
      if (overlapInTime(*buffer, *other))
        live.push_back(other);
    llvm::sort(live, [](const Buffer *a, const Buffer *b) { return a->offset < b->offset; });
    auto inPlaceOf = llvm::find_if(live, [&](const Buffer *other) {
      return inPlacePair(*buffer, *other) && fitsAt(*buffer, other->offset, live, other);
    });
    int64_t offset = 0;
    if (inPlaceOf != live.end()) {
      offset = (*inPlaceOf)->offset;
    } else {
      for (Buffer *other : live) {
        if (offset + buffer->bytes <= other->offset)
          break;
        offset = std::max(offset, alignUp(other->offset + other->bytes) + kBufferGap);
      }
    }
    buffer->offset = offset;
    size = std::max(size, alignUp(offset + buffer->bytes));
    placed.push_back(buffer);
  }
  return size;
}

/// The workspace as the function's new second argument; the function is renamed for the C
/// entry that codegen defines around it.
Value takeWorkspaceArgument(func::FuncOp func, MemRefType workspaceType) {
  MLIRContext *ctx = func.getContext();
  Builder b(ctx);
  NamedAttrList argAttrs;
  argAttrs.append(LLVM::LLVMDialect::getAlignAttrName(), b.getI64IntegerAttr(kWorkspaceAlignment));
  argAttrs.append(LLVM::LLVMDialect::getNoAliasAttrName(), b.getUnitAttr());
  argAttrs.append(LLVM::LLVMDialect::getDereferenceableAttrName(),
                  b.getI64IntegerAttr(workspaceType.getNumElements()));
  if (failed(func.insertArgument(1, workspaceType, argAttrs.getDictionary(ctx), func.getLoc())))
    llvm_unreachable("a function with a body takes another argument");
  // The C entry of that name is codegen's wrapper, which finds the size in the attributes of
  // the workspace argument (dereferenceable).
  func.setSymName((func.getSymName() + kWorkspaceBodySuffix).str());
  return func.getArgument(1);
}

/// The workspace allocated at the start of the function and freed before it returns.
Value allocateWorkspace(func::FuncOp func, MemRefType workspaceType) {
  Block &body = func.front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  Value workspace = memref::AllocOp::create(b, func.getLoc(), workspaceType,
                                            b.getI64IntegerAttr(kWorkspaceAlignment));
  b.setInsertionPoint(body.getTerminator());
  memref::DeallocOp::create(b, func.getLoc(), workspace);
  return workspace;
}

/// Replaces each buffer by a view of the workspace.
void rewriteIntoWorkspace(func::FuncOp func, MutableArrayRef<Buffer> buffers, int64_t size,
                          bool allocate) {
  auto workspaceType = MemRefType::get({size}, IntegerType::get(func.getContext(), 8));
  Value workspace = allocate ? allocateWorkspace(func, workspaceType)
                             : takeWorkspaceArgument(func, workspaceType);
  for (Buffer &buffer : buffers) {
    OpBuilder builder(buffer.alloc);
    Location loc = buffer.alloc.getLoc();
    Value offset = arith::ConstantIndexOp::create(builder, loc, buffer.offset);
    Value view = memref::ViewOp::create(builder, loc, buffer.alloc.getType(), workspace, offset,
                                        ValueRange{});
    buffer.alloc.getResult().replaceAllUsesWith(view);
    for (memref::DeallocOp dealloc : buffer.deallocs)
      dealloc.erase();
    buffer.alloc.erase();
  }
}

void planFunction(func::FuncOp func, bool allocate) {
  if (func.isExternal() || !func.getBody().hasOneBlock() || func.getNumArguments() == 0 ||
      !isa<LLVM::LLVMPointerType>(func.getArgumentTypes()[0]))
    return;
  Block &body = func.front();
  DenseMap<Operation *, unsigned> position;
  unsigned index = 0;
  for (Operation &op : body)
    position[&op] = index++;
  SmallVector<Buffer> buffers;
  for (memref::AllocOp alloc : body.getOps<memref::AllocOp>()) {
    std::optional<int64_t> bytes = plannableBytes(alloc.getType());
    if (!bytes || !alloc.getDynamicSizes().empty() || !alloc.getSymbolOperands().empty())
      continue;
    if ((alloc.getAlignment() && *alloc.getAlignment() > kWorkspaceAlignment) ||
        (allocate && isWriteOnly(alloc)))
      continue;
    Buffer buffer;
    buffer.alloc = alloc;
    buffer.bytes = std::max<int64_t>(*bytes, 1);
    if (succeeded(computeLiveness(buffer, body, position)))
      buffers.push_back(std::move(buffer));
  }
  if (buffers.empty())
    return;
  findInPlacePairs(buffers, body);
  int64_t size = placeBuffers(buffers);
  rewriteIntoWorkspace(func, buffers, size, allocate);
}

struct KilnPlanWorkspacePass : public impl::KilnPlanWorkspaceBase<KilnPlanWorkspacePass> {
  using Base::Base;
  void runOnOperation() override {
    for (func::FuncOp func : getOperation().getOps<func::FuncOp>())
      planFunction(func, allocate);
  }
};

} // namespace
} // namespace kiln
