// RUN: kiln-opt %s --split-input-file --verify-diagnostics

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

// expected-error @+1 {{argument 0 must be a statically shaped tensor, got 'tensor<?xf32>'}}
kiln.graph @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  %0 = kiln.relu %a : (tensor<?xf32>) -> tensor<?xf32>
  kiln.return %0 : tensor<?xf32>
}

// -----

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

kiln.graph @softmax_axis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis -3 is out of range for rank 2 (expected [-2, 2))}}
  %0 = kiln.softmax %a {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

// -----

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

kiln.graph @return_type(%a: tensor<2xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{result 0 has type 'tensor<2xf32>' but graph @return_type returns 'tensor<3xf32>'}}
  kiln.return %a : tensor<2xf32>
}

// -----

kiln.graph @return_count(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{returns 2 values but graph @return_count has 1 results}}
  kiln.return %a, %a : tensor<2xf32>, tensor<2xf32>
}

// -----

// expected-error @+1 {{argument 0 of type 'tensor<4611686018427387904x4xf32>' has more than 2^63 bytes}}
kiln.graph @too_big(%a: tensor<4611686018427387904x4xf32>) -> tensor<2xf32> {
  %c = kiln.constant dense<1.0> : tensor<2xf32>
  kiln.return %c : tensor<2xf32>
}

// -----

// expected-error @+1 {{argument 0 must be a statically shaped tensor, got 'f32'}}
kiln.graph @scalar_arg(%a: f32) -> tensor<2xf32> {
  %c = kiln.constant dense<1.0> : tensor<2xf32>
  kiln.return %c : tensor<2xf32>
}

// -----

kiln.graph @undefined(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{use of undeclared SSA value name}}
  %0 = kiln.exp %b : (tensor<2xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// -----

kiln.graph @op_dynamic(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{result #0 must be statically shaped tensor}}
  %0 = "kiln.relu"(%a) : (tensor<3xf32>) -> tensor<?xf32>
  kiln.return %a : tensor<3xf32>
}

// -----

kiln.graph @intermediate_too_big(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result type 'tensor<4611686018427387904x4xf32>' has more than 2^63 bytes}}
  %0 = kiln.broadcast_to %a : (tensor<4xf32>) -> tensor<4611686018427387904x4xf32>
  kiln.return %a : tensor<4xf32>
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

kiln.graph @softmax_type(%a: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'kiln.softmax' op expected result type 'tensor<2x3xf32>', got 'tensor<2x3xf64>'}}
  %0 = kiln.softmax %a : (tensor<2x3xf32>) -> tensor<2x3xf64>
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

kiln.graph @softmax_int(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'kiln.softmax' op expects a floating-point operand, got element type 'i8'}}
  %0 = kiln.softmax %a : (tensor<3xi8>) -> tensor<3xi8>
  kiln.return %0 : tensor<3xi8>
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

kiln.graph @constant_type() -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.constant' op failed to verify that all of {value, result} have same type}}
  %0 = "kiln.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

// expected-error @+1 {{argument 0 has unsupported element type 'ui8'}}
kiln.graph @unsigned(%a: tensor<3xui8>) -> tensor<3xf32> {
  %c = kiln.constant dense<0.0> : tensor<3xf32>
  kiln.return %c : tensor<3xf32>
}
