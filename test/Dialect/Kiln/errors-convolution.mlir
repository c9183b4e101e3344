// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// conv2d and the pools: NHWC/HWIO ranks and channels, windows that fit the padded input, and
// attribute entries.

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

kiln.graph @conv_group_channels(%a: tensor<1x5x5x6xf32>, %w: tensor<3x3x2x4xf32>) -> tensor<1x3x3x4xf32> {
  // expected-error @+1 {{input has 6 channels in 2 groups but the filter expects 2 per group}}
  %0 = kiln.conv2d %a, %w {groups = 2 : i64} : (tensor<1x5x5x6xf32>, tensor<3x3x2x4xf32>) -> tensor<1x3x3x4xf32>
  kiln.return %0 : tensor<1x3x3x4xf32>
}

// -----

kiln.graph @conv_groups_divide(%a: tensor<1x5x5x6xf32>, %w: tensor<3x3x2x4xf32>) -> tensor<1x3x3x4xf32> {
  // expected-error @+1 {{3 groups do not divide the 6 input channels and the 4 output channels}}
  %0 = kiln.conv2d %a, %w {groups = 3 : i64} : (tensor<1x5x5x6xf32>, tensor<3x3x2x4xf32>) -> tensor<1x3x3x4xf32>
  kiln.return %0 : tensor<1x3x3x4xf32>
}

// -----

kiln.graph @conv_groups_zero(%a: tensor<1x5x5x6xf32>, %w: tensor<3x3x6x4xf32>) -> tensor<1x3x3x4xf32> {
  // expected-error @+1 {{groups must be at least 1, got 0}}
  %0 = kiln.conv2d %a, %w {groups = 0 : i64} : (tensor<1x5x5x6xf32>, tensor<3x3x6x4xf32>) -> tensor<1x3x3x4xf32>
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

// -----

// conv_transpose2d shares conv2d's operand checks; its padding may be negative, but must leave
// a result.

kiln.graph @conv_transpose_channels(%a: tensor<1x4x4x3xf32>, %w: tensor<3x3x2x5xf32>) -> tensor<1x6x6x5xf32> {
  // expected-error @+1 {{input has 3 channels but the filter expects 2}}
  %0 = kiln.conv_transpose2d %a, %w : (tensor<1x4x4x3xf32>, tensor<3x3x2x5xf32>) -> tensor<1x6x6x5xf32>
  kiln.return %0 : tensor<1x6x6x5xf32>
}

// -----

kiln.graph @conv_transpose_cropped(%a: tensor<1x2x4x1xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x1x5x1xf32> {
  // expected-error @+1 {{padding 2 + 1 leaves no row of the height 2 spread by stride 1 and a window of 2 (dilation 1)}}
  %0 = kiln.conv_transpose2d %a, %w {padding = array<i64: 2, 1, 0, 0>} : (tensor<1x2x4x1xf32>, tensor<2x2x1x1xf32>) -> tensor<1x1x5x1xf32>
  kiln.return %0 : tensor<1x1x5x1xf32>
}

// -----

kiln.graph @conv_transpose_size(%a: tensor<1x4x4x1xf32>, %w: tensor<3x3x1x2xf32>) -> tensor<1x8x8x2xf32> {
  // expected-error @+1 {{expected result type 'tensor<1x9x10x2xf32>', got 'tensor<1x8x8x2xf32>'}}
  %0 = kiln.conv_transpose2d %a, %w {strides = array<i64: 2, 2>, padding = array<i64: 0, 0, -1, 0>} : (tensor<1x4x4x1xf32>, tensor<3x3x1x2xf32>) -> tensor<1x8x8x2xf32>
  kiln.return %0 : tensor<1x8x8x2xf32>
}

// -----

kiln.graph @conv_transpose_dilations(%a: tensor<1x4x4x1xf32>, %w: tensor<3x3x1x1xf32>) -> tensor<1x6x6x1xf32> {
  // expected-error @+1 {{expects every entry of 'dilations' to be >= 1, got 0}}
  %0 = kiln.conv_transpose2d %a, %w {dilations = array<i64: 0, 1>} : (tensor<1x4x4x1xf32>, tensor<3x3x1x1xf32>) -> tensor<1x6x6x1xf32>
  kiln.return %0 : tensor<1x6x6x1xf32>
}

// -----

kiln.graph @conv_transpose_types(%a: tensor<1x4x4x1xi8>, %w: tensor<3x3x1x1xi8>) -> tensor<1x6x6x1xf32> {
  // expected-error @+1 {{expected result type 'tensor<1x6x6x1xi8>', got 'tensor<1x6x6x1xf32>'}}
  %0 = kiln.conv_transpose2d %a, %w : (tensor<1x4x4x1xi8>, tensor<3x3x1x1xi8>) -> tensor<1x6x6x1xf32>
  kiln.return %0 : tensor<1x6x6x1xf32>
}

// -----

kiln.graph @conv2d_unsigned(%x: tensor<1x4x4x2xui8>, %w: tensor<3x3x2x4xui8>) -> tensor<1x2x2x4xui8> {
  // expected-error @+1 {{'kiln.conv2d' op does not take unsigned integers ('ui8'); kiln.cast them to a signed type first}}
  %0 = kiln.conv2d %x, %w : (tensor<1x4x4x2xui8>, tensor<3x3x2x4xui8>) -> tensor<1x2x2x4xui8>
  kiln.return %0 : tensor<1x2x2x4xui8>
}
