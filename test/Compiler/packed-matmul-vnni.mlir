// RUN: kiln-opt %s --kiln-packed-matmul="vnni=1 mr=4" --canonicalize --cse | FileCheck %s
// RUN: kiln-opt %s --kiln-packed-matmul="mr=4" --canonicalize --cse | FileCheck %s --check-prefix=OFF
// RUN: kiln-opt %s --kiln-packed-matmul="vnni=1 vector-bits=256" --canonicalize --cse | FileCheck %s --check-prefix=OFF
// RUN: kiln-opt %s --kiln-packed-matmul="vnni=1" --kiln-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// i8 x i8 -> i32 with k = 64 on AVX-512 VNNI: B packs into one panel of 16 groups of four rows
// (each column's four bytes side by side, 128 bytes per group for 32 columns) and -128 times
// its column sums; A is read in place, four bytes at a time, broadcast and biased by an xor of
// each byte's sign bit; each group is two vpdpbusd per row, started from the corrections.
// CHECK-LABEL: func.func @vnni
// CHECK-DAG: %[[PB:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x16x128xi8>
// CHECK-DAG: %[[CORR:.+]] = memref.alloc() {alignment = 64 : i64} : memref<1x32xi32>
// CHECK-DAG: %[[BIAS:.+]] = arith.constant dense<-2139062144> : vector<16xi32>
// CHECK-DAG: %[[M128:.+]] = arith.constant dense<-128> : vector<16xi32>
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>)
// CHECK-COUNT-4: vector.transfer_read %arg1{{.*}} : memref<64x29xi8>, vector<16xi8>
// CHECK: vector.shuffle {{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
// CHECK: vector.shuffle {{.*}} [0, 16, 32, 48, 1, 17, 33, 49,
// CHECK: vector.store {{.*}}, %[[PB]]
// CHECK: arith.muli %{{.+}}, %[[M128]] : vector<16xi32>
// CHECK: vector.store {{.*}}, %[[CORR]]
// CHECK: %[[C0:.+]] = vector.load %[[CORR]]{{.*}} : memref<1x32xi32>, vector<16xi32>
// CHECK: %[[C1:.+]] = vector.load %[[CORR]]{{.*}} : memref<1x32xi32>, vector<16xi32>
// CHECK: scf.for {{.*}} = %c0 to %c16 step %c1 iter_args({{.*}} = %[[C0]], {{.*}} = %[[C1]], {{.*}} = %[[C0]], {{.*}} = %[[C1]]
// CHECK: vector.load %[[PB]]{{.*}} : memref<1x16x128xi8>, vector<64xi8>
// CHECK: vector.load %[[PB]]{{.*}} : memref<1x16x128xi8>, vector<64xi8>
// CHECK: %[[GROUP:.+]] = vector.load %arg0[{{.+}}] : memref<37x64xi8>, vector<4xi8>
// CHECK-NEXT: %[[WORD:.+]] = vector.bitcast %[[GROUP]] : vector<4xi8> to vector<1xi32>
// CHECK-NEXT: %[[SPLAT:.+]] = vector.broadcast %[[WORD]] : vector<1xi32> to vector<16xi32>
// CHECK-NEXT: %[[BIASED:.+]] = arith.xori %[[SPLAT]], %[[BIAS]] : vector<16xi32>
// CHECK-NEXT: %[[BYTES:.+]] = vector.bitcast %[[BIASED]] : vector<16xi32> to vector<64xi8>
// CHECK-NEXT: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.+}}, %[[BYTES]], %{{.+}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-NEXT: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK-COUNT-6: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: scf.yield
// OFF-LABEL: func.func @vnni
// OFF-NOT: llvm.call_intrinsic
// OFF: arith.muli {{.*}} : vector<{{8|16}}xi32>
// LLVM-LABEL: llvm.func @vnni
// LLVM: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
func.func @vnni(%a: memref<37x64xi8>, %b: memref<64x29xi8>, %c: memref<37x29xi32>) {
  linalg.matmul ins(%a, %b : memref<37x64xi8>, memref<64x29xi8>) outs(%c : memref<37x29xi32>)
  return
}

// k = 33 is not whole groups of four (A's groups are read in place): the multiply-add kernel.
// CHECK-LABEL: func.func @ragged_depth
// CHECK-NOT: llvm.call_intrinsic
// CHECK: arith.muli {{.*}} : vector<16xi32>
func.func @ragged_depth(%a: memref<7x33xi8>, %b: memref<33x5xi8>, %c: memref<7x5xi32>) {
  linalg.matmul ins(%a, %b : memref<7x33xi8>, memref<33x5xi8>) outs(%c : memref<7x5xi32>)
  return
}

// i16 operands have no VNNI kernel here.
// CHECK-LABEL: func.func @wide
// CHECK-NOT: llvm.call_intrinsic
// CHECK: return
func.func @wide(%a: memref<8x8xi16>, %b: memref<8x32xi16>, %c: memref<8x32xi32>) {
  linalg.matmul ins(%a, %b : memref<8x8xi16>, memref<8x32xi16>) outs(%c : memref<8x32xi32>)
  return
}
