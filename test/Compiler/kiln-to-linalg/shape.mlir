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
