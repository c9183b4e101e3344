// RUN: kiln-opt %s --kiln-packed-matmul="vector-bits=256 mr=6 direct-a-panels=0" --canonicalize --cse | FileCheck %s
// RUN: kiln-opt %s --kiln-packed-matmul="vector-bits=256 mr=6 mc=6 direct-a-panels=0" --canonicalize --cse | FileCheck %s --check-prefix=MC
// RUN: kiln-opt %s --kiln-lower-to-llvm="vector-bits=256" | FileCheck %s --check-prefix=LLVM
// RUN: kiln-opt %s --kiln-packed-matmul="vector-bits=256 mr=6 kc=8 direct-a-panels=0" --canonicalize --cse | FileCheck %s --check-prefix=EPI
// RUN: kiln-opt %s --kiln-packed-matmul="vector-bits=256 mr=6" --canonicalize --cse | FileCheck %s --check-prefix=DIRECT
// RUN: kiln-opt %s --kiln-packed-matmul="vector-bits=256 mr=6 kc=4" --canonicalize --cse | FileCheck %s --check-prefix=PASSES
// RUN: kiln-opt %s --kiln-packed-matmul="vector-bits=256 mr=6 mc=6 kc=4" --canonicalize --cse | FileCheck %s --check-prefix=OWN
// RUN: kiln-opt %s --kiln-packed-matmul="vector-bits=256 mr=6 mc=12 kc=4" --canonicalize --cse | FileCheck %s --check-prefix=EVEN

// The global that @constant_b (at the end) packs its weights into comes first in the module.
// DIRECT: memref.global "private" constant @__kiln_packed_b : memref<1x2x16xf32> = dense_resource<__kiln_packed_b> {alignment = 64 : i64}

// 20x8 * 8x40 with a 6x16 micro-kernel of 8-lane vectors: B packs into three 8x16 panels
// (the last one zero-padded, one panel per parallel iteration), A into one block of four
// 6-row panels (20 rows padded to 24), and the micro-kernel carries 6 x 2 accumulators
// through the k loop, one FMA each per step.
// CHECK-LABEL: func.func @ragged
// CHECK-DAG: %[[PB:.+]] = memref.alloc() {alignment = 64 : i64} : memref<3x8x16xf32>
// CHECK-DAG: %[[PA:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x8x6xf32>
// CHECK: scf.parallel
// CHECK: vector.transfer_read %arg1{{.*}} : memref<8x40xf32>, vector<8xf32>
// CHECK: vector.store {{.*}}, %[[PB]]
// CHECK-COUNT-6: memref.store {{.*}}, %[[PA]][%c0,
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK-COUNT-2: vector.load %[[PB]]
// CHECK: memref.load %[[PA]]
// CHECK-NEXT: vector.broadcast
// CHECK-NEXT: vector.fma
// CHECK-NEXT: vector.fma
// CHECK-COUNT-10: vector.fma
// CHECK: scf.yield
// Rows past 20 are skipped, columns past 40 masked (transfer ops not marked in_bounds).
// CHECK: scf.if
// CHECK: vector.transfer_read %arg2
// CHECK-NOT: in_bounds
// CHECK: vector.transfer_write {{.*}}, %arg2
// CHECK-NOT: linalg.matmul
// CHECK-DAG: memref.dealloc %[[PA]]
// CHECK-DAG: memref.dealloc %[[PB]]
// LLVM-LABEL: llvm.func @ragged
// LLVM: llvm.intr.masked.load
// LLVM: llvm.intr.fmuladd
// LLVM: llvm.intr.masked.store
func.func @ragged(%a: memref<20x8xf32>, %b: memref<8x40xf32>, %c: memref<20x40xf32>) {
  linalg.matmul ins(%a, %b : memref<20x8xf32>, memref<8x40xf32>) outs(%c : memref<20x40xf32>)
  return
}

// Whole tiles need neither the row guard nor masks.
// CHECK-LABEL: func.func @whole_tiles
// CHECK-NOT: scf.if
// CHECK: vector.transfer_write {{.*}} {in_bounds = [true]}
// CHECK-NOT: linalg.matmul
func.func @whole_tiles(%a: memref<12x4xf32>, %b: memref<4x32xf32>, %c: memref<12x32xf32>) {
  linalg.matmul ins(%a, %b : memref<12x4xf32>, memref<4x32xf32>) outs(%c : memref<12x32xf32>)
  return
}

