// RUN: kiln-opt %s --kiln-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %[[A:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: linalg.transpose ins(%[[A]] : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
kiln.graph @transpose(%a: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = kiln.transpose %a {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  kiln.return %0 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %[[A:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [6, 4] : tensor<24xf32> into tensor<6x4xf32>
kiln.graph @reshape(%a: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = kiln.reshape %a : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  kiln.return %0 : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_scalar
// CHECK: tensor.collapse_shape %{{.+}} [] : tensor<1x1xf32> into tensor<f32>
kiln.graph @reshape_scalar(%a: tensor<1x1xf32>) -> tensor<f32> {
  %0 = kiln.reshape %a : (tensor<1x1xf32>) -> tensor<f32>
  kiln.return %0 : tensor<f32>
}

// -----

// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @broadcast_to
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: ^bb0(%[[X:.+]]: i32, %{{.+}}: i32):
// CHECK:   linalg.yield %[[X]] : i32
kiln.graph @broadcast_to(%a: tensor<1x3xi32>) -> tensor<4x2x3xi32> {
  %0 = kiln.broadcast_to %a : (tensor<1x3xi32>) -> tensor<4x2x3xi32>
  kiln.return %0 : tensor<4x2x3xi32>
}

// -----

// concat inserts each input at its offset; slice and pad are tensor.extract_slice / tensor.pad.
// CHECK-LABEL: func.func @concat_slice_pad
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<5x4xf32>
// CHECK: %[[FIRST:.+]] = tensor.insert_slice %{{.+}} into %[[EMPTY]][0, 0] [3, 4] [1, 1]
// CHECK: tensor.insert_slice %{{.+}} into %[[FIRST]][3, 0] [2, 4] [1, 1]
// CHECK: tensor.extract_slice %{{.+}}[1, 0] [2, 2] [1, 2] : tensor<3x4xf32> to tensor<2x2xf32>
// CHECK: tensor.pad %{{.+}} low[0, 1] high[1, 2]
// CHECK:   tensor.yield %{{.+}} : f32
kiln.graph @concat_slice_pad(%a: tensor<3x4xf32>, %b: tensor<2x4xf32>) -> (tensor<5x4xf32>, tensor<2x2xf32>, tensor<4x7xf32>) {
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %1 = kiln.slice %a {starts = array<i64: 1, 0>, limits = array<i64: 3, 4>, strides = array<i64: 1, 2>} : (tensor<3x4xf32>) -> tensor<2x2xf32>
  %2 = kiln.pad %a {low = array<i64: 0, 1>, high = array<i64: 1, 2>, value = -1.0 : f32} : (tensor<3x4xf32>) -> tensor<4x7xf32>
  kiln.return %0, %1, %2 : tensor<5x4xf32>, tensor<2x2xf32>, tensor<4x7xf32>
}
