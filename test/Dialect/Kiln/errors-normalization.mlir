// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// softmax, log_softmax, layer_norm and rms_norm: the axis, the parameters of the normalized
// dimensions, and float-only operands.

kiln.graph @softmax_axis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.softmax %a {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// -----

kiln.graph @softmax_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.softmax' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.softmax %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @softmax_int(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'kiln.softmax' op expects a floating-point operand, got element type 'i8'}}
  %0 = kiln.softmax %a : (tensor<3xi8>) -> tensor<3xi8>
  kiln.return %0 : tensor<3xi8>
}

// -----

kiln.graph @log_softmax_axis(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.log_softmax %a {axis = -3 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %0 : tensor<3x4xf32>
}

// -----

kiln.graph @layer_norm_gamma(%a: tensor<3x4xf32>, %g: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{expects gamma of type 'tensor<4xf32>' (the normalized dimensions), got 'tensor<3x4xf32>'}}
  %0 = kiln.layer_norm %a, %g, %b : (tensor<3x4xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %0 : tensor<3x4xf32>
}

// -----

kiln.graph @layer_norm_beta(%a: tensor<3x4xf32>, %g: tensor<3x4xf32>, %b: tensor<3x4xf16>) -> tensor<3x4xf32> {
  // expected-error @+1 {{expects beta of type 'tensor<3x4xf32>' (the normalized dimensions), got 'tensor<3x4xf16>'}}
  %0 = kiln.layer_norm %a, %g, %b {axis = 0 : i64} : (tensor<3x4xf32>, tensor<3x4xf32>, tensor<3x4xf16>) -> tensor<3x4xf32>
  kiln.return %0 : tensor<3x4xf32>
}

// -----

kiln.graph @rms_norm_eps(%a: tensor<3x4xf32>, %g: tensor<4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{expects epsilon >= 0, got -1}}
  %0 = kiln.rms_norm %a, %g {epsilon = -1.0 : f32} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %0 : tensor<3x4xf32>
}

// -----

kiln.graph @rms_norm_int(%a: tensor<3x4xi32>, %g: tensor<4xi32>) -> tensor<3x4xi32> {
  // expected-error @+1 {{expects a floating-point operand, got element type 'i32'}}
  %0 = kiln.rms_norm %a, %g : (tensor<3x4xi32>, tensor<4xi32>) -> tensor<3x4xi32>
  kiln.return %0 : tensor<3x4xi32>
}
