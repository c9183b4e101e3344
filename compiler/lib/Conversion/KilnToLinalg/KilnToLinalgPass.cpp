//===- KilnToLinalgPass.cpp - The kiln-to-linalg pass ---------------------===//
#include "kiln/Compiler/KernelNames.h"
#include "kiln/Compiler/KilnToLinalg.h"
#include "kiln/Compiler/Passes.h"
#include "kiln/Dialect/Kiln/KilnOps.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/StringSet.h"

namespace kiln {
#define GEN_PASS_DEF_KILNTOLINALG
#include "kiln/Compiler/Passes.h.inc"
} // namespace kiln

using namespace mlir;

namespace kiln {
namespace {

/// The names of the graph's kernels for its profile (KernelNames.h): the distinct names of its
/// ops' locations, in order. Constants are not kernels: they become data.
ArrayAttr kernelTable(GraphOp graph) {
  SmallVector<Attribute> names;
  llvm::StringSet<> seen;
  for (Operation &op : graph.getBody().front().without_terminator()) {
    if (isa<ConstantOp>(op))
      continue;
    std::string name = kernelName(op.getLoc());
    if (!name.empty() && seen.insert(name).second)
      names.push_back(StringAttr::get(graph.getContext(), name));
  }
  return ArrayAttr::get(graph.getContext(), names);
}

/// Replaces `kiln.graph @g(args) -> results` by `func.func @g(%ctx: !llvm.ptr, args) ->
/// (results..., i32)`: the C ABI's context pointer and status, kept through bufferization so
/// that the results become out-parameters after them.
void convertGraphToFunc(GraphOp graph, ArrayAttr kernels) {
  IRRewriter rewriter(graph.getContext());
  rewriter.setInsertionPoint(graph);
  Location loc = graph.getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(graph.getContext());
  Type statusType = rewriter.getI32Type();

  SmallVector<Type> inputs = {ptrType};
  llvm::append_range(inputs, graph.getArgumentTypes());
  SmallVector<Type> results(graph.getResultTypes());
  results.push_back(statusType);
  auto func = func::FuncOp::create(rewriter, loc, graph.getSymName(),
                                   rewriter.getFunctionType(inputs, results));
  func->setAttr(kKernelsAttrName, kernels);
  if (Attribute calls = graph->getAttr(kBatchSplitAttr))
    func->setAttr(kBatchSplitAttr, calls);
  rewriter.inlineRegionBefore(graph.getBody(), func.getBody(), func.getBody().end());
  Block &entry = func.getBody().front();
  entry.insertArgument(0u, ptrType, loc);

  auto ret = cast<ReturnOp>(entry.getTerminator());
  rewriter.setInsertionPoint(ret);
  SmallVector<Value> values(ret.getOperands());
  values.push_back(
      arith::ConstantOp::create(rewriter, ret.getLoc(), rewriter.getI32IntegerAttr(0)));
  rewriter.replaceOpWithNewOp<func::ReturnOp>(ret, values);
  rewriter.eraseOp(graph);
}

/// Replaces the comparisons whose predicate is "true" or "false" by their constant result, which
/// is exact: they ignore their operands. MLIR 22's arith canonicalization of
/// cmpf(sitofp/uitofp(x), constant) does not expect these predicates and crashes on them (an
/// upstream bug; test/fuzz/regressions/kernel-cmpf-true-of-sitofp.mlir), so they must be gone
/// before the first canonicalizer, also when fusion brings the conversion and the comparison of
/// two kernels together.
void foldConstantPredicates(ModuleOp module) {
  module.walk([](arith::CmpFOp cmp) {
    arith::CmpFPredicate predicate = cmp.getPredicate();
    if (predicate != arith::CmpFPredicate::AlwaysTrue &&
        predicate != arith::CmpFPredicate::AlwaysFalse)
      return;
    OpBuilder builder(cmp);
    Value result = createScalarOrSplatConstant(
        builder, cmp.getLoc(), cmp.getType(),
        APInt(1, predicate == arith::CmpFPredicate::AlwaysTrue ? 1 : 0));
    cmp.replaceAllUsesWith(result);
    cmp.erase();
  });
}

struct KilnToLinalgPass : public impl::KilnToLinalgBase<KilnToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    foldConstantPredicates(getOperation());
    llvm::DenseMap<Operation *, ArrayAttr> kernels;
    for (GraphOp graph : getOperation().getOps<GraphOp>())
      kernels[graph] = kernelTable(graph);
    RewritePatternSet patterns(ctx);
    populateElementwiseToLinalgPatterns(patterns);
    populateMatmulToLinalgPatterns(patterns, foldMatmulTransposes);
    populateReductionToLinalgPatterns(patterns);
    populateNormalizationToLinalgPatterns(patterns, softmaxScalesInPlace);
    populateShapeToLinalgPatterns(patterns);
    populateIndexingToLinalgPatterns(patterns);
    populateCompareSelectCastToLinalgPatterns(patterns);
    populateConvolutionToLinalgPatterns(patterns);
    populateConvTransposeToLinalgPatterns(patterns);
    populateScanToLinalgPatterns(patterns);
    populateKernelToLinalgPatterns(patterns);

    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect, math::MathDialect,
                           scf::SCFDialect, tensor::TensorDialect, func::FuncDialect>();
    target.addIllegalDialect<KilnDialect>();
    target.addLegalOp<GraphOp, ReturnOp, KernelOp, YieldOp>();
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      return signalPassFailure();

    for (GraphOp graph : llvm::make_early_inc_range(getOperation().getOps<GraphOp>()))
      convertGraphToFunc(graph, kernels.lookup(graph));
    // Every use of a kernel has been inlined into a generic.
    for (KernelOp kernel : llvm::make_early_inc_range(getOperation().getOps<KernelOp>()))
      kernel.erase();
  }
};

} // namespace
} // namespace kiln
