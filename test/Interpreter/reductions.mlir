// reduce_sum/max/min/mean/prod over axes (negative ones count from the end, keep_dims) and
// argmax (first maximum; NaN counts as the maximum, its first occurrence wins).

// RUN: kiln-interp %s --graph reduce_f32 --print | FileCheck %s --check-prefix=RF
// RUN: kiln-interp %s --graph reduce_nan --print | FileCheck %s --check-prefix=NAN
// RUN: kiln-interp %s --graph reduce_int --print | FileCheck %s --check-prefix=RI
// RUN: kiln-interp %s --graph reduce_f16 --print | FileCheck %s --check-prefix=F16
// RUN: kiln-interp %s --graph argmax --print | FileCheck %s --check-prefix=ARGMAX

// x = [[1 2 3] [4 -5 6]]
// RF-LABEL: result0: f32[2]
// RF-NEXT: [6. 5.]
// RF-LABEL: result1: f32[1x3]
// RF-NEXT: {{\[\[}} 5. -3. 9.]]
// RF-LABEL: result2: f32[]
// RF-NEXT: 11.
// RF-LABEL: result3: f32[2]
// RF-NEXT: [3. 6.]
// RF-LABEL: result4: f32[3]
// RF-NEXT: [ 1. -5. 3.]
// RF-LABEL: result5: f32[2]
// RF-NEXT: [ 2. 1.6666666]
// RF-LABEL: result6: f32[]
// RF-NEXT: -720.
kiln.graph @reduce_f32() -> (tensor<2xf32>, tensor<1x3xf32>, tensor<f32>, tensor<2xf32>,
                             tensor<3xf32>, tensor<2xf32>, tensor<f32>) {
  %x = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]> : tensor<2x3xf32>
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  %1 = kiln.reduce_sum %x {axes = array<i64: 0>, keep_dims = true}
      : (tensor<2x3xf32>) -> tensor<1x3xf32>
  %2 = kiln.reduce_sum %x {axes = array<i64: -1, 0>} : (tensor<2x3xf32>) -> tensor<f32>
  %3 = kiln.reduce_max %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  %4 = kiln.reduce_min %x {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
  %5 = kiln.reduce_mean %x {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  %6 = kiln.reduce_prod %x {axes = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<f32>
  kiln.return %0, %1, %2, %3, %4, %5, %6 : tensor<2xf32>, tensor<1x3xf32>, tensor<f32>,
      tensor<2xf32>, tensor<3xf32>, tensor<2xf32>, tensor<f32>
}

// NaN propagates through max and min.
// NAN-LABEL: result0: f32[2]
// NAN-NEXT: [nan 3.]
// NAN-LABEL: result1: f32[2]
// NAN-NEXT: [ 1. nan]
kiln.graph @reduce_nan() -> (tensor<2xf32>, tensor<2xf32>) {
  %x = kiln.constant dense<[[1.0, 0x7FC00000], [2.0, 3.0]]> : tensor<2x2xf32>
  %0 = kiln.reduce_max %x {axes = array<i64: 1>} : (tensor<2x2xf32>) -> tensor<2xf32>
  %1 = kiln.reduce_min %x {axes = array<i64: 0>} : (tensor<2x2xf32>) -> tensor<2xf32>
  kiln.return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// Integer sums and products wrap (100 + 100 = 200 = -56 in i8); on i1 max is any, min all.
// RI-LABEL: result0: i32[2]
// RI-NEXT: [4 6]
// RI-LABEL: result1: i32[2]
// RI-NEXT: [ 2 12]
// RI-LABEL: result2: i8[]
// RI-NEXT: -56
// RI-LABEL: result3: i1[]
// RI-NEXT: True
// RI-LABEL: result4: i1[]
// RI-NEXT: False
kiln.graph @reduce_int() -> (tensor<2xi32>, tensor<2xi32>, tensor<i8>, tensor<i1>, tensor<i1>) {
  %x = kiln.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi32>
  %y = kiln.constant dense<100> : tensor<2xi8>
  %b = kiln.constant dense<[false, true, false]> : tensor<3xi1>
  %0 = kiln.reduce_sum %x {axes = array<i64: 0>} : (tensor<2x2xi32>) -> tensor<2xi32>
  %1 = kiln.reduce_prod %x {axes = array<i64: 1>} : (tensor<2x2xi32>) -> tensor<2xi32>
  %2 = kiln.reduce_sum %y {axes = array<i64: 0>} : (tensor<2xi8>) -> tensor<i8>
  %3 = kiln.reduce_max %b {axes = array<i64: 0>} : (tensor<3xi1>) -> tensor<i1>
  %4 = kiln.reduce_min %b {axes = array<i64: 0>} : (tensor<3xi1>) -> tensor<i1>
  kiln.return %0, %1, %2, %3, %4 : tensor<2xi32>, tensor<2xi32>, tensor<i8>, tensor<i1>,
      tensor<i1>
}

// 2048 + 1 + 1 accumulates exactly and rounds once to 2050 (f16 steps would stay at 2048);
// the mean of [1, 2] in f16 is 1.5.
// F16-LABEL: result0: f16[]
// F16-NEXT: 2050.
// F16-LABEL: result1: f16[]
// F16-NEXT: 1.5
kiln.graph @reduce_f16() -> (tensor<f16>, tensor<f16>) {
  %x = kiln.constant dense<[2048.0, 1.0, 1.0]> : tensor<3xf16>
  %y = kiln.constant dense<[1.0, 2.0]> : tensor<2xf16>
  %0 = kiln.reduce_sum %x {axes = array<i64: 0>} : (tensor<3xf16>) -> tensor<f16>
  %1 = kiln.reduce_mean %y {axes = array<i64: 0>} : (tensor<2xf16>) -> tensor<f16>
  kiln.return %0, %1 : tensor<f16>, tensor<f16>
}

// Row 0: the tie of 3s gives the first; row 1: the first NaN beats 5; row 2: leading NaN.
// Integers along axis -2 with keep_dims: column 0 peaks at index 1, column 1 ties at 0 and 1.
// ARGMAX-LABEL: result0: i64[3]
// ARGMAX-NEXT: [1 1 0]
// ARGMAX-LABEL: result1: i64[1x2]
// ARGMAX-NEXT: {{\[\[}}1 0]]
kiln.graph @argmax() -> (tensor<3xi64>, tensor<1x2xi64>) {
  %x = kiln.constant dense<[[1.0, 3.0, 3.0, 2.0], [1.0, 0x7FC00000, 5.0, 0x7FC00000],
                            [0x7FC00000, 0x7FC00000, 0.0, 0.0]]> : tensor<3x4xf32>
  %y = kiln.constant dense<[[1, 5], [3, 5], [2, 1]]> : tensor<3x2xi32>
  %0 = kiln.argmax %x {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3xi64>
  %1 = kiln.argmax %y {axes = array<i64: -2>, keep_dims = true}
      : (tensor<3x2xi32>) -> tensor<1x2xi64>
  kiln.return %0, %1 : tensor<3xi64>, tensor<1x2xi64>
}
