// RUN: kiln-opt %s --kiln-outline-parallel-loops="min-work=1000" | FileCheck %s
// RUN: kiln-opt %s --kiln-outline-parallel-loops="min-work=1000" --kiln-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// An outer parallel loop with enough work becomes a task over a range of its iterations: the
// call passes [0, count) and the captured buffers; constants are rematerialized inside.
// CHECK-LABEL: func.func @scale
// CHECK: %[[COUNT:.+]] = arith.divui
// CHECK: call @scale_parallel(%{{.+}}, %[[COUNT]], %arg1, %arg2) : (index, index, memref<4096xf32>, memref<4096xf32>) -> ()
// CHECK-NOT: scf.parallel
// CHECK: return
// The tasks follow the functions in the module; see the end of the file.
func.func @scale(%ctx: !llvm.ptr, %a: memref<4096xf32>, %out: memref<4096xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c4096 = arith.constant 4096 : index
  %two = arith.constant 2.0 : f32
  scf.parallel (%i) = (%c0) to (%c4096) step (%c64) {
    scf.for %j = %c0 to %c64 step %c1 {
      %k = arith.addi %i, %j : index
      %v = memref.load %a[%k] : memref<4096xf32>
      %w = arith.mulf %v, %two : f32
      memref.store %w, %out[%k] : memref<4096xf32>
    }
    scf.reduce
  }
  return
}

// A 2-D loop is split over its first dimension; the second stays a loop inside the task.
// CHECK-LABEL: func.func @rows
// CHECK: call @rows_parallel
func.func @rows(%ctx: !llvm.ptr, %a: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    memref.store %zero, %a[%i, %j] : memref<64x64xf32>
    scf.reduce
  }
  return
}

// One image: a batch dimension of 1 gives nothing to share, so the range covers [N, H] (1 x 96
// iterations, at least 64); the task maps its index back to n and h, and W stays inside.
// CHECK-LABEL: func.func @one_image
// CHECK: %[[N:.+]] = arith.divui
// CHECK: %[[H:.+]] = arith.divui
// CHECK: %[[COUNT:.+]] = arith.muli %[[N]], %[[H]]
// CHECK: call @one_image_parallel(%{{.+}}, %[[COUNT]], %arg1)
func.func @one_image(%ctx: !llvm.ptr, %a: memref<1x96x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%n, %h, %w) = (%c0, %c0, %c0) to (%c1, %c96, %c64) step (%c1, %c1, %c1) {
    memref.store %zero, %a[%n, %h, %w] : memref<1x96x64xf32>
    scf.reduce
  }
  return
}

// A small image: N, H and W give 49 iterations, fewer than 64, but enough to share, so the
// channels stay a loop inside the task, which LLVM vectorizes (in the range they would cost a
// division per element).
// CHECK-LABEL: func.func @small_image
// CHECK: call @small_image_parallel
func.func @small_image(%ctx: !llvm.ptr, %a: memref<1x7x7x1152xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c1152 = arith.constant 1152 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%n, %h, %w, %c) = (%c0, %c0, %c0, %c0) to (%c1, %c7, %c7, %c1152)
      step (%c1, %c1, %c1, %c1) {
    memref.store %zero, %a[%n, %h, %w, %c] : memref<1x7x7x1152xf32>
    scf.reduce
  }
  return
}

// A strided view of a passed buffer is rebuilt inside the task from the buffer; a loop that
// runs once around parallel loops (one image) leaves them to be shared instead.
// CHECK-LABEL: func.func @strided
// CHECK: call @strided_parallel(%{{.+}}, %{{.+}}, %arg1) : (index, index, memref<64x128xf32>) -> ()
// CHECK-LABEL: func.func @one_iteration_around
// CHECK: scf.parallel (%[[N:.+]]) =
// CHECK: call @one_iteration_around_parallel(%{{.+}}, %{{.+}}, %arg1, %[[N]]) : (index, index, memref<1x64x64xf32>, index) -> ()
// CHECK-NEXT: scf.reduce
func.func @strided(%ctx: !llvm.ptr, %a: memref<64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %s = memref.subview %a[0, 0] [64, 64] [1, 2] : memref<64x128xf32> to memref<64x64xf32, strided<[128, 2]>>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    memref.store %zero, %s[%i, %j] : memref<64x64xf32, strided<[128, 2]>>
    scf.reduce
  }
  return
}
func.func @one_iteration_around(%ctx: !llvm.ptr, %a: memref<1x64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%n) = (%c0) to (%c1) step (%c1) {
    scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
      memref.store %zero, %a[%n, %i, %j] : memref<1x64x64xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// Too little work to pay for a thread, a capture of unknown shape that cannot cross the C ABI
// as a bare pointer, and a function without a context argument all stay serial.
// CHECK-LABEL: func.func @dynamic
// CHECK: scf.parallel
// CHECK-LABEL: func.func @small
// CHECK: scf.parallel
// CHECK-LABEL: func.func @no_context
// CHECK: scf.parallel
func.func @dynamic(%ctx: !llvm.ptr, %a: memref<?x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    memref.store %zero, %a[%i, %j] : memref<?x64xf32>
    scf.reduce
  }
  return
}
func.func @small(%ctx: !llvm.ptr, %a: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    memref.store %zero, %a[%i] : memref<16xf32>
    scf.reduce
  }
  return
}
func.func @no_context(%a: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    memref.store %zero, %a[%i, %j] : memref<64x64xf32>
    scf.reduce
  }
  return
}

