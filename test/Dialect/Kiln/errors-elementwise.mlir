// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// The elementwise ops: NumPy broadcasting, the inferred result type, and the element types each op
// computes in.

kiln.graph @bcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand shapes 2x3 and 4 are not broadcast-compatible}}
  %0 = kiln.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// -----

kiln.graph @result_shape(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{expected result type 'tensor<2x3xf32>', got 'tensor<2x4xf32>'}}
  %0 = kiln.mul %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  kiln.return %0 : tensor<2x4xf32>
}

// -----

kiln.graph @elem_types(%a: tensor<3xf32>, %b: tensor<3xi32>) -> tensor<3xf32> {
  // expected-error @+1 {{operand element types must match, got 'f32' and 'i32'}}
  %0 = kiln.sub %a, %b : (tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

kiln.graph @unary_shape(%a: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{expected result type 'tensor<3xf32>', got 'tensor<4xf32>'}}
  %0 = kiln.exp %a : (tensor<3xf32>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}

// -----

kiln.graph @float_only(%a: tensor<3xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{expects a floating-point operand, got element type 'i32'}}
  %0 = kiln.tanh %a : (tensor<3xi32>) -> tensor<3xi32>
  kiln.return %0 : tensor<3xi32>
}

// -----

kiln.graph @op_dynamic(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{result #0 must be statically shaped tensor}}
  %0 = "kiln.relu"(%a) : (tensor<3xf32>) -> tensor<?xf32>
  kiln.return %a : tensor<3xf32>
}

// -----

kiln.graph @div_bcast(%a: tensor<4x3xi32>, %b: tensor<2x1xi32>) -> tensor<4x3xi32> {
  // expected-error @+1 {{'kiln.div' op operand shapes 4x3 and 2x1 are not broadcast-compatible}}
  %0 = kiln.div %a, %b : (tensor<4x3xi32>, tensor<2x1xi32>) -> tensor<4x3xi32>
  kiln.return %0 : tensor<4x3xi32>
}

// -----

kiln.graph @max_bcast(%a: tensor<4x3xi32>, %b: tensor<2x1xi32>) -> tensor<4x3xi32> {
  // expected-error @+1 {{'kiln.max' op operand shapes 4x3 and 2x1 are not broadcast-compatible}}
  %0 = kiln.max %a, %b : (tensor<4x3xi32>, tensor<2x1xi32>) -> tensor<4x3xi32>
  kiln.return %0 : tensor<4x3xi32>
}

// -----

kiln.graph @min_bcast(%a: tensor<4x3xi32>, %b: tensor<2x1xi32>) -> tensor<4x3xi32> {
  // expected-error @+1 {{'kiln.min' op operand shapes 4x3 and 2x1 are not broadcast-compatible}}
  %0 = kiln.min %a, %b : (tensor<4x3xi32>, tensor<2x1xi32>) -> tensor<4x3xi32>
  kiln.return %0 : tensor<4x3xi32>
}

// -----

kiln.graph @add_bcast(%a: tensor<4x3xi32>, %b: tensor<2x1xi32>) -> tensor<4x3xi32> {
  // expected-error @+1 {{'kiln.add' op operand shapes 4x3 and 2x1 are not broadcast-compatible}}
  %0 = kiln.add %a, %b : (tensor<4x3xi32>, tensor<2x1xi32>) -> tensor<4x3xi32>
  kiln.return %0 : tensor<4x3xi32>
}

// -----

kiln.graph @neg_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.neg' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.neg %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @abs_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.abs' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.abs %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @relu_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.relu' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.relu %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @log_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.log' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.log %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @sqrt_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.sqrt' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.sqrt %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @rsqrt_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.rsqrt' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.rsqrt %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @sigmoid_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.sigmoid' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.sigmoid %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @tanh_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.tanh' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.tanh %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @exp_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.exp' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.exp %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
  kiln.return %0 : tensor<2x3xf64>
}

// -----

kiln.graph @log_int(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'kiln.log' op expects a floating-point operand, got element type 'i8'}}
  %0 = kiln.log %a : (tensor<3xi8>) -> tensor<3xi8>
  kiln.return %0 : tensor<3xi8>
}

// -----

kiln.graph @sqrt_int(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'kiln.sqrt' op expects a floating-point operand, got element type 'i8'}}
  %0 = kiln.sqrt %a : (tensor<3xi8>) -> tensor<3xi8>
  kiln.return %0 : tensor<3xi8>
}

// -----

kiln.graph @rsqrt_int(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'kiln.rsqrt' op expects a floating-point operand, got element type 'i8'}}
  %0 = kiln.rsqrt %a : (tensor<3xi8>) -> tensor<3xi8>
  kiln.return %0 : tensor<3xi8>
}

// -----

kiln.graph @sigmoid_int(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'kiln.sigmoid' op expects a floating-point operand, got element type 'i8'}}
  %0 = kiln.sigmoid %a : (tensor<3xi8>) -> tensor<3xi8>
  kiln.return %0 : tensor<3xi8>
}

// -----

kiln.graph @exp_int(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'kiln.exp' op expects a floating-point operand, got element type 'i8'}}
  %0 = kiln.exp %a : (tensor<3xi8>) -> tensor<3xi8>
  kiln.return %0 : tensor<3xi8>
}

// -----

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

kiln.graph @shift_float(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.shift_left' op expects integer operands (not i1), got element type 'f32'}}
  %0 = kiln.shift_left %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}

// -----

kiln.graph @shift_bool(%a: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{'kiln.shift_right' op expects integer operands (not i1), got element type 'i1'}}
  %0 = kiln.shift_right %a, %a : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  kiln.return %0 : tensor<4xi1>
}
