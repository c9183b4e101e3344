// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// The reductions: axes in range and not repeated, keep_dims, and the element types (argmax gives
// i64).

kiln.graph @reduce_axis(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.reduce_sum %a {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// -----

kiln.graph @reduce_repeat(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{axis -1 is repeated}}
  %0 = kiln.reduce_max %a {axes = array<i64: 1, -1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// -----

kiln.graph @reduce_empty(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{expects at least one axis}}
  %0 = kiln.reduce_sum %a {axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// -----

kiln.graph @reduce_keep(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expected result type 'tensor<2x1xf32>', got 'tensor<2xf32>'}}
  %0 = kiln.reduce_sum %a {axes = array<i64: 1>, keep_dims = true} : (tensor<2x3xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// -----

kiln.graph @mean_int(%a: tensor<2x3xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{expects a floating-point operand, got element type 'i32'}}
  %0 = kiln.reduce_mean %a {axes = array<i64: 1>} : (tensor<2x3xi32>) -> tensor<2xi32>
  kiln.return %0 : tensor<2xi32>
}

// -----

kiln.graph @reduce_max_result(%a: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.reduce_max' op expected result type 'tensor<2xf32>', got 'tensor<3xf32>'}}
  %0 = kiln.reduce_max %a {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @reduce_mean_axis(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'kiln.reduce_mean' op axis -3 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.reduce_mean %a {axes = array<i64: -3>} : (tensor<2x3xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// -----

kiln.graph @reduce_sum_bool(%a: tensor<3xi1>) -> tensor<i1> {
  // expected-error @+1 {{does not take i1 operands}}
  %0 = kiln.reduce_sum %a {axes = array<i64: 0>} : (tensor<3xi1>) -> tensor<i1>
  kiln.return %0 : tensor<i1>
}

// -----

kiln.graph @prod_axis(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{axis 2 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.reduce_prod %a {axes = array<i64: 2>} : (tensor<3x4xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @min_repeat(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{axis -1 is repeated}}
  %0 = kiln.reduce_min %a {axes = array<i64: 1, -1>} : (tensor<3x4xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @argmax_axes(%a: tensor<3x4xf32>) -> tensor<i64> {
  // expected-error @+1 {{expects exactly one axis, got 2}}
  %0 = kiln.argmax %a {axes = array<i64: 0, 1>} : (tensor<3x4xf32>) -> tensor<i64>
  kiln.return %0 : tensor<i64>
}

// -----

kiln.graph @argmax_type(%a: tensor<3x4xf32>) -> tensor<3xi32> {
  // expected-error @+1 {{expected result type 'tensor<3xi64>', got 'tensor<3xi32>'}}
  %0 = kiln.argmax %a {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3xi32>
  kiln.return %0 : tensor<3xi32>
}
