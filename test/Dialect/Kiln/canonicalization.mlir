// RUN: kiln-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: kiln.graph @fold_binary
// CHECK-NEXT: %[[C:.+]] = kiln.constant dense<[4.000000e+00, 3.500000e+00]> : tensor<2xf32>
// CHECK-NEXT: kiln.return %[[C]]
kiln.graph @fold_binary() -> tensor<2xf32> {
  %a = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = kiln.constant dense<[3.0, 5.0]> : tensor<2xf32>
  %0 = kiln.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = kiln.mul %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = kiln.sub %1, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %3 = kiln.max %2, %0 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %4 = kiln.min %3, %0 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %5 = kiln.div %4, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  kiln.return %5 : tensor<2xf32>
}

// -----

// Integer division by zero folds to zero, like the generated code.
// CHECK-LABEL: kiln.graph @fold_int_div
// CHECK-NEXT: %[[C:.+]] = kiln.constant dense<[3, 0, -7]> : tensor<3xi32>
kiln.graph @fold_int_div() -> tensor<3xi32> {
  %a = kiln.constant dense<[7, 5, 7]> : tensor<3xi32>
  %b = kiln.constant dense<[2, 0, -1]> : tensor<3xi32>
  %0 = kiln.div %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  kiln.return %0 : tensor<3xi32>
}

// -----

// Shifts fold with the amounts read as unsigned: 8 and -1 (255) shift every bit out, to 0 or
// (right, signed) to the sign; ui8 shifts right logically.
// CHECK-LABEL: kiln.graph @fold_shifts
// CHECK-DAG: kiln.constant dense<[8, 0, 0]> : tensor<3xi8>
// CHECK-DAG: kiln.constant dense<[-64, 0, -1]> : tensor<3xi8>
// CHECK-DAG: kiln.constant dense<[127, 0, 64]> : tensor<3xui8>
kiln.graph @fold_shifts() -> (tensor<3xi8>, tensor<3xi8>, tensor<3xui8>) {
  %x = kiln.constant dense<[1, 1, -1]> : tensor<3xi8>
  %n = kiln.constant dense<[3, 8, -1]> : tensor<3xi8>
  %0 = kiln.shift_left %x, %n : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  %y = kiln.constant dense<[-128, 64, -1]> : tensor<3xi8>
  %m = kiln.constant dense<[1, 9, -56]> : tensor<3xi8>
  %1 = kiln.shift_right %y, %m : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  %u = kiln.constant dense<[255, 128, 128]> : tensor<3xui8>
  %k = kiln.constant dense<[1, 8, 1]> : tensor<3xui8>
  %2 = kiln.shift_right %u, %k : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  kiln.return %0, %1, %2 : tensor<3xi8>, tensor<3xi8>, tensor<3xui8>
}

// -----

