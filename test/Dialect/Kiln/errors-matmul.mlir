// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// kiln.matmul: contracting and batch dimensions, ranks and element types.

kiln.graph @matmul_k(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{contracting dimensions differ: lhs 2x3 has K = 3, rhs 4x5 has K = 4}}
  %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  kiln.return %0 : tensor<2x5xf32>
}

// -----

kiln.graph @matmul_rank(%a: tensor<3xf32>, %b: tensor<3x5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{expects operands of rank >= 2, got ranks 1 and 2}}
  %0 = kiln.matmul %a, %b : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<5xf32>
  kiln.return %0 : tensor<5xf32>
}

// -----

kiln.graph @matmul_batch(%a: tensor<2x2x3xf32>, %b: tensor<3x3x5xf32>) -> tensor<2x2x5xf32> {
  // expected-error @+1 {{batch dimensions 2 and 3 are not broadcast-compatible}}
  %0 = kiln.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x5xf32>) -> tensor<2x2x5xf32>
  kiln.return %0 : tensor<2x2x5xf32>
}

// -----

kiln.graph @matmul_result(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) -> tensor<5x2xf32> {
  // expected-error @+1 {{expected result type 'tensor<2x5xf32>', got 'tensor<5x2xf32>'}}
  %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<5x2xf32>
  kiln.return %0 : tensor<5x2xf32>
}

// -----

kiln.graph @matmul_i1(%a: tensor<2x2xi1>, %b: tensor<2x2xi1>) -> tensor<2x2xi1> {
  // expected-error @+1 {{'kiln.matmul' op does not multiply i1 tensors}}
  %0 = kiln.matmul %a, %b : (tensor<2x2xi1>, tensor<2x2xi1>) -> tensor<2x2xi1>
  kiln.return %0 : tensor<2x2xi1>
}

// -----

kiln.graph @matmul_elem(%a: tensor<2x2xf32>, %b: tensor<2x2xf64>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'kiln.matmul' op operand element types must match, got 'f32' and 'f64'}}
  %0 = kiln.matmul %a, %b : (tensor<2x2xf32>, tensor<2x2xf64>) -> tensor<2x2xf32>
  kiln.return %0 : tensor<2x2xf32>
}

// -----

// Matmuls of unsigned integers (MatMulInteger's u8) are computed in a signed type for now.
kiln.graph @matmul_unsigned(%a: tensor<2x3xui8>, %b: tensor<3x5xui8>) -> tensor<2x5xi32> {
  // expected-error @+1 {{'kiln.matmul' op does not take unsigned integers ('ui8'); kiln.cast them to a signed type first}}
  %0 = kiln.matmul %a, %b : (tensor<2x3xui8>, tensor<3x5xui8>) -> tensor<2x5xi32>
  kiln.return %0 : tensor<2x5xi32>
}
