// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// gather and gather_elements: the index type, the axis, the ranks and the result type.

kiln.graph @float_indices(%x: tensor<4x3xf32>, %i: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects integer indices (i8, i16, i32 or i64), got 'f32'}}
  %0 = kiln.gather %x, %i : (tensor<4x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// -----

kiln.graph @unsigned_indices(%x: tensor<4x3xf32>, %i: tensor<2xui32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects integer indices (i8, i16, i32 or i64), got 'ui32'}}
  %0 = kiln.gather %x, %i : (tensor<4x3xf32>, tensor<2xui32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// -----

kiln.graph @bool_indices(%x: tensor<4x3xf32>, %i: tensor<2xi1>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects integer indices (i8, i16, i32 or i64), got 'i1'}}
  %0 = kiln.gather %x, %i : (tensor<4x3xf32>, tensor<2xi1>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// -----

kiln.graph @gather_axis(%x: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<4x2xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.gather %x, %i {axis = 2 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  kiln.return %0 : tensor<4x2xf32>
}

// -----

kiln.graph @gather_scalar_input(%x: tensor<f32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{axis 0 is out of range for rank 0 (expected [0, 0))}}
  %0 = kiln.gather %x, %i : (tensor<f32>, tensor<2xi64>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// -----

kiln.graph @gather_result(%x: tensor<4x3xf32>, %i: tensor<2x5xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expected result type 'tensor<4x2x5xf32>', got 'tensor<2x3xf32>'}}
  %0 = kiln.gather %x, %i {axis = 1 : i64} : (tensor<4x3xf32>, tensor<2x5xi64>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// -----

kiln.graph @gather_result_type(%x: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xi64> {
  // expected-error @+1 {{expected result type 'tensor<2x3xf32>', got 'tensor<2x3xi64>'}}
  %0 = kiln.gather %x, %i : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xi64>
  kiln.return %0 : tensor<2x3xi64>
}

// -----

kiln.graph @elements_rank(%x: tensor<4x3xf32>, %i: tensor<4xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{expects indices of the input's rank 2, got rank 1}}
  %0 = kiln.gather_elements %x, %i : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}

// -----

kiln.graph @elements_larger(%x: tensor<4x3xf32>, %i: tensor<2x4xi64>) -> tensor<2x4xf32> {
  // expected-error @+1 {{indices dimension 1 has size 4, larger than the input's 3}}
  %0 = kiln.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
  kiln.return %0 : tensor<2x4xf32>
}

// -----

kiln.graph @elements_axis(%x: tensor<4x3xf32>, %i: tensor<4x3xi64>) -> tensor<4x3xf32> {
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.gather_elements %x, %i {axis = -3 : i64} : (tensor<4x3xf32>, tensor<4x3xi64>) -> tensor<4x3xf32>
  kiln.return %0 : tensor<4x3xf32>
}

// -----

kiln.graph @elements_result(%x: tensor<4x3xf32>, %i: tensor<4x2xi32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{expected result type 'tensor<4x2xf32>', got 'tensor<4x3xf32>'}}
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<4x3xf32>, tensor<4x2xi32>) -> tensor<4x3xf32>
  kiln.return %0 : tensor<4x3xf32>
}
