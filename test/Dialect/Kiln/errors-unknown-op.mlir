// An unknown Kiln op is a located error that suggests the op it most resembles.
// RUN: kiln-opt %s --split-input-file --verify-diagnostics

kiln.graph @g(%x: tensor<2x4xf32>, %g: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{custom op 'kiln.layernorm' is unknown; did you mean 'kiln.layer_norm'?}}
  %0 = kiln.layernorm %x, %g, %g : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  kiln.return %0 : tensor<2x4xf32>
}

// -----

kiln.graph @g(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{custom op 'kiln.sofmax' is unknown; did you mean 'kiln.softmax'?}}
  %0 = kiln.sofmax %x : (tensor<2xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// -----

kiln.graph @g(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{custom op 'kiln.frobnicate' is unknown}}
  %0 = kiln.frobnicate %x : (tensor<2xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}
