// RUN: kiln-opt %s --kiln-to-linalg="fold-matmul-transposes=true" --split-input-file | FileCheck %s
// RUN: kiln-opt %s --kiln-to-linalg --split-input-file | FileCheck %s --check-prefix=COPY

// CHECK-LABEL: func.func @matmul_2d(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %[[A:.+]]: tensor<7x33xf32>, %[[B:.+]]: tensor<33x5xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.+]] = tensor.empty() : tensor<7x5xf32>
// CHECK: %[[F:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<7x5xf32>)
// CHECK: linalg.matmul ins(%[[A]], %[[B]] : tensor<7x33xf32>, tensor<33x5xf32>) outs(%[[F]] : tensor<7x5xf32>)
kiln.graph @matmul_2d(%a: tensor<7x33xf32>, %b: tensor<33x5xf32>) -> tensor<7x5xf32> {
  %0 = kiln.matmul %a, %b : (tensor<7x33xf32>, tensor<33x5xf32>) -> tensor<7x5xf32>
  kiln.return %0 : tensor<7x5xf32>
}

// -----

// Batch dims broadcast: lhs batch 2x1, rhs batch 5 -> 2x5.
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_batched
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK:   %[[P:.+]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK:   %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK:   linalg.yield %[[S]]
kiln.graph @matmul_batched(%a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  kiln.return %0 : tensor<2x5x3x6xf32>
}

// -----

// Without broadcast, batches become named matmuls for kiln-packed-matmul: a batch_matmul over
// the flattened batch, or, when the rhs has no batch, one matmul over all the rows.
// CHECK-LABEL: func.func @matmul_batch_named(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %[[A:.+]]: tensor<2x3x4x5xf32>, %[[B:.+]]: tensor<2x3x5x6xf32>)
// CHECK-DAG: %[[A3:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0, 1, 2]] output_shape [6, 4, 5] : tensor<120xf32> into tensor<6x4x5xf32>
// CHECK-DAG: %[[B3:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0, 1, 2]] output_shape [6, 5, 6] : tensor<180xf32> into tensor<6x5x6xf32>
// CHECK: %[[P:.+]] = linalg.batch_matmul ins(%[[A3]], %[[B3]] : tensor<6x4x5xf32>, tensor<6x5x6xf32>) outs(%{{.+}} : tensor<6x4x6xf32>)
// CHECK: tensor.collapse_shape %[[P]]
// CHECK: tensor.expand_shape %{{.+}} output_shape [2, 3, 4, 6] : tensor<144xf32> into tensor<2x3x4x6xf32>
kiln.graph @matmul_batch_named(%a: tensor<2x3x4x5xf32>, %b: tensor<2x3x5x6xf32>) -> tensor<2x3x4x6xf32> {
  %0 = kiln.matmul %a, %b : (tensor<2x3x4x5xf32>, tensor<2x3x5x6xf32>) -> tensor<2x3x4x6xf32>
  kiln.return %0 : tensor<2x3x4x6xf32>
}
// CHECK-LABEL: func.func @matmul_shared_weights(
// CHECK: %[[ROWS:.+]] = tensor.expand_shape %{{.+}} output_shape [24, 5] : tensor<120xf32> into tensor<24x5xf32>
// CHECK: %[[P:.+]] = linalg.matmul ins(%[[ROWS]], %{{.+}} : tensor<24x5xf32>, tensor<5x6xf32>) outs(%{{.+}} : tensor<24x6xf32>)
// CHECK: tensor.expand_shape %{{.+}} output_shape [2, 3, 4, 6] : tensor<144xf32> into tensor<2x3x4x6xf32>
kiln.graph @matmul_shared_weights(%a: tensor<2x3x4x5xf32>, %w: tensor<5x6xf32>) -> tensor<2x3x4x6xf32> {
  %0 = kiln.matmul %a, %w : (tensor<2x3x4x5xf32>, tensor<5x6xf32>) -> tensor<2x3x4x6xf32>
  kiln.return %0 : tensor<2x3x4x6xf32>
}

// -----

// A transposed operand is read through the matmul's indexing map, not copied.
// CHECK-DAG: #[[AT:.+]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[BM:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_transposed_lhs(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %[[A:.+]]: tensor<33x7xf32>, %[[B:.+]]: tensor<33x5xf32>)
// CHECK: linalg.matmul indexing_maps = [#[[AT]], #[[BM]], #[[C]]] ins(%[[A]], %[[B]] : tensor<33x7xf32>, tensor<33x5xf32>)
// COPY-LABEL: func.func @matmul_transposed_lhs(
// COPY: linalg.transpose
// COPY: linalg.matmul ins(
kiln.graph @matmul_transposed_lhs(%a: tensor<33x7xf32>, %b: tensor<33x5xf32>) -> tensor<7x5xf32> {
  %t = kiln.transpose %a {permutation = array<i64: 1, 0>} : (tensor<33x7xf32>) -> tensor<7x33xf32>
  %0 = kiln.matmul %t, %b : (tensor<7x33xf32>, tensor<33x5xf32>) -> tensor<7x5xf32>
  kiln.return %0 : tensor<7x5xf32>
}

// -----

// i8 x i8 accumulates in i32; linalg.matmul sign-extends the operands.
// CHECK-LABEL: func.func @matmul_i8
// CHECK: %[[F:.+]] = linalg.fill ins(%{{.+}} : i32) outs(%{{.+}} : tensor<4x2xi32>)
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x3xi8>, tensor<3x2xi8>) outs(%[[F]] : tensor<4x2xi32>)
kiln.graph @matmul_i8(%a: tensor<4x3xi8>, %b: tensor<3x2xi8>) -> tensor<4x2xi32> {
  %0 = kiln.matmul %a, %b : (tensor<4x3xi8>, tensor<3x2xi8>) -> tensor<4x2xi32>
  kiln.return %0 : tensor<4x2xi32>
}

// -----

// bf16 accumulates in f32 and rounds once at the end.
// CHECK-LABEL: func.func @matmul_bf16
// CHECK: %[[M:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x3xbf16>, tensor<3x2xbf16>) outs(%{{.+}} : tensor<4x2xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[M]] : tensor<4x2xf32>) outs(%{{.+}} : tensor<4x2xbf16>)
// CHECK: arith.truncf %{{.+}} : f32 to bf16
kiln.graph @matmul_bf16(%a: tensor<4x3xbf16>, %b: tensor<3x2xbf16>) -> tensor<4x2xbf16> {
  %0 = kiln.matmul %a, %b : (tensor<4x3xbf16>, tensor<3x2xbf16>) -> tensor<4x2xbf16>
  kiln.return %0 : tensor<4x2xbf16>
}
