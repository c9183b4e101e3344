// RUN: kiln-opt %s --kiln-to-linalg --split-input-file | FileCheck %s

// Float "ne" is unordered (NaN != x is true); the other predicates are ordered.
// CHECK-LABEL: func.func @cmp
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<4xf32>, tensor<f32>) outs(%{{.+}} : tensor<4xi1>)
// CHECK:   arith.cmpf une
kiln.graph @cmp(%a: tensor<4xf32>, %b: tensor<f32>) -> tensor<4xi1> {
  %0 = kiln.cmp %a, %b {predicate = "ne"} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  kiln.return %0 : tensor<4xi1>
}

// -----

// i1 compares unsigned (false < true), other integers signed.
// CHECK-LABEL: func.func @cmp_ints
// CHECK: arith.cmpi slt
// CHECK: arith.cmpi ult
kiln.graph @cmp_ints(%a: tensor<4xi32>, %b: tensor<4xi1>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = kiln.cmp %a, %a {predicate = "lt"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  %1 = kiln.cmp %b, %b {predicate = "lt"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  kiln.return %0, %1 : tensor<4xi1>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @select
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<2x4xi1>, tensor<4xf32>, tensor<f32>)
// CHECK:   arith.select
kiln.graph @select(%c: tensor<2x4xi1>, %a: tensor<4xf32>, %b: tensor<f32>) -> tensor<2x4xf32> {
  %0 = kiln.select %c, %a, %b : (tensor<2x4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<2x4xf32>
  kiln.return %0 : tensor<2x4xf32>
}

// -----

// float -> int never reaches fptosi out of range: NaN and out-of-range lanes are selected away,
// then the limits are selected in.
// CHECK-LABEL: func.func @saturate
// CHECK-DAG: %[[LO:.+]] = arith.constant -1.280000e+02 : f32
// CHECK-DAG: %[[HI:.+]] = arith.constant 1.280000e+02 : f32
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ABOVE:.+]] = arith.cmpf ogt, %[[X:.+]], %[[LO]]
// CHECK: %[[BELOW:.+]] = arith.cmpf olt, %[[X]], %[[HI]]
// CHECK: %[[IN:.+]] = arith.andi %[[ABOVE]], %[[BELOW]]
// CHECK: %[[SAFE:.+]] = arith.select %[[IN]], %[[X]], %[[ZERO]]
// CHECK: %[[CONV:.+]] = arith.fptosi %[[SAFE]] : f32 to i8
// CHECK-DAG: %[[MAX:.+]] = arith.constant 127 : i8
// CHECK-DAG: %[[MIN:.+]] = arith.constant -128 : i8
// CHECK: %[[HIGH:.+]] = arith.cmpf oge, %[[X]], %[[HI]]
// CHECK: %[[LOW:.+]] = arith.cmpf ole, %[[X]], %[[LO]]
// CHECK: %[[R:.+]] = arith.select %[[HIGH]], %[[MAX]], %[[CONV]]
// CHECK: arith.select %[[LOW]], %[[MIN]], %[[R]]
kiln.graph @saturate(%a: tensor<4xf32>) -> tensor<4xi8> {
  %0 = kiln.cast %a : (tensor<4xf32>) -> tensor<4xi8>
  kiln.return %0 : tensor<4xi8>
}

// -----

// Casts to i1 test against zero (NaN -> false); i1 widens as unsigned (true -> 1).
// CHECK-LABEL: func.func @bools
// CHECK: arith.cmpf one
// CHECK: arith.uitofp %{{.+}} : i1 to f32
kiln.graph @bools(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.cast %a : (tensor<4xf32>) -> tensor<4xi1>
  %1 = kiln.cast %0 : (tensor<4xi1>) -> tensor<4xf32>
  kiln.return %1 : tensor<4xf32>
}
