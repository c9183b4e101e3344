// kilnc still crashes (SIGSEGV in bufferization::promoteBufferResultsToOutParams) when two
// results of a graph become the same value only after kilnc's folds: here a single-operand
// concat, an identity kernel and select(c, x, x) fold to their operand, which the graph also
// returns. 9e50875 fixed the literal `kiln.return %0, %0` (return-same-value-twice.mlir),
// not these. Found by kiln-fuzz (seed 20: graphs 452, 717, 829, 878, 1395, 1415), minimized.
// Fixed by kiln-distinct-results (session 2); kept as a regression test.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @concat1 input-seed=1
// kiln-fuzz: input %a uniform -2.0 2.0
// kiln-fuzz: result 0 atol=1e-5 rtol=1e-6
// kiln-fuzz: result 1 atol=1e-5 rtol=1e-6
kiln.graph @concat1(%a: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = kiln.exp %a : (tensor<3xf32>) -> tensor<3xf32>
  %1 = kiln.concat %0 {axis = 0 : i64} : (tensor<3xf32>) -> tensor<3xf32>
  kiln.return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// kiln-fuzz: graph @identity_kernel input-seed=1
// kiln-fuzz: input %a uniform -2.0 2.0
// kiln-fuzz: result 0 exact
// kiln-fuzz: result 1 exact
kiln.kernel @id(%x: f32) -> f32 {
  kiln.yield %x : f32
}
kiln.graph @identity_kernel(%a: tensor<5x3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = kiln.reduce_max %a {axes = array<i64: 0>} : (tensor<5x3xf32>) -> tensor<3xf32>
  %1 = kiln.map @id(%0) : (tensor<3xf32>) -> tensor<3xf32>
  kiln.return %1, %0 : tensor<3xf32>, tensor<3xf32>
}

// kiln-fuzz: graph @select_same input-seed=1
// kiln-fuzz: input %c bool 0 1
// kiln-fuzz: input %a int -9 9
// kiln-fuzz: result 0 exact
// kiln-fuzz: result 1 exact
kiln.graph @select_same(%c: tensor<7xi1>, %a: tensor<7xi32>) -> (tensor<7xi32>, tensor<7xi32>) {
  %0 = kiln.add %a, %a : (tensor<7xi32>, tensor<7xi32>) -> tensor<7xi32>
  %1 = kiln.select %c, %0, %0 : (tensor<7xi1>, tensor<7xi32>, tensor<7xi32>) -> tensor<7xi32>
  kiln.return %1, %0 : tensor<7xi32>, tensor<7xi32>
}
