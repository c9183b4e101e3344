// RUN: kiln-opt %s --kiln-lower-parallel-calls | FileCheck %s

// A call of a parallel task over [0, n) becomes a call of kiln_parallel_for through a wrapper:
// the captures go into a struct on the caller's frame, and a thunk unpacks them for each range.
llvm.func internal @task(%begin: i64, %end: i64, %data: !llvm.ptr, %scale: f32) attributes {kiln.parallel_task} {
  llvm.return
}

// CHECK-LABEL: llvm.func @entry(
// CHECK-SAME:      %[[CTX:.*]]: !llvm.ptr, %[[DATA:.*]]: !llvm.ptr, %[[N:.*]]: i64)
// CHECK:         %[[FRAME:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, f32)>
// CHECK:         %[[SCALE:.*]] = llvm.mlir.constant(2.000000e+00 : f32)
// CHECK:         %[[SLOT0:.*]] = llvm.getelementptr %[[FRAME]][0, 0]
// CHECK:         llvm.store %[[DATA]], %[[SLOT0]]
// CHECK:         %[[SLOT1:.*]] = llvm.getelementptr %[[FRAME]][0, 1]
// CHECK:         llvm.store %[[SCALE]], %[[SLOT1]]
// CHECK:         %[[THUNK:.*]] = llvm.mlir.addressof @task_thunk
// CHECK:         llvm.call @__kiln_parallel_for(%[[CTX]], %[[N]], %[[THUNK]], %[[FRAME]])
// CHECK-NOT:     llvm.call @task(
// CHECK:         llvm.return
llvm.func @entry(%ctx: !llvm.ptr, %data: !llvm.ptr, %n: i64) {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %scale = llvm.mlir.constant(2.0 : f32) : f32
  llvm.call @task(%zero, %n, %data, %scale) : (i64, i64, !llvm.ptr, f32) -> ()
  llvm.return
}

// CHECK-LABEL: llvm.func internal @task_thunk(
// CHECK-SAME:      %[[F:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64)
// CHECK:         %[[D:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[S:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK:         llvm.call @task(%[[B]], %[[E]], %[[D]], %[[S]])

// The runtime's pool is referenced weakly, so an object linked without the runtime still works.
// CHECK:       llvm.func extern_weak @kiln_parallel_for(

// The wrapper: the context's own parallel_for when there is a context, else kiln_parallel_for
// when it is linked in, else the whole range inline on the calling thread.
// CHECK-LABEL: llvm.func internal @__kiln_parallel_for(
// CHECK-SAME:      %[[C:.*]]: !llvm.ptr, %[[COUNT:.*]]: i64, %[[FN:.*]]: !llvm.ptr, %[[ARG:.*]]: !llvm.ptr)
// CHECK:         %[[NULL:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK:         llvm.icmp "ne" %[[C]], %[[NULL]]
// CHECK:         %[[CTXFN:.*]] = llvm.load %[[C]] : !llvm.ptr -> !llvm.ptr
// CHECK:         llvm.call %[[CTXFN]](%[[C]], %[[COUNT]], %[[FN]], %[[ARG]])
// CHECK:         %[[POOL:.*]] = llvm.mlir.addressof @kiln_parallel_for
// CHECK:         llvm.icmp "ne" %[[POOL]], %[[NULL]]
// CHECK:         llvm.call @kiln_parallel_for(%[[NULL]], %[[COUNT]], %[[FN]], %[[ARG]])
// CHECK:         %[[ZERO:.*]] = llvm.mlir.constant(0 : i64)
// CHECK:         llvm.call %[[FN]](%[[ARG]], %[[ZERO]], %[[COUNT]])
