// math.isfinite in a kernel does not compile (f32, f64, f16, bf16).
// kilnc fails with "failed to legalize operation 'math.isfinite' that was explicitly marked illegal":
// the CPU pipeline lowers math ops through math-to-libm only, and math.isfinite has no libm function
// (math-to-llvm is not run). The verifier accepts it, as it accepts every scalar math op.
// Found by kiln-fuzz.
// Fixed in 9e50875; kept as a regression test.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a special -4.0 4.0
// kiln-fuzz: result 0 exact
kiln.kernel @k(%x: f32) -> i1 {
  %r = math.isfinite %x : f32
  kiln.yield %r : i1
}
kiln.graph @g(%a: tensor<7xf32>) -> tensor<7xi1> {
  %0 = kiln.map @k(%a) : (tensor<7xf32>) -> tensor<7xi1>
  kiln.return %0 : tensor<7xi1>
}
