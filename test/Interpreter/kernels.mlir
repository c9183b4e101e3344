// User kernels: kiln.map broadcasts its operands and runs the kernel per element; kiln.reduce
// folds acc = kernel(acc, x) from `init` in row-major order. Every scalar arith/math op rounds
// (or wraps) its own result, and integer ops read i1 and other bits the way arith does.

// RUN: kiln-interp %s --graph map_broadcast --print | FileCheck %s --check-prefix=SAXPY
// RUN: kiln-interp %s --graph fold_order --print | FileCheck %s --check-prefix=FOLD
// RUN: kiln-interp %s --graph int_ops --print | FileCheck %s --check-prefix=INT
// RUN: kiln-interp %s --graph float_ops --print | FileCheck %s --check-prefix=FLOAT
// RUN: kiln-interp %s --graph conversions --print | FileCheck %s --check-prefix=CONV

kiln.kernel @saxpy(%a: f32, %x: f32, %y: f32) -> f32 {
  %0 = arith.mulf %a, %x : f32
  %1 = arith.addf %0, %y : f32
  kiln.yield %1 : f32
}

// A scalar alpha, a row x and a column y broadcast to 2x3: 2 * x + y.
// SAXPY-LABEL: result0: f32[2x3]
// SAXPY-NEXT: {{\[\[}}12. 14. 16.]
// SAXPY-NEXT:  [22. 24. 26.]]
kiln.graph @map_broadcast() -> tensor<2x3xf32> {
  %alpha = kiln.constant dense<2.0> : tensor<f32>
  %x = kiln.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = kiln.constant dense<[[10.0], [20.0]]> : tensor<2x1xf32>
  %r = kiln.map @saxpy(%alpha, %x, %y) : (tensor<f32>, tensor<3xf32>, tensor<2x1xf32>)
      -> tensor<2x3xf32>
  kiln.return %r : tensor<2x3xf32>
}

// An order-dependent fold, acc * 2 + x, over x = [[1 2] [3 4]]. All axes from 0:
// ((((0*2 + 1)*2 + 2)*2 + 3)*2 + 4) = 26. Axis 0: column j is (0*2 + x0j)*2 + x1j = [5 8].
// Axis 1 from 1, keep_dims: (1*2 + xi0)*2 + xi1 = [[8] [14]]. And max(acc, |x|) on i32.
kiln.kernel @horner(%acc: f32, %x: f32) -> f32 {
  %two = arith.constant 2.0 : f32
  %0 = arith.mulf %acc, %two : f32
  %1 = arith.addf %0, %x : f32
  kiln.yield %1 : f32
}
kiln.kernel @max_abs(%acc: i32, %x: i32) -> i32 {
  %0 = math.absi %x : i32
  %1 = arith.maxsi %acc, %0 : i32
  kiln.yield %1 : i32
}

// FOLD-LABEL: result0: f32[]
// FOLD-NEXT: 26.
// FOLD-LABEL: result1: f32[2]
// FOLD-NEXT: [5. 8.]
// FOLD-LABEL: result2: f32[2x1]
// FOLD-NEXT: {{\[\[}} 8.]
// FOLD-NEXT:  [14.]]
// FOLD-LABEL: result3: i32[2]
// FOLD-NEXT: [3 7]
kiln.graph @fold_order() -> (tensor<f32>, tensor<2xf32>, tensor<2x1xf32>, tensor<2xi32>) {
  %x = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %y = kiln.constant dense<[[-3, 2], [1, -7]]> : tensor<2x2xi32>
  %0 = kiln.reduce @horner(%x) {axes = array<i64: 0, 1>, init = 0.0 : f32}
      : (tensor<2x2xf32>) -> tensor<f32>
  %1 = kiln.reduce @horner(%x) {axes = array<i64: 0>, init = 0.0 : f32}
      : (tensor<2x2xf32>) -> tensor<2xf32>
  %2 = kiln.reduce @horner(%x) {axes = array<i64: -1>, init = 1.0 : f32, keep_dims = true}
      : (tensor<2x2xf32>) -> tensor<2x1xf32>
  %3 = kiln.reduce @max_abs(%y) {axes = array<i64: 1>, init = 0 : i32}
      : (tensor<2x2xi32>) -> tensor<2xi32>
  kiln.return %0, %1, %2, %3 : tensor<f32>, tensor<2xf32>, tensor<2x1xf32>, tensor<2xi32>
}

