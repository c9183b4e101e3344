// RUN: kiln-opt %s --split-input-file --kiln-plan-workspace | FileCheck %s

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
