// RUN: kiln-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(kiln-cuda-map-parallel-loops{block-size=100})'

// expected-error @+1 {{block-size must be a positive multiple of 32, got 100}}
func.func @entry(%ctx: !llvm.ptr, %stream: !llvm.ptr) -> i32 attributes {kiln.cuda_entry} {
  %c0 = arith.constant 0 : i32
  return %c0 : i32
}
