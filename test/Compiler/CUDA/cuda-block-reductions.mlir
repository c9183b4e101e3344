// RUN: kiln-opt %s --kiln-bufferize --kiln-cuda-entries --kiln-cuda-block-reductions --convert-linalg-to-parallel-loops --kiln-cuda-map-parallel-loops --canonicalize | FileCheck %s
// RUN: kiln-opt %s --pass-pipeline='builtin.module(kiln-bufferize, kiln-cuda-block-reductions)' | FileCheck %s --check-prefix=CPU

// One block of 256 threads per row: each thread sums a strided part of the row (coalesced),
// gpu.all_reduce combines the parts, thread 0 adds the total to the initialized output.
// CHECK-LABEL: func.func @rows_cuda
// CHECK: gpu.launch
// CHECK: memref.store %cst
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c300, {{.*}} = %c1, {{.*}} = %c1) threads(%[[T:.*]], %{{.*}}, %{{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
// CHECK: %[[P:.*]] = scf.for %[[K:.*]] = %[[T]] to %c1000 step %c256 iter_args(%[[ACC:.*]] = %cst) -> (f32)
// CHECK: %[[X:.*]] = memref.load %{{.*}}[%{{.*}}, %[[K]]]
// CHECK: arith.addf %[[X]], %[[ACC]] fastmath<reassoc>
// CHECK: %[[ALL:.*]] = gpu.all_reduce add %[[P]] uniform
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[T]], %c0
// CHECK: scf.if %[[FIRST]]
// CHECK: arith.addf %[[ALL]]
// CHECK: memref.store
kiln.graph @rows(%x: tensor<300x1000xf32>) -> tensor<300xf32> {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>} : (tensor<300x1000xf32>) -> tensor<300xf32>
  kiln.return %0 : tensor<300xf32>
}

// A whole-tensor reduction is one block; i32 maxima start from INT32_MIN.
// CHECK-LABEL: func.func @all_cuda
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %c-2147483648_i32) -> (i32)
// CHECK: arith.maxsi
// CHECK: gpu.all_reduce maxsi
kiln.graph @all(%x: tensor<1000xi32>) -> tensor<i32> {
  %0 = kiln.reduce_max %x {axes = array<i64: 0>} : (tensor<1000xi32>) -> tensor<i32>
  kiln.return %0 : tensor<i32>
}

// Not rewritten: reductions over an outer dimension (already coalesced, one thread per
// output column), f64 (the all-reduce shuffles 32-bit values), a user kernel's ordered fold.
// CHECK-LABEL: func.func @columns_cuda
// CHECK-NOT: gpu.all_reduce
// CHECK-LABEL: func.func @wide_cuda
// CHECK-NOT: gpu.all_reduce
// CHECK-LABEL: func.func @ordered_cuda
// CHECK-NOT: gpu.all_reduce
// CHECK: return
kiln.graph @columns(%x: tensor<300x1000xf32>) -> tensor<1000xf32> {
  %0 = kiln.reduce_sum %x {axes = array<i64: 0>} : (tensor<300x1000xf32>) -> tensor<1000xf32>
  kiln.return %0 : tensor<1000xf32>
}
kiln.graph @wide(%x: tensor<30x100xf64>) -> tensor<30xf64> {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>} : (tensor<30x100xf64>) -> tensor<30xf64>
  kiln.return %0 : tensor<30xf64>
}
kiln.kernel @plus(%a: f32, %b: f32) -> f32 {
  %0 = arith.addf %a, %b : f32
  kiln.yield %0 : f32
}
kiln.graph @ordered(%x: tensor<30x100xf32>) -> tensor<30xf32> {
  %0 = kiln.reduce @plus(%x) {axes = array<i64: 1>, init = 0.0 : f32} : (tensor<30x100xf32>) -> tensor<30xf32>
  kiln.return %0 : tensor<30xf32>
}

// CPU functions (no kiln.cuda_entry) are left alone.
// CPU-LABEL: func.func @rows(
// CPU: linalg.generic
// CPU-NOT: gpu.all_reduce
