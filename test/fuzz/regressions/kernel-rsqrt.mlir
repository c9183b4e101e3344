// math.rsqrt inside a kernel compiles to a call of rsqrtf (f32, f16, bf16) or rsqrt (f64),
// which libm does not have: kiln-run cannot load the artifact ("undefined symbol: rsqrtf").
// (kiln.rsqrt, the tensor op, lowers to 1 / sqrt and works.) Found by kiln-fuzz.
// Fixed in 9e50875; kept as a regression test.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a uniform 0.5 4.0
// kiln-fuzz: input %b uniform 0.5 4.0
// kiln-fuzz: result 0 atol=1e-5 rtol=1e-6
// kiln-fuzz: result 1 atol=1e-13 rtol=1e-15
kiln.kernel @k32(%x: f32) -> f32 {
  %0 = math.rsqrt %x : f32
  kiln.yield %0 : f32
}
kiln.kernel @k64(%x: f64) -> f64 {
  %0 = math.rsqrt %x : f64
  kiln.yield %0 : f64
}
kiln.graph @g(%a: tensor<7xf32>, %b: tensor<7xf64>) -> (tensor<7xf32>, tensor<7xf64>) {
  %0 = kiln.map @k32(%a) : (tensor<7xf32>) -> tensor<7xf32>
  %1 = kiln.map @k64(%b) : (tensor<7xf64>) -> tensor<7xf64>
  kiln.return %0, %1 : tensor<7xf32>, tensor<7xf64>
}
