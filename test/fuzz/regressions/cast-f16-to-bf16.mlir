// kiln.cast from f16 to bf16 does not compile: the lowering emits
// "'arith.truncf' op operand type 'f16' and result type 'bf16' are cast incompatible"
// (neither type is wider; the conversion has to go through f32). Found by kiln-fuzz.
// Fixed in 9e50875; kept as a regression test.
// RUN: %python %S/../../../tools/kiln-fuzz/kiln-fuzz.py --replay %s --tools %kiln_tools --tmp %t

// kiln-fuzz: graph @g input-seed=1
// kiln-fuzz: input %a uniform -4.0 4.0
// kiln-fuzz: result 0 exact
kiln.graph @g(%a: tensor<3x33xf16>) -> tensor<3x33xf32> {
  %0 = kiln.cast %a : (tensor<3x33xf16>) -> tensor<3x33xbf16>
  %1 = kiln.cast %0 : (tensor<3x33xbf16>) -> tensor<3x33xf32>
  kiln.return %1 : tensor<3x33xf32>
}