// Row blocks (mc = 6 here) are the iterations of a parallel loop, each with its own packed
// block of A, so that threads can share them.
// MC-LABEL: func.func @row_blocks
// MC: %[[PA:.+]] = memref.alloc() {alignment = 64 : i64} : memref<4x1x8x6xf32>
// MC: scf.parallel (%[[BLOCK:.+]]) = (%{{.+}}) to (%{{.+}}) step
// MC: memref.store {{.*}}, %[[PA]][%[[BLOCK]],
// MC: vector.fma
func.func @row_blocks(%a: memref<24x8xf32>, %b: memref<8x16xf32>, %c: memref<24x16xf32>) {
  linalg.matmul ins(%a, %b : memref<24x8xf32>, memref<8x16xf32>) outs(%c : memref<24x16xf32>)
  return
}

// i8 x i8 -> i32: operands are sign-extended once, when packed, and the micro-kernel
// multiplies and adds in i32.
// CHECK-LABEL: func.func @int8
// CHECK-DAG: memref.alloc() {alignment = 64 : i64} : memref<1x4x16xi32>
// CHECK-DAG: memref.alloc() {alignment = 64 : i64} : memref<1x1x4x6xi32>
// CHECK: vector.transfer_read %arg1{{.*}} : memref<4x16xi8>, vector<8xi8>
// CHECK: arith.extsi {{.*}} : vector<8xi8> to vector<8xi32>
// CHECK: memref.load %arg0{{.*}} : memref<6x4xi8>
// CHECK: arith.extsi {{.*}} : i8 to i32
// CHECK: scf.for {{.*}} -> (vector<8xi32>,
// CHECK: arith.muli {{.*}} : vector<8xi32>
// CHECK-NEXT: arith.addi {{.*}} : vector<8xi32>
// CHECK-NOT: linalg.matmul
func.func @int8(%a: memref<6x4xi8>, %b: memref<4x16xi8>, %c: memref<6x16xi32>) {
  linalg.matmul ins(%a, %b : memref<6x4xi8>, memref<4x16xi8>) outs(%c : memref<6x16xi32>)
  return
}

// Other element types, and unsigned integer products, keep the generic lowering.
// CHECK-LABEL: func.func @float64
// CHECK: linalg.matmul
func.func @float64(%a: memref<4x4xf64>, %b: memref<4x4xf64>, %c: memref<4x4xf64>) {
  linalg.matmul ins(%a, %b : memref<4x4xf64>, memref<4x4xf64>) outs(%c : memref<4x4xf64>)
  return
}
// CHECK-LABEL: func.func @unsigned
// CHECK: linalg.matmul
func.func @unsigned(%a: memref<4x4xi8>, %b: memref<4x4xi8>, %c: memref<4x4xi32>) {
  linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%a, %b : memref<4x4xi8>, memref<4x4xi8>) outs(%c : memref<4x4xi32>)
  return
}

// A batch of matrices with one row block each (m <= mc) is split across threads: each
// matrix gets panels of its own (an outer dimension of the panel buffers) and is a strided
// view at the batch index.
// CHECK-LABEL: func.func @batched
// CHECK: %[[PB:.+]] = memref.alloc() {alignment = 64 : i64} : memref<3x1x16x16xf32>
// CHECK: %[[PA:.+]] = memref.alloc() {alignment = 64 : i64} : memref<3x1x2x16x6xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0) to (%c3) step (%c1) {
// CHECK:   memref.subview %arg0[%[[I]], 0, 0] [1, 12, 16] [1, 1, 1] : memref<3x12x16xf32> to memref<12x16xf32, strided<[16, 1], offset: ?>>
// CHECK:   memref.subview %arg1[%[[I]], 0, 0] [1, 16, 16] [1, 1, 1] : memref<3x16x16xf32> to memref<16x16xf32, strided<[16, 1], offset: ?>>
// CHECK:   memref.subview %arg2[%[[I]], 0, 0] [1, 12, 16] [1, 1, 1] : memref<3x12x16xf32> to memref<12x16xf32, strided<[16, 1], offset: ?>>
// CHECK:   memref.subview %[[PB]][%[[I]], 0, 0, 0]
// CHECK:   memref.subview %[[PA]][%[[I]], 0, 0, 0, 0]
// CHECK:   vector.fma
// CHECK: memref.dealloc %[[PA]]
// CHECK: memref.dealloc %[[PB]]
// CHECK-NOT: linalg.batch_matmul
func.func @batched(%a: memref<3x12x16xf32>, %b: memref<3x16x16xf32>, %c: memref<3x12x16xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x12x16xf32>, memref<3x16x16xf32>) outs(%c : memref<3x12x16xf32>)
  return
}

