// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// CHECK-LABEL: kiln.graph @embedding(%table: tensor<1000x64xf32>, %ids: tensor<2x16xi64>) -> tensor<2x16x64xf32>
// CHECK: kiln.gather %table, %ids : (tensor<1000x64xf32>, tensor<2x16xi64>) -> tensor<2x16x64xf32>
kiln.graph @embedding(%table: tensor<1000x64xf32>, %ids: tensor<2x16xi64>) -> tensor<2x16x64xf32> {
  %0 = kiln.gather %table, %ids {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<2x16xi64>) -> tensor<2x16x64xf32>
  kiln.return %0 : tensor<2x16x64xf32>
}

// A negative axis, a scalar index (the dimension disappears) and i32 indices.
// CHECK-LABEL: kiln.graph @columns
// CHECK: kiln.gather %x, %i {axis = -1 : i64} : (tensor<3x5x7xi8>, tensor<i32>) -> tensor<3x5xi8>
// CHECK: kiln.gather %x, %j {axis = 1 : i64} : (tensor<3x5x7xi8>, tensor<4xi16>) -> tensor<3x4x7xi8>
kiln.graph @columns(%x: tensor<3x5x7xi8>, %i: tensor<i32>, %j: tensor<4xi16>)
    -> (tensor<3x5xi8>, tensor<3x4x7xi8>) {
  %0 = kiln.gather %x, %i {axis = -1 : i64} : (tensor<3x5x7xi8>, tensor<i32>) -> tensor<3x5xi8>
  %1 = kiln.gather %x, %j {axis = 1 : i64} : (tensor<3x5x7xi8>, tensor<4xi16>) -> tensor<3x4x7xi8>
  kiln.return %0, %1 : tensor<3x5xi8>, tensor<3x4x7xi8>
}

// The indices may be longer than the input along the axis, and shorter elsewhere.
// CHECK-LABEL: kiln.graph @along
// CHECK: kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<4x3xf16>, tensor<2x5xi64>) -> tensor<2x5xf16>
kiln.graph @along(%x: tensor<4x3xf16>, %i: tensor<2x5xi64>) -> tensor<2x5xf16> {
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<4x3xf16>, tensor<2x5xi64>) -> tensor<2x5xf16>
  kiln.return %0 : tensor<2x5xf16>
}
