// RUN: kiln-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(kiln-fuse-row-loops))" | FileCheck %s

// softmax's loops after bufferization: the row maximum, exp(x - max) into the output, the row
// sum and the in-place scaling become one loop over rows; the allocation between them moves
// above it. Within a row, the exponentials and their sum become one loop over the columns (the
// sum reads each value as it is stored), and the row reductions carry their accumulator in a
// register instead of reloading it from memory each column. Each row first prefetches the
// next row of x (rows of 4 KB: one row ahead), a prefetch per 64-byte line, when there is one;
// y, which the loop writes, is not prefetched.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.+]] = memref.alloc() : memref<64xf32>
// CHECK: %[[SUM:.+]] = memref.alloc() : memref<64xf32>
// CHECK: scf.parallel (%[[ROW:.+]]) =
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[NEXT:.+]] = arith.addi %[[ROW]], %[[ONE]] : index
// CHECK-NEXT: %[[ROWS:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[EXISTS:.+]] = arith.cmpi slt, %[[NEXT]], %[[ROWS]] : index
// CHECK-NEXT: scf.if %[[EXISTS]] {
// CHECK-DAG: %[[FIRST:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[COLS:.+]] = arith.constant 1024 : index
// CHECK-DAG: %[[LINE:.+]] = arith.constant 16 : index
// CHECK-NEXT: scf.for %[[AT:.+]] = %[[FIRST]] to %[[COLS]] step %[[LINE]] {
// CHECK-NEXT: memref.prefetch %arg0[%[[NEXT]], %[[AT]]], read, locality<3>, data : memref<64x1024xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NOT: memref.prefetch
// CHECK: memref.store %{{.+}}, %[[MAX]][%[[ROW]]]
// CHECK-NEXT: %[[M0:.+]] = memref.load %[[MAX]][%[[ROW]]]
// CHECK-NEXT: %[[M:.+]] = scf.for %{{.+}} = %c0 to %c1024 step %c1 iter_args(%[[MACC:.+]] = %[[M0]]) -> (f32) {
// CHECK: arith.maximumf %{{.+}}, %[[MACC]] : f32
// CHECK: memref.store %[[M]], %[[MAX]][%[[ROW]]]
// CHECK: memref.store %{{.+}}, %[[SUM]][%[[ROW]]]
// CHECK: %[[S0:.+]] = memref.load %[[SUM]][%[[ROW]]]
// CHECK: %[[S:.+]] = scf.for %[[COL:.+]] = %c0 to %c1024 step %c1 iter_args(%[[SACC:.+]] = %[[S0]]) -> (f32) {
// CHECK: %[[E:.+]] = math.exp
// CHECK-NEXT: memref.store %[[E]], %arg1[%[[ROW]], %[[COL]]]
// CHECK-NEXT: %[[T:.+]] = arith.addf %[[E]], %[[SACC]] : f32
// CHECK-NEXT: scf.yield %[[T]]
// CHECK: memref.store %[[S]], %[[SUM]][%[[ROW]]]
// CHECK: scf.parallel
// CHECK: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @softmax(%x: memref<64x1024xf32>, %y: memref<64x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %max = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %lowest, %max[%i] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    scf.for %j = %c0 to %c1024 step %c1 {
      %v = memref.load %x[%i, %j] : memref<64x1024xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %n = arith.maximumf %v, %m : f32
      memref.store %n, %max[%i] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c1024) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<64x1024xf32>
    %m = memref.load %max[%i] : memref<64xf32>
    %d = arith.subf %v, %m : f32
    %e = math.exp %d : f32
    memref.store %e, %y[%i, %j] : memref<64x1024xf32>
    scf.reduce
  }
  %sum = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %sum[%i] : memref<64xf32>
    scf.for %j = %c0 to %c1024 step %c1 {
      %e = memref.load %y[%i, %j] : memref<64x1024xf32>
      %s = memref.load %sum[%i] : memref<64xf32>
      %t = arith.addf %e, %s : f32
      memref.store %t, %sum[%i] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c1024) step (%c1, %c1) {
    %s = memref.load %sum[%i] : memref<64xf32>
    %e = memref.load %y[%i, %j] : memref<64x1024xf32>
    %r = arith.divf %one, %s : f32
    %o = arith.mulf %e, %r : f32
    memref.store %o, %y[%i, %j] : memref<64x1024xf32>
    scf.reduce
  }
  memref.dealloc %max : memref<64xf32>
  memref.dealloc %sum : memref<64xf32>
  return
}

// -----

