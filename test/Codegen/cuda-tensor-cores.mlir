// RUN: kilnc %s --emit=ptx --target=cuda:sm_80 -o - | FileCheck %s
// RUN: kilnc %s --emit=ptx --target=cuda:sm_90 -o - | FileCheck %s
// RUN: kilnc %s --emit=cubin --target=cuda:sm_80 -o %t.80.cubin
// RUN: kilnc %s --emit=cubin --target=cuda:sm_90 -o %t.90.cubin
// RUN: llvm-readelf -s %t.90.cubin | FileCheck %s --check-prefix=CUBIN

// f16 and bf16 matmuls on tensor cores: 16-byte global loads into 16-byte aligned shared
// memory, fragments by ldmatrix (A as four 8 x 8 matrices, B transposed), mma.sync m16n8k16
// summing in f32 (DAG: LLVM rotates the k loop, so the order in the PTX varies).
// CHECK-LABEL: .entry half_cuda_kernel_0
// CHECK-DAG: .shared .align 16 .b8 {{.*}}[10240];
// CHECK-DAG: .shared .align 16 .b8 {{.*}}[8704];
// CHECK-DAG: ld.global.v4.b32
// CHECK-DAG: st.shared.v4.b32
// CHECK-DAG: bar.sync
// CHECK-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK-DAG: ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16
// CHECK-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// CHECK-LABEL: .entry brain_cuda_kernel_{{[0-9]+}}(
// CHECK-DAG: ld.global.v4.b32
// CHECK-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK-DAG: ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16
// CHECK-DAG: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CUBIN-DAG: half_cuda_kernel_0
// CUBIN-DAG: brain_cuda_kernel_{{[0-9]+}}
kiln.graph @half(%a: tensor<256x64xf16>, %b: tensor<64x256xf16>) -> tensor<256x256xf16> {
  %0 = kiln.matmul %a, %b : (tensor<256x64xf16>, tensor<64x256xf16>) -> tensor<256x256xf16>
  kiln.return %0 : tensor<256x256xf16>
}

kiln.graph @brain(%a: tensor<256x64xbf16>, %b: tensor<64x256xbf16>) -> tensor<256x256xbf16> {
  %0 = kiln.matmul %a, %b : (tensor<256x64xbf16>, tensor<64x256xbf16>) -> tensor<256x256xbf16>
  kiln.return %0 : tensor<256x256xbf16>
}