// Matrices of several row blocks (m = 150 > mc = 144) use their own threads: the batch runs
// in turn, with one set of panels allocated before the loop.
// CHECK-LABEL: func.func @batched_tall
// CHECK: %[[PB:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x16x16xf32>
// CHECK: %[[PA:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x13x16x6xf32>
// CHECK: scf.for %[[I:.+]] = %c0 to %c2 step %c1 {
// CHECK:   memref.subview %arg0[%[[I]], 0, 0] [1, 150, 16] [1, 1, 1]
// CHECK:   scf.parallel
// CHECK: memref.dealloc %[[PA]]
// CHECK: memref.dealloc %[[PB]]
func.func @batched_tall(%a: memref<2x150x16xf32>, %b: memref<2x16x16xf32>, %c: memref<2x150x16xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<2x150x16xf32>, memref<2x16x16xf32>) outs(%c : memref<2x150x16xf32>)
  return
}

// B^T (n x k) is packed column by column: each panel column is a row of B^T read along k,
// zero past the last column. A^T packs with the indices swapped.
// CHECK-LABEL: func.func @transposed
// CHECK: scf.for %[[J:.+]] = %c0 to %c16 step %c1 {
// CHECK:   %[[IN:.+]] = arith.cmpi ult, %{{.+}}, %c13 : index
// CHECK:   scf.for %[[KK:.+]] =
// CHECK:     %[[V:.+]] = memref.load %arg1[%{{.+}}, %{{.+}}] : memref<13x16xf32>
// CHECK:     %[[S:.+]] = arith.select %[[IN]], %[[V]], %{{.+}} : f32
// CHECK:     memref.store %[[S]], %{{.+}}[%{{.+}}, %[[KK]], %[[J]]] : memref<1x16x16xf32>
// CHECK: vector.fma
// CHECK-NOT: linalg.matmul
#at = affine_map<(m, n, k) -> (k, m)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @transposed(%a: memref<16x12xf32>, %b: memref<13x16xf32>, %c: memref<12x13xf32>) {
  linalg.matmul indexing_maps = [#at, #bt, #c] ins(%a, %b : memref<16x12xf32>, memref<13x16xf32>) outs(%c : memref<12x13xf32>)
  return
}

