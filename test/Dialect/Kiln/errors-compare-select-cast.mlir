// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// kiln.cmp, kiln.select and kiln.cast: predicates, the i1 condition and result, and casts that keep
// the shape.

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
