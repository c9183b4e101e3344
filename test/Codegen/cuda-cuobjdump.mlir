// The toolkit's own view of an artifact's cubins: one ELF per SM, holding the kernels.
// REQUIRES: cuda-toolkit
// REQUIRES: cuobjdump
// RUN: kilnc %s --emit=shared --target=x86-64,cuda:sm_80,cuda:sm_90 -o %t.so
// RUN: env PATH=/usr/local/cuda/bin:$PATH cuobjdump --list-elf %t.so | FileCheck %s
// RUN: env PATH=/usr/local/cuda/bin:$PATH cuobjdump --dump-sass %t.so | FileCheck %s --check-prefix=SASS
// CHECK-DAG: sm_80
// CHECK-DAG: sm_90
// SASS: Function : double_cuda_kernel
kiln.graph @double(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %0 = kiln.add %x, %x : (tensor<1000xf32>, tensor<1000xf32>) -> tensor<1000xf32>
  kiln.return %0 : tensor<1000xf32>
}