// An elementwise generic that reads the matmul's own buffer becomes the epilogue of its tiles:
// on the last pass over k (pc + kc == k) the sums go through the payload on vectors, the bias
// read as a vector along the columns, straight into Y; earlier passes (kc = 8 here) add into C.
// The generic goes away; Y's allocation moves above the kernel. With k in one pass (the default
// kc), the branch folds away and C is never written. C's fill of zeros goes too: the first pass
// stores its sums into C without reading it.
// CHECK-LABEL: func.func @epilogue
// CHECK-NOT: linalg.generic
// CHECK: return
// EPI-LABEL: func.func @epilogue
// EPI: %[[C:.+]] = memref.alloc() : memref<12x16xf32>
// EPI-NOT: linalg.fill
// EPI: %[[Y:.+]] = memref.alloc() : memref<12x16xf32>
// EPI: %[[FIRST:.+]] = arith.cmpi eq, %{{.+}}, %c0 : index
// EPI: scf.if %[[FIRST]] {
// EPI-NOT: vector.transfer_read
// EPI:   vector.transfer_write %{{.+}}, %[[C]][%{{.+}}, %{{.+}}] {in_bounds = [true]} : vector<8xf32>, memref<12x16xf32>
// EPI-NOT: vector.transfer_read
// EPI: } else {
// EPI: %[[LAST:.+]] = arith.cmpi eq, %{{.+}}, %c24 : index
// EPI: scf.if %[[LAST]] {
// EPI:   %[[BIAS:.+]] = vector.transfer_read %arg2[%{{.+}}], %{{.+}} {in_bounds = [true]} : memref<16xf32>, vector<8xf32>
// EPI:   %[[SUM:.+]] = arith.addf %{{.+}}, %[[BIAS]] : vector<8xf32>
// EPI:   %[[RELU:.+]] = arith.maximumf %[[SUM]], %{{.+}} : vector<8xf32>
// EPI:   vector.transfer_write %[[RELU]], %[[Y]][%{{.+}}, %{{.+}}] {in_bounds = [true]} : vector<8xf32>, memref<12x16xf32>
// EPI: } else {
// EPI:   vector.transfer_write %{{.+}}, %[[C]][%{{.+}}, %{{.+}}] {in_bounds = [true]} : vector<8xf32>, memref<12x16xf32>
// EPI: }
// EPI-NOT: linalg.generic
// EPI: return %[[Y]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @epilogue(%a: memref<12x24xf32>, %b: memref<24x16xf32>, %bias: memref<16xf32>) -> memref<12x16xf32> {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<12x16xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<12x16xf32>)
  linalg.matmul ins(%a, %b : memref<12x24xf32>, memref<24x16xf32>) outs(%c : memref<12x16xf32>)
  %y = memref.alloc() : memref<12x16xf32>
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<12x16xf32>, memref<16xf32>) outs(%y : memref<12x16xf32>) {
  ^bb0(%x: f32, %v: f32, %out: f32):
    %s = arith.addf %x, %v : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<12x16xf32>
  return %y : memref<12x16xf32>
}

// A costly epilogue (here erf; GELU's erfc, SiLU's sigmoid) is not applied to the whole tile
// at once: the sums go to the tile's slot of a staging buffer (one slot per row block: 20
// rows, mr = 6, mc = 6 give 4 blocks), and a loop over the tile's rows (fewer than 6 in the last
// tile) applies the epilogue to one row's vectors at a time.
// MC-LABEL: func.func @costly_epilogue
// MC: %[[STAGING:.+]] = memref.alloc() {alignment = 64 : i64} : memref<4x6x16xf32>
// MC: scf.parallel (%[[BLOCK:.+]]) =
// MC-COUNT-12: vector.store %{{.+}}, %[[STAGING]][%[[BLOCK]],
// MC: %[[LEFT:.+]] = arith.subi %c20, %[[ROW0:.+]] : index
// MC: %[[ROWS:.+]] = arith.minsi %[[LEFT]], %c6 : index
// MC: scf.for %[[R:.+]] = %c0 to %[[ROWS]] step %c1 {
// MC: %[[V:.+]] = vector.load %[[STAGING]][%[[BLOCK]], %[[R]], %c0] : memref<4x6x16xf32>, vector<8xf32>
// MC: math.erf %[[V]] : vector<8xf32>
// MC: vector.transfer_write
// MC: vector.load %[[STAGING]][%[[BLOCK]], %[[R]], %c8]
// MC: math.erf
// MC: memref.dealloc %[[STAGING]]
func.func @costly_epilogue(%a: memref<20x8xf32>, %b: memref<8x16xf32>) -> memref<20x16xf32> {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<20x16xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<20x16xf32>)
  linalg.matmul ins(%a, %b : memref<20x8xf32>, memref<8x16xf32>) outs(%c : memref<20x16xf32>)
  %y = memref.alloc() : memref<20x16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<20x16xf32>) outs(%y : memref<20x16xf32>) {
  ^bb0(%x: f32, %out: f32):
    %e = math.erf %x : f32
    linalg.yield %e : f32
  }
  memref.dealloc %c : memref<20x16xf32>
  return %y : memref<20x16xf32>
}