// The second loop reads the first one's output at another row (a transpose): not fused.
// CHECK-LABEL: func.func @other_row
// CHECK: scf.parallel (%{{[^,]+}}, %{{[^)]+}}) =
// CHECK: memref.store %{{.+}}, %arg1
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: scf.parallel (%{{[^,]+}}, %{{[^)]+}}) =
func.func @other_row(%x: memref<64x64xf32>, %t: memref<64x64xf32>, %y: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<64x64xf32>
    memref.store %v, %t[%i, %j] : memref<64x64xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    %v = memref.load %t[%j, %i] : memref<64x64xf32>
    memref.store %v, %y[%i, %j] : memref<64x64xf32>
    scf.reduce
  }
  return
}

// -----

// A loop that only reads what the previous one reads (g, not indexed by the row) is fused
// with it; a loop over another range is not.
// CHECK-LABEL: func.func @bounds_and_shared_reads
// CHECK: scf.parallel (%[[I:.+]]) = (%c0) to (%c64)
// CHECK: scf.parallel (%{{.+}}) = (%c0) to (%c64)
// CHECK: memref.store %{{.+}}, %arg3[%[[I]]]
// CHECK: scf.parallel (%{{.+}}) = (%c0) to (%c32)
// CHECK: return
func.func @bounds_and_shared_reads(%g: memref<64xf32>, %a: memref<64x64xf32>,
                                   %b: memref<32xf32>, %c: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    %v = memref.load %g[%j] : memref<64xf32>
    memref.store %v, %a[%i, %j] : memref<64x64xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %v = memref.load %g[%i] : memref<64xf32>
    memref.store %v, %c[%i] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c32) step (%c1) {
    %v = memref.load %g[%i] : memref<64xf32>
    memref.store %v, %b[%i] : memref<32xf32>
    scf.reduce
  }
  return
}

// -----

// A copy between the loops touches memory: it stays where it is, and so do the loops.
// CHECK-LABEL: func.func @copy_between
// CHECK: scf.parallel
// CHECK: memref.copy
// CHECK: scf.parallel
func.func @copy_between(%x: memref<64xf32>, %y: memref<64xf32>, %z: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %v = memref.load %x[%i] : memref<64xf32>
    memref.store %v, %y[%i] : memref<64xf32>
    scf.reduce
  }
  memref.copy %y, %z : memref<64xf32> to memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %v = memref.load %z[%i] : memref<64xf32>
    memref.store %v, %x[%i] : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// A loop that writes through a view of a buffer the other loop reads is not fused: the pass
// does not reason about views.
// CHECK-LABEL: func.func @through_view
// CHECK: scf.parallel
// CHECK: scf.parallel
func.func @through_view(%x: memref<64x2xf32>, %y: memref<64x2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %col = memref.subview %x[0, 1] [64, 1] [1, 1] : memref<64x2xf32> to memref<64xf32, strided<[2], offset: 1>>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %v = memref.load %x[%i, %c0] : memref<64x2xf32>
    memref.store %v, %y[%i, %c0] : memref<64x2xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %v = memref.load %y[%i, %c1] : memref<64x2xf32>
    memref.store %v, %col[%i] : memref<64xf32, strided<[2], offset: 1>>
    scf.reduce
  }
  return
}

// -----

// Within a row, a reduction that reads another column than the one just written (here the
// first) must wait for the whole row: the two column loops stay apart.
// CHECK-LABEL: func.func @other_column
// CHECK: scf.parallel (%[[ROW:.+]]) =
// CHECK: scf.parallel (%[[COL:.+]]) =
// CHECK: memref.store %{{.+}}, %arg1[%[[ROW]], %[[COL]]]
// CHECK: scf.reduce
// CHECK: scf.for
// CHECK: memref.load %arg1[%[[ROW]], %c0]
func.func @other_column(%x: memref<8x16xf32>, %t: memref<8x16xf32>, %s: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c16) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<8x16xf32>
    memref.store %v, %t[%i, %j] : memref<8x16xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = memref.load %t[%i, %c0] : memref<8x16xf32>
      %a = memref.load %s[%i] : memref<8xf32>
      %b = arith.addf %v, %a : f32
      memref.store %b, %s[%i] : memref<8xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Rows of 64 f16 (128 bytes): the prefetched row is 32 rows ahead, a line at a time, and
