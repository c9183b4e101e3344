// RUN: kiln-opt %s --kiln-to-linalg --split-input-file | FileCheck %s

// gather iterates over its result and reads the indices through their own dims; the index is
// wrapped when negative, and an out-of-range one reads element 0 and yields zero.
// CHECK-DAG: #[[IDX:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @gather(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %[[T:.+]]: tensor<5x4x3xf32>, %[[I:.+]]: tensor<2xi32>)
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[I]] : tensor<2xi32>)
// CHECK: ^bb0(%[[IN:.+]]: i32, %{{.+}}: f32):
// CHECK: %[[AT:.+]] = arith.index_cast %[[IN]] : i32 to index
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[N:.+]] = arith.constant 4 : index
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[AT]], %[[C0]] : index
// CHECK: %[[PLUS:.+]] = arith.addi %[[AT]], %[[N]] : index
// CHECK: %[[WRAPPED:.+]] = arith.select %[[NEG]], %[[PLUS]], %[[AT]] : index
// CHECK: %[[INSIDE:.+]] = arith.cmpi ult, %[[WRAPPED]], %[[N]] : index
// CHECK: %[[SAFE:.+]] = arith.select %[[INSIDE]], %[[WRAPPED]], %[[C0]] : index
// CHECK: %[[D0:.+]] = linalg.index 0 : index
// CHECK: %[[D2:.+]] = linalg.index 2 : index
// CHECK: %[[X:.+]] = tensor.extract %[[T]][%[[D0]], %[[SAFE]], %[[D2]]] : tensor<5x4x3xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[R:.+]] = arith.select %[[INSIDE]], %[[X]], %[[ZERO]] : f32
// CHECK: linalg.yield %[[R]] : f32
kiln.graph @gather(%t: tensor<5x4x3xf32>, %i: tensor<2xi32>) -> tensor<5x2x3xf32> {
  %0 = kiln.gather %t, %i {axis = 1 : i64} : (tensor<5x4x3xf32>, tensor<2xi32>) -> tensor<5x2x3xf32>
  kiln.return %0 : tensor<5x2x3xf32>
}

// -----

// A scalar index: the indices map has no results.
// CHECK-DAG: #[[IDX:.+]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @gather_scalar_index(
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.+}}], iterator_types = ["parallel"]}
// CHECK: tensor.extract %{{.+}}[%{{.+}}, %{{.+}}] : tensor<3x7xi8>
kiln.graph @gather_scalar_index(%t: tensor<3x7xi8>, %i: tensor<i64>) -> tensor<3xi8> {
  %0 = kiln.gather %t, %i {axis = -1 : i64} : (tensor<3x7xi8>, tensor<i64>) -> tensor<3xi8>
  kiln.return %0 : tensor<3xi8>
}

// -----

// gather_elements reads the index at the result's own position and replaces the axis by it.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @gather_elements(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %[[T:.+]]: tensor<5x4xi8>, %[[I:.+]]: tensor<3x6xi64>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[I]] : tensor<3x6xi64>)
// CHECK: %[[INSIDE:.+]] = arith.cmpi ult
// CHECK: %[[SAFE:.+]] = arith.select %[[INSIDE]]
// CHECK: %[[D0:.+]] = linalg.index 0 : index
// CHECK: %[[X:.+]] = tensor.extract %[[T]][%[[D0]], %[[SAFE]]] : tensor<5x4xi8>
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i8
// CHECK: arith.select %[[INSIDE]], %[[X]], %[[ZERO]] : i8
kiln.graph @gather_elements(%t: tensor<5x4xi8>, %i: tensor<3x6xi64>) -> tensor<3x6xi8> {
  %0 = kiln.gather_elements %t, %i {axis = -1 : i64} : (tensor<5x4xi8>, tensor<3x6xi64>) -> tensor<3x6xi8>
  kiln.return %0 : tensor<3x6xi8>
}

// -----

// An empty input has no element to read: the result is zeros, without a generic.
// CHECK-LABEL: func.func @gather_from_empty(
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x4xf32>
// CHECK: linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<2x4xf32>)
// CHECK-NOT: linalg.generic
kiln.graph @gather_from_empty(%t: tensor<0x4xf32>, %i: tensor<2xi64>) -> tensor<2x4xf32> {
  %0 = kiln.gather %t, %i : (tensor<0x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  kiln.return %0 : tensor<2x4xf32>
}

// -----

// iota: a generic with no input whose elements convert their position along the axis.
// CHECK-LABEL: func.func @iota(
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]} outs(%{{.+}} : tensor<2x3xf16>)
// CHECK: %[[AT:.+]] = linalg.index 1 : index
// CHECK: %[[I64:.+]] = arith.index_cast %[[AT]] : index to i64
// CHECK: %[[F:.+]] = arith.sitofp %[[I64]] : i64 to f16
// CHECK: linalg.yield %[[F]] : f16
kiln.graph @iota() -> tensor<2x3xf16> {
  %0 = kiln.iota {axis = -1 : i64} : () -> tensor<2x3xf16>
  kiln.return %0 : tensor<2x3xf16>
}
