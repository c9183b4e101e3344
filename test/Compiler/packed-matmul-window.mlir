// RUN: kiln-opt %s --kiln-packed-matmul --canonicalize --cse | FileCheck %s
// RUN: kiln-opt %s --kiln-packed-matmul="window-kc=48" --canonicalize --cse | FileCheck %s --check-prefix=DEPTH

#window = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 + d4, d5)>
#dilated = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 + d4 * 2, d5)>
#id6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>

// A 3x3 convolution as kiln-to-linalg lowers it: the im2col copy of the padded 1x8x8x8 input
// into 36 x 72 columns, times the filter. The micro-kernel reads the columns from the padded
// input instead, seen as one dimension: each row's base (its output pixel) is computed once
// per tile, and k runs in runs of 24 columns (a filter row: 3 taps x 8 channels, contiguous
// in the input) with one offset each, so the innermost loop only adds kk. The copy, its
// buffer and its view are gone; the zero fill of C between the copy and the matmul writes
// another buffer.
// The panels are window-kc deep (1024 by default: all 72 columns in one pass), rounded down to
// whole runs: at 48, two passes over k of 48 and 24 columns, each in runs of 24.
// CHECK-LABEL: func.func @im2col
// DEPTH-LABEL: func.func @im2col
// DEPTH: scf.for %{{.+}} = %c0 to %c72 step %c48 {
// DEPTH: scf.for %{{.+}} = %c0 to %{{.+}} step %c24 iter_args(
// DEPTH-LABEL: func.func
// CHECK-NOT: memref<1x6x6x3x3x8xf32>
// CHECK: %[[FLAT:.+]] = memref.collapse_shape %arg0 {{\[\[}}0, 1, 2, 3]] : memref<1x8x8x8xf32> into memref<512xf32>
// CHECK-NOT: scf.for %{{.+}} = %c0 to %c72 step %c{{[1-9][0-9]}} {
// CHECK: scf.for %{{.+}} = %c0 to %c72 step %c24 iter_args(
// CHECK: scf.for %[[KK:.+]] = %c0 to %c24 step %c1 iter_args(
// CHECK-COUNT-2: vector.load
// CHECK-NEXT: %[[AT:.+]] = arith.addi %{{.+}}, %[[KK]] : index
// CHECK-NEXT: memref.load %[[FLAT]][%[[AT]]] : memref<512xf32>
// CHECK-NEXT: vector.broadcast
// CHECK-NEXT: vector.fma
// CHECK-NOT: memref<1x6x6x3x3x8xf32>
// CHECK: return
func.func @im2col(%padded: memref<1x8x8x8xf32>, %w: memref<72x4xf32>, %result: memref<36x4xf32>) {
  %columns = memref.alloc() {alignment = 64 : i64} : memref<1x6x6x3x3x8xf32>
  linalg.generic {indexing_maps = [#window, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x8x8x8xf32>) outs(%columns : memref<1x6x6x3x3x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %a = memref.collapse_shape %columns [[0, 1, 2], [3, 4, 5]] : memref<1x6x6x3x3x8xf32> into memref<36x72xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<36x4xf32>
  %cst = arith.constant 0.0 : f32
  linalg.fill ins(%cst : f32) outs(%c : memref<36x4xf32>)
  linalg.matmul ins(%a, %w : memref<36x72xf32>, memref<72x4xf32>) outs(%c : memref<36x4xf32>)
  memref.dealloc %columns : memref<1x6x6x3x3x8xf32>
  memref.copy %c, %result : memref<36x4xf32> to memref<36x4xf32>
  memref.dealloc %c : memref<36x4xf32>
  return
}

// Stride 2 in height, dilation 2 in width: a tap's 8 channels are what is contiguous, so k
// runs 8 columns at a time; a column's offset is (i * 9 + j * 2) * 8 + channel and a row's
// base (y * 2 * 9 + x) * 8 in the flattened 1x9x9x8 input.
// CHECK-LABEL: func.func @dilated
// CHECK-NOT: memref<1x3x5x3x3x8xf32>
// CHECK: memref.collapse_shape %arg0 {{\[\[}}0, 1, 2, 3]] : memref<1x9x9x8xf32> into memref<648xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c72 step %c8 iter_args(
// CHECK: scf.for %{{.+}} = %c0 to %c8 step %c1 iter_args(
func.func @dilated(%padded: memref<1x9x9x8xf32>, %w: memref<72x4xf32>, %c: memref<15x4xf32>) {
  %columns = memref.alloc() {alignment = 64 : i64} : memref<1x3x5x3x3x8xf32>
  linalg.generic {indexing_maps = [#dilated, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x9x9x8xf32>) outs(%columns : memref<1x3x5x3x3x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %a = memref.collapse_shape %columns [[0, 1, 2], [3, 4, 5]] : memref<1x3x5x3x3x8xf32> into memref<15x72xf32>
  linalg.matmul ins(%a, %w : memref<15x72xf32>, memref<72x4xf32>) outs(%c : memref<15x4xf32>)
  memref.dealloc %columns : memref<1x3x5x3x3x8xf32>
  return
}

// The input is written between the copy and the matmul, so the columns no longer match it:
// the copy stays and the micro-kernel reads the columns.
// CHECK-LABEL: func.func @input_overwritten
// CHECK: linalg.generic
// CHECK: memref.collapse_shape %{{.+}} {{\[\[}}0, 1, 2], [3, 4, 5]]
// CHECK: memref.load %collapse_shape[
func.func @input_overwritten(%padded: memref<1x8x8x8xf32>, %w: memref<72x4xf32>, %c: memref<36x4xf32>) {
  %columns = memref.alloc() {alignment = 64 : i64} : memref<1x6x6x3x3x8xf32>
  linalg.generic {indexing_maps = [#window, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x8x8x8xf32>) outs(%columns : memref<1x6x6x3x3x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %cst = arith.constant 1.0 : f32
  linalg.fill ins(%cst : f32) outs(%padded : memref<1x8x8x8xf32>)
  %a = memref.collapse_shape %columns [[0, 1, 2], [3, 4, 5]] : memref<1x6x6x3x3x8xf32> into memref<36x72xf32>
  linalg.matmul ins(%a, %w : memref<36x72xf32>, memref<72x4xf32>) outs(%c : memref<36x4xf32>)
  memref.dealloc %columns : memref<1x6x6x3x3x8xf32>
  return
}

// A graph that returns the convolution computes it in its out-parameter
// (kiln-forward-result-copies): the zero fill between the copy and the matmul writes a view
// of that argument, which cannot be the padded input the function allocated itself, so the
// columns are still read from the input.
// CHECK-LABEL: func.func @result_in_place
// CHECK-NOT: linalg.generic
// CHECK: memref.collapse_shape %[[PAD:.+]] {{\[\[}}0, 1, 2, 3]] : memref<1x8x8x8xf32> into memref<512xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @result_in_place(%x: memref<1x6x6x8xf32>, %w: memref<72x4xf32>, %out: memref<1x6x6x4xf32>) {
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x8x8x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x8x8x8xf32>)
  %interior = memref.subview %padded[0, 1, 1, 0] [1, 6, 6, 8] [1, 1, 1, 1] : memref<1x8x8x8xf32> to memref<1x6x6x8xf32, strided<[512, 64, 8, 1], offset: 72>>
  memref.copy %x, %interior : memref<1x6x6x8xf32> to memref<1x6x6x8xf32, strided<[512, 64, 8, 1], offset: 72>>
  %columns = memref.alloc() {alignment = 64 : i64} : memref<1x6x6x3x3x8xf32>
  linalg.generic {indexing_maps = [#window, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x8x8x8xf32>) outs(%columns : memref<1x6x6x3x3x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  %a = memref.collapse_shape %columns [[0, 1, 2], [3, 4, 5]] : memref<1x6x6x3x3x8xf32> into memref<36x72xf32>
  %c = memref.collapse_shape %out [[0, 1, 2], [3]] : memref<1x6x6x4xf32> into memref<36x4xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<36x4xf32>)
  linalg.matmul ins(%a, %w : memref<36x72xf32>, memref<72x4xf32>) outs(%c : memref<36x4xf32>)
  memref.dealloc %columns : memref<1x6x6x3x3x8xf32>
  memref.dealloc %padded : memref<1x8x8x8xf32>
  return
}

// The same fill when the input is an argument too: a graph's buffers never overlap
// (docs/design.md), so the fill of the output leaves the input as it was and the kernel reads
// it where it is.
// CHECK-LABEL: func.func @fill_of_another_argument
// CHECK-NOT: linalg.generic
// CHECK: %[[FLAT:.+]] = memref.collapse_shape %arg0 {{\[\[}}0, 1, 2, 3]] : memref<1x8x8x8xf32> into memref<512xf32>
// CHECK: memref.load %[[FLAT]][
// CHECK: return
func.func @fill_of_another_argument(%padded: memref<1x8x8x8xf32>, %w: memref<72x4xf32>, %out: memref<1x6x6x4xf32>) {
  %columns = memref.alloc() {alignment = 64 : i64} : memref<1x6x6x3x3x8xf32>
  linalg.generic {indexing_maps = [#window, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x8x8x8xf32>) outs(%columns : memref<1x6x6x3x3x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  %a = memref.collapse_shape %columns [[0, 1, 2], [3, 4, 5]] : memref<1x6x6x3x3x8xf32> into memref<36x72xf32>
  %zero = arith.constant 0.0 : f32
  %c = memref.collapse_shape %out [[0, 1, 2], [3]] : memref<1x6x6x4xf32> into memref<36x4xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<36x4xf32>)
  linalg.matmul ins(%a, %w : memref<36x72xf32>, memref<72x4xf32>) outs(%c : memref<36x4xf32>)
  memref.dealloc %columns : memref<1x6x6x3x3x8xf32>
  return
}

// A graph's input padded by a copy (a zero fill, then the input copied into its interior),
// with at least 16 channels: the kernel reads the input itself, a tap's channels per run, from
// a run of zeros instead when the tap is in the padding; the padded copy and the im2col copy
// go. Tap (i, j) of output pixel (y, x) is input pixel (y + i - 1, x + j - 1) here.
// CHECK-LABEL: func.func @unpadded_input
// CHECK-NOT: memref.copy
// CHECK-DAG: %[[FLAT:.+]] = memref.collapse_shape %arg0 {{\[\[}}0, 1, 2, 3]] : memref<1x6x6x16xf32> into memref<576xf32>
// CHECK-DAG: %[[ZEROS:.+]] = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[ZEROS]] : memref<16xf32>)
// CHECK: %[[INPUT:.+]] = memref.cast %[[FLAT]] : memref<576xf32> to memref<?xf32>
// CHECK: %[[ZERO_VIEW:.+]] = memref.cast %[[ZEROS]] : memref<16xf32> to memref<?xf32>
// CHECK: scf.for %[[START:.+]] = %c0 to %c144 step %c16
// CHECK: %[[TAP:.+]] = arith.divui %[[START]], %c16
// CHECK: %[[I:.+]] = arith.divui %[[TAP]], %c3
// CHECK: %[[J:.+]] = arith.remui %[[TAP]], %c3
// CHECK: %[[ROW:.+]] = arith.addi %{{.+}}, %[[I]]
// CHECK: %[[COLUMN:.+]] = arith.addi %{{.+}}, %[[J]]
// CHECK: %[[ROW_IN:.+]] = arith.cmpi ult, %[[ROW]], %c6
// CHECK: %[[COLUMN_IN:.+]] = arith.cmpi ult, %[[COLUMN]], %c6
// CHECK: %[[INSIDE:.+]] = arith.andi %[[ROW_IN]], %[[COLUMN_IN]]
// CHECK: %[[SOURCE:.+]] = arith.select %[[INSIDE]], %[[INPUT]], %[[ZERO_VIEW]] : memref<?xf32>
// CHECK: arith.select %[[INSIDE]], %{{.+}}, %c0 : index
// CHECK: memref.load %[[SOURCE]][
// CHECK: memref.dealloc %[[ZEROS]] :
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @unpadded_input(%x: memref<1x6x6x16xf32>, %w: memref<144x4xf32>, %out: memref<1x6x6x4xf32>) {
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x8x8x16xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x8x8x16xf32>)
  %interior = memref.subview %padded[0, 1, 1, 0] [1, 6, 6, 16] [1, 1, 1, 1] : memref<1x8x8x16xf32> to memref<1x6x6x16xf32, strided<[1024, 128, 16, 1], offset: 144>>
  memref.copy %x, %interior : memref<1x6x6x16xf32> to memref<1x6x6x16xf32, strided<[1024, 128, 16, 1], offset: 144>>
  %columns = memref.alloc() {alignment = 64 : i64} : memref<1x6x6x3x3x16xf32>
  linalg.generic {indexing_maps = [#window, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%padded : memref<1x8x8x16xf32>) outs(%columns : memref<1x6x6x3x3x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  %a = memref.collapse_shape %columns [[0, 1, 2], [3, 4, 5]] : memref<1x6x6x3x3x16xf32> into memref<36x144xf32>
  %c = memref.collapse_shape %out [[0, 1, 2], [3]] : memref<1x6x6x4xf32> into memref<36x4xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<36x4xf32>)
  linalg.matmul ins(%a, %w : memref<36x144xf32>, memref<144x4xf32>) outs(%c : memref<36x4xf32>)
  memref.dealloc %columns : memref<1x6x6x3x3x16xf32>
  memref.dealloc %padded : memref<1x8x8x16xf32>
  return
}
