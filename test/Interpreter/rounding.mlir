// Every op rounds its own result once to the result's element type (f16 and bf16 to nearest
// even, straight from the double result); a chain of ops therefore rounds after each op.

// RUN: kiln-interp %s --graph f16_per_op --print | FileCheck %s --check-prefix=F16
// RUN: kiln-interp %s --graph bf16_inside --print | FileCheck %s --check-prefix=BF16
// RUN: kiln-interp %s --graph f32_per_op --print | FileCheck %s --check-prefix=F32
// RUN: kiln-interp %s --graph narrow_transcendentals --print | FileCheck %s --check-prefix=NARROW

// 2048 + 1 = 2049 is a tie between 2048 and 2050 and rounds to the even 2048, so
// (2048 + 1) - 2048 is 0. 60000 + 10000 overflows f16 to inf. f16(0.1) = 1638 * 2^-14, times
// 3 is 1228.5 * 2^-12, a tie that rounds to 1228 * 2^-12 = 0.2998046875.
// F16-LABEL: result0: f16[1]
// F16-NEXT: [0.]
// F16-LABEL: result1: f16[1]
// F16-NEXT: [inf]
// F16-LABEL: result2: f16[1]
// F16-NEXT: [0.29980469]
kiln.graph @f16_per_op() -> (tensor<1xf16>, tensor<1xf16>, tensor<1xf16>) {
  %a = kiln.constant dense<2048.0> : tensor<1xf16>
  %b = kiln.constant dense<1.0> : tensor<1xf16>
  %sum = kiln.add %a, %b : (tensor<1xf16>, tensor<1xf16>) -> tensor<1xf16>
  %0 = kiln.sub %sum, %a : (tensor<1xf16>, tensor<1xf16>) -> tensor<1xf16>
  %c = kiln.constant dense<60000.0> : tensor<1xf16>
  %d = kiln.constant dense<10000.0> : tensor<1xf16>
  %1 = kiln.add %c, %d : (tensor<1xf16>, tensor<1xf16>) -> tensor<1xf16>
  %e = kiln.constant dense<0.1> : tensor<1xf16>
  %f = kiln.constant dense<3.0> : tensor<1xf16>
  %2 = kiln.mul %e, %f : (tensor<1xf16>, tensor<1xf16>) -> tensor<1xf16>
  kiln.return %0, %1, %2 : tensor<1xf16>, tensor<1xf16>, tensor<1xf16>
}

// In bf16 (8 significant bits) 256 + 1 rounds back to 256; 1/3 is 0.333984375.
// BF16-LABEL: result0: f32[2]
// BF16-NEXT: [ 256. 0.33398438]
kiln.graph @bf16_inside() -> tensor<2xf32> {
  %x = kiln.constant dense<[256.0, 0.333333343]> : tensor<2xf32>
  %y = kiln.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %bx = kiln.cast %x : (tensor<2xf32>) -> tensor<2xbf16>
  %by = kiln.cast %y : (tensor<2xf32>) -> tensor<2xbf16>
  %sum = kiln.add %bx, %by : (tensor<2xbf16>, tensor<2xbf16>) -> tensor<2xbf16>
  %0 = kiln.cast %sum : (tensor<2xbf16>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// f32: 1e8 + 1 rounds to 1e8 (the spacing there is 8), so the difference is 0; in f64 it is 1.
// F32-LABEL: result0: f32[1]
// F32-NEXT: [0.]
// F32-LABEL: result1: f64[1]
// F32-NEXT: [1.]
kiln.graph @f32_per_op() -> (tensor<1xf32>, tensor<1xf64>) {
  %a = kiln.constant dense<1.0e8> : tensor<1xf32>
  %b = kiln.constant dense<1.0> : tensor<1xf32>
  %s = kiln.add %a, %b : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  %0 = kiln.sub %s, %a : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  %c = kiln.constant dense<1.0e8> : tensor<1xf64>
  %d = kiln.constant dense<1.0> : tensor<1xf64>
  %t = kiln.add %c, %d : (tensor<1xf64>, tensor<1xf64>) -> tensor<1xf64>
  %1 = kiln.sub %t, %c : (tensor<1xf64>, tensor<1xf64>) -> tensor<1xf64>
  kiln.return %0, %1 : tensor<1xf32>, tensor<1xf64>
}

// Transcendentals are computed in double and rounded once. bf16 gelu(1) = 0.841344746...
// = 215.38 * 2^-8 -> 215 * 2^-8 = 0.83984375; gelu(-0.5) = -0.154268769... = -157.97 * 2^-10
// -> -158 * 2^-10 = -0.154296875. f16 softmax([1 2]) = [0.268941421 0.731058579]: 1101.58 *
// 2^-12 -> 1102 * 2^-12 and 1497.21 * 2^-11 -> 1497 * 2^-11.
// NARROW-LABEL: result0: f32[2]
// NARROW-NEXT: [ 0.83984375 -0.15429688]
// NARROW-LABEL: result1: f16[2]
// NARROW-NEXT: [0.26904297 0.73095703]
kiln.graph @narrow_transcendentals() -> (tensor<2xf32>, tensor<2xf16>) {
  %x = kiln.constant dense<[1.0, -0.5]> : tensor<2xbf16>
  %0 = kiln.gelu %x : (tensor<2xbf16>) -> tensor<2xbf16>
  %c = kiln.cast %0 : (tensor<2xbf16>) -> tensor<2xf32>
  %y = kiln.constant dense<[1.0, 2.0]> : tensor<2xf16>
  %1 = kiln.softmax %y : (tensor<2xf16>) -> tensor<2xf16>
  kiln.return %c, %1 : tensor<2xf32>, tensor<2xf16>
}
