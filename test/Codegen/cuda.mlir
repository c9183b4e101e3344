// PTX and cubin for CUDA targets, and artifacts that carry both CPU and GPU code.
// REQUIRES: cuda-toolkit
// RUN: kilnc %s --emit=ptx --target=cuda:sm_90 -o - | FileCheck %s --check-prefix=PTX90
// RUN: kilnc %s --emit=ptx --target=cuda:sm_80 -o - | FileCheck %s --check-prefix=PTX80
// RUN: kilnc %s --emit=nvvm --target=cuda:sm_90 -o - | FileCheck %s --check-prefix=NVVM
// RUN: kilnc %s --emit=cubin --target=cuda:sm_90 -o %t.cubin
// RUN: llvm-readelf -h -s %t.cubin | FileCheck %s --check-prefix=CUBIN
// RUN: kilnc %s --emit=shared --target=x86-64,cuda:sm_80,cuda:sm_90 -o %t.so
// RUN: llvm-nm -D --defined-only %t.so | FileCheck %s --check-prefix=SYMS
// RUN: kilnc %s --target=x86-64,cuda:sm_90 --module-name=net --emit=header -o %t.h
// RUN: FileCheck %s --check-prefix=HEADER < %t.h
// RUN: %cc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c %t.h
// RUN: %cxx -std=c++17 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c++ %t.h
// Deterministic, like every output: ptxas too.
// RUN: kilnc %s --emit=shared --target=x86-64,cuda:sm_90 -o %t.a.so && kilnc %s --emit=shared --target=x86-64,cuda:sm_90 -o %t.b.so && cmp %t.a.so %t.b.so

// PTX90: .target sm_90
// PTX90: .visible .entry scale_cuda_kernel(
// PTX90: mov.u32 {{.*}}%ctaid.x
// PTX90: mov.u32 {{.*}}%tid.x
// PTX90: ld.global.v4.b32
// PTX90: st.global.v4.b32
// PTX80: .target sm_80
// PTX80: .visible .entry scale_cuda_kernel(

// The IR that the PTX comes from: NVPTX's, the kernels as ptx_kernel functions.
// NVVM: target triple = "nvptx64-nvidia-cuda"
// NVVM: define ptx_kernel void @scale_cuda_kernel(
// NVVM: call {{.*}}i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()
// NVVM: store <4 x float>

// CUBIN: Machine: NVIDIA CUDA architecture
// CUBIN: Flags: {{.*}}sm_90
// CUBIN: FUNC GLOBAL DEFAULT {{.*}} scale_cuda_kernel

// SYMS-DAG: T scale
// SYMS-DAG: T scale_argv
// SYMS-DAG: T scale_cuda
// SYMS-DAG: T scale_cuda_argv
// SYMS-DAG: T scale_cuda_host

// HEADER: int32_t scale(struct kiln_context *kiln_ctx,
// HEADER: int32_t scale_cuda(struct kiln_context *kiln_ctx, void *stream,
// HEADER-NEXT: const float *x,
// HEADER-NEXT: float *result0);
// HEADER: int32_t scale_cuda_argv(struct kiln_context *kiln_ctx, void *stream, void **args);
kiln.graph @scale(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %c = kiln.constant dense<2.0> : tensor<f32>
  %0 = kiln.mul %x, %c : (tensor<1000xf32>, tensor<f32>) -> tensor<1000xf32>
  kiln.return %0 : tensor<1000xf32>
}
