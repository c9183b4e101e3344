// RUN: kiln-opt %s --split-input-file --verify-diagnostics

// User kernels: a body that is not scalar arith/math, arity and type mismatches with their
// map/reduce uses, and undefined kernels are located errors.

kiln.kernel @tensor_body(%x: f32) -> f32 {
  // expected-error @+1 {{'tensor.empty' op is not allowed in a kernel: kernel bodies hold only scalar arith and math ops}}
  %t = tensor.empty() : tensor<4xf32>
  kiln.yield %x : f32
}

// -----

kiln.kernel @vector_body(%x: f32) -> f32 {
  // expected-error @+1 {{'arith.constant' op is not allowed in a kernel}}
  %v = arith.constant dense<1.0> : vector<4xf32>
  kiln.yield %x : f32
}

// -----

// expected-error @+1 {{'kiln.kernel' op argument 0 must be a scalar of a Kiln element type, got 'tensor<4xf32>'}}
kiln.kernel @tensor_arg(%x: tensor<4xf32>) -> f32 {
  %c = arith.constant 1.0 : f32
  kiln.yield %c : f32
}

// -----

// expected-error @+1 {{'kiln.kernel' op must return exactly one scalar of a Kiln element type}}
kiln.kernel @two_results(%x: f32) -> (f32, f32) {
  kiln.yield %x : f32
}

// -----

kiln.kernel @yield_type(%x: f32) -> f64 {
  // expected-error @+1 {{'kiln.yield' op yields 'f32' but kernel @yield_type returns 'f64'}}
  kiln.yield %x : f32
}

// -----

kiln.graph @undefined(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.map' op references undefined kernel @nowhere}}
  %0 = kiln.map @nowhere(%a) : (tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}

// -----

kiln.kernel @add(%x: f32, %y: f32) -> f32 {
  %0 = arith.addf %x, %y : f32
  kiln.yield %0 : f32
}
kiln.graph @arity(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.map' op applies kernel @add of 2 arguments to 1 operands}}
  %0 = kiln.map @add(%a) : (tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}

// -----

kiln.kernel @add(%x: f32, %y: f32) -> f32 {
  %0 = arith.addf %x, %y : f32
  kiln.yield %0 : f32
}
kiln.graph @operand_type(%a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.map' op operand 1 has element type 'f16' but kernel @add expects 'f32'}}
  %0 = kiln.map @add(%a, %b) : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}

// -----

kiln.kernel @add(%x: f32, %y: f32) -> f32 {
  %0 = arith.addf %x, %y : f32
  kiln.yield %0 : f32
}
kiln.graph @map_shapes(%a: tensor<4xf32>, %b: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.map' op operand 1 of shape 3 does not broadcast with 4}}
  %0 = kiln.map @add(%a, %b) : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}

// -----

kiln.kernel @to_int(%x: f32) -> i32 {
  %0 = arith.fptosi %x : f32 to i32
  kiln.yield %0 : i32
}
kiln.graph @map_result(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.map' op expected result type 'tensor<4xi32>', got 'tensor<4xf32>'}}
  %0 = kiln.map @to_int(%a) : (tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}

// -----

kiln.kernel @neg(%x: f32) -> f32 {
  %0 = arith.negf %x : f32
  kiln.yield %0 : f32
}
kiln.graph @reduce_arity(%a: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'kiln.reduce' op expects kernel @neg of type '(f32, f32) -> f32', got '(f32) -> f32'}}
  %0 = kiln.reduce @neg(%a) {axes = array<i64: 0>, init = 0.0 : f32} : (tensor<4xf32>) -> tensor<f32>
  kiln.return %0 : tensor<f32>
}

// -----

kiln.kernel @add(%x: f32, %y: f32) -> f32 {
  %0 = arith.addf %x, %y : f32
  kiln.yield %0 : f32
}
kiln.graph @reduce_init(%a: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'kiln.reduce' op expects init of type 'f32', got 0 : i32}}
  %0 = kiln.reduce @add(%a) {axes = array<i64: 0>, init = 0 : i32} : (tensor<4xf32>) -> tensor<f32>
  kiln.return %0 : tensor<f32>
}

// -----

kiln.kernel @add(%x: f32, %y: f32) -> f32 {
  %0 = arith.addf %x, %y : f32
  kiln.yield %0 : f32
}
kiln.graph @reduce_axes(%a: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'kiln.reduce' op axis 1 is out of range for rank 1 (expected [-1, 1))}}
  %0 = kiln.reduce @add(%a) {axes = array<i64: 1>, init = 0.0 : f32} : (tensor<4xf32>) -> tensor<f32>
  kiln.return %0 : tensor<f32>
}

// -----

kiln.graph @reduce_undefined(%a: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'kiln.reduce' op references undefined kernel @missing}}
  %0 = kiln.reduce @missing(%a) {axes = array<i64: 0>, init = 0.0 : f32} : (tensor<4xf32>) -> tensor<f32>
  kiln.return %0 : tensor<f32>
}

// -----

// Kernels' scalars are signless, so their tensors must be too.
kiln.kernel @inc(%x: i8) -> i8 {
  kiln.yield %x : i8
}
kiln.graph @map_unsigned(%a: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error @+1 {{'kiln.map' op does not take unsigned integers ('ui8'); kiln.cast them to a signed type first}}
  %0 = kiln.map @inc(%a) : (tensor<4xui8>) -> tensor<4xui8>
  kiln.return %0 : tensor<4xui8>
}