// i8 operands a = [-7 7 -128 100] and b = [2 -2 3 3] (unsigned: a = [249 7 128 100], b = [2
// 254 3 3]); shifts by s = [1 2 7 3].
kiln.kernel @divsi(%a: i8, %b: i8) -> i8 {
  %0 = arith.divsi %a, %b : i8
  kiln.yield %0 : i8
}
kiln.kernel @remsi(%a: i8, %b: i8) -> i8 {
  %0 = arith.remsi %a, %b : i8
  kiln.yield %0 : i8
}
kiln.kernel @floordivsi(%a: i8, %b: i8) -> i8 {
  %0 = arith.floordivsi %a, %b : i8
  kiln.yield %0 : i8
}
kiln.kernel @ceildivsi(%a: i8, %b: i8) -> i8 {
  %0 = arith.ceildivsi %a, %b : i8
  kiln.yield %0 : i8
}
kiln.kernel @divui(%a: i8, %b: i8) -> i8 {
  %0 = arith.divui %a, %b : i8
  kiln.yield %0 : i8
}
kiln.kernel @remui(%a: i8, %b: i8) -> i8 {
  %0 = arith.remui %a, %b : i8
  kiln.yield %0 : i8
}
kiln.kernel @muli(%a: i8, %b: i8) -> i8 {
  %0 = arith.muli %a, %b : i8
  kiln.yield %0 : i8
}
kiln.kernel @maxui(%a: i8, %b: i8) -> i8 {
  %0 = arith.maxui %a, %b : i8
  kiln.yield %0 : i8
}
kiln.kernel @shrsi(%a: i8, %s: i8) -> i8 {
  %0 = arith.shrsi %a, %s : i8
  kiln.yield %0 : i8
}
kiln.kernel @shrui(%a: i8, %s: i8) -> i8 {
  %0 = arith.shrui %a, %s : i8
  kiln.yield %0 : i8
}
kiln.kernel @shli(%a: i8, %s: i8) -> i8 {
  %0 = arith.shli %a, %s : i8
  kiln.yield %0 : i8
}

// INT-LABEL: result0: i8[4]
// INT-NEXT: [ -3 -3 -42 33]
// INT-LABEL: result1: i8[4]
// INT-NEXT: [-1 1 -2 1]
// INT-LABEL: result2: i8[4]
// INT-NEXT: [ -4 -4 -43 33]
// INT-LABEL: result3: i8[4]
// INT-NEXT: [ -3 -3 -42 34]
// INT-LABEL: result4: i8[4]
// INT-NEXT: [124 0 42 33]
// INT-LABEL: result5: i8[4]
// INT-NEXT: [1 7 2 1]
// INT-LABEL: result6: i8[4]
// INT-NEXT: [ -14 -14 -128 44]
// INT-LABEL: result7: i8[4]
// INT-NEXT: [ -7 -2 -128 100]
// INT-LABEL: result8: i8[4]
// INT-NEXT: [-4 1 -1 12]
// INT-LABEL: result9: i8[4]
// INT-NEXT: [124 1 1 12]
// INT-LABEL: result10: i8[4]
// INT-NEXT: [-14 28 0 32]
kiln.graph @int_ops() -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi8>,
                          tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi8>,
                          tensor<4xi8>) {
  %a = kiln.constant dense<[-7, 7, -128, 100]> : tensor<4xi8>
  %b = kiln.constant dense<[2, -2, 3, 3]> : tensor<4xi8>
  %s = kiln.constant dense<[1, 2, 7, 3]> : tensor<4xi8>
  %0 = kiln.map @divsi(%a, %b) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = kiln.map @remsi(%a, %b) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %2 = kiln.map @floordivsi(%a, %b) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %3 = kiln.map @ceildivsi(%a, %b) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %4 = kiln.map @divui(%a, %b) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %5 = kiln.map @remui(%a, %b) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %6 = kiln.map @muli(%a, %b) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %7 = kiln.map @maxui(%a, %b) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %8 = kiln.map @shrsi(%a, %s) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %9 = kiln.map @shrui(%a, %s) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %10 = kiln.map @shli(%a, %s) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  kiln.return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : tensor<4xi8>, tensor<4xi8>,
      tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi8>, tensor<4xi8>,
      tensor<4xi8>, tensor<4xi8>, tensor<4xi8>
}

