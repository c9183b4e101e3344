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

// pow, gelu, silu, erf, floor and ceil print back as written (defaults elided). cmp, select and
// cast stay in this graph because their checks name the printed results of the ops above.
// CHECK: kiln.graph @elementwise(%a: tensor<3x4xf32>, %b: tensor<4xf32>, %c: tensor<3x4xi1>) -> (tensor<3x4xf32>, tensor<3x4xi8>) {
kiln.graph @elementwise(%a: tensor<3x4xf32>, %b: tensor<4xf32>, %c: tensor<3x4xi1>) -> (tensor<3x4xf32>, tensor<3x4xi8>) {
  // CHECK: kiln.pow %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %0 = kiln.pow %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.gelu %0 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %1 = kiln.gelu %0 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.gelu %1 {approximate = "tanh"} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %2 = kiln.gelu %1 {approximate = "tanh"} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.silu %2 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %3 = kiln.silu %2 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.erf %3 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %4 = kiln.erf %3 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.floor %4 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %5 = kiln.floor %4 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.ceil %5 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %6 = kiln.ceil %5 : (tensor<3x4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.cmp %6, %b {predicate = "le"} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  %7 = kiln.cmp %6, %b {predicate = "le"} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  // CHECK: kiln.select %7, %6, %b : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %8 = kiln.select %7, %6, %b : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: kiln.cast %8 : (tensor<3x4xf32>) -> tensor<3x4xi8>
  %9 = kiln.cast %8 : (tensor<3x4xf32>) -> tensor<3x4xi8>
  kiln.return %8, %9 : tensor<3x4xf32>, tensor<3x4xi8>
}

// CHECK-LABEL: kiln.graph @shifts(%a: tensor<4xi32>, %b: tensor<4xui8>) -> (tensor<4xi32>, tensor<4xui8>)
kiln.graph @shifts(%a: tensor<4xi32>, %b: tensor<4xui8>) -> (tensor<4xi32>, tensor<4xui8>) {
  // CHECK: kiln.shift_left %a, %a : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %0 = kiln.shift_left %a, %a : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  // CHECK: kiln.shift_right %b, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = kiln.shift_right %b, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  kiln.return %0, %1 : tensor<4xi32>, tensor<4xui8>
}
