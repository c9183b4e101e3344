// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// kiln.map resolves its kernel in the same module; round-trip-kernels.mlir checks how @saxpy
// prints.
kiln.kernel @saxpy(%a: f32, %x: f32, %y: f32) -> f32 {
  %0 = arith.mulf %a, %x : f32
  %1 = math.fma %a, %x, %y : f32
  kiln.yield %1 : f32
}

// This graph also holds a kernel's kiln.map; its first check spells the whole signature, so it
// cannot be split by family.
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

// A depthwise convolution with a channel multiplier of 2: 8 groups of one input channel.
// CHECK-LABEL: kiln.graph @depthwise
// CHECK: kiln.conv2d %x, %w {groups = 8 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x8xf32>, tensor<3x3x1x16xf32>) -> tensor<1x8x8x16xf32>
kiln.graph @depthwise(%x: tensor<1x8x8x8xf32>, %w: tensor<3x3x1x16xf32>) -> tensor<1x8x8x16xf32> {
  %0 = kiln.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, groups = 8 : i64} : (tensor<1x8x8x8xf32>, tensor<3x3x1x16xf32>) -> tensor<1x8x8x16xf32>
  kiln.return %0 : tensor<1x8x8x16xf32>
}

// conv_transpose2d with strides, a grouped filter and a negative (extending) padding.
// CHECK-LABEL: kiln.graph @upsample
// CHECK: kiln.conv_transpose2d %x, %w {strides = array<i64: 2, 2>} : (tensor<1x4x4x8xf32>, tensor<4x4x8x3xf32>) -> tensor<1x10x10x3xf32>
// CHECK: kiln.conv_transpose2d %x, %g {groups = 2 : i64, padding = array<i64: 1, -1, 0, 0>} : (tensor<1x4x4x8xf32>, tensor<3x3x4x6xf32>) -> tensor<1x6x6x6xf32>
kiln.graph @upsample(%x: tensor<1x4x4x8xf32>, %w: tensor<4x4x8x3xf32>, %g: tensor<3x3x4x6xf32>)
    -> (tensor<1x10x10x3xf32>, tensor<1x6x6x6xf32>) {
  %0 = kiln.conv_transpose2d %x, %w {strides = array<i64: 2, 2>} : (tensor<1x4x4x8xf32>, tensor<4x4x8x3xf32>) -> tensor<1x10x10x3xf32>
  %1 = kiln.conv_transpose2d %x, %g {groups = 2 : i64, padding = array<i64: 1, -1, 0, 0>} : (tensor<1x4x4x8xf32>, tensor<3x3x4x6xf32>) -> tensor<1x6x6x6xf32>
  kiln.return %0, %1 : tensor<1x10x10x3xf32>, tensor<1x6x6x6xf32>
}
