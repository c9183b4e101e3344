// RUN: kiln-opt %s --kiln-to-linalg --split-input-file | FileCheck %s

// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @sum_axes
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[F:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<3xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["reduction", "parallel", "reduction"]} ins(%{{.+}} : tensor<2x3x4xf32>) outs(%[[F]] : tensor<3xf32>)
// CHECK: arith.addf
kiln.graph @sum_axes(%a: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = kiln.reduce_sum %a {axes = array<i64: -1, 0>} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

// keep_dims expands the reduced result back to the input's rank.
// CHECK-LABEL: func.func @max_keep
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: %[[R:.+]] = linalg.generic
// CHECK:   arith.maximumf
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
kiln.graph @max_keep(%a: tensor<2x5xf32>) -> tensor<2x1xf32> {
  %0 = kiln.reduce_max %a {axes = array<i64: 1>, keep_dims = true} : (tensor<2x5xf32>) -> tensor<2x1xf32>
  kiln.return %0 : tensor<2x1xf32>
}

// -----

// CHECK-LABEL: func.func @max_int
// CHECK: arith.constant -2147483648 : i32
// CHECK: arith.maxsi
kiln.graph @max_int(%a: tensor<2x5xi32>) -> tensor<2xi32> {
  %0 = kiln.reduce_max %a {axes = array<i64: 1>} : (tensor<2x5xi32>) -> tensor<2xi32>
  kiln.return %0 : tensor<2xi32>
}

// -----

// CHECK-LABEL: func.func @mean
// CHECK: %[[S:.+]] = linalg.generic
// CHECK:   arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<f32>)
// CHECK:   %[[N:.+]] = arith.constant 1.000000e+01 : f32
// CHECK:   arith.divf %{{.+}}, %[[N]] : f32
kiln.graph @mean(%a: tensor<2x5xf32>) -> tensor<f32> {
  %0 = kiln.reduce_mean %a {axes = array<i64: 0, 1>} : (tensor<2x5xf32>) -> tensor<f32>
  kiln.return %0 : tensor<f32>
}

// -----

// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK:   arith.maximumf
// CHECK: %[[EXP:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}}, %[[MAX]] :
// CHECK:   arith.subf
// CHECK:   math.exp
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] :
// CHECK:   arith.addf
// The result recomputes exp from the input rather than storing a temporary of the input's size,
// and multiplies by the reciprocal of the row sum (hoisted out of the row by LLVM).
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}}, %[[MAX]], %[[SUM]] :
// CHECK:   arith.subf
// CHECK:   %[[INV:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
// CHECK:   %[[E:.+]] = math.exp
// CHECK:   arith.mulf %[[E]], %[[INV]]
kiln.graph @softmax(%a: tensor<3x10xf32>) -> tensor<3x10xf32> {
  %0 = kiln.softmax %a {axis = -1 : i64} : (tensor<3x10xf32>) -> tensor<3x10xf32>
  kiln.return %0 : tensor<3x10xf32>
}

// -----

// argmax carries the maximum and its index; a later element wins only when strictly greater or
// when it is the first NaN, so ties and NaNs resolve to the first index.
// CHECK-LABEL: func.func @argmax
// CHECK: %[[R:.+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.+}} : tensor<3x4xf32>) outs(%{{.+}}, %{{.+}} : tensor<3xf32>, tensor<3xi64>)
// CHECK: ^bb0(%[[X:.+]]: f32, %[[BEST:.+]]: f32, %[[IDX:.+]]: i64):
// CHECK:   %[[GT:.+]] = arith.cmpf ogt, %[[X]], %[[BEST]]
// CHECK:   %[[XNAN:.+]] = arith.cmpf uno, %[[X]], %[[X]]
// CHECK:   %[[BNUM:.+]] = arith.cmpf ord, %[[BEST]], %[[BEST]]
// CHECK:   %[[FIRSTNAN:.+]] = arith.andi %[[XNAN]], %[[BNUM]]
// CHECK:   %[[TAKE:.+]] = arith.ori %[[GT]], %[[FIRSTNAN]]
// CHECK:   %[[POS:.+]] = linalg.index 1
// CHECK:   %[[POS64:.+]] = arith.index_cast %[[POS]] : index to i64
// CHECK:   arith.select %[[TAKE]], %[[POS64]], %[[IDX]] : i64
// CHECK: return %[[R]]#1
kiln.graph @argmax(%a: tensor<3x4xf32>) -> tensor<3xi64> {
  %0 = kiln.argmax %a {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3xi64>
  kiln.return %0 : tensor<3xi64>
}

// -----

// argmin starts from the largest value and takes a strictly smaller element; i1 compares
// unsigned (false < true).
// CHECK-LABEL: func.func @argmin
// CHECK: %[[TRUE:.+]] = arith.constant true
// CHECK: linalg.fill ins(%[[TRUE]] : i1)
// CHECK: ^bb0(%[[X:.+]]: i1, %[[BEST:.+]]: i1, %[[IDX:.+]]: i64):
// CHECK:   %[[LT:.+]] = arith.cmpi ult, %[[X]], %[[BEST]] : i1
// CHECK:   arith.select %[[LT]], %[[X]], %[[BEST]] : i1
kiln.graph @argmin(%a: tensor<3x4xi1>) -> tensor<4xi64> {
  %0 = kiln.argmin %a {axes = array<i64: 0>} : (tensor<3x4xi1>) -> tensor<4xi64>
  kiln.return %0 : tensor<4xi64>
}

// -----

// rms_norm: one reduction of x^2 per row, then one elementwise pass reading the row statistic
// and gamma through broadcasting maps.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[PARAM:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @rms_norm
// CHECK: arith.mulf %[[IN:.+]], %[[IN]] : f32
// CHECK: %[[SUMSQ:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[PARAM]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%{{.+}}, %[[SUMSQ]], %{{.+}} :
// CHECK:   math.sqrt
// CHECK:   arith.divf
// CHECK:   arith.mulf
kiln.graph @rms_norm(%a: tensor<3x4xf32>, %g: tensor<4xf32>) -> tensor<3x4xf32> {
  %0 = kiln.rms_norm %a, %g : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %0 : tensor<3x4xf32>
}
