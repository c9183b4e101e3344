// RUN: kiln-opt %s --kiln-bufferize --kiln-cuda-entries --convert-linalg-to-parallel-loops --kiln-cuda-vectorize-elementwise --canonicalize | FileCheck %s

// Rows of 1000 f32: each iteration takes 4 consecutive elements, loaded and stored as 16-byte
// vectors; the row's bias (indexed by the outer dimension only) is loaded once for the 4 lanes.
// CHECK-LABEL: func.func @rows_cuda
// CHECK: scf.parallel (%[[I:.*]], %[[Q:.*]]) = (%c0, %c0) to (%c8, %c250) step (%c1, %c1)
// CHECK: %[[J:.*]] = arith.muli %[[Q]], %c4
// CHECK: %[[X:.*]] = vector.load %{{.*}}[%[[I]], %[[J]]] {alignment = 16 : i64} : memref<8x1000xf32>, vector<4xf32>
// CHECK-COUNT-4: vector.extract %[[X]]
// CHECK: %[[B:.*]] = memref.load %{{.*}}[%[[I]], %c0] : memref<8x1xf32>
// CHECK-COUNT-4: arith.addf %{{.*}}, %[[B]]
// CHECK: %[[V:.*]] = vector.from_elements
// CHECK: vector.store %[[V]], %{{.*}}[%[[I]], %[[J]]] {alignment = 16 : i64} : memref<8x1000xf32>, vector<4xf32>
kiln.graph @rows(%x: tensor<8x1000xf32>, %b: tensor<8x1xf32>) -> tensor<8x1000xf32> {
  %0 = kiln.add %x, %b : (tensor<8x1000xf32>, tensor<8x1xf32>) -> tensor<8x1000xf32>
  kiln.return %0 : tensor<8x1000xf32>
}

// f16: 4 elements are 8 bytes, aligned to 8.
// CHECK-LABEL: func.func @half_cuda
// CHECK: vector.load %{{.*}} {alignment = 8 : i64} : memref<64xf16>, vector<4xf16>
kiln.graph @half(%x: tensor<64xf16>) -> tensor<64xf16> {
  %0 = kiln.neg %x : (tensor<64xf16>) -> tensor<64xf16>
  kiln.return %0 : tensor<64xf16>
}

// Left alone: a length that is not a multiple of 4, and a transpose (the innermost index of
// the input is not the loop's innermost dimension).
// CHECK-LABEL: func.func @ragged_cuda
// CHECK-NOT: vector.load
// CHECK-LABEL: func.func @transposed_cuda
// CHECK-NOT: vector.load
// CHECK: return
kiln.graph @ragged(%x: tensor<1001xf32>) -> tensor<1001xf32> {
  %0 = kiln.neg %x : (tensor<1001xf32>) -> tensor<1001xf32>
  kiln.return %0 : tensor<1001xf32>
}

kiln.graph @transposed(%x: tensor<8x16xf32>) -> tensor<16x8xf32> {
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<8x16xf32>) -> tensor<16x8xf32>
  kiln.return %0 : tensor<16x8xf32>
}
