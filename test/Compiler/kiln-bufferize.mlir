// RUN: kiln-opt %s --kiln-bufferize --split-input-file | FileCheck %s

// Results become out-parameters after the inputs, and the last op writes straight into the
// caller's buffer: no allocation for the result, no final copy. Elementwise producers fuse.
// CHECK-LABEL: func.func @mlp_layer(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %[[X:.+]]: memref<7x33xf32>, %[[W:.+]]: memref<33x5xf32>, %[[B:.+]]: memref<5xf32>, %[[OUT:.+]]: memref<7x5xf32>) -> i32
// CHECK-NOT: memref.copy
// CHECK: %[[MM:.+]] = memref.alloc() {{.*}} : memref<7x5xf32>
// CHECK: linalg.matmul ins(%[[X]], %[[W]] : {{.*}}) outs(%[[MM]] : memref<7x5xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[MM]], %[[B]] : memref<7x5xf32>, memref<5xf32>) outs(%[[OUT]] : memref<7x5xf32>)
// CHECK:   arith.addf
// CHECK:   arith.maximumf
// CHECK: memref.dealloc %[[MM]]
// CHECK-NOT: memref.copy
// CHECK: return %{{.+}} : i32
kiln.graph @mlp_layer(%x: tensor<7x33xf32>, %w: tensor<33x5xf32>, %b: tensor<5xf32>) -> tensor<7x5xf32> {
  %0 = kiln.matmul %x, %w : (tensor<7x33xf32>, tensor<33x5xf32>) -> tensor<7x5xf32>
  %1 = kiln.add %0, %b : (tensor<7x5xf32>, tensor<5xf32>) -> tensor<7x5xf32>
  %2 = kiln.relu %1 : (tensor<7x5xf32>) -> tensor<7x5xf32>
  kiln.return %2 : tensor<7x5xf32>
}

// -----

// Several results, each written in place.
// CHECK-LABEL: func.func @two_results(
// CHECK-SAME: %[[A:[^:]+]]: memref<4xf32>, %[[R0:[^:]+]]: memref<4xf32>, %[[R1:[^:]+]]: memref<4xf32>) -> i32
// CHECK-DAG: outs(%[[R0]] : memref<4xf32>)
// CHECK-DAG: outs(%[[R1]] : memref<4xf32>)
kiln.graph @two_results(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.exp %a : (tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.neg %a : (tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// A value returned twice (here after select(c, x, x) folds to x) gets a copy for its second
// result, so each out-parameter has its own buffer.
// CHECK-LABEL: func.func @twice(
// CHECK-SAME: %{{.+}}: !llvm.ptr, %[[X:.+]]: memref<4xf32>, %{{.+}}: memref<4xi1>, %[[OUT0:.+]]: memref<4xf32>, %[[OUT1:.+]]: memref<4xf32>) -> i32
// CHECK-DAG: memref.copy %[[X]], %[[OUT0]]
// CHECK-DAG: memref.copy %[[X]], %[[OUT1]]
kiln.graph @twice(%x: tensor<4xf32>, %c: tensor<4xi1>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = kiln.select %c, %x, %x : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0, %x : tensor<4xf32>, tensor<4xf32>
}
