// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// CHECK-LABEL: kiln.graph @binary(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32>
kiln.graph @binary(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  // CHECK: [[ADD:%.+]] = kiln.add %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %0 = kiln.add %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: [[SUB:%.+]] = kiln.sub [[ADD]], %b
  %1 = kiln.sub %0, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: [[MUL:%.+]] = kiln.mul [[SUB]], %a
  %2 = kiln.mul %1, %a : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: [[DIV:%.+]] = kiln.div [[MUL]], %b
  %3 = kiln.div %2, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: [[MAX:%.+]] = kiln.max [[DIV]], %a
  %4 = kiln.max %3, %a : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: [[MIN:%.+]] = kiln.min [[MAX]], %a
  %5 = kiln.min %4, %a : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.return [[MIN]] : tensor<3x4xf32>
  kiln.return %5 : tensor<3x4xf32>
}

// CHECK-LABEL: kiln.graph @unary(%x: tensor<5xf32>)
kiln.graph @unary(%x: tensor<5xf32>) -> tensor<5xf32> {
  // CHECK: kiln.neg %x : (tensor<5xf32>) -> tensor<5xf32>
  %0 = kiln.neg %x : (tensor<5xf32>) -> tensor<5xf32>
  // CHECK: kiln.abs
  %1 = kiln.abs %0 : (tensor<5xf32>) -> tensor<5xf32>
  // CHECK: kiln.exp
  %2 = kiln.exp %1 : (tensor<5xf32>) -> tensor<5xf32>
  // CHECK: kiln.log
  %3 = kiln.log %2 : (tensor<5xf32>) -> tensor<5xf32>
  // CHECK: kiln.sqrt
  %4 = kiln.sqrt %3 : (tensor<5xf32>) -> tensor<5xf32>
  // CHECK: kiln.rsqrt
  %5 = kiln.rsqrt %4 : (tensor<5xf32>) -> tensor<5xf32>
  // CHECK: kiln.tanh
  %6 = kiln.tanh %5 : (tensor<5xf32>) -> tensor<5xf32>
  // CHECK: kiln.sigmoid
  %7 = kiln.sigmoid %6 : (tensor<5xf32>) -> tensor<5xf32>
  // CHECK: kiln.relu
  %8 = kiln.relu %7 : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %8 : tensor<5xf32>
}

// CHECK-LABEL: kiln.graph @linalg_and_reductions
kiln.graph @linalg_and_reductions(%a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>)
    -> (tensor<2x5x3x6xf32>, tensor<2x5x1x6xf32>, tensor<2x3xf32>, tensor<2x5x3x6xf32>) {
  // CHECK: kiln.matmul %a, %b : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  %0 = kiln.matmul %a, %b : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  // CHECK: kiln.reduce_sum %{{.+}} {axes = array<i64: -2>, keep_dims = true}
  %1 = kiln.reduce_sum %0 {axes = array<i64: -2>, keep_dims = true} : (tensor<2x5x3x6xf32>) -> tensor<2x5x1x6xf32>
  // CHECK: kiln.reduce_max %{{.+}} {axes = array<i64: 1, 3>}
  %2 = kiln.reduce_max %0 {axes = array<i64: 1, 3>} : (tensor<2x5x3x6xf32>) -> tensor<2x3xf32>
  // CHECK: kiln.reduce_mean %{{.+}} {axes = array<i64: 3>}
  %3 = kiln.reduce_mean %0 {axes = array<i64: 3>} : (tensor<2x5x3x6xf32>) -> tensor<2x5x3xf32>
  // CHECK: kiln.softmax %{{.+}} {axis = 1 : i64}
  %4 = kiln.softmax %0 {axis = 1 : i64} : (tensor<2x5x3x6xf32>) -> tensor<2x5x3x6xf32>
  // CHECK: kiln.return
  kiln.return %0, %1, %2, %4 : tensor<2x5x3x6xf32>, tensor<2x5x1x6xf32>, tensor<2x3xf32>, tensor<2x5x3x6xf32>
}

// CHECK-LABEL: kiln.graph @shapes
kiln.graph @shapes(%x: tensor<2x3xi32>, %s: tensor<i64>) -> (tensor<3x2xi32>, tensor<6x1xi32>, tensor<4x2x3xi32>, tensor<2xi64>) {
  // CHECK: kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  // CHECK: kiln.reshape %x : (tensor<2x3xi32>) -> tensor<6x1xi32>
  %1 = kiln.reshape %x : (tensor<2x3xi32>) -> tensor<6x1xi32>
  // CHECK: kiln.broadcast_to %x : (tensor<2x3xi32>) -> tensor<4x2x3xi32>
  %2 = kiln.broadcast_to %x : (tensor<2x3xi32>) -> tensor<4x2x3xi32>
  // CHECK: kiln.constant dense<[1, 2]> : tensor<2xi64>
  %c = kiln.constant dense<[1, 2]> : tensor<2xi64>
  // CHECK: kiln.add %{{.+}}, %s : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %3 = kiln.add %c, %s : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  kiln.return %0, %1, %2, %3 : tensor<3x2xi32>, tensor<6x1xi32>, tensor<4x2x3xi32>, tensor<2xi64>
}

// Every element type.
// CHECK-LABEL: kiln.graph @dtypes(%h: tensor<2xf16>, %bf: tensor<2xbf16>, %d: tensor<2xf64>, %p: tensor<2xi1>, %q: tensor<2xi8>, %r: tensor<2xi16>)
kiln.graph @dtypes(%h: tensor<2xf16>, %bf: tensor<2xbf16>, %d: tensor<2xf64>, %p: tensor<2xi1>, %q: tensor<2xi8>, %r: tensor<2xi16>)
    -> (tensor<2xf16>, tensor<2xbf16>, tensor<2xf64>, tensor<2xi1>, tensor<2xi8>, tensor<2xi16>) {
  kiln.return %h, %bf, %d, %p, %q, %r : tensor<2xf16>, tensor<2xbf16>, tensor<2xf64>, tensor<2xi1>, tensor<2xi8>, tensor<2xi16>
}
