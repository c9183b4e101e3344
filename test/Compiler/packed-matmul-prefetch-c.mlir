// RUN: kiln-opt %s --kiln-packed-matmul --canonicalize --cse | FileCheck %s

// A C of 8 MiB or more, read again on the second pass over k (512 = two passes of 256): each
// tile asks for its rows of C (for writing, into every cache level) before its k loop, since
// C comes from memory on every pass. Rows past the end ask for the last row.
// CHECK-LABEL: func.func @large_c
// CHECK: memref.prefetch %arg2[%{{.+}}, %{{.+}}], write, locality<3>, data : memref<2048x1024xf32>
// CHECK: scf.for {{.*}} iter_args
func.func @large_c(%a: memref<2048x512xf32>, %b: memref<512x1024xf32>, %c: memref<2048x1024xf32>) {
  linalg.matmul ins(%a, %b : memref<2048x512xf32>, memref<512x1024xf32>) outs(%c : memref<2048x1024xf32>)
  return
}

// A C that stays in cache between passes: no prefetch.
// CHECK-LABEL: func.func @small_c
// CHECK-NOT: write, locality<3>
// CHECK: return
func.func @small_c(%a: memref<64x512xf32>, %b: memref<512x64xf32>, %c: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x512xf32>, memref<512x64xf32>) outs(%c : memref<64x64xf32>)
  return
}

// One pass over k into a C cleared right before: C is only written, never read.
// CHECK-LABEL: func.func @one_pass
// CHECK-NOT: write, locality<3>
// CHECK: return
func.func @one_pass(%a: memref<2048x256xf32>, %b: memref<256x1024xf32>, %c: memref<2048x1024xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<2048x1024xf32>)
  linalg.matmul ins(%a, %b : memref<2048x256xf32>, memref<256x1024xf32>) outs(%c : memref<2048x1024xf32>)
  return
}
