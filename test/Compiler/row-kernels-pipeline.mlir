// RUN: kiln-opt %s --kiln-bufferize --kiln-lower-to-llvm | FileCheck %s

// Through the whole CPU pipeline, each row kernel is one threaded loop over its rows (one
// task), with its row statistics in the workspace: planning comes after row fusion, which
// would not fuse loops over views of one buffer.
// CHECK-DAG: llvm.func @softmax.body(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr {llvm.align = 64 : i64, llvm.dereferenceable = {{[0-9]+}} : i64, llvm.noalias}
// CHECK-DAG: llvm.func @layer_norm.body(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr {llvm.align = 64 : i64, llvm.dereferenceable = {{[0-9]+}} : i64, llvm.noalias}
// CHECK-DAG: llvm.func internal @softmax.body_parallel(
// CHECK-DAG: llvm.func internal @layer_norm.body_parallel(
// CHECK-NOT: llvm.func internal @{{softmax|layer_norm}}.body_parallel_{{[0-9]}}(
kiln.graph @softmax(%x: tensor<512x1024xf32>) -> tensor<512x1024xf32> {
  %y = kiln.softmax %x {axis = -1 : i64} : (tensor<512x1024xf32>) -> tensor<512x1024xf32>
  kiln.return %y : tensor<512x1024xf32>
}
kiln.graph @layer_norm(%x: tensor<512x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<512x1024xf32> {
  %y = kiln.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.000000e-05 : f32} : (tensor<512x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> tensor<512x1024xf32>
  kiln.return %y : tensor<512x1024xf32>
}
