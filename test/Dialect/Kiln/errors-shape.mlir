// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// The shape ops (transpose, reshape, broadcast_to, concat, slice, pad): their attributes against
// the input shape, and the result type they imply.

kiln.graph @perm_dup(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{permutation entry 0 is repeated}}
  %0 = kiln.transpose %a {permutation = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  kiln.return %0 : tensor<3x2xf32>
}

// -----

kiln.graph @perm_range(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{permutation entry 2 is out of range [0, 2)}}
  %0 = kiln.transpose %a {permutation = array<i64: 2, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  kiln.return %0 : tensor<3x2xf32>
}

// -----

kiln.graph @perm_size(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{permutation has 3 entries but the input has rank 2}}
  %0 = kiln.transpose %a {permutation = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  kiln.return %0 : tensor<3x2xf32>
}

// -----

kiln.graph @reshape_count(%a: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{cannot reshape 2x3 (6 elements) into 7 (7 elements)}}
  %0 = kiln.reshape %a : (tensor<2x3xf32>) -> tensor<7xf32>
  kiln.return %0 : tensor<7xf32>
}

// -----

kiln.graph @broadcast_bad(%a: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{cannot broadcast 2x3 to 4x3}}
  %0 = kiln.broadcast_to %a : (tensor<2x3xf32>) -> tensor<4x3xf32>
  kiln.return %0 : tensor<4x3xf32>
}

// -----

kiln.graph @intermediate_too_big(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result type 'tensor<4611686018427387904x4xf32>' has more than 2^62 bytes}}
  %0 = kiln.broadcast_to %a : (tensor<4xf32>) -> tensor<4611686018427387904x4xf32>
  kiln.return %a : tensor<4xf32>
}

// -----

kiln.graph @transpose_result(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'kiln.transpose' op expected result type 'tensor<3x2xf32>', got 'tensor<2x3xf32>'}}
  %0 = kiln.transpose %a {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// -----

kiln.graph @reshape_elem(%a: tensor<6xf32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{'kiln.reshape' op element types must match, got 'f32' and 'i32'}}
  %0 = kiln.reshape %a : (tensor<6xf32>) -> tensor<2x3xi32>
  kiln.return %0 : tensor<2x3xi32>
}

// -----

kiln.graph @broadcast_rank(%a: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.broadcast_to' op cannot broadcast 2x3 to 3}}
  %0 = kiln.broadcast_to %a : (tensor<2x3xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @concat_dims(%a: tensor<3x4xf32>, %b: tensor<2x5xf32>) -> tensor<5x4xf32> {
  // expected-error @+1 {{input 1 has shape 2x5, which differs from input 0's 3x4 outside axis 0}}
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x5xf32>) -> tensor<5x4xf32>
  kiln.return %0 : tensor<5x4xf32>
}

// -----

kiln.graph @concat_types(%a: tensor<3xf32>, %b: tensor<2xi32>) -> tensor<5xf32> {
  // expected-error @+1 {{input 1 has element type 'i32', expected 'f32'}}
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<3xf32>, tensor<2xi32>) -> tensor<5xf32>
  kiln.return %0 : tensor<5xf32>
}

// -----

kiln.graph @concat_result(%a: tensor<3xf32>, %b: tensor<2xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{expected result type 'tensor<5xf32>', got 'tensor<6xf32>'}}
  %0 = kiln.concat %a, %b {axis = 0 : i64} : (tensor<3xf32>, tensor<2xf32>) -> tensor<6xf32>
  kiln.return %0 : tensor<6xf32>
}

// -----

kiln.graph @slice_limit(%a: tensor<8xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{dimension 0 expects 0 <= start <= limit <= 8, got start 2 and limit 9}}
  %0 = kiln.slice %a {starts = array<i64: 2>, limits = array<i64: 9>} : (tensor<8xf32>) -> tensor<7xf32>
  kiln.return %0 : tensor<7xf32>
}

// -----

kiln.graph @slice_stride(%a: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{expects every entry of 'strides' to be >= 1, got 0}}
  %0 = kiln.slice %a {starts = array<i64: 0>, limits = array<i64: 8>, strides = array<i64: 0>} : (tensor<8xf32>) -> tensor<8xf32>
  kiln.return %0 : tensor<8xf32>
}

// -----

kiln.graph @slice_rank(%a: tensor<8x2xf32>) -> tensor<8x2xf32> {
  // expected-error @+1 {{expects 2 entries in 'starts', got 1}}
  %0 = kiln.slice %a {starts = array<i64: 0>, limits = array<i64: 8>} : (tensor<8x2xf32>) -> tensor<8x2xf32>
  kiln.return %0 : tensor<8x2xf32>
}

// -----

kiln.graph @slice_result(%a: tensor<8xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expected result type 'tensor<3xf32>', got 'tensor<2xf32>'}}
  %0 = kiln.slice %a {starts = array<i64: 1>, limits = array<i64: 8>, strides = array<i64: 3>} : (tensor<8xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// -----

kiln.graph @pad_negative(%a: tensor<8xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{expects every entry of 'low' to be >= 0, got -1}}
  %0 = kiln.pad %a {low = array<i64: -1>, high = array<i64: 0>} : (tensor<8xf32>) -> tensor<7xf32>
  kiln.return %0 : tensor<7xf32>
}

// -----

kiln.graph @pad_value(%a: tensor<8xi32>) -> tensor<9xi32> {
  // expected-error @+1 {{'value' must be a signless integer attribute for element type 'i32', got 1.500000e+00 : f32}}
  %0 = kiln.pad %a {low = array<i64: 1>, high = array<i64: 0>, value = 1.5 : f32} : (tensor<8xi32>) -> tensor<9xi32>
  kiln.return %0 : tensor<9xi32>
}
