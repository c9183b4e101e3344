// Kernel ops without a defined result (arith's undefined behaviour and poison) and ops the
// interpreter does not know are located errors, with a note at the kiln.map/kiln.reduce that
// applied the kernel; never a crash and never an invented value.

// RUN: not kiln-interp %s --graph div_by_zero 2>&1 | FileCheck %s --check-prefix=DIVZERO
// RUN: not kiln-interp %s --graph div_overflow 2>&1 | FileCheck %s --check-prefix=OVERFLOW
// RUN: not kiln-interp %s --graph rem_by_zero 2>&1 | FileCheck %s --check-prefix=REMZERO
// RUN: not kiln-interp %s --graph wide_shift 2>&1 | FileCheck %s --check-prefix=SHIFT
// RUN: not kiln-interp %s --graph nan_to_int 2>&1 | FileCheck %s --check-prefix=FPTOSI
// RUN: not kiln-interp %s --graph unsupported 2>&1 | FileCheck %s --check-prefix=UNKNOWN-OP
// RUN: not kiln-interp %s --graph unsupported --output %t.npy 2>&1
// RUN: not test -e %t.npy

kiln.kernel @divsi(%a: i32, %b: i32) -> i32 {
  // DIVZERO: kernel-errors.mlir:[[@LINE+2]]:8: error: 'arith.divsi' has no defined result: integer division by zero (operands 7 : i32, 0 : i32)
  // OVERFLOW: kernel-errors.mlir:[[@LINE+1]]:8: error: 'arith.divsi' has no defined result: signed division overflow (the minimum divided by -1) (operands -2147483648 : i32, -1 : i32)
  %0 = arith.divsi %a, %b : i32
  kiln.yield %0 : i32
}

// The third element (index [1, 0]) divides by zero.
// DIVZERO: kernel-errors.mlir:[[@LINE+4]]:8: note: while computing element [1, 0] of this 'kiln.map'
kiln.graph @div_by_zero() -> tensor<2x2xi32> {
  %a = kiln.constant dense<7> : tensor<2x2xi32>
  %b = kiln.constant dense<[[1, 2], [0, 3]]> : tensor<2x2xi32>
  %0 = kiln.map @divsi(%a, %b) : (tensor<2x2xi32>, tensor<2x2xi32>) -> tensor<2x2xi32>
  kiln.return %0 : tensor<2x2xi32>
}

// OVERFLOW: note: while computing element [0] of this 'kiln.map'
kiln.graph @div_overflow() -> tensor<1xi32> {
  %a = kiln.constant dense<-2147483648> : tensor<1xi32>
  %b = kiln.constant dense<-1> : tensor<1xi32>
  %0 = kiln.map @divsi(%a, %b) : (tensor<1xi32>, tensor<1xi32>) -> tensor<1xi32>
  kiln.return %0 : tensor<1xi32>
}

// A reduction kernel fails the same way; the note names the result element being folded.
// Row 1 folds 5 % 1 = 0, then 0 % 0.
kiln.kernel @remui(%acc: i8, %x: i8) -> i8 {
  // REMZERO: kernel-errors.mlir:[[@LINE+1]]:8: error: 'arith.remui' has no defined result: integer division by zero (operands 0 : i8, 0 : i8)
  %0 = arith.remui %acc, %x : i8
  kiln.yield %0 : i8
}
// REMZERO: kernel-errors.mlir:[[@LINE+3]]:8: note: while computing element [1] of this 'kiln.reduce'
kiln.graph @rem_by_zero() -> tensor<2xi8> {
  %x = kiln.constant dense<[[3, 2], [1, 0]]> : tensor<2x2xi8>
  %0 = kiln.reduce @remui(%x) {axes = array<i64: 1>, init = 5 : i8} : (tensor<2x2xi8>) -> tensor<2xi8>
  kiln.return %0 : tensor<2xi8>
}

kiln.kernel @shli(%a: i16, %b: i16) -> i16 {
  // SHIFT: [[@LINE+1]]:8: error: 'arith.shli' has no defined result: shift amount is not smaller than the bit width (operands 1 : i16, 16 : i16)
  %0 = arith.shli %a, %b : i16
  kiln.yield %0 : i16
}
kiln.graph @wide_shift() -> tensor<2xi16> {
  %a = kiln.constant dense<1> : tensor<2xi16>
  %b = kiln.constant dense<[15, 16]> : tensor<2xi16>
  %0 = kiln.map @shli(%a, %b) : (tensor<2xi16>, tensor<2xi16>) -> tensor<2xi16>
  kiln.return %0 : tensor<2xi16>
}

kiln.kernel @fptosi(%x: f32) -> i8 {
  // FPTOSI: [[@LINE+1]]:8: error: 'arith.fptosi' has no defined result: float-to-integer conversion of NaN or of a value outside the result type (operands nan : f32)
  %0 = arith.fptosi %x : f32 to i8
  kiln.yield %0 : i8
}
kiln.graph @nan_to_int() -> tensor<2xi8> {
  %x = kiln.constant dense<[-128.5, 0x7FC00000]> : tensor<2xf32>
  %0 = kiln.map @fptosi(%x) : (tensor<2xf32>) -> tensor<2xi8>
  kiln.return %0 : tensor<2xi8>
}

// Reported before any element is computed, so even an empty map fails.
kiln.kernel @widening_mul(%a: i32, %b: i32) -> i32 {
  // UNKNOWN-OP: kernel-errors.mlir:[[@LINE+1]]:14: error: 'arith.mulsi_extended' is not supported by the reference interpreter
  %lo, %hi = arith.mulsi_extended %a, %b : i32
  kiln.yield %hi : i32
}
// UNKNOWN-OP: kernel-errors.mlir:[[@LINE+3]]:8: note: kernel @widening_mul is applied here
kiln.graph @unsupported() -> tensor<0xi32> {
  %a = kiln.constant dense<3> : tensor<0xi32>
  %0 = kiln.map @widening_mul(%a, %a) : (tensor<0xi32>, tensor<0xi32>) -> tensor<0xi32>
  kiln.return %0 : tensor<0xi32>
}
