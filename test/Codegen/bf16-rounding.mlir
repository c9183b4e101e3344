// Conversions to bf16 round once, to nearest, ties to even, with subnormals kept, NaN kept NaN
// and overflow to infinity, on every CPU target (kiln-expand-math):
// - f32 -> bf16 is integer arithmetic on the bits (expand-bf16): artifacts need no
//   __truncsfbf2, which only libgcc 13 and later define (Debian 12 has libgcc 12), and the
//   AVX512-BF16 instruction, which flushes subnormals, is not used;
// - f64 -> bf16 rounds to f32 "to odd" first (not to nearest, which can make a tie), and needs
//   no __truncdfbf2;
// - integers go through f64, i64 rounded to odd (through f32 they rounded twice); booleans
//   too (they called __truncsfbf2).
// Each result is compared with the exact value of each input rounded once (Inputs/bf16_rounding.py).
// RUN: rm -rf %t && mkdir -p %t
// RUN: kilnc %s --emit=shared --target=x86-64 -o %t/x86-64.so
// RUN: kilnc %s --emit=shared --target=x86-64-v4 -o %t/v4.so
// RUN: kilnc %s --emit=shared --target=host -o %t/host.so
// RUN: nm --undefined-only %t/x86-64.so %t/v4.so %t/host.so | FileCheck %s --check-prefix=SYMBOLS
// SYMBOLS: x86-64.so:
// SYMBOLS-NOT: bf2
// SYMBOLS: v4.so:
// SYMBOLS-NOT: bf2
// SYMBOLS: host.so:
// SYMBOLS-NOT: bf2
// RUN: %python %S/Inputs/bf16_rounding.py check-artifact %t/x86-64.so %t
// RUN: %python %S/Inputs/bf16_rounding.py check-artifact %t/v4.so %t
// RUN: %python %S/Inputs/bf16_rounding.py check-artifact %t/host.so %t

kiln.graph @from_f32(%x: tensor<4096xf32>) -> tensor<4096xf32> {
  %b = kiln.cast %x : (tensor<4096xf32>) -> tensor<4096xbf16>
  %y = kiln.cast %b : (tensor<4096xbf16>) -> tensor<4096xf32>
  kiln.return %y : tensor<4096xf32>
}

kiln.graph @from_f64(%x: tensor<4096xf64>) -> tensor<4096xf32> {
  %b = kiln.cast %x : (tensor<4096xf64>) -> tensor<4096xbf16>
  %y = kiln.cast %b : (tensor<4096xbf16>) -> tensor<4096xf32>
  kiln.return %y : tensor<4096xf32>
}

kiln.graph @from_i32(%x: tensor<4096xi32>) -> tensor<4096xf32> {
  %b = kiln.cast %x : (tensor<4096xi32>) -> tensor<4096xbf16>
  %y = kiln.cast %b : (tensor<4096xbf16>) -> tensor<4096xf32>
  kiln.return %y : tensor<4096xf32>
}

kiln.graph @from_i64(%x: tensor<4096xi64>) -> tensor<4096xf32> {
  %b = kiln.cast %x : (tensor<4096xi64>) -> tensor<4096xbf16>
  %y = kiln.cast %b : (tensor<4096xbf16>) -> tensor<4096xf32>
  kiln.return %y : tensor<4096xf32>
}

kiln.graph @from_i1(%x: tensor<4096xi1>) -> tensor<4096xf32> {
  %b = kiln.cast %x : (tensor<4096xi1>) -> tensor<4096xbf16>
  %y = kiln.cast %b : (tensor<4096xbf16>) -> tensor<4096xf32>
  kiln.return %y : tensor<4096xf32>
}