// f16 rounds after each op: 2048 + 1 = 2049 rounds to 2048 (a tie, to even), minus 2048 is 0.
kiln.kernel @f16_chain(%a: f16, %b: f16) -> f16 {
  %0 = arith.addf %a, %b : f16
  %1 = arith.subf %0, %a : f16
  kiln.yield %1 : f16
}
// fma rounds once: (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24 exactly, where mulf then addf would
// round the product to 1 + 2^-11 and give 2^-11 = 0.00048828125.
kiln.kernel @fma(%a: f32, %c: f32) -> f32 {
  %0 = math.fma %a, %a, %c : f32
  kiln.yield %0 : f32
}
// NaN: maxnumf returns the number, maximumf the NaN; ult is true and olt false on NaN.
kiln.kernel @nan_rules(%a: f32, %b: f32) -> f32 {
  %num = arith.maxnumf %a, %b : f32
  %max = arith.maximumf %a, %b : f32
  %ult = arith.cmpf ult, %a, %b : f32
  %olt = arith.cmpf olt, %a, %b : f32
  %nan = math.isnan %max : f32
  %both = arith.andi %ult, %olt : i1
  %either = arith.ori %ult, %olt : i1
  // Packed as maxnumf + 10 * (ult and olt) + 100 * (ult or olt) + 1000 * isnan(maximumf).
  %ten = arith.constant 10.0 : f32
  %hundred = arith.constant 100.0 : f32
  %thousand = arith.constant 1000.0 : f32
  %fb = arith.uitofp %both : i1 to f32
  %fe = arith.uitofp %either : i1 to f32
  %fn = arith.uitofp %nan : i1 to f32
  %s0 = arith.mulf %fb, %ten : f32
  %s1 = arith.mulf %fe, %hundred : f32
  %s2 = arith.mulf %fn, %thousand : f32
  %s3 = arith.addf %s0, %s1 : f32
  %s4 = arith.addf %s3, %s2 : f32
  %s5 = arith.addf %s4, %num : f32
  kiln.yield %s5 : f32
}
// A handful of math ops on x = 8: exp2(log2 x) + log10(1000) + cbrt(27) + round(2.5) +
// roundeven(2.5) + trunc(-2.7) + copysign(3, -0) = 8 + 3 + 3 + 3 + 2 - 2 - 3 = 14.
kiln.kernel @math_ops(%x: f32) -> f32 {
  %thousand = arith.constant 1000.0 : f32
  %c27 = arith.constant 27.0 : f32
  %half = arith.constant 2.5 : f32
  %neg = arith.constant -2.7 : f32
  %three = arith.constant 3.0 : f32
  %mzero = arith.constant -0.0 : f32
  %0 = math.log2 %x : f32
  %1 = math.exp2 %0 : f32
  %2 = math.log10 %thousand : f32
  %3 = math.cbrt %c27 : f32
  %4 = math.round %half : f32
  %5 = math.roundeven %half : f32
  %6 = math.trunc %neg : f32
  %7 = math.copysign %three, %mzero : f32
  %s1 = arith.addf %1, %2 : f32
  %s2 = arith.addf %s1, %3 : f32
  %s3 = arith.addf %s2, %4 : f32
  %s4 = arith.addf %s3, %5 : f32
  %s5 = arith.addf %s4, %6 : f32
  %s6 = arith.addf %s5, %7 : f32
  kiln.yield %s6 : f32
}
kiln.kernel @atan2(%y: f32, %x: f32) -> f32 {
  %0 = math.atan2 %y, %x : f32
  kiln.yield %0 : f32
}

