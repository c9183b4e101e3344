// arith.truncf f64 -> bf16 inside a kernel compiled to a call of compiler-rt's __truncdfbf2,
// which nothing provides: kiln-run could not load the artifact ("undefined symbol:
// __truncdfbf2"). Found by kiln-fuzz (seed 2, graph 441), minimized.
// Fixed: kiln-expand-math rewrites the truncation into f32 arithmetic that rounds once.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a uniform -8.0 8.0
// kiln-fuzz: result 0 exact
kiln.kernel @k(%x: f64) -> bf16 {
  %0 = arith.truncf %x : f64 to bf16
  kiln.yield %0 : bf16
}
kiln.graph @g(%a: tensor<31x13xf64>) -> tensor<31x13xf32> {
  %0 = kiln.map @k(%a) : (tensor<31x13xf64>) -> tensor<31x13xbf16>
  %1 = kiln.cast %0 : (tensor<31x13xbf16>) -> tensor<31x13xf32>
  kiln.return %1 : tensor<31x13xf32>
}
