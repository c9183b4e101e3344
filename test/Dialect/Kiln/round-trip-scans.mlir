// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// cumsum keeps the input's type; its flags print only when set.
// CHECK-LABEL: kiln.graph @running(%x: tensor<4x7xf32>, %n: tensor<9xi8>) -> (tensor<4x7xf32>, tensor<9xi8>)
// CHECK: kiln.cumsum %x {axis = 1 : i64} : (tensor<4x7xf32>) -> tensor<4x7xf32>
// CHECK: kiln.cumsum %n {exclusive = true, reverse = true} : (tensor<9xi8>) -> tensor<9xi8>
kiln.graph @running(%x: tensor<4x7xf32>, %n: tensor<9xi8>) -> (tensor<4x7xf32>, tensor<9xi8>) {
  %0 = kiln.cumsum %x {axis = 1 : i64} : (tensor<4x7xf32>) -> tensor<4x7xf32>
  %1 = kiln.cumsum %n {axis = 0 : i64, exclusive = true, reverse = true} : (tensor<9xi8>) -> tensor<9xi8>
  kiln.return %0, %1 : tensor<4x7xf32>, tensor<9xi8>
}

// top_k has two results, the values and their i64 indices, which print with those names.
// CHECK-LABEL: kiln.graph @best
// CHECK: %values, %indices = kiln.top_k %x {k = 5 : i64} : (tensor<2x1000xf16>) -> (tensor<2x5xf16>, tensor<2x5xi64>)
// CHECK: %values_0, %indices_1 = kiln.top_k %y {axis = 0 : i64, k = 0 : i64, largest = false} : (tensor<3x4xi32>) -> (tensor<0x4xi32>, tensor<0x4xi64>)
kiln.graph @best(%x: tensor<2x1000xf16>, %y: tensor<3x4xi32>)
    -> (tensor<2x5xf16>, tensor<2x5xi64>, tensor<0x4xi64>) {
  %v, %i = kiln.top_k %x {k = 5 : i64} : (tensor<2x1000xf16>) -> (tensor<2x5xf16>, tensor<2x5xi64>)
  %w:2 = kiln.top_k %y {axis = 0 : i64, k = 0 : i64, largest = false} : (tensor<3x4xi32>) -> (tensor<0x4xi32>, tensor<0x4xi64>)
  kiln.return %v, %i, %w#1 : tensor<2x5xf16>, tensor<2x5xi64>, tensor<0x4xi64>
}

// argmin is argmax's twin.
// CHECK-LABEL: kiln.graph @smallest
// CHECK: kiln.argmin %x {axes = array<i64: -1>, keep_dims = true} : (tensor<3x5xbf16>) -> tensor<3x1xi64>
kiln.graph @smallest(%x: tensor<3x5xbf16>) -> tensor<3x1xi64> {
  %0 = kiln.argmin %x {axes = array<i64: -1>, keep_dims = true} : (tensor<3x5xbf16>) -> tensor<3x1xi64>
  kiln.return %0 : tensor<3x1xi64>
}

// iota takes no operand.
// CHECK-LABEL: kiln.graph @positions
// CHECK: kiln.iota : () -> tensor<6xi64>
// CHECK: kiln.iota {axis = 1 : i64} : () -> tensor<2x3xf32>
kiln.graph @positions() -> (tensor<6xi64>, tensor<2x3xf32>) {
  %0 = kiln.iota : () -> tensor<6xi64>
  %1 = kiln.iota {axis = 1 : i64} : () -> tensor<2x3xf32>
  kiln.return %0, %1 : tensor<6xi64>, tensor<2x3xf32>
}
