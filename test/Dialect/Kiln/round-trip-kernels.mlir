// RUN: kiln-opt %s | kiln-opt | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s

// Kernel arguments print as %arg<n>, whatever they were called. kiln.map and kiln.reduce are
// checked where graphs apply these kernels (round-trip-convolution.mlir and
// round-trip-reductions.mlir), as those graphs' signatures hold other families' results.
// CHECK: kiln.kernel @saxpy(%arg0: f32, %arg1: f32, %arg2: f32) -> f32 {
kiln.kernel @saxpy(%a: f32, %x: f32, %y: f32) -> f32 {
  %0 = arith.mulf %a, %x : f32
  %1 = math.fma %a, %x, %y : f32
  // CHECK: kiln.yield %1 : f32
  kiln.yield %1 : f32
}
// CHECK: kiln.kernel @maxk(%arg0: f32, %arg1: f32) -> f32 {
kiln.kernel @maxk(%acc: f32, %x: f32) -> f32 {
  %0 = arith.maximumf %acc, %x : f32
  // CHECK: kiln.yield %0 : f32
  kiln.yield %0 : f32
}
