// The toolkit's own view of kilnc's cubins: an sm_80 and an sm_90 ELF holding the kernels,
// with 16-byte global loads in the elementwise kernel and the tensor-core instructions of the
// f16 matmul; cuobjdump finds the same cubins in the artifact's .nv_fatbin section.
// REQUIRES: cuda-toolkit
// REQUIRES: cuobjdump
// RUN: kilnc %s --emit=cubin --target=cuda:sm_80 -o %t.sm_80.cubin
// RUN: kilnc %s --emit=cubin --target=cuda:sm_90 -o %t.sm_90.cubin
// RUN: env PATH=/usr/local/cuda/bin:$PATH cuobjdump --list-elf %t.sm_80.cubin | FileCheck %s --check-prefix=ELF80
// RUN: env PATH=/usr/local/cuda/bin:$PATH cuobjdump --list-elf %t.sm_90.cubin | FileCheck %s --check-prefix=ELF90
// RUN: env PATH=/usr/local/cuda/bin:$PATH cuobjdump --dump-sass %t.sm_90.cubin | FileCheck %s --check-prefix=SASS
// ELF80: ELF file 1: {{.*}}sm_80
// ELF90: ELF file 1: {{.*}}sm_90
// RUN: kilnc %s --emit=shared --target=host,cuda:sm_80,cuda:sm_90 -o %t.so
// RUN: env PATH=/usr/local/cuda/bin:$PATH cuobjdump --list-elf %t.so | FileCheck %s --check-prefix=ARTIFACT
// RUN: env PATH=/usr/local/cuda/bin:$PATH cuobjdump --dump-sass %t.so | FileCheck %s --check-prefix=SASS
// ARTIFACT-DAG: ELF file {{[0-9]+}}: {{.*}}sm_80
// ARTIFACT-DAG: ELF file {{[0-9]+}}: {{.*}}sm_90
// SASS-DAG: Function : twice_cuda_kernel
// SASS-DAG: LDG.E.128
// SASS-DAG: Function : half_cuda_kernel
// SASS-DAG: LDSM.16.M88.4
// SASS-DAG: LDSM.16.MT88.2
// SASS-DAG: HMMA.16816.F32
kiln.graph @twice(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %0 = kiln.add %x, %x : (tensor<1000xf32>, tensor<1000xf32>) -> tensor<1000xf32>
  kiln.return %0 : tensor<1000xf32>
}

kiln.graph @half(%a: tensor<256x64xf16>, %b: tensor<64x256xf16>) -> tensor<256x256xf16> {
  %0 = kiln.matmul %a, %b : (tensor<256x64xf16>, tensor<64x256xf16>) -> tensor<256x256xf16>
  kiln.return %0 : tensor<256x256xf16>
}
