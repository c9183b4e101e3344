// RUN: kiln-opt %s --kiln-expand-math | FileCheck %s
// RUN: kiln-opt %s --kiln-lower-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: kiln-opt %s --kiln-expand-math=expand-bf16=true | FileCheck %s --check-prefix=EXPANDED

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

// f64 -> bf16 rounds once: to f32 "to odd" (to nearest, then one ulp back toward zero if that
// rounded up in magnitude, and the last bit set if inexact), then to bf16.
// CHECK-LABEL: func.func @truncf_f64_to_bf16
// CHECK-SAME: (%[[X:.+]]: f64)
// CHECK: %[[ONE:.+]] = arith.constant 1 : i32
// CHECK: %[[NEAR:.+]] = arith.truncf %[[X]] : f64 to f32
// CHECK: %[[BACK:.+]] = arith.extf %[[NEAR]] : f32 to f64
// CHECK: %[[INEXACT:.+]] = arith.cmpf one, %[[BACK]], %[[X]]
// CHECK-DAG: %[[ABSX:.+]] = math.absf %[[X]]
// CHECK-DAG: %[[ABSBACK:.+]] = math.absf %[[BACK]]
// CHECK: %[[UP:.+]] = arith.cmpf ogt, %[[ABSBACK]], %[[ABSX]]
// CHECK: %[[BITS:.+]] = arith.bitcast %[[NEAR]] : f32 to i32
// CHECK: %[[BELOW:.+]] = arith.subi %[[BITS]], %[[ONE]]
// CHECK: %[[ZERO:.+]] = arith.select %[[UP]], %[[BELOW]], %[[BITS]]
// CHECK: %[[STICKY:.+]] = arith.ori %[[ZERO]], %[[ONE]]
// CHECK: %[[ODD:.+]] = arith.select %[[INEXACT]], %[[STICKY]], %[[BITS]]
// CHECK: %[[F32:.+]] = arith.bitcast %[[ODD]] : i32 to f32
// CHECK: arith.truncf %[[F32]] : f32 to bf16
// With expand-bf16 (the CPU pipeline), no conversion to or from bf16 is left.
// EXPANDED-LABEL: func.func @truncf_f64_to_bf16
// EXPANDED-NOT: arith.truncf {{.*}} to bf16
// EXPANDED: return
func.func @truncf_f64_to_bf16(%x: f64) -> bf16 {
  %0 = arith.truncf %x : f64 to bf16
  return %0 : bf16
}

// The vectors of the CUDA elementwise kernels the same way.
// CHECK-LABEL: func.func @truncf_f64_to_bf16_vector
// CHECK: arith.truncf %{{.+}} : vector<4xf64> to vector<4xf32>
// CHECK: arith.bitcast %{{.+}} : vector<4xi32> to vector<4xf32>
// CHECK: arith.truncf %{{.+}} : vector<4xf32> to vector<4xbf16>
func.func @truncf_f64_to_bf16_vector(%x: vector<4xf64>) -> vector<4xbf16> {
  %0 = arith.truncf %x : vector<4xf64> to vector<4xbf16>
  return %0 : vector<4xbf16>
}

// Integers go to bf16 through f64: exactly up to 53 bits, i64 rounded to odd (sitofp to
// nearest, checked with fptosi; 2^63 has no i64 and is decided apart).
// CHECK-LABEL: func.func @sitofp_i32_to_bf16
// CHECK-NOT: arith.fptosi
// CHECK: arith.sitofp %{{.+}} : i32 to f64
// CHECK-NOT: arith.fptosi
// CHECK: arith.truncf %{{.+}} : f32 to bf16
func.func @sitofp_i32_to_bf16(%x: i32) -> bf16 {
  %0 = arith.sitofp %x : i32 to bf16
  return %0 : bf16
}

// CHECK-LABEL: func.func @sitofp_i64_to_bf16
// CHECK-DAG: arith.constant 9.2233720368547758E+18 : f64
// CHECK-DAG: arith.sitofp %{{.+}} : i64 to f64
// CHECK-DAG: arith.fptosi %{{.+}} : f64 to i64
// CHECK: arith.truncf %{{.+}} : f32 to bf16
func.func @sitofp_i64_to_bf16(%x: i64) -> bf16 {
  %0 = arith.sitofp %x : i64 to bf16
  return %0 : bf16
}

// Unsigned the same way: i1 exactly, u64 rounded to odd (2^64 decided apart).
// CHECK-LABEL: func.func @uitofp_i1_to_bf16
// CHECK: arith.uitofp %{{.+}} : i1 to f64
// CHECK: arith.truncf %{{.+}} : f32 to bf16
func.func @uitofp_i1_to_bf16(%x: i1) -> bf16 {
  %0 = arith.uitofp %x : i1 to bf16
  return %0 : bf16
}

// CHECK-LABEL: func.func @uitofp_i64_to_bf16
// CHECK-DAG: arith.constant 1.8446744073709552E+19 : f64
// CHECK-DAG: arith.uitofp %{{.+}} : i64 to f64
// CHECK-DAG: arith.fptoui %{{.+}} : f64 to i64
// CHECK-DAG: arith.cmpi ugt
// CHECK: arith.truncf %{{.+}} : f32 to bf16
func.func @uitofp_i64_to_bf16(%x: i64) -> bf16 {
  %0 = arith.uitofp %x : i64 to bf16
  return %0 : bf16
}

// math.fpowi: LLVM's x86 backend lowers llvm.powi with an i32 exponent only. A narrower one is
// sign-extended; a wider one becomes square-and-multiply over its bits, and 1/x^|n| when n < 0.
// CHECK-LABEL: func.func @fpowi_i8
// CHECK-SAME: (%[[X:.+]]: f64, %[[N:.+]]: i8)
// CHECK: %[[W:.+]] = arith.extsi %[[N]] : i8 to i32
// CHECK: math.fpowi %[[X]], %[[W]] : f64, i32
func.func @fpowi_i8(%x: f64, %n: i8) -> f64 {
  %0 = math.fpowi %x, %n : f64, i8
  return %0 : f64
}

// CHECK-LABEL: func.func @fpowi_i64
// CHECK-NOT: math.fpowi
// CHECK: arith.cmpi slt, %{{.+}}, %{{.+}} : i64
// CHECK-COUNT-64: arith.select %{{.+}}, %{{.+}}, %{{.+}} : f32
// CHECK: arith.divf
// CHECK: arith.select
// CHECK-NOT: math.fpowi
// CHECK: return
func.func @fpowi_i64(%x: f32, %n: i64) -> f32 {
  %0 = math.fpowi %x, %n : f32, i64
  return %0 : f32
}

// The CPU pipeline expands them before converting math to LLVM.
// LLVM-LABEL: llvm.func @absi
// LLVM: llvm.select
// LLVM-LABEL: llvm.func @isinf
// LLVM: llvm.fcmp "oeq"
