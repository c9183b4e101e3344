// RUN: kiln-opt %s --split-input-file --kiln-forward-result-copies | FileCheck %s

// A convolution's result: the matmul's N*OH*OW x K buffer, returned as N x OH x OW x K. The
// allocation becomes the out-parameter seen through the inverse reshape, and the copy goes.
// CHECK-LABEL: func.func @expanded(
// CHECK-SAME: %[[OUT:[a-z0-9]+]]: memref<1x4x4x8xf32>)
// CHECK-NOT: memref.alloc
// CHECK: %[[C:.+]] = memref.collapse_shape %[[OUT]] {{\[\[}}0, 1, 2], [3]] : memref<1x4x4x8xf32> into memref<16x8xf32>
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[C]] : memref<16x8xf32>)
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : memref<16x3xf32>, memref<3x8xf32>) outs(%[[C]] : memref<16x8xf32>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func @expanded(%x: memref<16x3xf32>, %w: memref<3x8xf32>, %out: memref<1x4x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %alloc = memref.alloc() {alignment = 64 : i64} : memref<16x8xf32>
  linalg.fill ins(%zero : f32) outs(%alloc : memref<16x8xf32>)
  linalg.matmul ins(%x, %w : memref<16x3xf32>, memref<3x8xf32>) outs(%alloc : memref<16x8xf32>)
  %expanded = memref.expand_shape %alloc [[0, 1, 2], [3]] output_shape [1, 4, 4, 8] : memref<16x8xf32> into memref<1x4x4x8xf32>
  memref.copy %expanded, %out : memref<1x4x4x8xf32> to memref<1x4x4x8xf32>
  return
}

// -----

// Two reshapes, a collapse then an expand: the out-parameter is collapsed, then expanded
// back to the allocation's shape.
// CHECK-LABEL: func.func @two_reshapes(
// CHECK-SAME: %[[OUT:[a-z0-9]+]]: memref<4x6xf32>)
// CHECK: %[[FLAT:.+]] = memref.collapse_shape %[[OUT]] {{\[\[}}0, 1]] : memref<4x6xf32> into memref<24xf32>
// CHECK: %[[BACK:.+]] = memref.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [2, 12] : memref<24xf32> into memref<2x12xf32>
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[BACK]] : memref<2x12xf32>)
// CHECK-NOT: memref.copy
func.func @two_reshapes(%out: memref<4x6xf32>) {
  %one = arith.constant 1.0 : f32
  %alloc = memref.alloc() : memref<2x12xf32>
  linalg.fill ins(%one : f32) outs(%alloc : memref<2x12xf32>)
  %flat = memref.collapse_shape %alloc [[0, 1]] : memref<2x12xf32> into memref<24xf32>
  %shaped = memref.expand_shape %flat [[0, 1]] output_shape [4, 6] : memref<24xf32> into memref<4x6xf32>
  memref.copy %shaped, %out : memref<4x6xf32> to memref<4x6xf32>
  return
}

// -----

// The allocation is read after the copy (into a second result): computing it in the first
// out-parameter would be as good, but the rule stays simple and keeps the copy.
// CHECK-LABEL: func.func @read_after_copy(
// CHECK: memref.alloc
// CHECK: memref.copy
// CHECK: memref.copy
func.func @read_after_copy(%out: memref<2x2xf32>, %other: memref<4xf32>) {
  %one = arith.constant 1.0 : f32
  %alloc = memref.alloc() : memref<4xf32>
  linalg.fill ins(%one : f32) outs(%alloc : memref<4xf32>)
  %shaped = memref.expand_shape %alloc [[0, 1]] output_shape [2, 2] : memref<4xf32> into memref<2x2xf32>
  memref.copy %shaped, %out : memref<2x2xf32> to memref<2x2xf32>
  memref.copy %alloc, %other : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A view of the allocation used after the copy keeps it too.
// CHECK-LABEL: func.func @view_after_copy(
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @view_after_copy(%out: memref<2x2xf32>) -> f32 {
  %one = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  %alloc = memref.alloc() : memref<4xf32>
  linalg.fill ins(%one : f32) outs(%alloc : memref<4xf32>)
  %shaped = memref.expand_shape %alloc [[0, 1]] output_shape [2, 2] : memref<4xf32> into memref<2x2xf32>
  %part = memref.subview %alloc[0] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1]>>
  memref.copy %shaped, %out : memref<2x2xf32> to memref<2x2xf32>
  %v = memref.load %part[%c0] : memref<2xf32, strided<[1]>>
  return %v : f32
}

// -----

// The out-parameter has another use: written or read elsewhere, it cannot stand in for the
// allocation.
// CHECK-LABEL: func.func @out_used_twice(
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @out_used_twice(%out: memref<2x2xf32>) -> f32 {
  %one = arith.constant 1.0 : f32
  %c0 = arith.constant 0 : index
  %alloc = memref.alloc() : memref<4xf32>
  linalg.fill ins(%one : f32) outs(%alloc : memref<4xf32>)
  %shaped = memref.expand_shape %alloc [[0, 1]] output_shape [2, 2] : memref<4xf32> into memref<2x2xf32>
  memref.copy %shaped, %out : memref<2x2xf32> to memref<2x2xf32>
  %v = memref.load %out[%c0, %c0] : memref<2x2xf32>
  return %v : f32
}

// -----

// Copies that are not a reshaped allocation into an argument: a plain allocation (the
// out-params pass's own case), a subview, and a copy into a local buffer.
// CHECK-LABEL: func.func @not_reshapes(
// CHECK-COUNT-3: memref.copy
func.func @not_reshapes(%x: memref<4xf32>, %out: memref<4xf32>, %out2: memref<2xf32>) {
  %alloc = memref.alloc() : memref<4xf32>
  memref.copy %x, %alloc : memref<4xf32> to memref<4xf32>
  memref.copy %alloc, %out : memref<4xf32> to memref<4xf32>
  %part = memref.subview %x[1] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 1>>
  memref.copy %part, %out2 : memref<2xf32, strided<[1], offset: 1>> to memref<2xf32>
  return
}