// A 1x1 convolution's bias, residual and activation come as a generic over the NHWC output,
// an expand_shape of C that splits its rows into pixels: it is the epilogue all the same, its
// N-D operands (the residual, Y) read and written through 2-D views of the same rows.
// CHECK-LABEL: func.func @conv_epilogue
// CHECK-DAG: %[[Y2:.+]] = memref.collapse_shape %[[Y:.+]] {{\[\[}}0, 1, 2], [3]] : memref<1x3x4x16xf32> into memref<12x16xf32>
// CHECK-DAG: %[[R2:.+]] = memref.collapse_shape %arg3 {{\[\[}}0, 1, 2], [3]] : memref<1x3x4x16xf32> into memref<12x16xf32>
// CHECK: vector.fma
// CHECK: %[[RES:.+]] = vector.transfer_read %[[R2]][%{{.+}}, %{{.+}}], %{{.+}} {in_bounds = [true]} : memref<12x16xf32>, vector<8xf32>
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: vector.transfer_write %{{.+}}, %[[Y2]][%{{.+}}, %{{.+}}] {in_bounds = [true]} : vector<8xf32>, memref<12x16xf32>
// CHECK-NOT: linalg.generic
// CHECK-NOT: memref.expand_shape
// CHECK: return %[[Y]]
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#channel = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @conv_epilogue(%x: memref<12x24xf32>, %w: memref<24x16xf32>, %bias: memref<16xf32>,
                         %residual: memref<1x3x4x16xf32>) -> memref<1x3x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<12x16xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<12x16xf32>)
  linalg.matmul ins(%x, %w : memref<12x24xf32>, memref<24x16xf32>) outs(%c : memref<12x16xf32>)
  %nhwc = memref.expand_shape %c [[0, 1, 2], [3]] output_shape [1, 3, 4, 16] : memref<12x16xf32> into memref<1x3x4x16xf32>
  %y = memref.alloc() : memref<1x3x4x16xf32>
  linalg.generic {indexing_maps = [#id4, #channel, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%nhwc, %bias, %residual : memref<1x3x4x16xf32>, memref<16xf32>, memref<1x3x4x16xf32>) outs(%y : memref<1x3x4x16xf32>) {
  ^bb0(%v: f32, %b: f32, %r: f32, %out: f32):
    %s = arith.addf %v, %b : f32
    %t = arith.addf %s, %r : f32
    %u = arith.maximumf %t, %zero : f32
    linalg.yield %u : f32
  }
  memref.dealloc %c : memref<12x16xf32>
  return %y : memref<1x3x4x16xf32>
}

// A generic that reads C transposed is not an epilogue: it stays, after the kernel.
// CHECK-LABEL: func.func @not_epilogue
// CHECK: vector.fma
// CHECK: linalg.generic
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @not_epilogue(%a: memref<16x24xf32>, %b: memref<24x16xf32>, %y: memref<16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<16x16xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<16x16xf32>)
  linalg.matmul ins(%a, %b : memref<16x24xf32>, memref<24x16xf32>) outs(%c : memref<16x16xf32>)
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<16x16xf32>) outs(%y : memref<16x16xf32>) {
  ^bb0(%x: f32, %out: f32):
    linalg.yield %x : f32
  }
  memref.dealloc %c : memref<16x16xf32>
  return
}

// With at most two column panels of B (direct-a-panels, the default), A is read where it is:
// no packed block of A, and the micro-kernel broadcasts A's elements from A's own rows, the
// rows past the end (20 is not a multiple of 6) clamped to the last.
// With several row blocks (150 rows > mc = 144), A is read in place however many column
// panels B has (four here); one row block shared by four panels packs A.
// DIRECT-LABEL: func.func @direct_a_row_blocks
// DIRECT-NOT: memref.alloc() {alignment = 64 : i64} : memref<2x
// DIRECT: memref.load %arg0[
// DIRECT-NEXT: vector.broadcast
// DIRECT-LABEL: func.func @packed_a_one_block
// DIRECT: memref.alloc() {alignment = 64 : i64} : memref<1x4x8x6xf32>
func.func @direct_a_row_blocks(%a: memref<150x8xf32>, %b: memref<8x64xf32>, %c: memref<150x64xf32>) {
  linalg.matmul ins(%a, %b : memref<150x8xf32>, memref<8x64xf32>) outs(%c : memref<150x64xf32>)
  return
}
func.func @packed_a_one_block(%a: memref<20x8xf32>, %b: memref<8x64xf32>, %c: memref<20x64xf32>) {
  linalg.matmul ins(%a, %b : memref<20x8xf32>, memref<8x64xf32>) outs(%c : memref<20x64xf32>)
  return
}