// CHECK-LABEL: func.func private @scale_parallel(
// CHECK-SAME: %[[BEGIN:.+]]: index, %[[END:.+]]: index, %[[A:.+]]: memref<4096xf32>, %[[OUT:.+]]: memref<4096xf32>) attributes {kiln.parallel_task}
// CHECK-DAG: %[[C64:.+]] = arith.constant 64 : index
// CHECK-DAG: arith.constant 2.000000e+00 : f32
// CHECK: scf.for %[[I:.+]] = %[[BEGIN]] to %[[END]]
// CHECK: arith.muli %[[I]], %[[C64]]
// CHECK: memref.load %[[A]]
// CHECK: memref.store {{.*}}, %[[OUT]]
// CHECK-LABEL: func.func private @rows_parallel
// CHECK: scf.for
// CHECK: scf.parallel
// CHECK-LABEL: func.func private @one_image_parallel(
// CHECK-SAME: %[[BEGIN:.+]]: index, %[[END:.+]]: index, %[[A:.+]]: memref<1x96x64xf32>)
// CHECK: scf.for %[[I:.+]] = %[[BEGIN]] to %[[END]]
// CHECK: %[[C96:.+]] = arith.constant 96 : index
// CHECK: %[[HI:.+]] = arith.remui %[[I]], %[[C96]]
// CHECK: %[[NI:.+]] = arith.divui %[[I]], %[[C96]]
// CHECK: %[[HV:.+]] = arith.addi %{{.+}}, %{{.+}}
// CHECK: %[[NV:.+]] = arith.addi %{{.+}}, %{{.+}}
// CHECK: scf.parallel (%[[W:.+]]) =
// CHECK: memref.store %{{.+}}, %[[A]][%[[NV]], %[[HV]], %[[W]]]
// CHECK-LABEL: func.func private @small_image_parallel(
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}}
// CHECK-NOT: arith.constant 1152
// CHECK: scf.parallel (%[[C:.+]]) = (%{{.+}}) to (%{{.+}}) step
// CHECK: memref.store %{{.+}}, %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %[[C]]]
// CHECK-LABEL: func.func private @strided_parallel(
// CHECK-SAME: %{{.+}}: index, %{{.+}}: index, %[[BUF:.+]]: memref<64x128xf32>)
// CHECK: %[[VIEW:.+]] = memref.subview %[[BUF]][0, 0] [64, 64] [1, 2]
// CHECK: memref.store %{{.+}}, %[[VIEW]]
// CHECK-LABEL: func.func private @one_iteration_around_parallel(

// On the LLVM dialect the call stores the captures into a struct allocated in the entry block
// and goes through __kiln_parallel_for with the task's thunk; the wrapper prefers the
// context's parallel_for, then the runtime's weak kiln_parallel_for, then runs inline.
// LLVM-LABEL: llvm.func @scale(%arg0: !llvm.ptr
// LLVM: %[[THUNK:.+]] = llvm.mlir.addressof @scale_parallel_thunk
// LLVM: %[[DATA:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(ptr, ptr)>
// LLVM: llvm.store %arg1, {{.+}} : !llvm.ptr, !llvm.ptr
// LLVM-NOT: llvm.br
// LLVM: llvm.call @__kiln_parallel_for(%arg0, %{{.+}}, %[[THUNK]], %[[DATA]])
// LLVM: llvm.func internal @scale_parallel(
// LLVM: llvm.func internal @scale_parallel_thunk(%[[D:.+]]: !llvm.ptr, %[[B:.+]]: i64, %[[E:.+]]: i64)
// LLVM: llvm.load
// LLVM: llvm.call @scale_parallel(%[[B]], %[[E]],
// LLVM: llvm.func extern_weak @kiln_parallel_for(!llvm.ptr, i64, !llvm.ptr, !llvm.ptr)
// LLVM: llvm.func internal @__kiln_parallel_for(%[[CTX:.+]]: !llvm.ptr, %[[N:.+]]: i64, %[[TASK:.+]]: !llvm.ptr, %[[ARG:.+]]: !llvm.ptr)
// LLVM: llvm.mlir.addressof @kiln_parallel_for
// LLVM: %[[FN:.+]] = llvm.load %[[CTX]] : !llvm.ptr -> !llvm.ptr
// LLVM: llvm.call %[[FN]](%[[CTX]], %[[N]], %[[TASK]], %[[ARG]])
// LLVM: llvm.call @kiln_parallel_for(
// LLVM: llvm.call %[[TASK]](%[[ARG]],
