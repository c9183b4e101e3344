// The artifact's cubins in a `.nv_fatbin` section, as nvcc writes them: the section holds what
// the toolkit's fatbinary makes of the cubins that --emit=cubin writes, byte for byte, so
// cuobjdump reads it as it reads nvcc's objects (cuda-cuobjdump.mlir where it is installed).
// The metadata's images point into it rather than carrying a second copy of each cubin; PTX
// (--embed-ptx), which fatbinary rewrites, keeps its own copy for the runtime.
// REQUIRES: cuda-toolkit
// RUN: rm -rf %t && mkdir -p %t
// RUN: kilnc %s --emit=cubin --target=cuda:sm_80 -o %t/sm_80.cubin
// RUN: kilnc %s --emit=cubin --target=cuda:sm_90 -o %t/sm_90.cubin
// RUN: %cuda_bin/fatbinary -64 --create=%t/expected.fatbin --image3=kind=elf,sm=80,file=%t/sm_80.cubin --image3=kind=elf,sm=90,file=%t/sm_90.cubin

// RUN: kilnc %s --emit=shared --target=host,cuda:sm_80,cuda:sm_90 -o %t/net.so
// RUN: llvm-readelf --section-headers %t/net.so | FileCheck %s --check-prefix=SECTION
// SECTION: .nv_fatbin PROGBITS {{[0-9a-f]+}} {{[0-9a-f]+}} {{[0-9a-f]+}} 00 A 0 0 8
// RUN: llvm-objcopy --dump-section=.nv_fatbin=%t/so.fatbin %t/net.so
// RUN: cmp %t/so.fatbin %t/expected.fatbin

// RUN: kilnc %s --emit=obj --target=host,cuda:sm_80,cuda:sm_90 -o %t/net.o
// RUN: llvm-objcopy --dump-section=.nv_fatbin=%t/o.fatbin %t/net.o
// RUN: cmp %t/o.fatbin %t/expected.fatbin

// RUN: kilnc %s --emit=llvm --target=host,cuda:sm_80,cuda:sm_90 -o - | FileCheck %s --check-prefix=IR
// IR: @[[FATBIN:__kiln_cuda_fatbin_cuda_fatbin]] = private constant [{{[0-9]+}} x i8] c"P\EDU\BA{{.*}}, section ".nv_fatbin", align 8
// IR-NOT: cuda_image_sm
// IR: @__kiln_cuda_fatbin_cuda_images = private constant [2 x %kiln_cuda_image] [%kiln_cuda_image { i32 80, i32 1, ptr getelementptr inbounds (i8, ptr @[[FATBIN]], i64 {{[0-9]+}}), i64 {{[0-9]+}} }, %kiln_cuda_image { i32 90, i32 1, ptr getelementptr inbounds (i8, ptr @[[FATBIN]], i64 {{[0-9]+}}), i64 {{[0-9]+}} }]

// RUN: kilnc %s --emit=llvm --target=host,cuda:sm_90 --embed-ptx -o - | FileCheck %s --check-prefix=PTX
// PTX: @[[FATBIN:__kiln_cuda_fatbin_cuda_fatbin]] = private constant {{.*}}, section ".nv_fatbin", align 8
// PTX: @[[PTXDATA:__kiln_cuda_fatbin_cuda_image_sm90]] = private constant [{{[0-9]+}} x i8] c"//
// PTX: [%kiln_cuda_image { i32 90, i32 1, ptr getelementptr inbounds (i8, ptr @[[FATBIN]], i64 {{[0-9]+}}), i64 {{[0-9]+}} }, %kiln_cuda_image { i32 90, i32 2, ptr @[[PTXDATA]], i64 {{[0-9]+}} }]

// A failing fatbinary is quoted, and nothing is written.
// RUN: mkdir -p %t/toolkit/bin && ln -s %cuda_bin/ptxas %t/toolkit/bin/ptxas && ln -s %cuda_bin/../nvvm %t/toolkit/nvvm
// RUN: printf '#!/bin/sh\necho "fatbinary fails here" >&2\nexit 3\n' > %t/toolkit/bin/fatbinary && chmod +x %t/toolkit/bin/fatbinary
// RUN: not kilnc %s --emit=shared --target=host,cuda:sm_90 --cuda-path=%t/toolkit -o %t/failed.so 2>&1 | FileCheck %s --check-prefix=FAILS
// FAILS: kilnc: error: fatbinary ({{.*}}toolkit/bin/fatbinary) failed to pack the CUDA images: fatbinary fails here
// RUN: not ls %t/failed.so

kiln.graph @scale(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %0 = kiln.add %x, %x : (tensor<1000xf32>, tensor<1000xf32>) -> tensor<1000xf32>
  kiln.return %0 : tensor<1000xf32>
}
