// math.ctpop in a kernel does not compile (i8, i16, i32, i64).
// kilnc fails with "failed to legalize operation 'math.ctpop' that was explicitly marked illegal":
// the CPU pipeline lowers math ops through math-to-libm only, and math.ctpop has no libm function
// (math-to-llvm is not run). The verifier accepts it, as it accepts every scalar math op.
// Found by kiln-fuzz.
// Fixed in 9e50875; kept as a regression test.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a int -1000 1000
// kiln-fuzz: result 0 exact
kiln.kernel @k(%x: i32) -> i32 {
  %r = math.ctpop %x : i32
  kiln.yield %r : i32
}
kiln.graph @g(%a: tensor<7xi32>) -> tensor<7xi32> {
  %0 = kiln.map @k(%a) : (tensor<7xi32>) -> tensor<7xi32>
  kiln.return %0 : tensor<7xi32>
}
