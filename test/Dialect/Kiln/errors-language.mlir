// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// The verifier rules of the ops added with the full language (errors.mlir has the rest).

kiln.graph @bool_add(%a: tensor<3xi1>) -> tensor<3xi1> {
  // expected-error @+1 {{does not take i1 operands (kiln.cast them to an integer type first)}}
  %0 = kiln.add %a, %a : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  kiln.return %0 : tensor<3xi1>
}

// -----

kiln.graph @pow_int(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{expects a floating-point operand, got element type 'i32'}}
  %0 = kiln.pow %a, %a : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  kiln.return %0 : tensor<3xi32>
}

// -----

kiln.graph @gelu_mode(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expects approximate = "none" or "tanh", got "fast"}}
  %0 = kiln.gelu %a {approximate = "fast"} : (tensor<3xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @floor_int(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{expects a floating-point operand, got element type 'i8'}}
  %0 = kiln.floor %a : (tensor<3xi8>) -> tensor<3xi8>
  kiln.return %0 : tensor<3xi8>
}

// -----

kiln.graph @cmp_pred(%a: tensor<3xf32>) -> tensor<3xi1> {
  // expected-error @+1 {{expects predicate "eq", "ne", "lt", "le", "gt" or "ge", got "lte"}}
  %0 = kiln.cmp %a, %a {predicate = "lte"} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xi1>
  kiln.return %0 : tensor<3xi1>
}

// -----

kiln.graph @cmp_result(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expected result type 'tensor<3xi1>', got 'tensor<3xf32>'}}
  %0 = kiln.cmp %a, %a {predicate = "lt"} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @cmp_types(%a: tensor<3xf32>, %b: tensor<3xf64>) -> tensor<3xi1> {
  // expected-error @+1 {{operand element types must match, got 'f32' and 'f64'}}
  %0 = kiln.cmp %a, %b {predicate = "eq"} : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xi1>
  kiln.return %0 : tensor<3xi1>
}

// -----

kiln.graph @select_cond(%c: tensor<3xi8>, %a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expects an i1 condition, got element type 'i8'}}
  %0 = kiln.select %c, %a, %a : (tensor<3xi8>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @select_types(%c: tensor<3xi1>, %a: tensor<3xf32>, %b: tensor<3xf16>) -> tensor<3xf32> {
  // expected-error @+1 {{value element types must match, got 'f32' and 'f16'}}
  %0 = kiln.select %c, %a, %b : (tensor<3xi1>, tensor<3xf32>, tensor<3xf16>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @select_shapes(%c: tensor<4xi1>, %a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand shapes 4, 3 and 3 are not broadcast-compatible}}
  %0 = kiln.select %c, %a, %a : (tensor<4xi1>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @cast_shape(%a: tensor<3xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{expects the result shape to equal the input shape 3, got 4}}
  %0 = kiln.cast %a : (tensor<3xf32>) -> tensor<4xi32>
  kiln.return %0 : tensor<4xi32>
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

// -----

kiln.graph @conv_rank(%a: tensor<1x5x5xf32>, %w: tensor<3x3x1x2xf32>) -> tensor<1x3x3x2xf32> {
  // expected-error @+1 {{expects a rank-4 NHWC input, got 1x5x5}}
  %0 = kiln.conv2d %a, %w : (tensor<1x5x5xf32>, tensor<3x3x1x2xf32>) -> tensor<1x3x3x2xf32>
  kiln.return %0 : tensor<1x3x3x2xf32>
}

// -----

kiln.graph @conv_channels(%a: tensor<1x5x5x3xf32>, %w: tensor<3x3x2x4xf32>) -> tensor<1x3x3x4xf32> {
  // expected-error @+1 {{input has 3 channels but the filter expects 2}}
  %0 = kiln.conv2d %a, %w : (tensor<1x5x5x3xf32>, tensor<3x3x2x4xf32>) -> tensor<1x3x3x4xf32>
  kiln.return %0 : tensor<1x3x3x4xf32>
}

// -----

kiln.graph @conv_window(%a: tensor<1x2x5x1xf32>, %w: tensor<3x3x1x1xf32>) -> tensor<1x1x3x1xf32> {
  // expected-error @+1 {{window of 3 (dilation 1) does not fit the height 2 padded by 0 + 0}}
  %0 = kiln.conv2d %a, %w : (tensor<1x2x5x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x1x3x1xf32>
  kiln.return %0 : tensor<1x1x3x1xf32>
}

// -----

kiln.graph @conv_strides(%a: tensor<1x5x5x1xf32>, %w: tensor<3x3x1x1xf32>) -> tensor<1x3x3x1xf32> {
  // expected-error @+1 {{expects 2 entries in 'strides', got 1}}
  %0 = kiln.conv2d %a, %w {strides = array<i64: 1>} : (tensor<1x5x5x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x3x3x1xf32>
  kiln.return %0 : tensor<1x3x3x1xf32>
}

// -----

kiln.graph @conv_result(%a: tensor<1x5x5x1xf32>, %w: tensor<3x3x1x1xf32>) -> tensor<1x3x2x1xf32> {
  // expected-error @+1 {{expected result type 'tensor<1x3x3x1xf32>', got 'tensor<1x3x2x1xf32>'}}
  %0 = kiln.conv2d %a, %w {padding = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 1>} : (tensor<1x5x5x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x3x2x1xf32>
  kiln.return %0 : tensor<1x3x2x1xf32>
}

// -----

kiln.graph @conv_types(%a: tensor<1x5x5x1xi8>, %w: tensor<3x3x1x1xi8>) -> tensor<1x3x3x1xi16> {
  // expected-error @+1 {{expected result type 'tensor<1x3x3x1xi8>', got 'tensor<1x3x3x1xi16>'}}
  %0 = kiln.conv2d %a, %w : (tensor<1x5x5x1xi8>, tensor<3x3x1x1xi8>) -> tensor<1x3x3x1xi16>
  kiln.return %0 : tensor<1x3x3x1xi16>
}

// -----

kiln.graph @pool_padding(%a: tensor<1x5x5x1xf32>) -> tensor<1x3x2x1xf32> {
  // expected-error @+1 {{padding 2 must be smaller than the window 2}}
  %0 = kiln.max_pool2d %a {window = array<i64: 2, 2>, padding = array<i64: 2, 0, 0, 0>} : (tensor<1x5x5x1xf32>) -> tensor<1x3x2x1xf32>
  kiln.return %0 : tensor<1x3x2x1xf32>
}

// -----

kiln.graph @pool_window(%a: tensor<1x5x5x1xf32>) -> tensor<1x5x2x1xf32> {
  // expected-error @+1 {{expects every entry of 'window' to be >= 1, got 0}}
  %0 = kiln.avg_pool2d %a {window = array<i64: 0, 2>} : (tensor<1x5x5x1xf32>) -> tensor<1x5x2x1xf32>
  kiln.return %0 : tensor<1x5x2x1xf32>
}

// -----

kiln.graph @avg_pool_int(%a: tensor<1x4x4x1xi32>) -> tensor<1x2x2x1xi32> {
  // expected-error @+1 {{expects a floating-point operand, got element type 'i32'}}
  %0 = kiln.avg_pool2d %a {window = array<i64: 2, 2>} : (tensor<1x4x4x1xi32>) -> tensor<1x2x2x1xi32>
  kiln.return %0 : tensor<1x2x2x1xi32>
}
