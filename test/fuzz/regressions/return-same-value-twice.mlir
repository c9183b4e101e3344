// kilnc crashes (SIGSEGV in bufferization::promoteBufferResultsToOutParams) when a graph
// returns the same computed value twice. Found by kiln-fuzz (seed 1, graph 48), where
// select(c, x, x) and an identity kernel folded two results into one value, and in seed 12,
// graph 1059 (map(maxui(x, x)) and an identity transpose). In a bigger module the same bug
// corrupts the heap instead: glibc aborts with "malloc(): invalid size (unsorted)" and LLVM's
// crash handler then deadlocks in malloc, so kilnc hangs forever.
// Fixed in 9e50875; kept as a regression test.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a uniform -2.0 2.0
// kiln-fuzz: result 0 atol=1e-5 rtol=1e-6
// kiln-fuzz: result 1 atol=1e-5 rtol=1e-6
kiln.graph @g(%a: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = kiln.exp %a : (tensor<3xf32>) -> tensor<3xf32>
  kiln.return %0, %0 : tensor<3xf32>, tensor<3xf32>
}
