// kiln.cmp (IEEE for floats, signed for integers, false < true), kiln.select with three-way
// broadcasting, and every kind of kiln.cast. Expected values are worked out by hand.

// RUN: kiln-interp %s --graph cmp_f32 --print | FileCheck %s --check-prefix=CMPF
// RUN: kiln-interp %s --graph cmp_int --print | FileCheck %s --check-prefix=CMPI
// RUN: kiln-interp %s --graph select --print | FileCheck %s --check-prefix=SELECT
// RUN: kiln-interp %s --graph float_to_int --print | FileCheck %s --check-prefix=F2I
// RUN: kiln-interp %s --graph to_bool --print | FileCheck %s --check-prefix=BOOL
// RUN: kiln-interp %s --graph int_to_int --print | FileCheck %s --check-prefix=I2I
// RUN: kiln-interp %s --graph to_float --print | FileCheck %s --check-prefix=TOF

// Every comparison with NaN is false except "ne"; -0 == +0.
// CMPF-LABEL: result0: i1[4]
// CMPF-NEXT: [ True False False True]
// CMPF-LABEL: result1: i1[4]
// CMPF-NEXT: [False True True False]
// CMPF-LABEL: result2: i1[4]
// CMPF-NEXT: [False False True False]
// CMPF-LABEL: result3: i1[4]
// CMPF-NEXT: [ True False True True]
// CMPF-LABEL: result4: i1[4]
// CMPF-NEXT: [False False False False]
// CMPF-LABEL: result5: i1[4]
// CMPF-NEXT: [ True False False True]
kiln.graph @cmp_f32() -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>,
                          tensor<4xi1>) {
  %a = kiln.constant dense<[1.0, 0x7FC00000, 2.0, -0.0]> : tensor<4xf32>
  %b = kiln.constant dense<[1.0, 0x7FC00000, 3.0, 0.0]> : tensor<4xf32>
  %eq = kiln.cmp %a, %b {predicate = "eq"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %ne = kiln.cmp %a, %b {predicate = "ne"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %lt = kiln.cmp %a, %b {predicate = "lt"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %le = kiln.cmp %a, %b {predicate = "le"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %gt = kiln.cmp %a, %b {predicate = "gt"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %ge = kiln.cmp %a, %b {predicate = "ge"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  kiln.return %eq, %ne, %lt, %le, %gt, %ge
      : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// Signed integers (-1 < 2), i1 ordered false < true, and broadcasting 2x1 against 3.
// CMPI-LABEL: result0: i1[2]
// CMPI-NEXT: [ True False]
// CMPI-LABEL: result1: i1[2]
// CMPI-NEXT: [ True False]
// CMPI-LABEL: result2: i1[2x3]
// CMPI-NEXT: {{\[\[}} True False False]
// CMPI-NEXT:  [ True True False]]
kiln.graph @cmp_int() -> (tensor<2xi1>, tensor<2xi1>, tensor<2x3xi1>) {
  %a = kiln.constant dense<[-1, 3]> : tensor<2xi8>
  %b = kiln.constant dense<[2, 3]> : tensor<2xi8>
  %c = kiln.constant dense<[false, true]> : tensor<2xi1>
  %d = kiln.constant dense<true> : tensor<2xi1>
  %e = kiln.constant dense<[[1], [2]]> : tensor<2x1xi32>
  %f = kiln.constant dense<[1, 2, 3]> : tensor<3xi32>
  %0 = kiln.cmp %a, %b {predicate = "lt"} : (tensor<2xi8>, tensor<2xi8>) -> tensor<2xi1>
  %1 = kiln.cmp %c, %d {predicate = "lt"} : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %2 = kiln.cmp %e, %f {predicate = "ge"} : (tensor<2x1xi32>, tensor<3xi32>) -> tensor<2x3xi1>
  kiln.return %0, %1, %2 : tensor<2xi1>, tensor<2xi1>, tensor<2x3xi1>
}

// The condition is 2x1, on_true 3 and on_false a scalar: all broadcast to 2x3.
// SELECT-LABEL: result0: f32[2x3]
// SELECT-NEXT: {{\[\[}} 1. 2. 3.]
// SELECT-NEXT:  [-1. -1. -1.]]
kiln.graph @select() -> tensor<2x3xf32> {
  %c = kiln.constant dense<[[true], [false]]> : tensor<2x1xi1>
  %t = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %f = kiln.constant dense<-1.0> : tensor<f32>
  %0 = kiln.select %c, %t, %f : (tensor<2x1xi1>, tensor<3xf32>, tensor<f32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// float -> int truncates toward zero and saturates; NaN -> 0.
// F2I-LABEL: result0: i8[8]
// F2I-NEXT: [ 0 127 -128 -2 2 127 -128 127]
// F2I-LABEL: result1: i32[3]
// F2I-NEXT: [ 2147483647 -2147483648 2147483520]
// F2I-LABEL: result2: i64[3]
// F2I-NEXT: [ 9223372036854775807 -9223372036854775808 0]
kiln.graph @float_to_int() -> (tensor<8xi8>, tensor<3xi32>, tensor<3xi64>) {
  %a = kiln.constant dense<[0x7FC00000, 1.0e10, -1.0e10, -2.7, 2.7, 0x7F800000, 0xFF800000,
                            127.9]> : tensor<8xf32>
  %b = kiln.constant dense<[3.0e9, -3.0e9, 2147483520.0]> : tensor<3xf32>
  %c = kiln.constant dense<[1.0e19, -1.0e19, -0.5]> : tensor<3xf64>
  %0 = kiln.cast %a : (tensor<8xf32>) -> tensor<8xi8>
  %1 = kiln.cast %b : (tensor<3xf32>) -> tensor<3xi32>
  %2 = kiln.cast %c : (tensor<3xf64>) -> tensor<3xi64>
  kiln.return %0, %1, %2 : tensor<8xi8>, tensor<3xi32>, tensor<3xi64>
}

// float -> i1 and int -> i1 are x != 0 (NaN and -0 give false), never the low bit.
// BOOL-LABEL: result0: i1[5]
// BOOL-NEXT: [False False False True True]
// BOOL-LABEL: result1: i1[3]
// BOOL-NEXT: [False True True]
kiln.graph @to_bool() -> (tensor<5xi1>, tensor<3xi1>) {
  %a = kiln.constant dense<[0x7FC00000, 0.0, -0.0, 0.5, -2.0]> : tensor<5xf32>
  %b = kiln.constant dense<[0, 256, -1]> : tensor<3xi32>
  %0 = kiln.cast %a : (tensor<5xf32>) -> tensor<5xi1>
  %1 = kiln.cast %b : (tensor<3xi32>) -> tensor<3xi1>
  kiln.return %0, %1 : tensor<5xi1>, tensor<3xi1>
}

// int -> int wraps (300 = 256 + 44, -129 = -256 + 127); i1 -> int gives 0/1, not -1.
// I2I-LABEL: result0: i8[3]
// I2I-NEXT: [ 44 127 127]
// I2I-LABEL: result1: i32[2]
// I2I-NEXT: [1 0]
// I2I-LABEL: result2: i64[2]
// I2I-NEXT: [ -1 -128]
kiln.graph @int_to_int() -> (tensor<3xi8>, tensor<2xi32>, tensor<2xi64>) {
  %a = kiln.constant dense<[300, -129, 127]> : tensor<3xi32>
  %b = kiln.constant dense<[true, false]> : tensor<2xi1>
  %c = kiln.constant dense<[-1, -128]> : tensor<2xi8>
  %0 = kiln.cast %a : (tensor<3xi32>) -> tensor<3xi8>
  %1 = kiln.cast %b : (tensor<2xi1>) -> tensor<2xi32>
  %2 = kiln.cast %c : (tensor<2xi8>) -> tensor<2xi64>
  kiln.return %0, %1, %2 : tensor<3xi8>, tensor<2xi32>, tensor<2xi64>
}

// Round to nearest even, once. f16: 1 + 2^-11 is a tie (-> 1), 1 + 3 * 2^-11 a tie (-> 1 +
// 2^-9), 65520 rounds to inf, 1e-8 is below half the smallest subnormal. i64 -> f32: 2^24 + 1
// ties to 2^24; 2^53 + 2^29 + 1 lies above the midpoint of 2^53 and 2^53 + 2^30 and rounds up
// (rounding through double first would give 2^53).
// TOF-LABEL: result0: f16[4]
// TOF-NEXT: [ 1. 1.0019531 inf 0.]
// TOF-LABEL: result1: f32[2]
// TOF-NEXT: [ 16777216. 9.0072003e+15]
// TOF-LABEL: result2: f32[2]
// TOF-NEXT: [1. 0.]
kiln.graph @to_float() -> (tensor<4xf16>, tensor<2xf32>, tensor<2xf32>) {
  %a = kiln.constant dense<[1.00048828125, 1.00146484375, 65520.0, 1.0e-8]> : tensor<4xf64>
  %b = kiln.constant dense<[16777217, 9007199791611905]> : tensor<2xi64>
  %c = kiln.constant dense<[true, false]> : tensor<2xi1>
  %0 = kiln.cast %a : (tensor<4xf64>) -> tensor<4xf16>
  %1 = kiln.cast %b : (tensor<2xi64>) -> tensor<2xf32>
  %2 = kiln.cast %c : (tensor<2xi1>) -> tensor<2xf32>
  kiln.return %0, %1, %2 : tensor<4xf16>, tensor<2xf32>, tensor<2xf32>
}
