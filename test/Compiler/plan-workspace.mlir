// RUN: kiln-opt %s --split-input-file --kiln-plan-workspace | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-plan-workspace=allocate=true | FileCheck %s --check-prefix=ALLOC

// Largest first: %c (128 bytes) at 0, %b (100 bytes) at 384 and %a at 768 (offsets 64-byte
// aligned, 256 bytes after each live neighbour); %a dies at the copy into %c's view, so %d,
// allocated after it, takes %a's bytes. The deallocs go away and the function takes the
// workspace after the context.
// CHECK-LABEL: func.func @g.body(
// CHECK-SAME: %[[CTX:[^:]+]]: !llvm.ptr,
// CHECK-SAME: %[[WS:[^:]+]]: memref<832xi8> {llvm.align = 64 : i64, llvm.dereferenceable = 832 : i64, llvm.noalias}
// CHECK-SAME: %[[X:[^:]+]]: memref<16xf32>, %[[Y:[^:]+]]: memref<16xf32>) -> i32
// CHECK: %[[OA:.+]] = arith.constant 768 : index
// CHECK: memref.view %[[WS]][%[[OA]]][] : memref<832xi8> to memref<16xf32>
// CHECK: %[[OB:.+]] = arith.constant 384 : index
// CHECK: memref.view %[[WS]][%[[OB]]][] : memref<832xi8> to memref<25xf32>
// CHECK: %[[OC:.+]] = arith.constant 0 : index
// CHECK: memref.view %[[WS]][%[[OC]]][] : memref<832xi8> to memref<32xf32>
// CHECK: %[[OD:.+]] = arith.constant 768 : index
// CHECK: memref.view %[[WS]][%[[OD]]][] : memref<832xi8> to memref<16xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: return
// With allocate (the CUDA host code), the same offsets in a workspace that the function
// allocates first and frees last; name and signature stay.
// ALLOC-LABEL: func.func @g(
// ALLOC-SAME: %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: memref<16xf32>, %{{[^:]+}}: memref<16xf32>) -> i32 {
// ALLOC-NEXT: %[[WS:.+]] = memref.alloc() {alignment = 64 : i64} : memref<832xi8>
// ALLOC: %[[OA:.+]] = arith.constant 768 : index
// ALLOC: memref.view %[[WS]][%[[OA]]][] : memref<832xi8> to memref<16xf32>
// ALLOC: memref.view %[[WS]][%{{.+}}][] : memref<832xi8> to memref<25xf32>
// ALLOC: memref.view %[[WS]][%{{.+}}][] : memref<832xi8> to memref<32xf32>
// ALLOC: memref.view %[[WS]][%{{.+}}][] : memref<832xi8> to memref<16xf32>
// ALLOC-NOT: memref.alloc
// ALLOC-NOT: memref.dealloc
// ALLOC: arith.constant 0 : i32
// ALLOC-NEXT: memref.dealloc %[[WS]] : memref<832xi8>
// ALLOC-NEXT: return
func.func @g(%ctx: !llvm.ptr, %x: memref<16xf32>, %y: memref<16xf32>) -> i32 {
  %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  memref.copy %x, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<25xf32>
  %c = memref.alloc() : memref<32xf32>
  %s = memref.subview %c[0] [16] [1] : memref<32xf32> to memref<16xf32, strided<[1]>>
  memref.copy %a, %s : memref<16xf32> to memref<16xf32, strided<[1]>>
  %d = memref.alloc() : memref<16xf32>
  memref.copy %s, %d : memref<16xf32, strided<[1]>> to memref<16xf32>
  %bs = memref.subview %b[0] [16] [1] : memref<25xf32> to memref<16xf32, strided<[1]>>
  memref.copy %d, %bs : memref<16xf32> to memref<16xf32, strided<[1]>>
  memref.copy %bs, %y : memref<16xf32, strided<[1]>> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<25xf32>
  memref.dealloc %c : memref<32xf32>
  memref.dealloc %d : memref<16xf32>
  %ok = arith.constant 0 : i32
  return %ok : i32
}

// -----

// A returned buffer, a dynamic one and one of a function without a context are left alone:
// nothing to plan, no workspace, no rename.
// CHECK-LABEL: func.func @escapes(
// CHECK-SAME: %{{[^:]+}}: !llvm.ptr, %{{[^:]+}}: index)
// CHECK: memref.alloc() : memref<4xf32>
// CHECK: memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK-LABEL: func.func @no_context(
// CHECK: memref.alloc() : memref<4xf32>
func.func @escapes(%ctx: !llvm.ptr, %n: index) -> (memref<4xf32>, i32) {
  %a = memref.alloc() : memref<4xf32>
  %d = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %d : memref<?xf32>
  %ok = arith.constant 0 : i32
  return %a, %ok : memref<4xf32>, i32
}
func.func @no_context(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %x, %a : memref<4xf32> to memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  return
}

// -----

// With allocate, a buffer that is only stored into stays an allocation, for canonicalization
// to erase with its stores (kiln-cuda-row-kernels' statistics); the buffer that is read is
// planned. Without, both are, one after the other at offset 0 (the CPU pipeline is as it was).
// CHECK-LABEL: func.func @write_only.body(
// CHECK-SAME: %{{[^:]+}}: memref<64xi8>
// CHECK-NOT: memref.alloc
// ALLOC-LABEL: func.func @write_only(
// ALLOC: memref.alloc() {alignment = 64 : i64} : memref<64xi8>
// ALLOC: %[[DEAD:.+]] = memref.alloc() : memref<4xf32>
// ALLOC: memref.store %{{.+}}, %[[DEAD]]
// ALLOC: memref.dealloc %[[DEAD]]
func.func @write_only(%ctx: !llvm.ptr, %x: memref<4xf32>, %y: memref<4xf32>) -> i32 {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  %dead = memref.alloc() : memref<4xf32>
  memref.store %one, %dead[%c0] : memref<4xf32>
  %read = memref.alloc() : memref<4xf32>
  memref.copy %x, %read : memref<4xf32> to memref<4xf32>
  memref.copy %read, %y : memref<4xf32> to memref<4xf32>
  memref.dealloc %dead : memref<4xf32>
  memref.dealloc %read : memref<4xf32>
  %ok = arith.constant 0 : i32
  return %ok : i32
}
