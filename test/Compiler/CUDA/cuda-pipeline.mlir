// RUN: kiln-opt %s --kiln-cuda-pipeline='chips=sm_80,sm_90' | FileCheck %s
// REQUIRES: cuda-toolkit

// The host side of a CUDA entry only launches, through the runtime (kiln/abi.h): the kernel's
// arguments (the tile size and three bare pointers) go into a stack array; the status is what
// kiln_cuda_finish reports.
// CHECK: llvm.mlir.global external constant @__kiln_cuda_module()
// CHECK: llvm.mlir.global private constant @__kiln_kernel_name_chain_cuda_kernel("chain_cuda_kernel\00")
// CHECK: llvm.func @chain_cuda(%[[CTX:.*]]: !llvm.ptr, %[[STREAM:.*]]: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32 attributes {kiln.cuda_entry}
// CHECK: %[[ARGS:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, ptr, ptr, ptr)>
// CHECK: llvm.call @kiln_cuda_launch(%[[CTX]], %[[STREAM]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[ARGS]])
// CHECK-NOT: gpu.launch_func
// CHECK: %[[STATUS:.*]] = llvm.call @kiln_cuda_finish(%[[CTX]], %[[STREAM]])
// CHECK: llvm.return %[[STATUS]] : i32
// One binary holds every kernel, as PTX for each chip (kilnc assembles them with ptxas).
// CHECK: gpu.binary @kiln_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_80">, {{.*}}assembly = "{{.*}}.target sm_80{{.*}}.visible .entry chain_cuda_kernel({{.*}}">, #gpu.object<#nvvm.target<O = 3, chip = "sm_90">, {{.*}}assembly = "{{.*}}.target sm_90
// The intermediates (two 64x64 f32 products, both live at the second matmul) are views of one
// planned workspace of 16384 + 256 + 16384 bytes: one device allocation per call, freed in
// stream order after the last launch.
// CHECK: llvm.func @staged_cuda(%[[CTX2:[^:]*]]: !llvm.ptr, %[[STREAM2:[^:]*]]: !llvm.ptr
// CHECK: llvm.getelementptr %{{.*}}[33024] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: %[[WS:.*]] = llvm.call @kiln_cuda_alloc(%[[CTX2]], %[[STREAM2]], %{{.*}})
// CHECK-NOT: @kiln_cuda_alloc(
// CHECK: llvm.call @kiln_cuda_free(%[[CTX2]], %[[STREAM2]], %[[WS]])
// CHECK-NEXT: llvm.call @kiln_cuda_finish(%[[CTX2]], %[[STREAM2]])
kiln.graph @chain(%a: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<1024xf32> {
  %0 = kiln.add %a, %b : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
  %1 = kiln.exp %0 : (tensor<1024xf32>) -> tensor<1024xf32>
  kiln.return %1 : tensor<1024xf32>
}

kiln.graph @staged(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64xf32> {
  %0 = kiln.matmul %a, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %1 = kiln.matmul %0, %b : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %2 = kiln.reduce_sum %1 {axes = array<i64: 0>} : (tensor<64x64xf32>) -> tensor<64xf32>
  kiln.return %2 : tensor<64xf32>
}