// exists when x has it (x's 300 rows, not the loop's 256). Only x is prefetched: t is written
// by the loop, and g is not read at the row.
// CHECK-LABEL: func.func @short_rows_ahead
// CHECK: scf.parallel (%[[ROW:.+]]) =
// CHECK-NEXT: %[[AHEAD:.+]] = arith.constant 32 : index
// CHECK-NEXT: %[[NEXT:.+]] = arith.addi %[[ROW]], %[[AHEAD]] : index
// CHECK-NEXT: %[[ROWS:.+]] = arith.constant 300 : index
// CHECK-NEXT: arith.cmpi slt, %[[NEXT]], %[[ROWS]] : index
// CHECK: %[[LINE:.+]] = arith.constant 32 : index
// CHECK-NEXT: scf.for %[[AT:.+]] = %{{.+}} to %{{.+}} step %[[LINE]] {
// CHECK-NEXT: memref.prefetch %arg0[%[[NEXT]], %[[AT]]], read, locality<3>, data : memref<300x64xf16>
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @short_rows_ahead(%x: memref<300x64xf16>, %g: memref<64xf16>, %t: memref<256x64xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  scf.parallel (%i) = (%c0) to (%c256) step (%c1) {
    scf.for %j = %c0 to %c64 step %c1 {
      %v = memref.load %x[%i, %j] : memref<300x64xf16>
      %w = memref.load %g[%j] : memref<64xf16>
      %e = math.exp %v : f16
      %s = arith.addf %e, %w : f16
      memref.store %s, %t[%i, %j] : memref<256x64xf16>
    }
    scf.for %j = %c0 to %c64 step %c1 {
      %v = memref.load %t[%i, %j] : memref<256x64xf16>
      %d = arith.mulf %v, %v : f16
      memref.store %d, %t[%i, %j] : memref<256x64xf16>
    }
    scf.reduce
  }
  return
}

// -----

