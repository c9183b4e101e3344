// Data movement: transpose, reshape, broadcast_to, concat, slice, pad and constants (splats,
// bf16 literals). Every value is an input value moved to a hand-derived position.

// RUN: kiln-interp %s --graph transpose --print | FileCheck %s --check-prefix=TRANSPOSE
// RUN: kiln-interp %s --graph reshape_broadcast --print | FileCheck %s --check-prefix=RESHAPE
// RUN: kiln-interp %s --graph concat --print | FileCheck %s --check-prefix=CONCAT
// RUN: kiln-interp %s --graph slice --print | FileCheck %s --check-prefix=SLICE
// RUN: kiln-interp %s --graph pad --print | FileCheck %s --check-prefix=PAD
// RUN: kiln-interp %s --graph constants --print | FileCheck %s --check-prefix=CONST
// RUN: kiln-interp %s --graph resource --print | FileCheck %s --check-prefix=RESOURCE

// Result dim i is input dim permutation[i]: 2x1x3 with [2, 0, 1] gives 3x2x1, r[i][j][0] =
// x[j][0][i].
// TRANSPOSE-LABEL: result0: i32[3x2]
// TRANSPOSE-NEXT: {{\[\[}}1 4]
// TRANSPOSE-NEXT:  [2 5]
// TRANSPOSE-NEXT:  [3 6]]
// TRANSPOSE-LABEL: result1: i32[3x2x1]
// TRANSPOSE-NEXT: {{\[\[\[}}1]
// TRANSPOSE-NEXT:   [4]]
// TRANSPOSE-EMPTY:
// TRANSPOSE-NEXT:  {{\[\[}}2]
// TRANSPOSE-NEXT:   [5]]
// TRANSPOSE-EMPTY:
// TRANSPOSE-NEXT:  {{\[\[}}3]
// TRANSPOSE-NEXT:   [6]]]
kiln.graph @transpose() -> (tensor<3x2xi32>, tensor<3x2x1xi32>) {
  %x = kiln.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %y = kiln.constant dense<[[[1, 2, 3]], [[4, 5, 6]]]> : tensor<2x1x3xi32>
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  %1 = kiln.transpose %y {permutation = array<i64: 2, 0, 1>}
      : (tensor<2x1x3xi32>) -> tensor<3x2x1xi32>
  kiln.return %0, %1 : tensor<3x2xi32>, tensor<3x2x1xi32>
}

// RESHAPE-LABEL: result0: i32[3x2]
// RESHAPE-NEXT: {{\[\[}}1 2]
// RESHAPE-NEXT:  [3 4]
// RESHAPE-NEXT:  [5 6]]
// RESHAPE-LABEL: result1: f32[2x3]
// RESHAPE-NEXT: {{\[\[}}1. 2. 3.]
// RESHAPE-NEXT:  [1. 2. 3.]]
// RESHAPE-LABEL: result2: i1[2]
// RESHAPE-NEXT: [True True]
kiln.graph @reshape_broadcast() -> (tensor<3x2xi32>, tensor<2x3xf32>, tensor<2xi1>) {
  %x = kiln.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %row = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %t = kiln.constant dense<true> : tensor<i1>
  %0 = kiln.reshape %x : (tensor<2x3xi32>) -> tensor<3x2xi32>
  %1 = kiln.broadcast_to %row : (tensor<3xf32>) -> tensor<2x3xf32>
  %2 = kiln.broadcast_to %t : (tensor<i1>) -> tensor<2xi1>
  kiln.return %0, %1, %2 : tensor<3x2xi32>, tensor<2x3xf32>, tensor<2xi1>
}

// CONCAT-LABEL: result0: f32[3x2]
// CONCAT-NEXT: {{\[\[}}1. 2.]
// CONCAT-NEXT:  [3. 4.]
// CONCAT-NEXT:  [5. 6.]]
// CONCAT-LABEL: result1: i8[2x4]
// CONCAT-NEXT: {{\[\[}}1 3 4 7]
// CONCAT-NEXT:  [2 5 6 8]]
kiln.graph @concat() -> (tensor<3x2xf32>, tensor<2x4xi8>) {
  %a = kiln.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %b = kiln.constant dense<[[3.0, 4.0], [5.0, 6.0]]> : tensor<2x2xf32>
  %c = kiln.constant dense<[[1], [2]]> : tensor<2x1xi8>
  %d = kiln.constant dense<[[3, 4], [5, 6]]> : tensor<2x2xi8>
  %e = kiln.constant dense<[[7], [8]]> : tensor<2x1xi8>
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %1 = kiln.concat %c, %d, %e {axis = -1 : i64}
      : (tensor<2x1xi8>, tensor<2x2xi8>, tensor<2x1xi8>) -> tensor<2x4xi8>
  kiln.return %0, %1 : tensor<3x2xf32>, tensor<2x4xi8>
}

