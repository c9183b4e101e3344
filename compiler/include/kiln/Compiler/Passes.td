//===- Passes.td - Kiln compiler passes -----------------------------------===//

#ifndef KILN_COMPILER_PASSES_TD
#define KILN_COMPILER_PASSES_TD

include "mlir/Pass/PassBase.td"

def KilnToLinalg : Pass<"kiln-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower Kiln ops to linalg/tensor/arith/math and graphs to functions";
  let description = [{
    Every computing op becomes linalg on tensors: named ops where they exist (matmul, transpose,
    fill), `linalg.generic` with broadcasting indexing maps otherwise. Each `kiln.graph @g`
    becomes `func.func @g(%ctx: !llvm.ptr, inputs...) -> (results..., i32)`: the context
    pointer and the status result of the C ABI, so that bufferization can turn the tensor results
    into the caller's output buffers.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

def KilnApproximateMath : Pass<"kiln-approximate-math"> {
  let summary = "Replace f32 transcendentals with vectorizable polynomial approximations";
  let description = [{
    Rewrites math.exp, log, tanh, erf, ... on f32 (scalars and vectors) with MLIR's polynomial
    approximations, so that the loop vectorizer can vectorize them instead of calling libm per
    element. f64 is left to libm.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def KilnCopiesToLinalg : Pass<"kiln-copies-to-linalg"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    memref.copy between buffers with non-identity layouts (slices, concatenations, padding)
    lowers to a call of `memrefCopy` in MLIR's C runner library, which a Kiln artifact must not
    depend on. As linalg.copy it becomes loops like every other op.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def KilnExpandMath : Pass<"kiln-expand-math"> {
  let summary = "Expand the math ops that no MLIR 22 pass lowers to LLVM";
  let description = [{
    `math.absi` becomes `x < 0 ? 0 - x : x` and `math.isinf` becomes `|x| == inf`. Kiln's
    own lowerings and user kernels may both produce them.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def KilnDistinctResults : Pass<"kiln-distinct-results", "::mlir::func::FuncOp"> {
  let summary = "Give each returned tensor its own value";
  let description = [{
    Each graph result is written into its own caller buffer, but buffer-results-to-out-params
    cannot promote one buffer into two out-parameters. A value returned twice (written so, or
    after folding, e.g. `select(c, x, x)`) is copied into a fresh tensor for each repetition.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

#endif // KILN_COMPILER_PASSES_TD