// Broadcasting operands are not folded (that would materialize large constants).
// CHECK-LABEL: kiln.graph @no_fold_broadcast
// CHECK: kiln.add
kiln.graph @no_fold_broadcast() -> tensor<2x2xf32> {
  %a = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = kiln.constant dense<1.0> : tensor<2xf32>
  %0 = kiln.add %a, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  kiln.return %0 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: kiln.graph @identities(%x: tensor<2x3xf32>)
// CHECK-NEXT: kiln.return %x, %x, %x, %x
kiln.graph @identities(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = kiln.transpose %x {permutation = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = kiln.reshape %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = kiln.broadcast_to %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = kiln.neg %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = kiln.neg %3 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  kiln.return %0, %1, %2, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: kiln.graph @fold_shapes
// CHECK-DAG: kiln.constant dense<{{\[\[}}1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
// CHECK-DAG: kiln.constant dense<-2.500000e+00> : tensor<4x3xf32>
kiln.graph @fold_shapes() -> (tensor<2x3xi32>, tensor<4x3xf32>) {
  %a = kiln.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi32>
  %0 = kiln.reshape %a : (tensor<6xi32>) -> tensor<2x3xi32>
  %s = kiln.constant dense<2.5> : tensor<3xf32>
  %1 = kiln.broadcast_to %s : (tensor<3xf32>) -> tensor<4x3xf32>
  %2 = kiln.neg %1 : (tensor<4x3xf32>) -> tensor<4x3xf32>
  kiln.return %0, %2 : tensor<2x3xi32>, tensor<4x3xf32>
}

// -----

// i1 orders false < true, so max folds to "or" and min to "and" (found by kiln-interp).
// CHECK-LABEL: kiln.graph @bool_max_min
// CHECK-DAG: %[[MAX:.+]] = kiln.constant dense<[false, true, true, true]> : tensor<4xi1>
// CHECK-DAG: %[[MIN:.+]] = kiln.constant dense<[false, false, false, true]> : tensor<4xi1>
// CHECK: kiln.return %[[MAX]], %[[MIN]]
kiln.graph @bool_max_min() -> (tensor<4xi1>, tensor<4xi1>) {
  %a = kiln.constant dense<[false, false, true, true]> : tensor<4xi1>
  %b = kiln.constant dense<[false, true, false, true]> : tensor<4xi1>
  %0 = kiln.max %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = kiln.min %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  kiln.return %0, %1 : tensor<4xi1>, tensor<4xi1>
}

// -----

// Two transposes compose into one, or into nothing when they undo each other.
// CHECK-LABEL: kiln.graph @compose_transposes
// CHECK-NEXT: %[[T:.+]] = kiln.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: kiln.return %x, %[[T]]
kiln.graph @compose_transposes(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<4x2x3xf32>) {
  %0 = kiln.transpose %x {permutation = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %1 = kiln.transpose %0 {permutation = array<i64: 0, 2, 1>} : (tensor<2x4x3xf32>) -> tensor<2x3x4xf32>
  %2 = kiln.transpose %0 {permutation = array<i64: 1, 0, 2>} : (tensor<2x4x3xf32>) -> tensor<4x2x3xf32>
  kiln.return %1, %2 : tensor<2x3x4xf32>, tensor<4x2x3xf32>
}

// -----

// Constants are transposed at build time: result[i][j][k] = c[j][k][i].
// CHECK-LABEL: kiln.graph @fold_transposed_constants
// CHECK-DAG: kiln.constant dense<{{\[\[}}[1, 4], [2, 5], [3, 6]]]> : tensor<1x3x2xi16>
// CHECK-DAG: kiln.constant dense<{{\[\[}}true, false], [true, true], [false, true]]> : tensor<3x2xi1>
// CHECK-DAG: kiln.constant dense<7.500000e+00> : tensor<3x2xf32>
// CHECK-NOT: kiln.transpose
kiln.graph @fold_transposed_constants() -> (tensor<1x3x2xi16>, tensor<3x2xi1>, tensor<3x2xf32>) {
  %a = kiln.constant dense<[[[1, 2, 3], [4, 5, 6]]]> : tensor<1x2x3xi16>
  %b = kiln.constant dense<[[true, true, false], [false, true, true]]> : tensor<2x3xi1>
  %c = kiln.constant dense<7.5> : tensor<2x3xf32>
  %0 = kiln.transpose %a {permutation = array<i64: 0, 2, 1>} : (tensor<1x2x3xi16>) -> tensor<1x3x2xi16>
  %1 = kiln.transpose %b {permutation = array<i64: 1, 0>} : (tensor<2x3xi1>) -> tensor<3x2xi1>
  %2 = kiln.transpose %c {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  kiln.return %0, %1, %2 : tensor<1x3x2xi16>, tensor<3x2xi1>, tensor<3x2xf32>
}

// -----

// A transpose that only moves dimensions of size 1 keeps the order of the elements: a
// reshape. Two reshapes are one.
// CHECK-LABEL: kiln.graph @unit_dim_transposes
// CHECK-NEXT: %[[R:.+]] = kiln.reshape %x : (tensor<1x8x1x1xf32>) -> tensor<1x1x1x8xf32>
// CHECK-NEXT: %[[T:.+]] = kiln.transpose %y {permutation = array<i64: 0, 2, 3, 1>}
// CHECK-NEXT: %[[S:.+]] = kiln.reshape %x : (tensor<1x8x1x1xf32>) -> tensor<8xf32>
// CHECK-NEXT: kiln.return %[[R]], %[[T]], %[[S]]
kiln.graph @unit_dim_transposes(%x: tensor<1x8x1x1xf32>, %y: tensor<1x8x2x1xf32>) -> (tensor<1x1x1x8xf32>, tensor<1x2x1x8xf32>, tensor<8xf32>) {
  %0 = kiln.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x8x1x1xf32>) -> tensor<1x1x1x8xf32>
  %1 = kiln.transpose %y {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x8x2x1xf32>) -> tensor<1x2x1x8xf32>
  %2 = kiln.reshape %x : (tensor<1x8x1x1xf32>) -> tensor<8x1xf32>
  %3 = kiln.reshape %2 : (tensor<8x1xf32>) -> tensor<8xf32>
  kiln.return %0, %1, %3 : tensor<1x1x1x8xf32>, tensor<1x2x1x8xf32>, tensor<8xf32>
}
