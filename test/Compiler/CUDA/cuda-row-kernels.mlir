// RUN: kiln-opt %s --kiln-bufferize="row-kernels=false" --kiln-cuda-entries --kiln-copies-to-linalg --kiln-cuda-row-kernels --kiln-cuda-block-reductions --convert-linalg-to-parallel-loops --kiln-cuda-map-parallel-loops --canonicalize | FileCheck %s

// softmax over rows of 40: one launch, a block of 64 threads per row. Each thread takes the
// maximum of columns t, t + 64, ...; the block's maximum (gpu.all_reduce, in every thread) is
// used at once by the sum of exponentials, whose total is used by the output pass. The fills
// are never launched; thread 0 stores each statistic once, and as nothing else reads them,
// canonicalization drops the stores and the buffers.
// CHECK-LABEL: func.func @softmax_cuda
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c300, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c64, {{.*}} = %c1, {{.*}} = %c1)
// CHECK: %[[PARTMAX:.*]] = scf.for
// CHECK: arith.maximumf
// CHECK: %[[MAX:.*]] = gpu.all_reduce maximumf %[[PARTMAX]] uniform
// CHECK: %[[PARTSUM:.*]] = scf.for
// CHECK: arith.subf %{{.*}}, %[[MAX]]
// CHECK: math.exp
// CHECK: %[[SUM:.*]] = gpu.all_reduce add %[[PARTSUM]] uniform
// CHECK: %[[TOTAL:.*]] = arith.addf %[[SUM]]
// CHECK: scf.for
// CHECK: arith.subf %{{.*}}, %[[MAX]]
// CHECK: arith.divf %{{.*}}, %[[TOTAL]]
// CHECK: memref.store
// CHECK: gpu.terminator
// CHECK-NOT: gpu.launch
// CHECK: return
kiln.graph @softmax(%x: tensor<300x40xf32>) -> tensor<300x40xf32> {
  %y = kiln.softmax %x {axis = -1 : i64} : (tensor<300x40xf32>) -> tensor<300x40xf32>
  kiln.return %y : tensor<300x40xf32>
}

// layer_norm: the mean, the variance around it and the output in one kernel.
// CHECK-LABEL: func.func @layer_norm_cuda
// CHECK: gpu.launch
// CHECK-COUNT-2: gpu.all_reduce add
// CHECK: gpu.terminator
// CHECK-NOT: gpu.launch
// CHECK: return
kiln.graph @layer_norm(%x: tensor<64x512xf32>, %g: tensor<512xf32>, %b: tensor<512xf32>) -> tensor<64x512xf32> {
  %y = kiln.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.000000e-05 : f32} : (tensor<64x512xf32>, tensor<512xf32>, tensor<512xf32>) -> tensor<64x512xf32>
  kiln.return %y : tensor<64x512xf32>
}

// A row sum read by a pass over other rows (the transposed shape) stays apart: the fill and the
// reduction in one kernel, then the elementwise pass.
// CHECK-LABEL: func.func @across_cuda
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c8, {{.*}} = %c1, {{.*}} = %c1)
// CHECK: gpu.all_reduce add
// CHECK: gpu.launch
// CHECK-NOT: gpu.all_reduce
// CHECK: return
kiln.graph @across(%x: tensor<8x40xf32>, %z: tensor<40x8xf32>) -> tensor<40x8xf32> {
  %s = kiln.reduce_sum %x {axes = array<i64: 1>} : (tensor<8x40xf32>) -> tensor<8xf32>
  %y = kiln.add %z, %s : (tensor<40x8xf32>, tensor<8xf32>) -> tensor<40x8xf32>
  kiln.return %y : tensor<40x8xf32>
}
