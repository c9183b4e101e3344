// RUN: kiln-opt %s --kiln-expand-math | FileCheck %s
// RUN: kiln-opt %s --kiln-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// math.absi and math.isinf have no LLVM lowering in MLIR 22; they are expanded to arith.
// CHECK-LABEL: func.func @absi
// CHECK-SAME: (%[[X:.+]]: i32)
// CHECK: %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[X]], %[[ZERO]]
// CHECK: %[[SUB:.+]] = arith.subi %[[ZERO]], %[[X]]
// CHECK: arith.select %[[NEG]], %[[SUB]], %[[X]]
// CHECK-NOT: math.absi
func.func @absi(%x: i32) -> i32 {
  %0 = math.absi %x : i32
  return %0 : i32
}

// CHECK-LABEL: func.func @isinf
// CHECK-SAME: (%[[X:.+]]: f32)
// CHECK: %[[INF:.+]] = arith.constant 0x7F800000 : f32
// CHECK: %[[ABS:.+]] = math.absf %[[X]]
// CHECK: arith.cmpf oeq, %[[ABS]], %[[INF]]
// CHECK-NOT: math.isinf
func.func @isinf(%x: f32) -> i1 {
  %0 = math.isinf %x : f32
  return %0 : i1
}

// The CPU pipeline expands them before converting math to LLVM.
// LLVM-LABEL: llvm.func @absi
// LLVM: llvm.select
// LLVM-LABEL: llvm.func @isinf
// LLVM: llvm.fcmp "oeq"
