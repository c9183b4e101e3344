// kilnc crashed (SIGSEGV, without a stack dump) on a kernel that compares an int -> float
// conversion with a constant using the predicate "true" or "false". It is an upstream MLIR 22
// bug in arith's canonicalization of cmpf(sitofp/uitofp(x), constant), which does not handle
// these two predicates: `mlir-opt --canonicalize` crashes on
//   %0 = arith.sitofp %a : i32 to f64
//   %1 = arith.cmpf true, %0, %cst : f64
// kilnc hits it in its canonicalizer runs, also when kiln-fuse-elementwise fusion brings the
// conversion and the comparison of two kernels into one loop. Found by kiln-fuzz (seed 13,
// graph 2631: map(sitofp) -> map(cmpf true, select)), minimized. Expected: all true / false.
// kiln-to-linalg now folds the two predicates to constants before any canonicalizer runs.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a int -5 5
// kiln-fuzz: result 0 exact
// kiln-fuzz: result 1 exact
kiln.kernel @always(%x: i32) -> i1 {
  %c = arith.constant 3.0 : f64
  %f = arith.sitofp %x : i32 to f64
  %r = arith.cmpf true, %f, %c : f64
  kiln.yield %r : i1
}
kiln.kernel @never(%x: i32) -> i1 {
  %c = arith.constant 3.0 : f32
  %f = arith.uitofp %x : i32 to f32
  %r = arith.cmpf false, %f, %c : f32
  kiln.yield %r : i1
}
kiln.graph @g(%a: tensor<33x7xi32>) -> (tensor<33x7xi1>, tensor<33x7xi1>) {
  %0 = kiln.map @always(%a) : (tensor<33x7xi32>) -> tensor<33x7xi1>
  %1 = kiln.map @never(%a) : (tensor<33x7xi32>) -> tensor<33x7xi1>
  kiln.return %0, %1 : tensor<33x7xi1>, tensor<33x7xi1>
}
