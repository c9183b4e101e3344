// RUN: kiln-opt %s --kiln-propagate-transposes --split-input-file | FileCheck %s

// The importer's form of an NCHW network: each NHWC op between two transposes. The transposes
// move down through the bias (a [C,1,1] constant becomes [C]), the activation and the pooling,
// meet their inverses and vanish; only the entry transpose stays.
// CHECK-LABEL: kiln.graph @nchw_network
// CHECK-DAG: %[[BIAS:.+]] = kiln.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK-DAG: %[[ZERO:.+]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[IN:.+]] = kiln.transpose %x {permutation = array<i64: 0, 2, 3, 1>}
// CHECK-NEXT: %[[CONV:.+]] = kiln.conv2d %[[IN]], %w
// CHECK-NEXT: %[[ADD:.+]] = kiln.add %[[CONV]], %[[BIAS]] : (tensor<1x8x8x4xf32>, tensor<4xf32>) -> tensor<1x8x8x4xf32>
// CHECK-NEXT: %[[RELU:.+]] = kiln.max %[[ADD]], %[[ZERO]] : (tensor<1x8x8x4xf32>, tensor<f32>) -> tensor<1x8x8x4xf32>
// CHECK-NEXT: %[[POOL:.+]] = kiln.max_pool2d %[[RELU]]
// CHECK-NEXT: %[[MEAN:.+]] = kiln.reduce_mean %[[POOL]] {axes = array<i64: 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT: kiln.return %[[MEAN]]
kiln.graph @nchw_network(%x: tensor<1x3x8x8xf32>, %w: tensor<3x3x3x4xf32>) -> tensor<1x4xf32> {
  %0 = kiln.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x8x8x3xf32>
  %1 = kiln.conv2d %0, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x8x8x4xf32>
  %2 = kiln.transpose %1 {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x8x8xf32>
  %b = kiln.constant dense<[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]> : tensor<4x1x1xf32>
  %3 = kiln.add %2, %b : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %z = kiln.constant dense<0.0> : tensor<f32>
  %4 = kiln.max %3, %z : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %5 = kiln.transpose %4 {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
  %6 = kiln.max_pool2d %5 {window = array<i64: 2, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32>
  %7 = kiln.transpose %6 {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %8 = kiln.reduce_mean %7 {axes = array<i64: 2, 3>} : (tensor<1x4x4x4xf32>) -> tensor<1x4xf32>
  kiln.return %8 : tensor<1x4xf32>
}

// -----

// A residual connection: both operands of the add are transposed the same way, and the
// transposes have other users that take them in too (a transpose back, a unary op).
// CHECK-LABEL: kiln.graph @residual
// CHECK-NEXT: %[[SUM:.+]] = kiln.add %a, %b : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
// CHECK-NEXT: %[[SIG:.+]] = kiln.sigmoid %a : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
// CHECK-NEXT: %[[PROD:.+]] = kiln.mul %[[SUM]], %[[SIG]]
// CHECK-NEXT: %[[OUT:.+]] = kiln.transpose %[[PROD]] {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
// CHECK-NEXT: kiln.return %[[OUT]], %a
kiln.graph @residual(%a: tensor<1x4x4x8xf32>, %b: tensor<1x4x4x8xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x4x4x8xf32>) {
  %ta = kiln.transpose %a {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %tb = kiln.transpose %b {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %0 = kiln.add %ta, %tb : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %1 = kiln.sigmoid %ta : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %2 = kiln.mul %0, %1 : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %back = kiln.transpose %ta {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  kiln.return %2, %back : tensor<1x8x4x4xf32>, tensor<1x4x4x8xf32>
}

// -----

// A constant operand that is not a reshape away is transposed at build time; cmp, select
// and cast move the transpose too.
// CHECK-LABEL: kiln.graph @constants_and_select
// CHECK-DAG: %[[C:.+]] = kiln.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[CMP:.+]] = kiln.cmp %x, %[[C]] {predicate = "lt"} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xi1>
// CHECK-NEXT: %[[SEL:.+]] = kiln.select %[[CMP]], %x, %[[C]]
// CHECK-NEXT: %[[CAST:.+]] = kiln.cast %[[SEL]] : (tensor<2x2xf32>) -> tensor<2x2xi32>
// CHECK-NEXT: %[[T:.+]] = kiln.transpose %[[CAST]] {permutation = array<i64: 1, 0>}
// CHECK-NEXT: kiln.return %[[T]]
kiln.graph @constants_and_select(%x: tensor<2x2xf32>) -> tensor<2x2xi32> {
  %t = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %c = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = kiln.cmp %t, %c {predicate = "lt"} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xi1>
  %1 = kiln.select %0, %t, %c : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %2 = kiln.cast %1 : (tensor<2x2xf32>) -> tensor<2x2xi32>
  kiln.return %2 : tensor<2x2xi32>
}

// -----

// Not moved: the other operand would need a transpose of its own, the transpose has a user
// that does not take it in (matmul), softmax normalizes along an axis.
// CHECK-LABEL: kiln.graph @stays
// CHECK: %[[T:.+]] = kiln.transpose %x {permutation = array<i64: 1, 0>}
// CHECK-NEXT: kiln.add %[[T]], %y
// CHECK-NEXT: %[[U:.+]] = kiln.transpose %x {permutation = array<i64: 1, 0>}
// CHECK-NEXT: kiln.neg %[[U]]
// CHECK-NEXT: kiln.matmul %[[U]], %y
// CHECK-NEXT: %[[V:.+]] = kiln.transpose %y {permutation = array<i64: 1, 0>}
// CHECK-NEXT: kiln.softmax %[[V]]
kiln.graph @stays(%x: tensor<3x3xf32>, %y: tensor<3x3xf32>) -> (tensor<3x3xf32>, tensor<3x3xf32>, tensor<3x3xf32>, tensor<3x3xf32>) {
  %t = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %0 = kiln.add %t, %y : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  %u = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %1 = kiln.neg %u : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %2 = kiln.matmul %u, %y : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  %v = kiln.transpose %y {permutation = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  %3 = kiln.softmax %v : (tensor<3x3xf32>) -> tensor<3x3xf32>
  kiln.return %0, %1, %2, %3 : tensor<3x3xf32>, tensor<3x3xf32>, tensor<3x3xf32>, tensor<3x3xf32>
}

// -----

// A reduction reduces the permuted axes; what is left of the permutation follows it.
// CHECK-LABEL: kiln.graph @reductions
// CHECK-NEXT: %[[S:.+]] = kiln.reduce_sum %x {axes = array<i64: 0>} : (tensor<2x3x4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT: %[[ST:.+]] = kiln.transpose %[[S]] {permutation = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
// CHECK-NEXT: %[[M:.+]] = kiln.reduce_max %x {axes = array<i64: 1>, keep_dims = true} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
// CHECK-NEXT: %[[MT:.+]] = kiln.transpose %[[M]] {permutation = array<i64: 2, 0, 1>} : (tensor<2x1x4xf32>) -> tensor<4x2x1xf32>
// CHECK-NEXT: kiln.return %[[ST]], %[[MT]]
kiln.graph @reductions(%x: tensor<2x3x4xf32>) -> (tensor<4x3xf32>, tensor<4x2x1xf32>) {
  %t = kiln.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %0 = kiln.reduce_sum %t {axes = array<i64: -2>} : (tensor<4x2x3xf32>) -> tensor<4x3xf32>
  %1 = kiln.reduce_max %t {axes = array<i64: 2>, keep_dims = true} : (tensor<4x2x3xf32>) -> tensor<4x2x1xf32>
  kiln.return %0, %1 : tensor<4x3xf32>, tensor<4x2x1xf32>
}

// -----

// Concatenation along NCHW's channels is concatenation along NHWC's.
// CHECK-LABEL: kiln.graph @concat
// CHECK-NEXT: %[[C:.+]] = kiln.concat %a, %b {axis = 3 : i64} : (tensor<1x4x4x2xf32>, tensor<1x4x4x6xf32>) -> tensor<1x4x4x8xf32>
// CHECK-NEXT: kiln.return %[[C]]
kiln.graph @concat(%a: tensor<1x4x4x2xf32>, %b: tensor<1x4x4x6xf32>) -> tensor<1x4x4x8xf32> {
  %ta = kiln.transpose %a {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %tb = kiln.transpose %b {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x6xf32>) -> tensor<1x6x4x4xf32>
  %0 = kiln.concat %ta, %tb {axis = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<1x6x4x4xf32>) -> tensor<1x8x4x4xf32>
  %1 = kiln.transpose %0 {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  kiln.return %1 : tensor<1x4x4x8xf32>
}