// DIRECT-LABEL: func.func @direct_a
// DIRECT-NOT: memref<1x4x8x6xf32>
// DIRECT: %[[PB:.+]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x16xf32>
// DIRECT-COUNT-6: arith.minsi {{.*}}, %c19
// DIRECT: scf.for
// DIRECT-COUNT-2: vector.load %[[PB]]
// DIRECT: memref.load %arg0[
// DIRECT-NEXT: vector.broadcast
// DIRECT-NEXT: vector.fma
func.func @direct_a(%a: memref<20x8xf32>, %b: memref<8x32xf32>, %c: memref<20x32xf32>) {
  linalg.matmul ins(%a, %b : memref<20x8xf32>, memref<8x32xf32>) outs(%c : memref<20x32xf32>)
  return
}

// A constant B (a weight) is packed at build time into a global of ceil(N / NR) x K x NR
// panels, zero past the last column: here 2 x 3 into 1 x 2 x 16, rows [1 2 3 0...] and
// [4 5 6 0...]. Nothing packs B at run time, the micro-kernel reads the global's panel of its
// columns at its row of K, and the original global goes.
// DIRECT-LABEL: func.func @constant_b
// DIRECT-NOT: memref.get_global @weights
// DIRECT: %[[W:.+]] = memref.get_global @__kiln_packed_b : memref<1x2x16xf32>
// DIRECT-NOT: vector.store
// DIRECT: scf.for
// DIRECT-COUNT-2: vector.load %[[W]]
// DIRECT: vector.fma
// DIRECT-NOT: memref.dealloc %[[W]]
memref.global "private" constant @weights : memref<2x3xf32> = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]>
func.func @constant_b(%a: memref<6x2xf32>, %c: memref<6x3xf32>) {
  %b = memref.get_global @weights : memref<2x3xf32>
  linalg.matmul ins(%a, %b : memref<6x2xf32>, memref<2x3xf32>) outs(%c : memref<6x3xf32>)
  return
}

// With several panels packed at build time, each step of the k loop also asks for the same
// row of the next panel (the last panel asks for itself), which comes from memory while this
// panel's tiles run.
// DIRECT-LABEL: func.func @constant_b_prefetch
// DIRECT: %[[W:.+]] = memref.get_global @__kiln_packed_b_0 : memref<2x2x16xf32>
// DIRECT: scf.parallel (%[[JR:.+]]) =
// DIRECT: %[[PANEL:.+]] = arith.divui %[[JR]], %c16
// DIRECT: %[[AFTER:.+]] = arith.addi %[[PANEL]], %c1
// DIRECT: %[[NEXT:.+]] = arith.minsi %[[AFTER]], %c1
// DIRECT: scf.for %[[KK:.+]] = %c0 to %c2
// DIRECT-COUNT-2: vector.load %[[W]][%[[PANEL]], %[[KK]]
// DIRECT-NEXT: memref.prefetch %[[W]][%[[NEXT]], %[[KK]], %c0], read, locality<1>, data
// DIRECT-NEXT: memref.prefetch %[[W]][%[[NEXT]], %[[KK]], %c8], read, locality<1>, data
// @constant_b's packed weights (the module's resources come after every function):
// DIRECT: return
// DIRECT-NOT: memref.global "private" constant @weights
// DIRECT: __kiln_packed_b: "0x040000000000803F000000400000404000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000080400000A0400000C04000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
memref.global "private" constant @wide_weights : memref<2x17xf32> = dense<1.0>
func.func @constant_b_prefetch(%a: memref<6x2xf32>, %c: memref<6x17xf32>) {
  %b = memref.get_global @wide_weights : memref<2x17xf32>
  linalg.matmul ins(%a, %b : memref<6x2xf32>, memref<2x17xf32>) outs(%c : memref<6x17xf32>)
  return
}

