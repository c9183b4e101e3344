// Elementwise binary and unary ops, computed in double and rounded once to the result type.
// Expected values are worked out by hand (transcendentals: libm in double, rounded to f32).

// RUN: kiln-interp %s --graph binary_f32 --print | FileCheck %s --check-prefix=BINF
// RUN: kiln-interp %s --graph broadcast --print | FileCheck %s --check-prefix=BCAST
// RUN: kiln-interp %s --graph binary_i32 --print | FileCheck %s --check-prefix=BINI
// RUN: kiln-interp %s --graph div_i64 --print | FileCheck %s --check-prefix=DIV64
// RUN: kiln-interp %s --graph max_min_i1 --print | FileCheck %s --check-prefix=BOOL
// RUN: kiln-interp %s --graph unary_f32 --print | FileCheck %s --check-prefix=UNF
// RUN: kiln-interp %s --graph relu_special --print | FileCheck %s --check-prefix=RELU
// RUN: kiln-interp %s --graph unary_i8 --print | FileCheck %s --check-prefix=UNI

// 0 + -0 = 0, 0 * -0 = -0, 0 / -0 = nan; max/min order -0 < +0 and propagate NaN.
// BINF-LABEL: result0: f32[4]
// BINF-NEXT: [ 2. 2. 0. nan]
// BINF-LABEL: result1: f32[4]
// BINF-NEXT: [ 1. -6. 0. nan]
// BINF-LABEL: result2: f32[4]
// BINF-NEXT: [0.75 -8. -0. nan]
// BINF-LABEL: result3: f32[4]
// BINF-NEXT: [ 3. -0.5 nan nan]
// BINF-LABEL: result4: f32[4]
// BINF-NEXT: [1.5 4. 0. nan]
// BINF-LABEL: result5: f32[4]
// BINF-NEXT: [0.5 -2. -0. nan]
// BINF-LABEL: result6: f32[4]
// BINF-NEXT: [1.2247449 16. 1. nan]
kiln.graph @binary_f32() -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
                             tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %a = kiln.constant dense<[1.5, -2.0, 0.0, 0x7FC00000]> : tensor<4xf32>
  %b = kiln.constant dense<[0.5, 4.0, -0.0, 1.0]> : tensor<4xf32>
  %add = kiln.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %sub = kiln.sub %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %mul = kiln.mul %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %div = kiln.div %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %max = kiln.max %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %min = kiln.min %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %pow = kiln.pow %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  kiln.return %add, %sub, %mul, %div, %max, %min, %pow
      : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<4xf32>
}

