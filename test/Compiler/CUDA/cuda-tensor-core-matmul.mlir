// RUN: kiln-opt %s --kiln-bufferize --kiln-cuda-entries --kiln-cuda-tensor-core-matmul --kiln-cuda-tiled-matmul --convert-linalg-to-parallel-loops --kiln-cuda-map-parallel-loops --canonicalize | FileCheck %s
// RUN: kiln-opt %s --kiln-bufferize --kiln-cuda-entries --kiln-cuda-tensor-core-matmul=min-sm=75 --kiln-cuda-tiled-matmul --convert-linalg-to-parallel-loops --kiln-cuda-map-parallel-loops --canonicalize | FileCheck %s --check-prefix=SM75

// 200 x 136 outputs in 128 x 128 tiles: a 2 x 2 grid of 256 threads (8 warps) with the two
// k-step buffers in shared memory (rows padded by 8 elements); 16-byte loads of A and B, zeros
// past the edges; k = 72 in steps of 32, each step two ldmatrix'd halves of 16 mma.sync.
// CHECK-LABEL: func.func @mm_cuda
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c2, {{.*}} = %c2, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
// CHECK-SAME: workgroup(%[[SA:.*]] : memref<128x40xf16, #gpu.address_space<workgroup>>, %[[SB:.*]] : memref<32x136xf16, #gpu.address_space<workgroup>>)
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<200x72xf16>, vector<8xf16>
// CHECK: scf.for %{{.*}} = %c0 to %c72 step %c32 iter_args
// CHECK: vector.store %{{.*}}, %[[SA]]
// CHECK: vector.store %{{.*}}, %[[SB]]
// CHECK: gpu.barrier
// CHECK-COUNT-4: nvgpu.ldmatrix %[[SA]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<128x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK-COUNT-4: nvgpu.ldmatrix %[[SB]][{{.*}}] {numTiles = 2 : i32, transpose = true} : memref<32x136xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
// CHECK-COUNT-16: nvgpu.mma.sync
// CHECK: gpu.barrier
// CHECK: scf.yield
// CHECK-COUNT-64: scf.if
// CHECK: gpu.terminator

// Before sm_80 (no m16n8k16), and where k is not a multiple of 8, the register-tiled kernel.
// SM75-LABEL: func.func @mm_cuda
// SM75-NOT: nvgpu.mma.sync
// SM75: threads({{.*}}) in ({{.*}} = %c16, {{.*}} = %c16, {{.*}} = %c1)
// CHECK-LABEL: func.func @odd_depth_cuda
// CHECK-NOT: nvgpu
// CHECK: threads({{.*}}) in ({{.*}} = %c16, {{.*}} = %c16, {{.*}} = %c1)
kiln.graph @mm(%a: tensor<200x72xf16>, %b: tensor<72x136xf16>) -> tensor<200x136xf16> {
  %0 = kiln.matmul %a, %b : (tensor<200x72xf16>, tensor<72x136xf16>) -> tensor<200x136xf16>
  kiln.return %0 : tensor<200x136xf16>
}

kiln.graph @odd_depth(%a: tensor<64x36xf16>, %b: tensor<36x64xf16>) -> tensor<64x64xf16> {
  %0 = kiln.matmul %a, %b : (tensor<64x36xf16>, tensor<36x64xf16>) -> tensor<64x64xf16>
  kiln.return %0 : tensor<64x64xf16>
}
