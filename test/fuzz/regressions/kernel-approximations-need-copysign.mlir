// math.atan2, math.cbrt, math.asin, math.acos and math.atan in f32 (and f16/bf16) kernels do
// not compile: kiln-approximate-math replaces them with polynomial approximations that use
// math.copysign, which nothing lowers ("failed to legalize operation 'math.copysign'").
// f64 goes to libm and works. Found by kiln-fuzz (seed 1, graphs 180 and 266).
// Fixed in 9e50875; kept as a regression test.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a uniform -0.9 0.9
// kiln-fuzz: input %b uniform 0.5 2.0
// kiln-fuzz: result 0 atol=1e-5 rtol=1e-5
kiln.kernel @k(%x: f32, %y: f32) -> f32 {
  %0 = math.atan2 %x, %y : f32
  %1 = math.cbrt %x : f32
  %2 = math.asin %x : f32
  %3 = math.acos %x : f32
  %4 = math.atan %x : f32
  %5 = arith.addf %0, %1 : f32
  %6 = arith.addf %5, %2 : f32
  %7 = arith.addf %6, %3 : f32
  %8 = arith.addf %7, %4 : f32
  kiln.yield %8 : f32
}
kiln.graph @g(%a: tensor<7xf32>, %b: tensor<7xf32>) -> tensor<7xf32> {
  %0 = kiln.map @k(%a, %b) : (tensor<7xf32>, tensor<7xf32>) -> tensor<7xf32>
  kiln.return %0 : tensor<7xf32>
}
