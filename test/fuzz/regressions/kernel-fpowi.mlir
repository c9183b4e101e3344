// math.fpowi in a kernel does not compile (f32, f64, f16; any exponent type).
// kilnc fails with "failed to legalize operation 'math.fpowi' that was explicitly marked illegal":
// the CPU pipeline lowers math ops through math-to-libm only, and math.fpowi has no libm function
// (math-to-llvm is not run). The verifier accepts it, as it accepts every scalar math op.
// Found by kiln-fuzz.
// Fixed in 9e50875; kept as a regression test.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a uniform 0.5 2.0
// kiln-fuzz: input %b int 0 3
// kiln-fuzz: result 0 atol=1e-5 rtol=1e-5
kiln.kernel @k(%x: f32, %n: i32) -> f32 {
  %r = math.fpowi %x, %n : f32, i32
  kiln.yield %r : f32
}
kiln.graph @g(%a: tensor<7xf32>, %b: tensor<7xi32>) -> tensor<7xf32> {
  %0 = kiln.map @k(%a, %b) : (tensor<7xf32>, tensor<7xi32>) -> tensor<7xf32>
  kiln.return %0 : tensor<7xf32>
}