// One row block over a constant B of several passes over k (kc = 4 here: 4, 4 and 2): A is
// packed once, a block per pass, before one parallel loop over B's column panels, each of
// which runs every pass; the micro-kernel reads the pass's block of A and the whole B's rows
// from the pass's start.
// PASSES-LABEL: func.func @constant_b_passes
// PASSES: %[[W:.+]] = memref.get_global @__kiln_packed_b{{.*}} : memref<3x10x16xf32>
// PASSES: %[[PA:.+]] = memref.alloc() {alignment = 64 : i64} : memref<3x2x4x6xf32>
// PASSES: scf.for %[[PASS:.+]] = %c0 to %c3
// PASSES: memref.store {{.*}}, %[[PA]][%[[PASS]],
// PASSES-NOT: scf.parallel
// PASSES: scf.parallel (%[[JR:.+]]) = (%c0) to (%c48) step (%c16)
// PASSES-NEXT: scf.for %[[P:.+]] = %c0 to %c3
// PASSES-NEXT: %[[PC:.+]] = arith.muli %[[P]], %c4
// PASSES-NOT: scf.parallel
// PASSES: scf.for %[[KK:.+]] = %c0 to %{{.+}} step %c1 iter_args
// PASSES-NEXT: %[[ROW:.+]] = arith.addi %[[PC]], %[[KK]]
// PASSES-NEXT: vector.load %[[W]][%{{.+}}, %[[ROW]], %c0]
// PASSES: memref.load %[[PA]][%[[P]], %{{.+}}, %[[KK]], %c0]
// PASSES: memref.dealloc %[[PA]]
memref.global "private" constant @deep_weights : memref<10x48xf32> = dense<1.0>
func.func @constant_b_passes(%a: memref<12x10xf32>, %c: memref<12x48xf32>) {
  %b = memref.get_global @deep_weights : memref<10x48xf32>
  linalg.matmul ins(%a, %b : memref<12x10xf32>, memref<10x48xf32>) outs(%c : memref<12x48xf32>)
  return
}

// Several row blocks over a constant B: each iteration of the parallel loop runs every pass
// over k on its tiles. With B at least as wide as A is tall (48 columns, 12 rows), the
// iterations are (column panel, row block) pairs, panels outermost; a narrower B (16 columns,
// 24 rows) leaves the row blocks alone.
// OWN-LABEL: func.func @constant_b_row_blocks_wide
// OWN: scf.parallel (%[[JR:.+]], %[[BLOCK:.+]]) = (%c0, %c0) to (%c48, %c2) step (%c16, %c1)
// OWN: scf.for %[[PC:.+]] = %c0 to %c10 step %c4
// OWN-NOT: scf.parallel
// OWN: scf.for %{{.+}} = %c0 to %{{.+}} step %c6
// OWN: %[[PANEL:.+]] = arith.divui %[[JR]], %c16
// OWN: vector.load %{{.+}}[%[[PANEL]],
// OWN: vector.transfer_write {{.*}}[%{{.+}}, %[[JR]]]
// OWN: scf.reduce
// OWN-LABEL: func.func @constant_b_row_blocks_tall
// OWN: scf.parallel (%[[BLOCK:.+]]) = (%c0) to (%c4) step (%c1)
// OWN: scf.for %{{.+}} = %c0 to %c10 step %c4
// OWN-NOT: scf.parallel
// OWN: scf.reduce
memref.global "private" constant @wide_deep_weights : memref<10x48xf32> = dense<1.0>
func.func @constant_b_row_blocks_wide(%a: memref<12x10xf32>, %c: memref<12x48xf32>) {
  %b = memref.get_global @wide_deep_weights : memref<10x48xf32>
  linalg.matmul ins(%a, %b : memref<12x10xf32>, memref<10x48xf32>) outs(%c : memref<12x48xf32>)
  return
}
memref.global "private" constant @narrow_deep_weights : memref<10x16xf32> = dense<1.0>
func.func @constant_b_row_blocks_tall(%a: memref<24x10xf32>, %c: memref<24x16xf32>) {
  %b = memref.get_global @narrow_deep_weights : memref<10x16xf32>
  linalg.matmul ins(%a, %b : memref<24x10xf32>, memref<10x16xf32>) outs(%c : memref<24x16xf32>)
  return
}

