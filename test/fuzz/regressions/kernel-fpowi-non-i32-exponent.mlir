// math.fpowi with an i8, i16 or i64 exponent did not compile: since 9e50875 it lowered to
// llvm.powi with that exponent type, and the x86 backend only takes an int (i32) exponent:
// "error: POWI exponent does not match sizeof(int)" (with no location). i32 exponents worked.
// Found by kiln-fuzz (seed 2, graph 267), minimized. Expected: x^n. kiln-expand-math now
// sign-extends narrower exponents and expands wider ones into square-and-multiply.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a uniform 0.5 2.0
// kiln-fuzz: input %b int -3 3
// kiln-fuzz: input %c int -3 3
// kiln-fuzz: result 0 atol=1e-5 rtol=1e-5
// kiln-fuzz: result 1 atol=1e-12 rtol=1e-12
kiln.kernel @pow64(%x: f32, %n: i64) -> f32 {
  %r = math.fpowi %x, %n : f32, i64
  kiln.yield %r : f32
}
kiln.kernel @pow8(%x: f64, %n: i8) -> f64 {
  %r = math.fpowi %x, %n : f64, i8
  kiln.yield %r : f64
}
kiln.graph @g(%a: tensor<7xf32>, %b: tensor<7xi64>, %c: tensor<7xi8>) -> (tensor<7xf32>, tensor<7xf64>) {
  %0 = kiln.map @pow64(%a, %b) : (tensor<7xf32>, tensor<7xi64>) -> tensor<7xf32>
  %1 = kiln.cast %a : (tensor<7xf32>) -> tensor<7xf64>
  %2 = kiln.map @pow8(%1, %c) : (tensor<7xf64>, tensor<7xi8>) -> tensor<7xf64>
  kiln.return %0, %2 : tensor<7xf32>, tensor<7xf64>
}
