// kiln.matmul as numpy.matmul: 2-D, batch broadcasting, i8 x i8 -> i32, accumulation in double
// (int64 for integers) with one rounding of each result element.

// RUN: kiln-interp %s --graph matmul_2d --print | FileCheck %s --check-prefix=M2D
// RUN: kiln-interp %s --graph batched --print | FileCheck %s --check-prefix=BATCH
// RUN: kiln-interp %s --graph widening_i8 --print | FileCheck %s --check-prefix=I8
// RUN: kiln-interp %s --graph wrapping_i32 --print | FileCheck %s --check-prefix=I32
// RUN: kiln-interp %s --graph rounded_once --print | FileCheck %s --check-prefix=ONCE

// [[1 2 3] [4 5 6]] x [[1 0] [0 1] [1 1]] = [[1+3, 2+3] [4+6, 5+6]]
// M2D-LABEL: result0: f32[2x2]
// M2D-NEXT: {{\[\[}} 4. 5.]
// M2D-NEXT:  [10. 11.]]
kiln.graph @matmul_2d() -> tensor<2x2xf32> {
  %a = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = kiln.constant dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]> : tensor<3x2xf32>
  %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  kiln.return %0 : tensor<2x2xf32>
}

// Batch dims 2 and 1 broadcast to 2: [1 2] and [3 4] each times [[1 10] [100 1000]].
// BATCH-LABEL: result0: f64[2x1x2]
// BATCH-NEXT: {{\[\[\[}} 201. 2010.]]
// BATCH-EMPTY:
// BATCH-NEXT: {{\[\[}} 403. 4030.]]]
kiln.graph @batched() -> tensor<2x1x2xf64> {
  %a = kiln.constant dense<[[[1.0, 2.0]], [[3.0, 4.0]]]> : tensor<2x1x2xf64>
  %b = kiln.constant dense<[[[1.0, 10.0], [100.0, 1000.0]]]> : tensor<1x2x2xf64>
  %0 = kiln.matmul %a, %b : (tensor<2x1x2xf64>, tensor<1x2x2xf64>) -> tensor<2x1x2xf64>
  kiln.return %0 : tensor<2x1x2xf64>
}

// 127 * 127 + 127 * 127 + (-128) * (-128) = 16129 + 16129 + 16384, far beyond i8.
// I8-LABEL: result0: i32[1x1]
// I8-NEXT: {{\[\[}}48642]]
kiln.graph @widening_i8() -> tensor<1x1xi32> {
  %a = kiln.constant dense<[[127, 127, -128]]> : tensor<1x3xi8>
  %b = kiln.constant dense<[[127], [127], [-128]]> : tensor<3x1xi8>
  %0 = kiln.matmul %a, %b : (tensor<1x3xi8>, tensor<3x1xi8>) -> tensor<1x1xi32>
  kiln.return %0 : tensor<1x1xi32>
}

// 65536 * 65536 + 3 * 1 = 2^32 + 3 wraps to 3 in i32.
// I32-LABEL: result0: i32[1x1]
// I32-NEXT: {{\[\[}}3]]
kiln.graph @wrapping_i32() -> tensor<1x1xi32> {
  %a = kiln.constant dense<[[65536, 3]]> : tensor<1x2xi32>
  %b = kiln.constant dense<[[65536], [1]]> : tensor<2x1xi32>
  %0 = kiln.matmul %a, %b : (tensor<1x2xi32>, tensor<2x1xi32>) -> tensor<1x1xi32>
  kiln.return %0 : tensor<1x1xi32>
}

// Sums are exact in double and rounded once. f16: 2048 + 1 + 1 = 2050 (adding in f16 would
// round 2049 to 2048 twice). f32: 1e8 + 1 - 1e8 = 1 (in f32, 1e8 + 1 rounds to 1e8).
// ONCE-LABEL: result0: f16[1x1]
// ONCE-NEXT: {{\[\[}}2050.]]
// ONCE-LABEL: result1: f32[1x1]
// ONCE-NEXT: {{\[\[}}1.]]
kiln.graph @rounded_once() -> (tensor<1x1xf16>, tensor<1x1xf32>) {
  %a = kiln.constant dense<[[2048.0, 1.0, 1.0]]> : tensor<1x3xf16>
  %ones16 = kiln.constant dense<1.0> : tensor<3x1xf16>
  %b = kiln.constant dense<[[1.0e8, 1.0, -1.0e8]]> : tensor<1x3xf32>
  %ones32 = kiln.constant dense<1.0> : tensor<3x1xf32>
  %0 = kiln.matmul %a, %ones16 : (tensor<1x3xf16>, tensor<3x1xf16>) -> tensor<1x1xf16>
  %1 = kiln.matmul %b, %ones32 : (tensor<1x3xf32>, tensor<3x1xf32>) -> tensor<1x1xf32>
  kiln.return %0, %1 : tensor<1x1xf16>, tensor<1x1xf32>
}
