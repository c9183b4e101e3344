// RUN: kiln-opt %s --kiln-copies-to-linalg | FileCheck %s
// RUN: kiln-opt %s --kiln-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// A copy between strided buffers becomes linalg.copy, and then loops: an artifact never calls
// memrefCopy from MLIR's C runner library.
// CHECK-LABEL: func.func @strided_copy
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.+}} : memref<2x2xf32, strided<[4, 2], offset: 4>>) outs(%{{.+}} : memref<2x2xf32>)
// LLVM-LABEL: llvm.func @strided_copy
// LLVM-NOT: memrefCopy
// LLVM: llvm.return
func.func @strided_copy(%a: memref<3x4xf32>, %out: memref<2x2xf32>) {
  %s = memref.subview %a[1, 0] [2, 2] [1, 2] : memref<3x4xf32> to memref<2x2xf32, strided<[4, 2], offset: 4>>
  memref.copy %s, %out : memref<2x2xf32, strided<[4, 2], offset: 4>> to memref<2x2xf32>
  return
}