// A costly epilogue when the threads share (column panel, row block) pairs: a staging slot per
// pair (2 row blocks x 3 panels), slot = block * 3 + panel.
// OWN-LABEL: func.func @costly_epilogue_shared_columns
// OWN: %[[STAGING:.+]] = memref.alloc() {alignment = 64 : i64} : memref<6x6x16xf32>
// OWN: scf.parallel (%[[JR:.+]], %[[BLOCK:.+]]) = (%c0, %c0) to (%c48, %c2) step (%c16, %c1)
// OWN: %[[PANEL:.+]] = arith.divui %[[JR]], %c16
// OWN: %[[FIRST:.+]] = arith.muli %[[BLOCK]], %c3
// OWN-NEXT: %[[SLOT:.+]] = arith.addi %[[FIRST]], %[[PANEL]]
// OWN: vector.store %{{.+}}, %[[STAGING]][%[[SLOT]],
// OWN: math.erf
// OWN: memref.dealloc %[[STAGING]]
memref.global "private" constant @erf_weights : memref<8x48xf32> = dense<0.5>
func.func @costly_epilogue_shared_columns(%a: memref<12x8xf32>) -> memref<12x48xf32> {
  %zero = arith.constant 0.0 : f32
  %b = memref.get_global @erf_weights : memref<8x48xf32>
  %c = memref.alloc() : memref<12x48xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<12x48xf32>)
  linalg.matmul ins(%a, %b : memref<12x8xf32>, memref<8x48xf32>) outs(%c : memref<12x48xf32>)
  %y = memref.alloc() : memref<12x48xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<12x48xf32>) outs(%y : memref<12x48xf32>) {
  ^bb0(%x: f32, %out: f32):
    %e = math.erf %x : f32
    linalg.yield %e : f32
  }
  memref.dealloc %c : memref<12x48xf32>
  return %y : memref<12x48xf32>
}

// Row blocks take whole tiles, as equal in count as they divide, and come in an even count
// (for two threads): 30 rows in tiles of 6 are 5 tiles; mc = 12 here asks for 3 blocks, made
// 4, which start at tiles 0, 1, 2 and 3 (5 * block / 4), that is at rows 0, 6, 12 and 18.
// EVEN-LABEL: func.func @row_blocks_of_whole_tiles
// EVEN: scf.parallel (%[[BLOCK:.+]]) = (%c0) to (%c4) step (%c1)
// EVEN-NEXT: %[[TILES:.+]] = arith.muli %[[BLOCK]], %c5
// EVEN-NEXT: %[[TILE:.+]] = arith.divui %[[TILES]], %c4
// EVEN-NEXT: %[[ROW:.+]] = arith.muli %[[TILE]], %c6
// EVEN-NEXT: %[[FIRST:.+]] = arith.minsi %[[ROW]], %c30
// EVEN-NEXT: %[[NEXT:.+]] = arith.addi %[[BLOCK]], %c1
// EVEN-NEXT: %[[NEXT_TILES:.+]] = arith.muli %[[NEXT]], %c5
// EVEN-NEXT: %[[NEXT_TILE:.+]] = arith.divui %[[NEXT_TILES]], %c4
// EVEN-NEXT: %[[NEXT_ROW:.+]] = arith.muli %[[NEXT_TILE]], %c6
// EVEN-NEXT: %[[END:.+]] = arith.minsi %[[NEXT_ROW]], %c30
// EVEN-NEXT: %[[ROWS:.+]] = arith.subi %[[END]], %[[FIRST]]
// EVEN: scf.for %{{.+}} = %c0 to %[[ROWS]] step %c6
memref.global "private" constant @uneven_weights : memref<10x16xf32> = dense<1.0>
func.func @row_blocks_of_whole_tiles(%a: memref<30x10xf32>, %c: memref<30x16xf32>) {
  %b = memref.get_global @uneven_weights : memref<10x16xf32>
  linalg.matmul ins(%a, %b : memref<30x10xf32>, memref<10x16xf32>) outs(%c : memref<30x16xf32>)
  return
}
