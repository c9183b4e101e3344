// RUN: kiln-opt %s --kiln-widen-bool-memory | FileCheck %s

// An i1 in memory is a byte: loads of i1 become loads of i8 and a trunc (keeping their
// alignment and flags), stores zext to i8, so that LLVM's loop vectorizer loads a whole vector
// of a boolean mask at once. Other loads and stores are left alone.
// CHECK-LABEL: llvm.func @bools(
// CHECK-SAME:      %[[P:.*]]: !llvm.ptr, %[[Q:.*]]: !llvm.ptr, %[[F:.*]]: !llvm.ptr)
// CHECK:         %[[BYTE:.*]] = llvm.load volatile %[[P]] {alignment = 1 : i64} : !llvm.ptr -> i8
// CHECK:         %[[BIT:.*]] = llvm.trunc %[[BYTE]] : i8 to i1
// CHECK:         %[[NOT:.*]] = llvm.xor %[[BIT]], %{{.*}} : i1
// CHECK:         %[[WIDE:.*]] = llvm.zext %[[NOT]] : i1 to i8
// CHECK:         llvm.store %[[WIDE]], %[[Q]] {alignment = 1 : i64} : i8, !llvm.ptr
// CHECK:         %[[X:.*]] = llvm.load %[[F]] : !llvm.ptr -> f32
// CHECK:         llvm.store %[[X]], %[[F]] : f32, !llvm.ptr
// CHECK-NOT:     i1, !llvm.ptr
// CHECK:         llvm.return
llvm.func @bools(%p: !llvm.ptr, %q: !llvm.ptr, %f: !llvm.ptr) {
  %true = llvm.mlir.constant(true) : i1
  %b = llvm.load volatile %p {alignment = 1 : i64} : !llvm.ptr -> i1
  %n = llvm.xor %b, %true : i1
  llvm.store %n, %q {alignment = 1 : i64} : i1, !llvm.ptr
  %x = llvm.load %f : !llvm.ptr -> f32
  llvm.store %x, %f : f32, !llvm.ptr
  llvm.return
}
