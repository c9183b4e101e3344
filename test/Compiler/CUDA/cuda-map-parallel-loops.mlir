// RUN: kiln-opt %s --kiln-bufferize --kiln-cuda-entries --kiln-copies-to-linalg --convert-linalg-to-parallel-loops --kiln-cuda-map-parallel-loops --canonicalize | FileCheck %s

// A block of 256 threads covers 256 consecutive elements of the innermost dimension (x); the
// rows make the grid's y dimension; the bound check guards the ragged last block.
// CHECK-LABEL: func.func @rows_cuda(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: memref<7x1000xf32>, %{{.*}}: memref<7x1000xf32>) -> i32 attributes {kiln.cuda_entry}
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C7:.*]] = arith.constant 7 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[C4]], {{.*}} = %[[C7]], {{.*}} = %[[C1]]) threads({{.*}}) in ({{.*}} = %[[C256]], {{.*}} = %[[C1]], {{.*}} = %[[C1]])
// CHECK: arith.cmpi ult, %{{.*}}, %c1000
// CHECK: scf.if
// CHECK: memref.load
// CHECK: arith.maximumf
// CHECK: memref.store
// CHECK-NOT: memref.load
// CHECK: return
kiln.graph @rows(%x: tensor<7x1000xf32>) -> tensor<7x1000xf32> {
  %0 = kiln.relu %x : (tensor<7x1000xf32>) -> tensor<7x1000xf32>
  kiln.return %0 : tensor<7x1000xf32>
}

// A whole-tensor reduction is serial code: one thread of one block runs it, so that the host
// never touches device memory.
// CHECK-LABEL: func.func @total_cuda
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c1, {{.*}} = %c1)
// CHECK: scf.if
// CHECK: scf.for
// CHECK: gpu.terminator
// CHECK-NEXT: }
// CHECK-NEXT: return
kiln.graph @total(%x: tensor<40xf32>) -> tensor<f32> {
  %0 = kiln.reduce_sum %x {axes = array<i64: 0>} : (tensor<40xf32>) -> tensor<f32>
  kiln.return %0 : tensor<f32>
}

// Constants are read through a get_global inside the kernel, which outlining moves to the
// device with its global.
// CHECK-LABEL: func.func @offset_cuda
// CHECK-NOT: memref.get_global
// CHECK: gpu.launch
// CHECK: memref.get_global @__constant_3xf32
kiln.graph @offset(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %0 = kiln.add %x, %c : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}
