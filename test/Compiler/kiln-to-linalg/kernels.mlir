// RUN: kiln-opt %s --kiln-to-linalg | FileCheck %s
// RUN: kiln-opt %s --kiln-bufferize | FileCheck %s --check-prefix=FUSED

// A kernel's body is cloned into the generic that applies it, and the kernel disappears.
// CHECK-NOT: kiln.kernel
// CHECK-LABEL: func.func @saxpy
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<f32>, tensor<8xf32>, tensor<8xf32>)
// CHECK: ^bb0(%[[A:.+]]: f32, %[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[M:.+]] = arith.mulf %[[A]], %[[X]] : f32
// CHECK:   %[[S:.+]] = arith.addf %[[M]], %[[Y]] : f32
// CHECK:   linalg.yield %[[S]] : f32

// After elementwise fusion the kernel and the built-in ops around it are one loop nest.
// FUSED-LABEL: func.func @saxpy
// FUSED-COUNT-1: linalg.generic
// FUSED-NOT: linalg.generic
// FUSED: return
kiln.kernel @axpy(%a: f32, %x: f32, %y: f32) -> f32 {
  %0 = arith.mulf %a, %x : f32
  %1 = arith.addf %0, %y : f32
  kiln.yield %1 : f32
}
kiln.graph @saxpy(%a: tensor<f32>, %x: tensor<8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  %e = kiln.exp %x : (tensor<8xf32>) -> tensor<8xf32>
  %0 = kiln.map @axpy(%a, %e, %y) : (tensor<f32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %1 = kiln.relu %0 : (tensor<8xf32>) -> tensor<8xf32>
  kiln.return %1 : tensor<8xf32>
}

// kiln.reduce folds acc = kernel(acc, x): the accumulator is the kernel's first argument.
// CHECK-LABEL: func.func @fold
// CHECK: %[[INIT:.+]] = arith.constant 5.000000e-01 : f64
// CHECK: linalg.fill ins(%[[INIT]] : f64)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: ^bb0(%[[IN:.+]]: f64, %[[ACC:.+]]: f64):
// CHECK:   %[[H:.+]] = arith.mulf %[[ACC]], %{{.+}} : f64
// CHECK:   arith.addf %[[H]], %[[IN]] : f64
kiln.kernel @decay(%acc: f64, %x: f64) -> f64 {
  %h = arith.constant 0.5 : f64
  %m = arith.mulf %acc, %h : f64
  %s = arith.addf %m, %x : f64
  kiln.yield %s : f64
}
kiln.graph @fold(%a: tensor<3x4xf64>) -> tensor<3xf64> {
  %0 = kiln.reduce @decay(%a) {axes = array<i64: 1>, init = 0.5 : f64} : (tensor<3x4xf64>) -> tensor<3xf64>
  kiln.return %0 : tensor<3xf64>
}

// The comparisons "true" and "false" become their constant results before any canonicalizer
// runs: MLIR 22's canonicalization of cmpf(sitofp(x), constant) crashes on them.
// CHECK-LABEL: func.func @constant_predicates
// CHECK: linalg.generic
// CHECK-NOT: arith.cmpf
// CHECK: %[[T:.+]] = arith.constant true
// CHECK-NOT: arith.cmpf
// CHECK: linalg.yield %[[T]] : i1
// CHECK: linalg.generic
// CHECK-NOT: arith.cmpf
// CHECK: %[[F:.+]] = arith.constant false
// CHECK-NOT: arith.cmpf
// CHECK: linalg.yield %[[F]] : i1
kiln.kernel @always(%x: i32) -> i1 {
  %c = arith.constant 3.0 : f64
  %f = arith.sitofp %x : i32 to f64
  %r = arith.cmpf true, %f, %c : f64
  kiln.yield %r : i1
}
kiln.kernel @never(%x: i32) -> i1 {
  %c = arith.constant 3.0 : f32
  %f = arith.uitofp %x : i32 to f32
  %r = arith.cmpf false, %f, %c : f32
  kiln.yield %r : i1
}
kiln.graph @constant_predicates(%a: tensor<4xi32>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = kiln.map @always(%a) : (tensor<4xi32>) -> tensor<4xi1>
  %1 = kiln.map @never(%a) : (tensor<4xi32>) -> tensor<4xi1>
  kiln.return %0, %1 : tensor<4xi1>, tensor<4xi1>
}
