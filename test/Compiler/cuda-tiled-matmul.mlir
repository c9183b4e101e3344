// RUN: kiln-opt %s --kiln-bufferize --kiln-cuda-entries --kiln-gpu-tiled-matmul --convert-linalg-to-parallel-loops --kiln-map-parallel-loops-to-gpu --canonicalize | FileCheck %s

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
