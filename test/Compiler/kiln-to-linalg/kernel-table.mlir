// RUN: kiln-opt %s --kiln-to-linalg | FileCheck %s

// The graph's function names its kernels for the profile: the names of its ops' locations, in
// order and once each. Constants become data, not kernels; an op without a name of its own is
// named by its place in the file.
// CHECK-LABEL: func.func @g(
// CHECK-SAME: attributes {kiln.kernels = ["scale", "{{.*}}kernel-table.mlir:12:8", "shift"]}
// CHECK-NOT: weights
kiln.graph @g(%x: tensor<4xf32>) -> tensor<4xf32> {
  %w = kiln.constant dense<2.0> : tensor<4xf32> loc("weights")
  %0 = kiln.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("scale")
  %1 = kiln.neg %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = kiln.add %1, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("shift")
  %3 = kiln.mul %2, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("scale")
  kiln.return %3 : tensor<4xf32>
}
