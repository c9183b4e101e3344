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

// -----

// In place: the loop reads each element of %r (its last use) just before it writes the same
// element of %o (its first access), through equal views, as a matmul epilogue reads its
// residual. %o takes %r's bytes (offset 320, after %f's 64 and the gap) instead of the next
// free offset, 640.
// CHECK-LABEL: func.func @in_place.body(
// CHECK-SAME: %[[WS:[^:]+]]: memref<384xi8>
// CHECK: %[[OR:.+]] = arith.constant 320 : index
// CHECK: memref.view %[[WS]][%[[OR]]][] : memref<384xi8> to memref<4x4xf32>
// CHECK: %[[OO:.+]] = arith.constant 320 : index
// CHECK: memref.view %[[WS]][%[[OO]]][] : memref<384xi8> to memref<4x4xf32>
func.func @in_place(%ctx: !llvm.ptr, %x: memref<4x4xf32>, %y: memref<16xf32>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %pad = arith.constant 0.0 : f32
  %f = memref.alloc() : memref<16xf32>
  %r = memref.alloc() : memref<4x4xf32>
  memref.copy %x, %r : memref<4x4xf32> to memref<4x4xf32>
  %o = memref.alloc() : memref<4x4xf32>
  %rc = memref.collapse_shape %r [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  %oc = memref.collapse_shape %o [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %at = arith.muli %i, %c4 : index
    %v = vector.transfer_read %rc[%at], %pad {in_bounds = [true]} : memref<16xf32>, vector<4xf32>
    %w = arith.addf %v, %v : vector<4xf32>
    vector.transfer_write %w, %oc[%at] {in_bounds = [true]} : vector<4xf32>, memref<16xf32>
    scf.reduce
  }
  memref.copy %oc, %f : memref<16xf32> to memref<16xf32>
  memref.copy %f, %y : memref<16xf32> to memref<16xf32>
  %ok = arith.constant 0 : i32
  return %ok : i32
}

// -----

// In place through different reshapes: %r is read as it was allocated, %o through a
// collapse_shape of another shape; both are contiguous from offset 0, so equal indices name
// the same bytes.
// CHECK-LABEL: func.func @in_place_reshaped.body(
// CHECK-SAME: %[[WS:[^:]+]]: memref<384xi8>
// CHECK: %[[OR:.+]] = arith.constant 320 : index
// CHECK: memref.view %[[WS]][%[[OR]]][] : memref<384xi8> to memref<16xf32>
// CHECK: %[[OO:.+]] = arith.constant 320 : index
// CHECK: memref.view %[[WS]][%[[OO]]][] : memref<384xi8> to memref<2x8xf32>
func.func @in_place_reshaped(%ctx: !llvm.ptr, %x: memref<16xf32>, %y: memref<16xf32>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %pad = arith.constant 0.0 : f32
  %f = memref.alloc() : memref<16xf32>
  %r = memref.alloc() : memref<16xf32>
  memref.copy %x, %r : memref<16xf32> to memref<16xf32>
  %o = memref.alloc() : memref<2x8xf32>
  %oc = memref.collapse_shape %o [[0, 1]] : memref<2x8xf32> into memref<16xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %at = arith.muli %i, %c4 : index
    %v = vector.transfer_read %r[%at], %pad {in_bounds = [true]} : memref<16xf32>, vector<4xf32>
    %w = arith.addf %v, %v : vector<4xf32>
    vector.transfer_write %w, %oc[%at] {in_bounds = [true]} : vector<4xf32>, memref<16xf32>
    scf.reduce
  }
  memref.copy %oc, %f : memref<16xf32> to memref<16xf32>
  memref.copy %f, %y : memref<16xf32> to memref<16xf32>
  %ok = arith.constant 0 : i32
  return %ok : i32
}

// -----

// Not in place: the loop also reads %r one vector further on, an element that an earlier
// iteration may have written by then; and %q's loop writes an element before reading %p.
// CHECK-LABEL: func.func @not_in_place.body(
// CHECK: memref.view %{{.+}}[%c0{{(_[0-9]+)?}}][] : memref<512xi8> to memref<20xf32>
// CHECK: memref.view %{{.+}}[%c384{{(_[0-9]+)?}}][] : memref<512xi8> to memref<20xf32>
// CHECK: memref.view %{{.+}}[%c0{{(_[0-9]+)?}}][] : memref<512xi8> to memref<16xf32>
// CHECK: memref.view %{{.+}}[%c320{{(_[0-9]+)?}}][] : memref<512xi8> to memref<16xf32>
func.func @not_in_place(%ctx: !llvm.ptr, %x: memref<20xf32>, %y: memref<16xf32>, %z: memref<16xf32>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %pad = arith.constant 0.0 : f32
  %r = memref.alloc() : memref<20xf32>
  memref.copy %x, %r : memref<20xf32> to memref<20xf32>
  %o = memref.alloc() : memref<20xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %at = arith.muli %i, %c4 : index
    %next = arith.addi %at, %c4 : index
    %v = vector.transfer_read %r[%at], %pad {in_bounds = [true]} : memref<20xf32>, vector<4xf32>
    %u = vector.transfer_read %r[%next], %pad {in_bounds = [true]} : memref<20xf32>, vector<4xf32>
    %w = arith.addf %v, %u : vector<4xf32>
    vector.transfer_write %w, %o[%at] {in_bounds = [true]} : vector<4xf32>, memref<20xf32>
    scf.reduce
  }
  %os = memref.subview %o[0] [16] [1] : memref<20xf32> to memref<16xf32, strided<[1]>>
  memref.copy %os, %y : memref<16xf32, strided<[1]>> to memref<16xf32>
  %p = memref.alloc() : memref<16xf32>
  %xs = memref.subview %x[0] [16] [1] : memref<20xf32> to memref<16xf32, strided<[1]>>
  memref.copy %xs, %p : memref<16xf32, strided<[1]>> to memref<16xf32>
  %q = memref.alloc() : memref<16xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %at = arith.muli %i, %c4 : index
    %zero = arith.constant dense<0.0> : vector<4xf32>
    vector.transfer_write %zero, %q[%at] {in_bounds = [true]} : vector<4xf32>, memref<16xf32>
    %v = vector.transfer_read %p[%at], %pad {in_bounds = [true]} : memref<16xf32>, vector<4xf32>
    vector.transfer_write %v, %q[%at] {in_bounds = [true]} : vector<4xf32>, memref<16xf32>
    scf.reduce
  }
  memref.copy %q, %z : memref<16xf32> to memref<16xf32>
  %ok = arith.constant 0 : i32
  return %ok : i32
}