// FLOAT-LABEL: result0: f16[1]
// FLOAT-NEXT: [0.]
// FLOAT-LABEL: result1: f32[1]
// FLOAT-NEXT: [0.00048834085]
// FLOAT-LABEL: result2: f32[2]
// FLOAT-NEXT: [ 112. 1101.]
// FLOAT-LABEL: result3: f32[]
// FLOAT-NEXT: 14.
// FLOAT-LABEL: result4: f32[]
// FLOAT-NEXT: 0.78539819
kiln.graph @float_ops() -> (tensor<1xf16>, tensor<1xf32>, tensor<2xf32>, tensor<f32>,
                            tensor<f32>) {
  %a = kiln.constant dense<2048.0> : tensor<1xf16>
  %b = kiln.constant dense<1.0> : tensor<1xf16>
  %c = kiln.constant dense<1.000244140625> : tensor<1xf32>
  %d = kiln.constant dense<-1.0> : tensor<1xf32>
  // Element 0: a = 1 < b = 2 (both predicates hold, maxnumf = 2): 112. Element 1: a = NaN,
  // b = 1 (only ult holds, maxnumf = 1, maximumf is NaN): 1101.
  %e = kiln.constant dense<[1.0, 0x7FC00000]> : tensor<2xf32>
  %f = kiln.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %eight = kiln.constant dense<8.0> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.map @f16_chain(%a, %b) : (tensor<1xf16>, tensor<1xf16>) -> tensor<1xf16>
  %1 = kiln.map @fma(%c, %d) : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  %2 = kiln.map @nan_rules(%e, %f) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %3 = kiln.map @math_ops(%eight) : (tensor<f32>) -> tensor<f32>
  %4 = kiln.map @atan2(%one, %one) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  kiln.return %0, %1, %2, %3, %4 : tensor<1xf16>, tensor<1xf32>, tensor<2xf32>, tensor<f32>,
      tensor<f32>
}

// arith reads i1 true as -1 when signed: extsi gives -1 and sitofp -1.0, extui and uitofp 1.
// i8 -1 is 255 unsigned. fptosi truncates toward zero; trunci keeps the low bits (300 -> 44).
kiln.kernel @bool_views(%b: i1) -> f32 {
  %0 = arith.extsi %b : i1 to i8
  %1 = arith.extui %b : i1 to i8
  %2 = arith.sitofp %b : i1 to f32
  %3 = arith.uitofp %b : i1 to f32
  // 1000 * extsi + 100 * extui + 10 * sitofp + uitofp
  %s0 = arith.sitofp %0 : i8 to f32
  %s1 = arith.sitofp %1 : i8 to f32
  %c1000 = arith.constant 1000.0 : f32
  %c100 = arith.constant 100.0 : f32
  %c10 = arith.constant 10.0 : f32
  %t0 = arith.mulf %s0, %c1000 : f32
  %t1 = arith.mulf %s1, %c100 : f32
  %t2 = arith.mulf %2, %c10 : f32
  %u0 = arith.addf %t0, %t1 : f32
  %u1 = arith.addf %u0, %t2 : f32
  %u2 = arith.addf %u1, %3 : f32
  kiln.yield %u2 : f32
}
kiln.kernel @int_views(%x: i8) -> i32 {
  %0 = arith.extui %x : i8 to i32
  kiln.yield %0 : i32
}
kiln.kernel @fptosi(%x: f32) -> i32 {
  %0 = arith.fptosi %x : f32 to i32
  kiln.yield %0 : i32
}
kiln.kernel @trunci(%x: i32) -> i8 {
  %0 = arith.trunci %x : i32 to i8
  kiln.yield %0 : i8
}

// CONV-LABEL: result0: f32[2]
// CONV-NEXT: [-909. 0.]
// CONV-LABEL: result1: i32[2]
// CONV-NEXT: [255 128]
// CONV-LABEL: result2: i32[2]
// CONV-NEXT: [ 2 -2]
// CONV-LABEL: result3: i8[2]
// CONV-NEXT: [44 -1]
kiln.graph @conversions() -> (tensor<2xf32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi8>) {
  %b = kiln.constant dense<[true, false]> : tensor<2xi1>
  %x = kiln.constant dense<[-1, -128]> : tensor<2xi8>
  %f = kiln.constant dense<[2.7, -2.7]> : tensor<2xf32>
  %i = kiln.constant dense<[300, -1]> : tensor<2xi32>
  %0 = kiln.map @bool_views(%b) : (tensor<2xi1>) -> tensor<2xf32>
  %1 = kiln.map @int_views(%x) : (tensor<2xi8>) -> tensor<2xi32>
  %2 = kiln.map @fptosi(%f) : (tensor<2xf32>) -> tensor<2xi32>
  %3 = kiln.map @trunci(%i) : (tensor<2xi32>) -> tensor<2xi8>
  kiln.return %0, %1, %2, %3 : tensor<2xf32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi8>
}
