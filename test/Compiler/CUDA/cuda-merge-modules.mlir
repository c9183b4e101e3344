// RUN: kiln-opt %s --kiln-cuda-merge-modules | FileCheck %s

// gpu-kernel-outlining makes one gpu.module per kernel; Kiln ships one binary per SM with all
// of a module's kernels: they move into one gpu.module @kiln_kernels, the launches follow, and
// workgroup buffers get 16-byte alignment (ldmatrix rows and 16-byte copies need it).
// CHECK:       gpu.module @kiln_kernels {
// CHECK-NEXT:    gpu.func @first_kernel(%{{.*}}: memref<64xf32>) workgroup(%{{.*}} : memref<32xf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}) kernel {
// CHECK:         gpu.func @second_kernel(%{{.*}}: memref<64xf32>) kernel {
// CHECK:       }
// CHECK-NOT:   gpu.module
// CHECK-LABEL: func.func @entry(
// CHECK:         gpu.launch_func @kiln_kernels::@first_kernel
// CHECK:         gpu.launch_func @kiln_kernels::@second_kernel
module attributes {gpu.container_module} {
  gpu.module @first_kernel {
    gpu.func @first_kernel(%p: memref<64xf32>) workgroup(%buf : memref<32xf16, #gpu.address_space<workgroup>>) kernel {
      gpu.return
    }
  }
  gpu.module @second_kernel {
    gpu.func @second_kernel(%p: memref<64xf32>) kernel {
      gpu.return
    }
  }
  func.func @entry(%p: memref<64xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @first_kernel::@first_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%p : memref<64xf32>)
    gpu.launch_func @second_kernel::@second_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%p : memref<64xf32>)
    return
  }
}
