// bf16 conversions on the CPU are integer arithmetic on the bits (kiln-expand-math's
// expand-bf16 option): artifacts need no __truncsfbf2, which only libgcc 13 and later define
// (Debian 12 has libgcc 12), and every CPU target rounds alike: to nearest, ties to even,
// subnormals kept, NaN kept NaN, overflow to infinity.
// RUN: rm -rf %t && mkdir -p %t
// RUN: kilnc %s --emit=shared --target=x86-64 -o %t/x86-64.so
// RUN: kilnc %s --emit=shared --target=x86-64-v4 -o %t/v4.so
// RUN: kilnc %s --emit=shared --target=host -o %t/host.so
// RUN: nm --undefined-only %t/x86-64.so %t/v4.so %t/host.so | FileCheck %s --check-prefix=SYMBOLS
// SYMBOLS: x86-64.so:
// SYMBOLS-NOT: __truncsfbf2
// SYMBOLS: v4.so:
// SYMBOLS-NOT: __truncsfbf2
// SYMBOLS: host.so:
// SYMBOLS-NOT: __truncsfbf2
// RUN: %python %S/Inputs/bf16_rounding.py inputs %t/x.npy
// RUN: kiln-run %t/x86-64.so --graph round_trip --input %t/x.npy --output %t/x86-64.npy
// RUN: %python %S/Inputs/bf16_rounding.py check %t/x.npy %t/x86-64.npy
// RUN: kiln-run %t/v4.so --graph round_trip --input %t/x.npy --output %t/v4.npy
// RUN: %python %S/Inputs/bf16_rounding.py check %t/x.npy %t/v4.npy
// RUN: kiln-run %t/host.so --graph round_trip --input %t/x.npy --output %t/host.npy
// RUN: %python %S/Inputs/bf16_rounding.py check %t/x.npy %t/host.npy

kiln.graph @round_trip(%x: tensor<4096xf32>) -> tensor<4096xf32> {
  %b = kiln.cast %x : (tensor<4096xf32>) -> tensor<4096xbf16>
  %y = kiln.cast %b : (tensor<4096xbf16>) -> tensor<4096xf32>
  kiln.return %y : tensor<4096xf32>
}
