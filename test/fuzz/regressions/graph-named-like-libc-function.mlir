// A graph named like a function the process already has (libc's div, abs, strlen, ...) ran that
// function instead: the artifact's NAME_argv entry called NAME through the PLT, and the dynamic
// linker bound it to the earlier definition in libc. kiln-run then returned all zeros (div, abs:
// the output buffer was never written) or crashed (strlen). Found while probing kiln.div edge
// cases for kiln-fuzz (the fuzzer names its graphs gN). Fixed: kilnc marks the artifact's
// definitions dso_local, so its calls bind inside it; names of the C library functions that
// generated code calls (exp, sqrt, malloc, ...) are refused (test/tools/kilnc/graph-names.mlir).
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @div input-seed=1
// kiln-fuzz: input %a int -100 100
// kiln-fuzz: input %b int -3 3
// kiln-fuzz: result 0 exact
kiln.graph @div(%a: tensor<7xi32>, %b: tensor<7xi32>) -> tensor<7xi32> {
  %0 = kiln.div %a, %b : (tensor<7xi32>, tensor<7xi32>) -> tensor<7xi32>
  kiln.return %0 : tensor<7xi32>
}

// kiln-fuzz: graph @abs input-seed=1
// kiln-fuzz: input %x uniform -4.0 4.0
// kiln-fuzz: result 0 exact
kiln.graph @abs(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = kiln.abs %x : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %0 : tensor<5xf32>
}
