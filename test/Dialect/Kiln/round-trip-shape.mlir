// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Named @shapes_i32 because the graph below is @shapes and one module holds both; the label
// `@shapes` matches this name as a prefix, and this graph prints first.
// CHECK-LABEL: kiln.graph @shapes
kiln.graph @shapes_i32(%x: tensor<2x3xi32>)
    -> (tensor<3x2xi32>, tensor<6x1xi32>, tensor<4x2x3xi32>) {
  // CHECK: kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  // CHECK: kiln.reshape %x : (tensor<2x3xi32>) -> tensor<6x1xi32>
  %1 = kiln.reshape %x : (tensor<2x3xi32>) -> tensor<6x1xi32>
  // CHECK: kiln.broadcast_to %x : (tensor<2x3xi32>) -> tensor<4x2x3xi32>
  %2 = kiln.broadcast_to %x : (tensor<2x3xi32>) -> tensor<4x2x3xi32>
  kiln.return %0, %1, %2 : tensor<3x2xi32>, tensor<6x1xi32>, tensor<4x2x3xi32>
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
