// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// kiln.reduce resolves its kernel in the same module; round-trip-kernels.mlir checks how
// @maxk prints.
kiln.kernel @maxk(%acc: f32, %x: f32) -> f32 {
  %0 = arith.maximumf %acc, %x : f32
  kiln.yield %0 : f32
}

// CHECK-LABEL: kiln.graph @linalg_and_reductions
kiln.graph @linalg_and_reductions(%x: tensor<2x5x3x6xf32>)
    -> (tensor<2x5x1x6xf32>, tensor<2x3xf32>) {
  // CHECK: kiln.reduce_sum %{{.+}} {axes = array<i64: -2>, keep_dims = true}
  %1 = kiln.reduce_sum %x {axes = array<i64: -2>, keep_dims = true} : (tensor<2x5x3x6xf32>) -> tensor<2x5x1x6xf32>
  // CHECK: kiln.reduce_max %{{.+}} {axes = array<i64: 1, 3>}
  %2 = kiln.reduce_max %x {axes = array<i64: 1, 3>} : (tensor<2x5x3x6xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.reduce_mean %{{.+}} {axes = array<i64: 3>}
  %3 = kiln.reduce_mean %x {axes = array<i64: 3>} : (tensor<2x5x3x6xf32>) -> tensor<2x5x3xf32>
  // CHECK: kiln.return
  kiln.return %1, %2 : tensor<2x5x1x6xf32>, tensor<2x3xf32>
}

// This graph also holds log_softmax, layer_norm, rms_norm and a kernel's kiln.reduce; its
// first check spells the whole signature, so it cannot be split by family.
// CHECK: kiln.graph @reductions(%a: tensor<3x4xf32>, %g: tensor<4xf32>) -> (tensor<4xf32>, tensor<3x1xf32>, tensor<3xi64>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3xf32>) {
kiln.graph @reductions(%a: tensor<3x4xf32>, %g: tensor<4xf32>) -> (tensor<4xf32>, tensor<3x1xf32>, tensor<3xi64>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3xf32>) {
  // CHECK: kiln.reduce_min %a {axes = array<i64: 0>} : (tensor<3x4xf32>) -> tensor<4xf32>
  %0 = kiln.reduce_min %a {axes = array<i64: 0>} : (tensor<3x4xf32>) -> tensor<4xf32>
  // CHECK: kiln.reduce_prod %a {axes = array<i64: -1>, keep_dims = true} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %1 = kiln.reduce_prod %a {axes = array<i64: -1>, keep_dims = true} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  // CHECK: kiln.argmax %a {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3xi64>
  %2 = kiln.argmax %a {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3xi64>
  // CHECK: kiln.log_softmax %a {axis = 0 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %3 = kiln.log_softmax %a {axis = 0 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.layer_norm %a, %g, %g {epsilon = 1.000000e-03 : f32} : (tensor<3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %4 = kiln.layer_norm %a, %g, %g {epsilon = 1.0e-03 : f32} : (tensor<3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.rms_norm %a, %g : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %5 = kiln.rms_norm %a, %g : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.reduce @maxk(%a) {axes = array<i64: 1>, init = 0xFF800000 : f32} : (tensor<3x4xf32>) -> tensor<3xf32>
  %6 = kiln.reduce @maxk(%a) {axes = array<i64: 1>, init = 0xFF800000 : f32} : (tensor<3x4xf32>) -> tensor<3xf32>
  kiln.return %0, %1, %2, %3, %4, %5, %6 : tensor<4xf32>, tensor<3x1xf32>, tensor<3xi64>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<3xf32>
}
