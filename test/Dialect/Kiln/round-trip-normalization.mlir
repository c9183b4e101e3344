// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// log_softmax, layer_norm and rms_norm are in round-trip-reductions.mlir: their graph's first
// check spells its whole signature, so it cannot be split.
kiln.graph @softmax(%x: tensor<2x5x3x6xf32>) -> tensor<2x5x3x6xf32> {
  // CHECK: kiln.softmax %{{.+}} {axis = 1 : i64}
  %0 = kiln.softmax %x {axis = 1 : i64} : (tensor<2x5x3x6xf32>) -> tensor<2x5x3x6xf32>
  kiln.return %0 : tensor<2x5x3x6xf32>
}
