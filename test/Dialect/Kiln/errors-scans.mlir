// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// cumsum, top_k, argmin and iota: axes, k, element and result types.

kiln.graph @cumsum_axis(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.cumsum %x {axis = 2 : i64} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  kiln.return %0 : tensor<4x3xf32>
}

// -----

kiln.graph @cumsum_bool(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{does not take i1 operands}}
  %0 = kiln.cumsum %x : (tensor<4xi1>) -> tensor<4xi1>
  kiln.return %0 : tensor<4xi1>
}

// -----

kiln.graph @cumsum_widening(%x: tensor<4xi8>) -> tensor<4xi32> {
  // expected-error @+1 {{expected result type 'tensor<4xi8>', got 'tensor<4xi32>'}}
  %0 = kiln.cumsum %x : (tensor<4xi8>) -> tensor<4xi32>
  kiln.return %0 : tensor<4xi32>
}

// -----

kiln.graph @cumsum_scalar(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{axis 0 is out of range for rank 0 (expected [0, 0))}}
  %0 = kiln.cumsum %x : (tensor<f32>) -> tensor<f32>
  kiln.return %0 : tensor<f32>
}

// -----

kiln.graph @top_k_too_many(%x: tensor<2x5xf32>) -> (tensor<2x6xf32>, tensor<2x6xi64>) {
  // expected-error @+1 {{k = 6 is out of range for an axis of size 5}}
  %v, %i = kiln.top_k %x {k = 6 : i64} : (tensor<2x5xf32>) -> (tensor<2x6xf32>, tensor<2x6xi64>)
  kiln.return %v, %i : tensor<2x6xf32>, tensor<2x6xi64>
}

// -----

kiln.graph @top_k_negative(%x: tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xi64>) {
  // expected-error @+1 {{k = -1 is out of range for an axis of size 5}}
  %v, %i = kiln.top_k %x {k = -1 : i64} : (tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xi64>)
  kiln.return %v, %i : tensor<2x5xf32>, tensor<2x5xi64>
}

// -----

kiln.graph @top_k_index_type(%x: tensor<2x5xf32>) -> (tensor<2x3xf32>, tensor<2x3xi32>) {
  // expected-error @+1 {{expected result type 'tensor<2x3xi64>', got 'tensor<2x3xi32>'}}
  %v, %i = kiln.top_k %x {k = 3 : i64} : (tensor<2x5xf32>) -> (tensor<2x3xf32>, tensor<2x3xi32>)
  kiln.return %v, %i : tensor<2x3xf32>, tensor<2x3xi32>
}

// -----

kiln.graph @top_k_axis(%x: tensor<2x5xf32>) -> (tensor<1x5xf32>, tensor<1x5xi64>) {
  // expected-error @+1 {{expected result type 'tensor<2x1xf32>', got 'tensor<1x5xf32>'}}
  %v, %i = kiln.top_k %x {k = 1 : i64} : (tensor<2x5xf32>) -> (tensor<1x5xf32>, tensor<1x5xi64>)
  kiln.return %v, %i : tensor<1x5xf32>, tensor<1x5xi64>
}

// -----

kiln.graph @top_k_bool(%x: tensor<5xi1>) -> (tensor<2xi1>, tensor<2xi64>) {
  // expected-error @+1 {{does not take i1 operands}}
  %v, %i = kiln.top_k %x {k = 2 : i64} : (tensor<5xi1>) -> (tensor<2xi1>, tensor<2xi64>)
  kiln.return %v, %i : tensor<2xi1>, tensor<2xi64>
}

// -----

kiln.graph @argmin_axes(%x: tensor<4x3xf32>) -> tensor<i64> {
  // expected-error @+1 {{expects exactly one axis, got 2}}
  %0 = kiln.argmin %x {axes = array<i64: 0, 1>} : (tensor<4x3xf32>) -> tensor<i64>
  kiln.return %0 : tensor<i64>
}

// -----

kiln.graph @argmin_type(%x: tensor<4x3xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{expected result type 'tensor<4xi64>', got 'tensor<4xi32>'}}
  %0 = kiln.argmin %x {axes = array<i64: 1>} : (tensor<4x3xf32>) -> tensor<4xi32>
  kiln.return %0 : tensor<4xi32>
}

// -----

kiln.graph @iota_bool() -> tensor<4xi1> {
  // expected-error @+1 {{does not produce i1 (positions are numbers)}}
  %0 = kiln.iota : () -> tensor<4xi1>
  kiln.return %0 : tensor<4xi1>
}

// -----

kiln.graph @iota_axis() -> tensor<4x2xi64> {
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.iota {axis = -3 : i64} : () -> tensor<4x2xi64>
  kiln.return %0 : tensor<4x2xi64>
}

// -----

kiln.graph @iota_scalar() -> tensor<i64> {
  // expected-error @+1 {{axis 0 is out of range for rank 0 (expected [0, 0))}}
  %0 = kiln.iota : () -> tensor<i64>
  kiln.return %0 : tensor<i64>
}
