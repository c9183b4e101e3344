// RUN: kiln-opt %s --kiln-bufferize | FileCheck %s

// kiln.reduce with a user kernel folds in row-major order (docs/language.md): its combiner is
// not reassociated, even after fusion with its producer; the built-in reduce_sum is.
// CHECK-LABEL: func.func @kernel_sum
// CHECK: math.exp
// CHECK-NEXT: arith.addf %{{.+}}, %{{.+}} : f32
// CHECK-LABEL: func.func @builtin_sum
// CHECK: math.exp
// CHECK-NEXT: arith.addf %{{.+}}, %{{.+}} fastmath<reassoc> : f32
kiln.kernel @plus(%acc: f32, %x: f32) -> f32 {
  %0 = arith.addf %acc, %x : f32
  kiln.yield %0 : f32
}
kiln.graph @kernel_sum(%x: tensor<8x64xf32>) -> tensor<8xf32> {
  %e = kiln.exp %x : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %r = kiln.reduce @plus(%e) {axes = array<i64: 1>, init = 0.0 : f32} : (tensor<8x64xf32>) -> tensor<8xf32>
  kiln.return %r : tensor<8xf32>
}
kiln.graph @builtin_sum(%x: tensor<8x64xf32>) -> tensor<8xf32> {
  %e = kiln.exp %x : (tensor<8x64xf32>) -> tensor<8x64xf32>
  %r = kiln.reduce_sum %e {axes = array<i64: 1>} : (tensor<8x64xf32>) -> tensor<8xf32>
  kiln.return %r : tensor<8xf32>
}
