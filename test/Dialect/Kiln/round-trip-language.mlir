// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// The ops added with the full language print back as written (defaults elided).
// CHECK: kiln.kernel @saxpy(%arg0: f32, %arg1: f32, %arg2: f32) -> f32 {
kiln.kernel @saxpy(%a: f32, %x: f32, %y: f32) -> f32 {
  %0 = arith.mulf %a, %x : f32
  %1 = math.fma %a, %x, %y : f32
  // CHECK: kiln.yield %1 : f32
  kiln.yield %1 : f32
}
// CHECK: kiln.kernel @maxk(%arg0: f32, %arg1: f32) -> f32 {
kiln.kernel @maxk(%acc: f32, %x: f32) -> f32 {
  %0 = arith.maximumf %acc, %x : f32
  // CHECK: kiln.yield %0 : f32
  kiln.yield %0 : f32
}
// CHECK: kiln.graph @elementwise(%a: tensor<3x4xf32>, %b: tensor<4xf32>, %c: tensor<3x4xi1>) -> (tensor<3x4xf32>, tensor<3x4xi8>) {
kiln.graph @elementwise(%a: tensor<3x4xf32>, %b: tensor<4xf32>, %c: tensor<3x4xi1>) -> (tensor<3x4xf32>, tensor<3x4xi8>) {
  // CHECK: kiln.pow %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %0 = kiln.pow %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.gelu %0 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %1 = kiln.gelu %0 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.gelu %1 {approximate = "tanh"} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %2 = kiln.gelu %1 {approximate = "tanh"} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.silu %2 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %3 = kiln.silu %2 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.erf %3 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %4 = kiln.erf %3 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.floor %4 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %5 = kiln.floor %4 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.ceil %5 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %6 = kiln.ceil %5 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.cmp %6, %b {predicate = "le"} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  %7 = kiln.cmp %6, %b {predicate = "le"} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  // CHECK: kiln.select %7, %6, %b : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %8 = kiln.select %7, %6, %b : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.cast %8 : (tensor<3x4xf32>) -> tensor<3x4xi8>
  %9 = kiln.cast %8 : (tensor<3x4xf32>) -> tensor<3x4xi8>
  kiln.return %8, %9 : tensor<3x4xf32>, tensor<3x4xi8>
}
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
// CHECK: kiln.graph @shapes(%a: tensor<3x4xf32>, %b: tensor<2x4xf32>) -> (tensor<5x4xf32>, tensor<2x2xf32>, tensor<4x7xf32>) {
kiln.graph @shapes(%a: tensor<3x4xf32>, %b: tensor<2x4xf32>) -> (tensor<5x4xf32>, tensor<2x2xf32>, tensor<4x7xf32>) {
  // CHECK: kiln.concat %a, %b {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  // CHECK: kiln.slice %a {limits = array<i64: 3, 4>, starts = array<i64: 1, 0>, strides = array<i64: 1, 2>} : (tensor<3x4xf32>) -> tensor<2x2xf32>
  %1 = kiln.slice %a {starts = array<i64: 1, 0>, limits = array<i64: 3, 4>, strides = array<i64: 1, 2>} : (tensor<3x4xf32>) -> tensor<2x2xf32>
  // CHECK: kiln.pad %a {high = array<i64: 1, 2>, low = array<i64: 0, 1>, value = -1.000000e+00 : f32} : (tensor<3x4xf32>) -> tensor<4x7xf32>
  %2 = kiln.pad %a {low = array<i64: 0, 1>, high = array<i64: 1, 2>, value = -1.0 : f32} : (tensor<3x4xf32>) -> tensor<4x7xf32>
  kiln.return %0, %1, %2 : tensor<5x4xf32>, tensor<2x2xf32>, tensor<4x7xf32>
}
// CHECK: kiln.graph @conv(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x4xf32>, %s: tensor<1xf32>, %t: tensor<1xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x3xf32>, tensor<1x3x3x3xf32>, tensor<1xf32>) {
kiln.graph @conv(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x4xf32>, %s: tensor<1xf32>, %t: tensor<1xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x3xf32>, tensor<1x3x3x3xf32>, tensor<1xf32>) {
  // CHECK: kiln.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x4x4x4xf32>
  %0 = kiln.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x4x4x4xf32>
  // CHECK: kiln.max_pool2d %x {window = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  %1 = kiln.max_pool2d %x {window = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  // CHECK: kiln.avg_pool2d %x {strides = array<i64: 2, 2>, window = array<i64: 3, 3>} : (tensor<1x8x8x3xf32>) -> tensor<1x3x3x3xf32>
  %2 = kiln.avg_pool2d %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x3xf32>) -> tensor<1x3x3x3xf32>
  // CHECK: kiln.map @saxpy(%s, %t, %s) : (tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  %3 = kiln.map @saxpy(%s, %t, %s) : (tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  kiln.return %0, %1, %2, %3 : tensor<1x4x4x4xf32>, tensor<1x4x4x3xf32>, tensor<1x3x3x3xf32>, tensor<1xf32>
}
