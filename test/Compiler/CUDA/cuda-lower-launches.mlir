// RUN: kiln-opt %s --kiln-cuda-lower-launches | FileCheck %s

// The host side of a CUDA entry becomes calls of the Kiln runtime (kiln/abi.h): a check of each
// buffer argument's alignment, kiln_cuda_alloc/free for intermediates, kiln_cuda_launch with the
// kernel's arguments in a stack array of pointers, and kiln_cuda_finish for the status.

// CHECK:       llvm.mlir.global external constant @__kiln_cuda_module()
// CHECK:       llvm.mlir.global private constant @__kiln_kernel_name_scale_kernel("scale_kernel\00")
// CHECK-LABEL: llvm.func @scale_cuda(
// CHECK-SAME:      %[[CTX:.*]]: !llvm.ptr, %[[STREAM:.*]]: !llvm.ptr, %[[IN:.*]]: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr) -> i32 attributes {kiln.cuda_entry}
// CHECK:         %[[ARGS2:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, ptr, ptr)>
// CHECK:         %[[VALUES2:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(i64, ptr, ptr)>
// CHECK:         %[[ARGS1:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, ptr, ptr)>
// CHECK:         %[[VALUES1:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(i64, ptr, ptr)>
// CHECK:         llvm.call @kiln_cuda_check_alignment(%[[CTX]], %[[STREAM]], %[[IN]], %{{.*}})
// CHECK:         llvm.call @kiln_cuda_check_alignment(%[[CTX]], %[[STREAM]], %[[OUT]], %{{.*}})
// CHECK:         %[[ONE:.*]] = llvm.mlir.constant(1 : index) : i64
// CHECK:         %[[THREADS:.*]] = llvm.mlir.constant(256 : index) : i64
// CHECK:         %[[BYTES:.*]] = llvm.mlir.constant(4000 : i64) : i64
// CHECK:         %[[TMP:.*]] = llvm.call @kiln_cuda_alloc(%[[CTX]], %[[STREAM]], %[[BYTES]])
// CHECK-NOT:     @malloc
// CHECK:         %[[V0:.*]] = llvm.getelementptr %[[VALUES1]][0, 0]
// CHECK:         llvm.store %[[THREADS]], %[[V0]]
// CHECK:         %[[V1:.*]] = llvm.getelementptr %[[VALUES1]][0, 1]
// CHECK:         llvm.store %[[IN]], %[[V1]]
// CHECK:         %[[V2:.*]] = llvm.getelementptr %[[VALUES1]][0, 2]
// CHECK:         llvm.store %[[TMP]], %[[V2]]
// CHECK:         %[[P0:.*]] = llvm.getelementptr %[[ARGS1]][0, 0]
// CHECK:         llvm.store %[[V0]], %[[P0]]
// CHECK:         %[[MODULE:.*]] = llvm.mlir.addressof @__kiln_cuda_module
// CHECK:         llvm.call @kiln_cuda_launch(%[[CTX]], %[[STREAM]], %[[MODULE]], %{{.*}}, %[[ONE]], %[[ONE]], %[[ONE]], %[[THREADS]], %[[ONE]], %[[ONE]], %{{.*}}, %[[ARGS1]])
// CHECK:         llvm.call @kiln_cuda_launch({{.*}}, %[[ARGS2]])
// CHECK:         llvm.call @kiln_cuda_free(%[[CTX]], %[[STREAM]], %[[TMP]])
// CHECK-NOT:     @free
// CHECK:         %[[STATUS:.*]] = llvm.call @kiln_cuda_finish(%[[CTX]], %[[STREAM]]) : (!llvm.ptr, !llvm.ptr) -> i32
// CHECK:         llvm.return %[[STATUS]] : i32
// The kernels are left to the device lowering.
// CHECK:       gpu.module @kiln_kernels
// CHECK:         llvm.func @scale_kernel(
// CHECK:       llvm.func @kiln_cuda_launch(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, i64, i64, i64, i64, i64, i64, i32, !llvm.ptr)
// CHECK:       llvm.func @kiln_cuda_finish(!llvm.ptr, !llvm.ptr) -> i32
module attributes {gpu.container_module} {
  llvm.func @free(!llvm.ptr)
  llvm.func @malloc(i64) -> !llvm.ptr
  llvm.func @scale_cuda(%ctx: !llvm.ptr, %stream: !llvm.ptr, %in: !llvm.ptr, %out: !llvm.ptr) -> i32 attributes {kiln.cuda_entry} {
    %ok = llvm.mlir.constant(0 : i32) : i32
    %one = llvm.mlir.constant(1 : index) : i64
    %threads = llvm.mlir.constant(256 : index) : i64
    %bytes = llvm.mlir.constant(4000 : i64) : i64
    %tmp = llvm.call @malloc(%bytes) : (i64) -> !llvm.ptr
    gpu.launch_func @kiln_kernels::@scale_kernel blocks in (%one, %one, %one) threads in (%threads, %one, %one) : i64 args(%threads : i64, %in : !llvm.ptr, %tmp : !llvm.ptr)
    gpu.launch_func @kiln_kernels::@scale_kernel blocks in (%one, %one, %one) threads in (%threads, %one, %one) : i64 args(%threads : i64, %tmp : !llvm.ptr, %out : !llvm.ptr)
    llvm.call @free(%tmp) : (!llvm.ptr) -> ()
    llvm.return %ok : i32
  }
  gpu.module @kiln_kernels [#nvvm.target<O = 3, chip = "sm_90">] {
    llvm.func @scale_kernel(%n: i64, %x: !llvm.ptr, %y: !llvm.ptr) attributes {gpu.kernel, nvvm.kernel} {
      llvm.return
    }
  }
}
