// conv2d (NHWC x HWIO, strides, zero padding, dilations, i8 x i8 -> i32) and the pools, whose
// padded positions never contribute. Results are reshaped to 2-D to keep the checks readable.
// The 3x3 input image is [[1 2 3] [4 5 6] [7 8 9]] unless said otherwise.

// RUN: kiln-interp %s --graph conv2d --print | FileCheck %s --check-prefix=CONV
// RUN: kiln-interp %s --graph conv2d_channels --print | FileCheck %s --check-prefix=CHANNELS
// RUN: kiln-interp %s --graph conv2d_i8 --print | FileCheck %s --check-prefix=I8
// RUN: kiln-interp %s --graph max_pool --print | FileCheck %s --check-prefix=MAXPOOL
// RUN: kiln-interp %s --graph avg_pool --print | FileCheck %s --check-prefix=AVGPOOL

// Diagonal 2x2 filter: x[i][j] + x[i+1][j+1]. All-ones 2x2 with padding 1 and stride 2:
// [[1, 2+3], [4+7, 5+6+8+9]]. All-ones 2x2 dilated by 2: the four corners, 1+3+7+9.
// CONV-LABEL: result0: f32[2x2]
// CONV-NEXT: {{\[\[}} 6. 8.]
// CONV-NEXT:  [12. 14.]]
// CONV-LABEL: result1: f32[2x2]
// CONV-NEXT: {{\[\[}} 1. 5.]
// CONV-NEXT:  [11. 28.]]
// CONV-LABEL: result2: f32[1x1]
// CONV-NEXT: {{\[\[}}20.]]
kiln.graph @conv2d() -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<1x1xf32>) {
  %x = kiln.constant dense<[[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]],
                             [[7.0], [8.0], [9.0]]]]> : tensor<1x3x3x1xf32>
  %diag = kiln.constant dense<[[[[1.0]], [[0.0]]], [[[0.0]], [[1.0]]]]> : tensor<2x2x1x1xf32>
  %ones = kiln.constant dense<1.0> : tensor<2x2x1x1xf32>
  %0 = kiln.conv2d %x, %diag : (tensor<1x3x3x1xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x1xf32>
  %1 = kiln.conv2d %x, %ones {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x3x1xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x1xf32>
  %2 = kiln.conv2d %x, %ones {dilations = array<i64: 2, 2>}
      : (tensor<1x3x3x1xf32>, tensor<2x2x1x1xf32>) -> tensor<1x1x1x1xf32>
  %r0 = kiln.reshape %0 : (tensor<1x2x2x1xf32>) -> tensor<2x2xf32>
  %r1 = kiln.reshape %1 : (tensor<1x2x2x1xf32>) -> tensor<2x2xf32>
  %r2 = kiln.reshape %2 : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
  kiln.return %r0, %r1, %r2 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<1x1xf32>
}

// Two batches of one pixel with channels [1 2] and [3 4]; a 1x1 filter mapping 2 channels to
// 3: out[o] = c0 * [1 2 3][o] + c1 * [10 20 30][o].
// CHANNELS-LABEL: result0: f32[2x3]
// CHANNELS-NEXT: {{\[\[}} 21. 42. 63.]
// CHANNELS-NEXT:  [ 43. 86. 129.]]
kiln.graph @conv2d_channels() -> tensor<2x3xf32> {
  %x = kiln.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>
  %w = kiln.constant dense<[[[[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]]]> : tensor<1x1x2x3xf32>
  %0 = kiln.conv2d %x, %w : (tensor<2x1x1x2xf32>, tensor<1x1x2x3xf32>) -> tensor<2x1x1x3xf32>
  %r = kiln.reshape %0 : (tensor<2x1x1x3xf32>) -> tensor<2x3xf32>
  kiln.return %r : tensor<2x3xf32>
}

// 127 * 127 + (-128) * (-128) = 32513, accumulated exactly into i32.
// I8-LABEL: result0: i32[1]
// I8-NEXT: [32513]
kiln.graph @conv2d_i8() -> tensor<1xi32> {
  %x = kiln.constant dense<[[[[127], [-128]]]]> : tensor<1x1x2x1xi8>
  %w = kiln.constant dense<[[[[127]], [[-128]]]]> : tensor<1x2x1x1xi8>
  %0 = kiln.conv2d %x, %w : (tensor<1x1x2x1xi8>, tensor<1x2x1x1xi8>) -> tensor<1x1x1x1xi32>
  %r = kiln.reshape %0 : (tensor<1x1x1x1xi32>) -> tensor<1xi32>
  kiln.return %r : tensor<1xi32>
}

// All-negative input [[-1 -2 -3] [-4 -5 -6] [-7 -8 -9]], 2x2 windows at stride 1 padded one
// row above and one column left: padding never wins the max (it would give 0 on the border).
// Integers 0..15 in 4x4 with the default strides (the window): the max of each 2x2 block.
// MAXPOOL-LABEL: result0: f32[3x3]
// MAXPOOL-NEXT: {{\[\[}}-1. -1. -2.]
// MAXPOOL-NEXT:  [-1. -1. -2.]
// MAXPOOL-NEXT:  [-4. -4. -5.]]
// MAXPOOL-LABEL: result1: i32[2x2]
// MAXPOOL-NEXT: {{\[\[}} 5 7]
// MAXPOOL-NEXT:  [13 15]]
kiln.graph @max_pool() -> (tensor<3x3xf32>, tensor<2x2xi32>) {
  %x = kiln.constant dense<[[[[-1.0], [-2.0], [-3.0]], [[-4.0], [-5.0], [-6.0]],
                             [[-7.0], [-8.0], [-9.0]]]]> : tensor<1x3x3x1xf32>
  %y = kiln.constant dense<[[[[0], [1], [2], [3]], [[4], [5], [6], [7]],
                             [[8], [9], [10], [11]], [[12], [13], [14], [15]]]]>
      : tensor<1x4x4x1xi32>
  %0 = kiln.max_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                           padding = array<i64: 1, 0, 1, 0>}
      : (tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  %1 = kiln.max_pool2d %y {window = array<i64: 2, 2>} : (tensor<1x4x4x1xi32>) -> tensor<1x2x2x1xi32>
  %r0 = kiln.reshape %0 : (tensor<1x3x3x1xf32>) -> tensor<3x3xf32>
  %r1 = kiln.reshape %1 : (tensor<1x2x2x1xi32>) -> tensor<2x2xi32>
  kiln.return %r0, %r1 : tensor<3x3xf32>, tensor<2x2xi32>
}

// The average divides by the in-bounds elements only. Padding above/left, stride 1: the
// corner window holds just 1; [1 2] -> 1.5; [4 5 7 8] -> 6. Padding below/right, stride 2:
// [1 2 4 5] -> 3, [3 6] -> 4.5, [7 8] -> 7.5, [9] -> 9.
// AVGPOOL-LABEL: result0: f32[3x3]
// AVGPOOL-NEXT: {{\[\[}} 1. 1.5 2.5]
// AVGPOOL-NEXT:  [2.5 3. 4.]
// AVGPOOL-NEXT:  [5.5 6. 7.]]
// AVGPOOL-LABEL: result1: f32[2x2]
// AVGPOOL-NEXT: {{\[\[}} 3. 4.5]
// AVGPOOL-NEXT:  [7.5 9.]]
kiln.graph @avg_pool() -> (tensor<3x3xf32>, tensor<2x2xf32>) {
  %x = kiln.constant dense<[[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]],
                             [[7.0], [8.0], [9.0]]]]> : tensor<1x3x3x1xf32>
  %0 = kiln.avg_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                           padding = array<i64: 1, 0, 1, 0>}
      : (tensor<1x3x3x1xf32>) -> tensor<1x3x3x1xf32>
  %1 = kiln.avg_pool2d %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                           padding = array<i64: 0, 1, 0, 1>}
      : (tensor<1x3x3x1xf32>) -> tensor<1x2x2x1xf32>
  %r0 = kiln.reshape %0 : (tensor<1x3x3x1xf32>) -> tensor<3x3xf32>
  %r1 = kiln.reshape %1 : (tensor<1x2x2x1xf32>) -> tensor<2x2xf32>
  kiln.return %r0, %r1 : tensor<3x3xf32>, tensor<2x2xf32>
}
