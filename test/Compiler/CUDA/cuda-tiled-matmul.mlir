// RUN: kiln-opt %s --kiln-bufferize --kiln-cuda-entries --kiln-cuda-tiled-matmul --convert-linalg-to-parallel-loops --kiln-cuda-map-parallel-loops --canonicalize | FileCheck %s

// 70 x 90 outputs in 64 x 64 tiles: a 2 x 2 grid of 16 x 16 threads, each summing a 4 x 4
// register tile over k with one multiply-add per pair (contracted to FMA), reading bf16 and
// accumulating in f32, then adding each sum to C once, inside C only.
// CHECK-LABEL: func.func @mm_cuda
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}} = %c2, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c16, {{.*}} = %c16, {{.*}} = %c1)
// CHECK: arith.minui %{{.*}}, %c69
// CHECK: arith.minui %{{.*}}, %c89
// CHECK: scf.for %[[K:.*]] = %c0 to %c33 step %c1 iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK: memref.load %{{.*}}[%{{.*}}, %[[K]]] : memref<70x33xbf16>
// CHECK: memref.load %{{.*}}[%[[K]], %{{.*}}] : memref<33x90xbf16>
// CHECK: arith.mulf {{.*}} fastmath<contract> : f32
// CHECK: arith.addf {{.*}} fastmath<contract> : f32
// CHECK: scf.yield
// CHECK-COUNT-16: scf.if
// CHECK: gpu.terminator
kiln.graph @mm(%a: tensor<70x33xbf16>, %b: tensor<33x90xbf16>) -> tensor<70x90xbf16> {
  %0 = kiln.matmul %a, %b : (tensor<70x33xbf16>, tensor<33x90xbf16>) -> tensor<70x90xbf16>
  kiln.return %0 : tensor<70x90xbf16>
}

// f32 with k and n multiples of 4: the staged kernel. 200 x 136 outputs in 128 x 128 tiles of
// 256 threads; k = 72 in steps of 16, each copied into shared memory in 16-byte pieces (two per
// thread for A and for B) loaded one step ahead; 8 x 8 sums per thread.
// CHECK-LABEL: func.func @staged_cuda
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}} = %c2, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
// CHECK-SAME: workgroup(%[[SA:.*]] : memref<128x16xf32, #gpu.address_space<workgroup>>, %[[SB:.*]] : memref<16x128xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-2: vector.load %{{.*}} {alignment = 16 : i64} : memref<200x72xf32>, vector<4xf32>
// CHECK-COUNT-2: vector.load %{{.*}} {alignment = 16 : i64} : memref<72x136xf32>, vector<4xf32>
// CHECK: scf.for %{{.*}} = %c0 to %c72 step %c16 iter_args
// CHECK-COUNT-2: vector.store %{{.*}}, %[[SA]]
// CHECK-COUNT-2: vector.store %{{.*}}, %[[SB]]
// CHECK: gpu.barrier
// CHECK: memref.load %[[SA]]
// CHECK: vector.load %[[SB]]
// CHECK: arith.mulf {{.*}} fastmath<contract> : f32
// CHECK: gpu.barrier
// CHECK: scf.yield
// CHECK-COUNT-64: scf.if
// CHECK: gpu.terminator
kiln.graph @staged(%a: tensor<200x72xf32>, %b: tensor<72x136xf32>) -> tensor<200x136xf32> {
  %0 = kiln.matmul %a, %b : (tensor<200x72xf32>, tensor<72x136xf32>) -> tensor<200x136xf32>
  kiln.return %0 : tensor<200x136xf32>
}