// A row loop without transcendental functions (layer_norm's statistics and output) streams its
// rows at the memory bandwidth: nothing is prefetched.
// CHECK-LABEL: func.func @no_transcendentals
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @no_transcendentals(%x: memref<64x1024xf32>, %s: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    scf.for %j = %c0 to %c1024 step %c1 {
      %v = memref.load %x[%i, %j] : memref<64x1024xf32>
      %a = memref.load %s[%i] : memref<64xf32>
      %b = arith.addf %v, %a : f32
      memref.store %b, %s[%i] : memref<64xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Rows under two indices ([n, r] of [2, 40, 2048]) fuse row by row like a matrix's: the
// statistics' initialization, the reduction and the exponentials become one loop over (n, r),
// and the row ahead is prefetched within the same n (40 rows of 8 KB: a block would not stay in
// L2).
// CHECK-LABEL: func.func @rows_under_two_indices
// CHECK:       scf.parallel (%[[N:.+]], %[[R:.+]]) = (%c0, %c0) to (%c2, %c40)
// CHECK:         %[[NEXT:.+]] = arith.addi %[[R]], %{{.+}} : index
// CHECK-NEXT:    %[[ROWS:.+]] = arith.constant 40 : index
// CHECK-NEXT:    arith.cmpi slt, %[[NEXT]], %[[ROWS]] : index
// CHECK:         memref.prefetch %arg0[%[[N]], %[[NEXT]], %{{.+}}], read
// CHECK:         memref.store %{{.+}}, %[[MAX:.+]][%[[N]], %[[R]]]
// CHECK:         scf.for {{.+}} iter_args
// CHECK:           arith.maximumf
// CHECK:         scf.parallel (%[[C:.+]]) = (%c0) to (%c2048)
// CHECK:           math.exp
// CHECK:           memref.store %{{.+}}, %arg1[%[[N]], %[[R]], %[[C]]]
// CHECK-NOT:   scf.parallel (%{{.+}}, %{{.+}}) =
// CHECK:       return
func.func @rows_under_two_indices(%x: memref<2x40x2048xf32>, %y: memref<2x40x2048xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c40 = arith.constant 40 : index
  %c2048 = arith.constant 2048 : index
  %lowest = arith.constant 0xFF800000 : f32
  %max = memref.alloc() : memref<2x40xf32>
  scf.parallel (%n, %r) = (%c0, %c0) to (%c2, %c40) step (%c1, %c1) {
    memref.store %lowest, %max[%n, %r] : memref<2x40xf32>
    scf.reduce
  }
  scf.parallel (%n, %r) = (%c0, %c0) to (%c2, %c40) step (%c1, %c1) {
    scf.for %c = %c0 to %c2048 step %c1 {
      %v = memref.load %x[%n, %r, %c] : memref<2x40x2048xf32>
      %m = memref.load %max[%n, %r] : memref<2x40xf32>
      %u = arith.maximumf %v, %m : f32
      memref.store %u, %max[%n, %r] : memref<2x40xf32>
    }
    scf.reduce
  }
  scf.parallel (%n, %r, %c) = (%c0, %c0, %c0) to (%c2, %c40, %c2048) step (%c1, %c1, %c1) {
    %v = memref.load %x[%n, %r, %c] : memref<2x40x2048xf32>
    %m = memref.load %max[%n, %r] : memref<2x40xf32>
    %d = arith.subf %v, %m : f32
    %e = math.exp %d : f32
    memref.store %e, %y[%n, %r, %c] : memref<2x40x2048xf32>
    scf.reduce
  }
  return
}

// -----

// Short rows in blocks that stay in L2 ([n, h] of [8, 12, 128, 128] f32: 64 KB, attention
// scores' heads) fuse by block, not by row: each pass over a block overlaps independent rows.
// A loop that reads the statistics of another block ([n, 11 - h, r]) is not fused.
// CHECK-LABEL: func.func @blocks_of_short_rows
// CHECK:       scf.parallel (%[[N:.+]], %[[H:.+]]) = (%c0, %c0) to (%c8, %c12)
// CHECK-NEXT:    scf.parallel (%[[R:.+]]) = (%c0) to (%c128)
// CHECK-NEXT:      memref.store %{{.+}}, %[[MAX:.+]][%[[N]], %[[H]], %[[R]]]
// CHECK:         scf.parallel (%[[R2:.+]]) = (%c0) to (%c128)
// CHECK-NEXT:      scf.for
// CHECK:         scf.parallel (%{{.+}}, %{{.+}}) = (%c0, %c0) to (%c128, %c128)
// CHECK:           math.exp
// CHECK-NOT:     memref.prefetch
// CHECK:       scf.parallel (%{{.+}}, %{{.+}}, %{{.+}}) = (%c0, %c0, %c0) to (%c8, %c12, %c128)
// CHECK:       return
func.func @blocks_of_short_rows(%x: memref<8x12x128x128xf32>, %y: memref<8x12x128x128xf32>,
                                %z: memref<8x128x12xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c12 = arith.constant 12 : index
  %c128 = arith.constant 128 : index
  %lowest = arith.constant 0xFF800000 : f32
  %max = memref.alloc() : memref<8x12x128xf32>
  scf.parallel (%n, %h, %r) = (%c0, %c0, %c0) to (%c8, %c12, %c128) step (%c1, %c1, %c1) {
    memref.store %lowest, %max[%n, %h, %r] : memref<8x12x128xf32>
    scf.reduce
  }
  scf.parallel (%n, %h, %r) = (%c0, %c0, %c0) to (%c8, %c12, %c128) step (%c1, %c1, %c1) {
    scf.for %c = %c0 to %c128 step %c1 {
      %v = memref.load %x[%n, %h, %r, %c] : memref<8x12x128x128xf32>
      %m = memref.load %max[%n, %h, %r] : memref<8x12x128xf32>
      %u = arith.maximumf %v, %m : f32
      memref.store %u, %max[%n, %h, %r] : memref<8x12x128xf32>
    }
    scf.reduce
  }
  scf.parallel (%n, %h, %r, %c) = (%c0, %c0, %c0, %c0) to (%c8, %c12, %c128, %c128) step (%c1, %c1, %c1, %c1) {
    %v = memref.load %x[%n, %h, %r, %c] : memref<8x12x128x128xf32>
    %m = memref.load %max[%n, %h, %r] : memref<8x12x128xf32>
    %d = arith.subf %v, %m : f32
    %e = math.exp %d : f32
    memref.store %e, %y[%n, %h, %r, %c] : memref<8x12x128x128xf32>
    scf.reduce
  }
  scf.parallel (%n, %h, %r) = (%c0, %c0, %c0) to (%c8, %c12, %c128) step (%c1, %c1, %c1) {
    %c11 = arith.constant 11 : index
    %other = arith.subi %c11, %h : index
    %m = memref.load %max[%n, %other, %r] : memref<8x12x128xf32>
    memref.store %m, %z[%n, %r, %h] : memref<8x128x12xf32>
    scf.reduce
  }
  return
}

// -----

// Not row-local: the second loop reads %t with the row indices one position later than the
// first writes them ([n, r, c] against [0, n, r]), and the third reads what the second writes
// through an index computed inside the loop ([3 - n, r]). Nothing is fused, neither by (n, r)
// nor by n alone.
// CHECK-LABEL: func.func @rows_at_other_positions
// CHECK-COUNT-3: scf.parallel (%{{.+}}, %{{.+}}) =
// CHECK-NOT:   scf.parallel
// CHECK:       return
func.func @rows_at_other_positions(%x: memref<4x8x16xf32>, %t: memref<4x8x16xf32>,
                                   %y: memref<4x8xf32>, %z: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%n, %r) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    scf.for %c = %c0 to %c16 step %c1 {
      %v = memref.load %x[%n, %r, %c] : memref<4x8x16xf32>
      memref.store %v, %t[%n, %r, %c] : memref<4x8x16xf32>
    }
    scf.reduce
  }
  scf.parallel (%n, %r) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %t[%c0, %n, %r] : memref<4x8x16xf32>
    memref.store %v, %y[%n, %r] : memref<4x8xf32>
    scf.reduce
  }
  scf.parallel (%n, %r) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %other = arith.subi %c3, %n : index
    %v = memref.load %y[%other, %r] : memref<4x8xf32>
    memref.store %v, %z[%n, %r] : memref<4x8xf32>
    scf.reduce
  }
  return
}
