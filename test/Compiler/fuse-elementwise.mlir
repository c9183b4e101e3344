// RUN: kiln-opt %s --kiln-fuse-elementwise | FileCheck %s

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Elementwise producers fuse into their consumer as upstream's pass does, but a reshape in
// front of a matmul is not propagated through it: the matmul stays a linalg.matmul (for
// kiln-packed-matmul) and its producers stay outside.
// CHECK-LABEL: func.func @keeps_matmul
// CHECK: %[[EXP:.+]] = linalg.generic
// CHECK: math.exp
// CHECK: %[[LHS:.+]] = tensor.collapse_shape %[[EXP]]
// CHECK: %[[PRODUCT:.+]] = linalg.matmul ins(%[[LHS]], %{{.+}} : tensor<6x4xf32>, tensor<4x5xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[PRODUCT]]
// CHECK: arith.negf
// CHECK-NEXT: math.absf
// CHECK-NEXT: linalg.yield
func.func @keeps_matmul(%x: tensor<2x3x2x2xf32>, %w: tensor<4x5xf32>) -> tensor<6x5xf32> {
  %e0 = tensor.empty() : tensor<2x3x2x2xf32>
  %exp = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x2x2xf32>) outs(%e0 : tensor<2x3x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<2x3x2x2xf32>
  %lhs = tensor.collapse_shape %exp [[0, 1], [2, 3]] : tensor<2x3x2x2xf32> into tensor<6x4xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<6x5xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e1 : tensor<6x5xf32>) -> tensor<6x5xf32>
  %mm = linalg.matmul ins(%lhs, %w : tensor<6x4xf32>, tensor<4x5xf32>) outs(%init : tensor<6x5xf32>) -> tensor<6x5xf32>
  %neg = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<6x5xf32>) outs(%e1 : tensor<6x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<6x5xf32>
  %abs = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%neg : tensor<6x5xf32>) outs(%e1 : tensor<6x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.absf %in : f32
    linalg.yield %v : f32
  } -> tensor<6x5xf32>
  return %abs : tensor<6x5xf32>
}
