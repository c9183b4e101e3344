// RUN: kiln-opt %s --kiln-packed-matmul="direct-a-panels=0" --canonicalize --cse | FileCheck %s
// RUN: kiln-opt %s --kiln-packed-matmul="vector-bits=256 direct-a-panels=0" --canonicalize --cse | FileCheck %s --check-prefix=AVX2

// Without mr, each matmul gets the micro-kernel rows that pad its row blocks least, from
// (6, 12] with 512-bit vectors and (3, 6] with 256-bit ones, the larger on a tie: the packed
// block of A is [row blocks][mc / mr][kc][mr].
// 49 rows (ResNet-50's 7x7 layers): 7 tiles of 7 rows, where 12-row tiles compute 60 rows;
// with 256-bit vectors, 10 tiles of 5 (50 rows).
// CHECK-LABEL: func.func @rows_49
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x7x8x7xf32>
// AVX2-LABEL: func.func @rows_49
// AVX2: memref.alloc() {alignment = 64 : i64} : memref<1x10x8x5xf32>
func.func @rows_49(%a: memref<49x8xf32>, %b: memref<8x64xf32>, %c: memref<49x64xf32>) {
  linalg.matmul ins(%a, %b : memref<49x8xf32>, memref<8x64xf32>) outs(%c : memref<49x64xf32>)
  return
}

// 128 rows (a transformer's sequence): 16 tiles of 8 instead of 11 of 12 (132 rows).
// CHECK-LABEL: func.func @rows_128
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x16x8x8xf32>
func.func @rows_128(%a: memref<128x8xf32>, %b: memref<8x64xf32>, %c: memref<128x64xf32>) {
  linalg.matmul ins(%a, %b : memref<128x8xf32>, memref<8x64xf32>) outs(%c : memref<128x64xf32>)
  return
}

// 288 rows in two blocks of 144: 8, 9 and 12 rows all divide the blocks, and the largest wins.
// CHECK-LABEL: func.func @rows_two_blocks
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2x12x8x12xf32>
func.func @rows_two_blocks(%a: memref<288x8xf32>, %b: memref<8x64xf32>, %c: memref<288x64xf32>) {
  linalg.matmul ins(%a, %b : memref<288x8xf32>, memref<8x64xf32>) outs(%c : memref<288x64xf32>)
  return
}

// A matrix of at most 12 rows is one tile of exactly its rows.
// CHECK-LABEL: func.func @rows_few
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1x1x8x3xf32>
func.func @rows_few(%a: memref<3x8xf32>, %b: memref<8x64xf32>, %c: memref<3x64xf32>) {
  linalg.matmul ins(%a, %b : memref<3x8xf32>, memref<8x64xf32>) outs(%c : memref<3x64xf32>)
  return
}
