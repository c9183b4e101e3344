// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// Graphs, returns and constants: what a graph's signature may hold (static shapes, Kiln element
// types, at most 2^62 bytes) and how its body refers to values.

// expected-error @+1 {{argument 0 must be a statically shaped tensor, got 'tensor<?xf32>'}}
kiln.graph @dynamic(%a: tensor<?xf32>) -> tensor<?xf32> {
  %0 = kiln.relu %a : (tensor<?xf32>) -> tensor<?xf32>
  kiln.return %0 : tensor<?xf32>
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

// expected-error @+1 {{argument 0 of type 'tensor<3x0xf32>' has a zero-size dimension after its first, which a graph's arguments and results cannot have yet (only the first dimension may be 0; inside a graph, any may)}}
kiln.graph @zero_after_first(%a: tensor<3x0xf32>) -> tensor<3x0xf32> {
  kiln.return %a : tensor<3x0xf32>
}

// -----

// expected-error @+1 {{result 1 of type 'tensor<2x0x3xi8>' has a zero-size dimension after its first}}
kiln.graph @zero_in_result(%a: tensor<0x5xf32>) -> (tensor<0x5xf32>, tensor<2x0x3xi8>) {
  %c = kiln.constant dense<1> : tensor<2x0x3xi8>
  kiln.return %a, %c : tensor<0x5xf32>, tensor<2x0x3xi8>
}

// -----

// expected-error @+1 {{argument 0 of type 'tensor<4611686018427387904x4xf32>' has more than 2^62 bytes}}
kiln.graph @too_big(%a: tensor<4611686018427387904x4xf32>) -> tensor<2xf32> {
  %c = kiln.constant dense<1.0> : tensor<2xf32>
  kiln.return %c : tensor<2xf32>
}

// -----

// 2^60 f32 elements are 2^62 bytes, the most Kiln takes; one element more is refused.
// expected-error @+1 {{argument 0 of type 'tensor<1152921504606846977xf32>' has more than 2^62 bytes}}
kiln.graph @just_too_big(%a: tensor<1152921504606846977xf32>) -> tensor<1152921504606846976xf32> {
  %0 = kiln.slice %a {starts = array<i64: 0>, limits = array<i64: 1152921504606846976>, strides = array<i64: 1>} : (tensor<1152921504606846977xf32>) -> tensor<1152921504606846976xf32>
  kiln.return %0 : tensor<1152921504606846976xf32>
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

kiln.graph @constant_type() -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.constant' op failed to verify that all of {value, result} have same type}}
  %0 = "kiln.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}

// -----

// ui8, ui16 and ui32 are Kiln types; ui64 is not (no wider signed type holds its values).
// expected-error @+1 {{argument 0 has unsupported element type 'ui64'}}
kiln.graph @unsigned64(%a: tensor<3xui64>) -> tensor<3xf32> {
  %c = kiln.constant dense<0.0> : tensor<3xf32>
  kiln.return %c : tensor<3xf32>
}

// -----

// expected-error @+1 {{'kiln.graph' op has 2 result names for 1 results}}
kiln.graph @names(%a: tensor<3xf32>) -> tensor<3xf32> attributes {result_names = ["a", "b"]} {
  kiln.return %a : tensor<3xf32>
}