// x[0:3:2, 1:4:2] of [[0 1 2 3] [4 5 6 7] [8 9 10 11]] is rows 0, 2 and columns 1, 3; without
// strides x[1:2, 0:2] is [[4 5]].
// SLICE-LABEL: result0: i32[2x2]
// SLICE-NEXT: {{\[\[}} 1 3]
// SLICE-NEXT:  [ 9 11]]
// SLICE-LABEL: result1: i32[1x2]
// SLICE-NEXT: {{\[\[}}4 5]]
kiln.graph @slice() -> (tensor<2x2xi32>, tensor<1x2xi32>) {
  %x = kiln.constant dense<[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]> : tensor<3x4xi32>
  %0 = kiln.slice %x {starts = array<i64: 0, 1>, limits = array<i64: 3, 4>,
                      strides = array<i64: 2, 2>} : (tensor<3x4xi32>) -> tensor<2x2xi32>
  %1 = kiln.slice %x {starts = array<i64: 1, 0>, limits = array<i64: 2, 2>}
      : (tensor<3x4xi32>) -> tensor<1x2xi32>
  kiln.return %0, %1 : tensor<2x2xi32>, tensor<1x2xi32>
}

// One row above and two columns right of value 9; the default value 0; an i1 value true.
// PAD-LABEL: result0: i32[3x4]
// PAD-NEXT: {{\[\[}}9 9 9 9]
// PAD-NEXT:  [1 2 9 9]
// PAD-NEXT:  [3 4 9 9]]
// PAD-LABEL: result1: f32[4]
// PAD-NEXT: [0. 1. 2. 0.]
// PAD-LABEL: result2: i1[2]
// PAD-NEXT: [ True False]
kiln.graph @pad() -> (tensor<3x4xi32>, tensor<4xf32>, tensor<2xi1>) {
  %x = kiln.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  %y = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %z = kiln.constant dense<false> : tensor<1xi1>
  %0 = kiln.pad %x {low = array<i64: 1, 0>, high = array<i64: 0, 2>, value = 9 : i32}
      : (tensor<2x2xi32>) -> tensor<3x4xi32>
  %1 = kiln.pad %y {low = array<i64: 1>, high = array<i64: 1>} : (tensor<2xf32>) -> tensor<4xf32>
  %2 = kiln.pad %z {low = array<i64: 1>, high = array<i64: 0>, value = true}
      : (tensor<1xi1>) -> tensor<2xi1>
  kiln.return %0, %1, %2 : tensor<3x4xi32>, tensor<4xf32>, tensor<2xi1>
}

// A splat fills its whole type; the bf16 literal 3.14159 is stored as the nearest bf16,
// 3.140625 (8 significant bits), which the cast to f32 shows exactly.
// CONST-LABEL: result0: i16[2x2]
// CONST-NEXT: {{\[\[}}-7 -7]
// CONST-NEXT:  [-7 -7]]
// CONST-LABEL: result1: f32[2]
// CONST-NEXT: [ 1. 3.140625]
kiln.graph @constants() -> (tensor<2x2xi16>, tensor<2xf32>) {
  %0 = kiln.constant dense<-7> : tensor<2x2xi16>
  %b = kiln.constant dense<[1.0, 3.14159]> : tensor<2xbf16>
  %1 = kiln.cast %b : (tensor<2xbf16>) -> tensor<2xf32>
  kiln.return %0, %1 : tensor<2x2xi16>, tensor<2xf32>
}

// A dense_resource blob (after its 4-byte alignment header): little-endian 1.0, 2.0 and int16
// -2, 300.
// RESOURCE-LABEL: result0: f32[2]
// RESOURCE-NEXT: [1. 2.]
// RESOURCE-LABEL: result1: i16[2]
// RESOURCE-NEXT: [ -2 300]
kiln.graph @resource() -> (tensor<2xf32>, tensor<2xi16>) {
  %0 = kiln.constant dense_resource<floats> : tensor<2xf32>
  %1 = kiln.constant dense_resource<shorts> : tensor<2xi16>
  kiln.return %0, %1 : tensor<2xf32>, tensor<2xi16>
}

{-#
  dialect_resources: {
    builtin: {
      floats: "0x040000000000803F00000040",
      shorts: "0x04000000FEFF2C01"
    }
  }
#-}