// NumPy broadcasting: 2x1x3 + 4x1 -> 2x4x3 would be big; 2x3 + 3 and 2x1 * 1x3 suffice.
// BCAST-LABEL: result0: f32[2x3]
// BCAST-NEXT: {{\[\[}}11. 22. 33.]
// BCAST-NEXT:  [14. 25. 36.]]
// BCAST-LABEL: result1: f32[2x3]
// BCAST-NEXT: {{\[\[}} 1. 2. 3.]
// BCAST-NEXT:  [10. 20. 30.]]
kiln.graph @broadcast() -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %m = kiln.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %row = kiln.constant dense<[10.0, 20.0, 30.0]> : tensor<3xf32>
  %col = kiln.constant dense<[[1.0], [10.0]]> : tensor<2x1xf32>
  %r = kiln.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %0 = kiln.add %m, %row : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = kiln.mul %col, %r : (tensor<2x1xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  kiln.return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// Two's complement wrap; division truncates, x / 0 = 0 and INT_MIN / -1 = INT_MIN.
// BINI-LABEL: result0: i32[6]
// BINI-NEXT: [ 9 -5 7 2147483647 -2147483648 0]
// BINI-LABEL: result1: i32[6]
// BINI-NEXT: [ 5 -9 7 -2147483647 2147483646 10]
// BINI-LABEL: result2: i32[6]
// BINI-NEXT: [ 14 -14 0 -2147483648 2147483647 -25]
// BINI-LABEL: result3: i32[6]
// BINI-NEXT: [ 3 -3 0 -2147483648 2147483647 -1]
// BINI-LABEL: result4: i32[6]
// BINI-NEXT: [ 7 2 7 -1 2147483647 5]
// BINI-LABEL: result5: i32[6]
// BINI-NEXT: [ 2 -7 0 -2147483648 1 -5]
kiln.graph @binary_i32() -> (tensor<6xi32>, tensor<6xi32>, tensor<6xi32>, tensor<6xi32>,
                             tensor<6xi32>, tensor<6xi32>) {
  %a = kiln.constant dense<[7, -7, 7, -2147483648, 2147483647, 5]> : tensor<6xi32>
  %b = kiln.constant dense<[2, 2, 0, -1, 1, -5]> : tensor<6xi32>
  %add = kiln.add %a, %b : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %sub = kiln.sub %a, %b : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %mul = kiln.mul %a, %b : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %div = kiln.div %a, %b : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %max = kiln.max %a, %b : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  %min = kiln.min %a, %b : (tensor<6xi32>, tensor<6xi32>) -> tensor<6xi32>
  kiln.return %add, %sub, %mul, %div, %max, %min
      : tensor<6xi32>, tensor<6xi32>, tensor<6xi32>, tensor<6xi32>, tensor<6xi32>, tensor<6xi32>
}

// The 64-bit corner cases (no wider type to compute in) and i8 truncation toward zero.
// DIV64-LABEL: result0: i64[3]
// DIV64-NEXT: [-9223372036854775808 0 -3]
// DIV64-LABEL: result1: i8[3]
// DIV64-NEXT: [-128 0 -3]
kiln.graph @div_i64() -> (tensor<3xi64>, tensor<3xi8>) {
  %a = kiln.constant dense<[-9223372036854775808, 5, -7]> : tensor<3xi64>
  %b = kiln.constant dense<[-1, 0, 2]> : tensor<3xi64>
  %c = kiln.constant dense<[-128, 5, -7]> : tensor<3xi8>
  %d = kiln.constant dense<[-1, 0, 2]> : tensor<3xi8>
  %0 = kiln.div %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %1 = kiln.div %c, %d : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  kiln.return %0, %1 : tensor<3xi64>, tensor<3xi8>
}

// On i1, max is `or` and min is `and`.
// BOOL-LABEL: result0: i1[4]
// BOOL-NEXT: [False True True True]
// BOOL-LABEL: result1: i1[4]
// BOOL-NEXT: [False False False True]
kiln.graph @max_min_i1() -> (tensor<4xi1>, tensor<4xi1>) {
  %a = kiln.constant dense<[false, false, true, true]> : tensor<4xi1>
  %b = kiln.constant dense<[false, true, false, true]> : tensor<4xi1>
  %0 = kiln.max %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %1 = kiln.min %a, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  kiln.return %0, %1 : tensor<4xi1>, tensor<4xi1>
}

// UNF-LABEL: result0: f32[4]
// UNF-NEXT: [1.5 -0. -1. -4.]
// UNF-LABEL: result1: f32[4]
// UNF-NEXT: [1.5 0. 1. 4.]
// UNF-LABEL: result2: f32[4]
// UNF-NEXT: [0. 0. 1. 4.]
// UNF-LABEL: result3: f32[4]
// UNF-NEXT: [0.22313017 1. 2.7182817 54.598148]
// UNF-LABEL: result4: f32[4]
// UNF-NEXT: [ nan -inf 0. 1.3862944]
// UNF-LABEL: result5: f32[4]
// UNF-NEXT: [nan 0. 1. 2.]
// UNF-LABEL: result6: f32[4]
// UNF-NEXT: [nan inf 1. 0.5]
// UNF-LABEL: result7: f32[4]
// UNF-NEXT: [-0.90514827 0. 0.76159418 0.99932933]
// UNF-LABEL: result8: f32[4]
// UNF-NEXT: [0.18242553 0.5 0.7310586 0.98201376]
// UNF-LABEL: result9: f32[4]
// UNF-NEXT: [-0.27363828 0. 0.7310586 3.928055]
// UNF-LABEL: result10: f32[4]
// UNF-NEXT: [-0.96610516 0. 0.84270078 1.]
// UNF-LABEL: result11: f32[4]
// UNF-NEXT: [-2. 0. 1. 4.]
// UNF-LABEL: result12: f32[4]
// UNF-NEXT: [-1. 0. 1. 4.]
// UNF-LABEL: result13: f32[4]
// UNF-NEXT: [-0.1002108 0. 0.84134477 3.9998734]
// UNF-LABEL: result14: f32[4]
// UNF-NEXT: [-0.10042842 0. 0.84119201 3.9999297]
kiln.graph @unary_f32() -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
                            tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
                            tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
                            tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %x = kiln.constant dense<[-1.5, 0.0, 1.0, 4.0]> : tensor<4xf32>
  %0 = kiln.neg %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.abs %x : (tensor<4xf32>) -> tensor<4xf32>
  %2 = kiln.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %3 = kiln.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %4 = kiln.log %x : (tensor<4xf32>) -> tensor<4xf32>
  %5 = kiln.sqrt %x : (tensor<4xf32>) -> tensor<4xf32>
  %6 = kiln.rsqrt %x : (tensor<4xf32>) -> tensor<4xf32>
  %7 = kiln.tanh %x : (tensor<4xf32>) -> tensor<4xf32>
  %8 = kiln.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  %9 = kiln.silu %x : (tensor<4xf32>) -> tensor<4xf32>
  %10 = kiln.erf %x : (tensor<4xf32>) -> tensor<4xf32>
  %11 = kiln.floor %x : (tensor<4xf32>) -> tensor<4xf32>
  %12 = kiln.ceil %x : (tensor<4xf32>) -> tensor<4xf32>
  %13 = kiln.gelu %x : (tensor<4xf32>) -> tensor<4xf32>
  %14 = kiln.gelu %x {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14
      : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// relu is max(x, 0): NaN stays NaN and -0 becomes +0.
// RELU-LABEL: result0: f64[3]
// RELU-NEXT: [nan 0. 0.]
kiln.graph @relu_special() -> tensor<3xf64> {
  %x = kiln.constant dense<[0x7FF8000000000000, -0.0, -3.0]> : tensor<3xf64>
  %0 = kiln.relu %x : (tensor<3xf64>) -> tensor<3xf64>
  kiln.return %0 : tensor<3xf64>
}

// neg and abs of the minimum wrap to the minimum.
// UNI-LABEL: result0: i8[4]
// UNI-NEXT: [-128 5 0 -7]
// UNI-LABEL: result1: i8[4]
// UNI-NEXT: [-128 5 0 7]
// UNI-LABEL: result2: i8[4]
// UNI-NEXT: [0 0 0 7]
kiln.graph @unary_i8() -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi8>) {
  %x = kiln.constant dense<[-128, -5, 0, 7]> : tensor<4xi8>
  %0 = kiln.neg %x : (tensor<4xi8>) -> tensor<4xi8>
  %1 = kiln.abs %x : (tensor<4xi8>) -> tensor<4xi8>
  %2 = kiln.relu %x : (tensor<4xi8>) -> tensor<4xi8>
  kiln.return %0, %1, %2 : tensor<4xi8>, tensor<4xi8>, tensor<4xi8>
}
