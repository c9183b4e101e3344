// RUN: kiln-opt %s --split-input-file --kiln-mark-kernels | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-mark-kernels --kiln-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// A kernel starts at each op that does work (a loop, a call, a copy) with another name in the
// table than the kernel before it. Allocations and constants never start one; an op whose
// location the table lacks stays with the kernel before it; a fused location is found by its
// first part the table has; a loop that runs once is entered.
// CHECK-LABEL: func.func @graph(
// CHECK-SAME: %[[CTX:[^:]+]]: !llvm.ptr
// CHECK-NOT: call @__kiln_profile_mark
// CHECK: memref.alloc
// CHECK-NEXT: %[[K0:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @__kiln_profile_mark(%[[CTX]], %[[K0]]) : (!llvm.ptr, i32) -> ()
// CHECK-NEXT: scf.for
// CHECK: }
// CHECK-NEXT: scf.for
// CHECK: }
// CHECK-NEXT: memref.copy
// CHECK-NEXT: %[[K1:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @__kiln_profile_mark(%[[CTX]], %[[K1]])
// CHECK-NEXT: scf.for
// CHECK: }
// CHECK-NEXT: %[[K2:.+]] = arith.constant 2 : i32
// CHECK-NEXT: call @__kiln_profile_mark(%[[CTX]], %[[K2]])
// CHECK-NEXT: call @graph_parallel0
// CHECK-NEXT: scf.parallel
// CHECK-NEXT: %[[K0B:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @__kiln_profile_mark(%[[CTX]], %[[K0B]])
// CHECK-NEXT: memref.copy
// CHECK-NEXT: %[[K1B:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @__kiln_profile_mark(%[[CTX]], %[[K1B]])
// CHECK-NEXT: memref.copy
// CHECK-NOT: call @__kiln_profile_mark
// CHECK: return

// The mark calls the context's profile_mark, the third pointer of kiln_context_abi, when there
// is a context and it has one.
// CHECK-LABEL: func.func private @__kiln_profile_mark(
// CHECK-SAME: %[[C:[^:]+]]: !llvm.ptr, %[[K:[^:]+]]: i32) attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK: %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK: %[[HAS:.+]] = llvm.icmp "ne" %[[C]], %[[NULL]]
// CHECK: scf.if %[[HAS]] {
// CHECK: %[[SLOT:.+]] = llvm.getelementptr %[[C]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[FN:.+]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[SET:.+]] = llvm.icmp "ne" %[[FN]], %[[NULL]]
// CHECK: scf.if %[[SET]] {
// CHECK: llvm.call %[[FN]](%[[C]], %[[K]]) : !llvm.ptr, (!llvm.ptr, i32) -> ()

// LLVM-LABEL: llvm.func internal @__kiln_profile_mark(
// LLVM: llvm.call %{{.+}}(%{{.+}}, %{{.+}}) : !llvm.ptr, (!llvm.ptr, i32) -> ()
func.func private @graph_parallel0(%begin: index, %end: index) attributes {kiln.parallel_task} {
  return
}

func.func @graph(%ctx: !llvm.ptr, %a: memref<64xf32>, %b: memref<64xf32>) -> i32
    attributes {kiln.kernels = ["conv", "relu", "add"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %tmp = memref.alloc() : memref<64xf32> loc("relu")
  scf.for %i = %c0 to %c64 step %c1 {
    memref.store %zero, %tmp[%i] : memref<64xf32>
  } loc("conv")
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %a[%i] : memref<64xf32>
    memref.store %v, %tmp[%i] : memref<64xf32>
  } loc("conv")
  memref.copy %tmp, %b : memref<64xf32> to memref<64xf32> loc("not_in_the_table")
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %b[%i] : memref<64xf32>
    %r = arith.maximumf %v, %zero : f32
    memref.store %r, %b[%i] : memref<64xf32>
  } loc(fused["unknown", "relu", "conv"])
  func.call @graph_parallel0(%c0, %c64) : (index, index) -> () loc("add")
  scf.parallel (%n) = (%c0) to (%c1) step (%c1) {
    memref.copy %a, %tmp : memref<64xf32> to memref<64xf32> loc("conv")
    memref.copy %tmp, %b : memref<64xf32> to memref<64xf32> loc("relu")
    scf.reduce
  } loc("add")
  %ok = arith.constant 0 : i32
  return %ok : i32
}

// -----

// Without a kernel table (a function kiln-to-linalg did not make), nothing is marked.
// CHECK-LABEL: func.func @no_table
// CHECK-NOT: __kiln_profile_mark
func.func @no_table(%ctx: !llvm.ptr, %a: memref<64xf32>, %b: memref<64xf32>) {
  memref.copy %a, %b : memref<64xf32> to memref<64xf32> loc("conv")
  return
}

// -----

// The pass keeps the marks it finds: running it twice marks each kernel once.
// CHECK-LABEL: func.func @twice
// CHECK: call @__kiln_profile_mark
// CHECK-NEXT: memref.copy
// CHECK-NEXT: memref.copy
// CHECK-NOT: call @__kiln_profile_mark
func.func @twice(%ctx: !llvm.ptr, %a: memref<64xf32>, %b: memref<64xf32>)
    attributes {kiln.kernels = ["conv"]} {
  %k = arith.constant 0 : i32
  func.call @__kiln_profile_mark(%ctx, %k) : (!llvm.ptr, i32) -> () loc("conv")
  memref.copy %a, %b : memref<64xf32> to memref<64xf32> loc("conv")
  memref.copy %b, %a : memref<64xf32> to memref<64xf32> loc("conv")
  return
}
func.func private @__kiln_profile_mark(!llvm.ptr, i32)
