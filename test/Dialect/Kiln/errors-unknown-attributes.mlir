// Every Kiln op refuses an attribute it does not define, with a located error that names
// the closest attribute it does define, or lists them (test/Dialect/Kiln/round-trip*.mlir
// has each op's valid form). kiln.graph, kiln.kernel, kiln.return and kiln.yield are at the end.
// RUN: kiln-opt %s --split-input-file --verify-diagnostics

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.add' op has no attribute 'bogus'; it takes none}}
  %r = kiln.add %a, %b {bogus = 1 : i64} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.sub' op has no attribute 'bogus'; it takes none}}
  %r = kiln.sub %a, %b {bogus = 1 : i64} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.mul' op has no attribute 'bogus'; it takes none}}
  %r = kiln.mul %a, %b {bogus = 1 : i64} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.div' op has no attribute 'bogus'; it takes none}}
  %r = kiln.div %a, %b {bogus = 1 : i64} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.max' op has no attribute 'bogus'; it takes none}}
  %r = kiln.max %a, %b {bogus = 1 : i64} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.min' op has no attribute 'bogus'; it takes none}}
  %r = kiln.min %a, %b {bogus = 1 : i64} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.neg' op has no attribute 'bogus'; it takes none}}
  %r = kiln.neg %a {bogus = 1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %r : tensor<5xf32>
}

// -----

kiln.graph @g(%a: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.abs' op has no attribute 'bogus'; it takes none}}
  %r = kiln.abs %a {bogus = 1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %r : tensor<5xf32>
}

// -----

kiln.graph @g(%a: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.exp' op has no attribute 'bogus'; it takes none}}
  %r = kiln.exp %a {bogus = 1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %r : tensor<5xf32>
}

// -----

kiln.graph @g(%a: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.log' op has no attribute 'bogus'; it takes none}}
  %r = kiln.log %a {bogus = 1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %r : tensor<5xf32>
}

// -----

kiln.graph @g(%a: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.sqrt' op has no attribute 'bogus'; it takes none}}
  %r = kiln.sqrt %a {bogus = 1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %r : tensor<5xf32>
}

// -----

kiln.graph @g(%a: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.rsqrt' op has no attribute 'bogus'; it takes none}}
  %r = kiln.rsqrt %a {bogus = 1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %r : tensor<5xf32>
}

// -----

kiln.graph @g(%a: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.tanh' op has no attribute 'bogus'; it takes none}}
  %r = kiln.tanh %a {bogus = 1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %r : tensor<5xf32>
}

// -----

kiln.graph @g(%a: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.sigmoid' op has no attribute 'bogus'; it takes none}}
  %r = kiln.sigmoid %a {bogus = 1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %r : tensor<5xf32>
}

// -----

kiln.graph @g(%a: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'kiln.relu' op has no attribute 'bogus'; it takes none}}
  %r = kiln.relu %a {bogus = 1 : i64} : (tensor<5xf32>) -> tensor<5xf32>
  kiln.return %r : tensor<5xf32>
}

// -----

kiln.graph @g(%a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  // expected-error @+1 {{'kiln.matmul' op has no attribute 'bogus'; it takes none}}
  %r = kiln.matmul %a, %b {bogus = 1 : i64} : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  kiln.return %r : tensor<2x5x3x6xf32>
}

// -----

kiln.graph @g(%a: tensor<2x5x3x6xf32>) -> tensor<2x5x1x6xf32> {
  // expected-error @+1 {{'kiln.reduce_sum' op has no attribute 'axe'; did you mean 'axes'?}}
  %r = kiln.reduce_sum %a {axe = 1 : i64, axes = array<i64: -2>, keep_dims = true} : (tensor<2x5x3x6xf32>) -> tensor<2x5x1x6xf32>
  kiln.return %r : tensor<2x5x1x6xf32>
}

// -----

kiln.graph @g(%a: tensor<2x5x3x6xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'kiln.reduce_max' op has no attribute 'axe'; did you mean 'axes'?}}
  %r = kiln.reduce_max %a {axe = 1 : i64, axes = array<i64: 1, 3>} : (tensor<2x5x3x6xf32>) -> tensor<2x3xf32>
  kiln.return %r : tensor<2x3xf32>
}

// -----

kiln.graph @g(%a: tensor<2x5x3x6xf32>) -> tensor<2x5x3xf32> {
  // expected-error @+1 {{'kiln.reduce_mean' op has no attribute 'axe'; did you mean 'axes'?}}
  %r = kiln.reduce_mean %a {axe = 1 : i64, axes = array<i64: 3>} : (tensor<2x5x3x6xf32>) -> tensor<2x5x3xf32>
  kiln.return %r : tensor<2x5x3xf32>
}

// -----

kiln.graph @g(%a: tensor<2x5x3x6xf32>) -> tensor<2x5x3x6xf32> {
  // expected-error @+1 {{'kiln.softmax' op has no attribute 'axi'; did you mean 'axis'?}}
  %r = kiln.softmax %a {axi = 1 : i64, axis = 1 : i64} : (tensor<2x5x3x6xf32>) -> tensor<2x5x3x6xf32>
  kiln.return %r : tensor<2x5x3x6xf32>
}

// -----

kiln.graph @g(%a: tensor<2x3xi32>) -> tensor<3x2xi32> {
  // expected-error @+1 {{'kiln.transpose' op has no attribute 'permutatio'; did you mean 'permutation'?}}
  %r = kiln.transpose %a {permutatio = 1 : i64, permutation = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  kiln.return %r : tensor<3x2xi32>
}

// -----

kiln.graph @g(%a: tensor<2x3xi32>) -> tensor<6x1xi32> {
  // expected-error @+1 {{'kiln.reshape' op has no attribute 'bogus'; it takes none}}
  %r = kiln.reshape %a {bogus = 1 : i64} : (tensor<2x3xi32>) -> tensor<6x1xi32>
  kiln.return %r : tensor<6x1xi32>
}

// -----

kiln.graph @g(%a: tensor<2x3xi32>) -> tensor<4x2x3xi32> {
  // expected-error @+1 {{'kiln.broadcast_to' op has no attribute 'bogus'; it takes none}}
  %r = kiln.broadcast_to %a {bogus = 1 : i64} : (tensor<2x3xi32>) -> tensor<4x2x3xi32>
  kiln.return %r : tensor<4x2x3xi32>
}

// -----

kiln.graph @g() -> tensor<2xi64> {
  // expected-error @+1 {{'kiln.constant' op has no attribute 'bogus' (its attributes: value)}}
  %r = kiln.constant dense<[1, 2]> : tensor<2xi64> {bogus = 1 : i64}
  kiln.return %r : tensor<2xi64>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.pow' op has no attribute 'bogus'; it takes none}}
  %r = kiln.pow %a, %b {bogus = 1 : i64} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.gelu' op has no attribute 'approx'; did you mean 'approximate'?}}
  %r = kiln.gelu %a {approx = "tanh"} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.silu' op has no attribute 'bogus'; it takes none}}
  %r = kiln.silu %a {bogus = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.erf' op has no attribute 'bogus'; it takes none}}
  %r = kiln.erf %a {bogus = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.floor' op has no attribute 'bogus'; it takes none}}
  %r = kiln.floor %a {bogus = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.ceil' op has no attribute 'bogus'; it takes none}}
  %r = kiln.ceil %a {bogus = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xi1> {
  // expected-error @+1 {{'kiln.cmp' op has no attribute 'predicat'; did you mean 'predicate'?}}
  %r = kiln.cmp %a, %b {predicat = 1 : i64, predicate = "le"} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xi1>
  kiln.return %r : tensor<3x4xi1>
}

// -----

kiln.graph @g(%a: tensor<3x4xi1>, %b: tensor<3x4xf32>, %c: tensor<4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.select' op has no attribute 'bogus'; it takes none}}
  %r = kiln.select %a, %b, %c {bogus = 1 : i64} : (tensor<3x4xi1>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3x4xi8> {
  // expected-error @+1 {{'kiln.cast' op has no attribute 'bogus'; it takes none}}
  %r = kiln.cast %a {bogus = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xi8>
  kiln.return %r : tensor<3x4xi8>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.reduce_min' op has no attribute 'axe'; did you mean 'axes'?}}
  %r = kiln.reduce_min %a {axe = 1 : i64, axes = array<i64: 0>} : (tensor<3x4xf32>) -> tensor<4xf32>
  kiln.return %r : tensor<4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3x1xf32> {
  // expected-error @+1 {{'kiln.reduce_prod' op has no attribute 'axe'; did you mean 'axes'?}}
  %r = kiln.reduce_prod %a {axe = 1 : i64, axes = array<i64: -1>, keep_dims = true} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  kiln.return %r : tensor<3x1xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3xi64> {
  // expected-error @+1 {{'kiln.argmax' op has no attribute 'axe'; did you mean 'axes'?}}
  %r = kiln.argmax %a {axe = 1 : i64, axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3xi64>
  kiln.return %r : tensor<3xi64>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.log_softmax' op has no attribute 'axi'; did you mean 'axis'?}}
  %r = kiln.log_softmax %a {axi = 1 : i64, axis = 0 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.layer_norm' op has no attribute 'eps'; did you mean 'epsilon'?}}
  %r = kiln.layer_norm %a, %b, %b {eps = 1.0e-03 : f32} : (tensor<3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'kiln.rms_norm' op has no attribute 'eps'; did you mean 'epsilon'?}}
  %r = kiln.rms_norm %a, %b {eps = 1.0e-03 : f32} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  kiln.return %r : tensor<3x4xf32>
}

// -----

kiln.kernel @maxk(%acc: f32, %x: f32) -> f32 {
  %0 = arith.maximumf %acc, %x : f32
  kiln.yield %0 : f32
}
kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'kiln.reduce' op has no attribute 'axe'; did you mean 'axes'?}}
  %r = kiln.reduce @maxk(%a) {axe = 1 : i64, axes = array<i64: 1>, init = 0xFF800000 : f32} : (tensor<3x4xf32>) -> tensor<3xf32>
  kiln.return %r : tensor<3xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>, %b: tensor<2x4xf32>) -> tensor<5x4xf32> {
  // expected-error @+1 {{'kiln.concat' op has no attribute 'axi'; did you mean 'axis'?}}
  %r = kiln.concat %a, %b {axi = 1 : i64, axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  kiln.return %r : tensor<5x4xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'kiln.slice' op has no attribute 'start'; did you mean 'starts'?}}
  %r = kiln.slice %a {start = 1 : i64, starts = array<i64: 1, 0>, limits = array<i64: 3, 4>, strides = array<i64: 1, 2>} : (tensor<3x4xf32>) -> tensor<2x2xf32>
  kiln.return %r : tensor<2x2xf32>
}

// -----

kiln.graph @g(%a: tensor<3x4xf32>) -> tensor<4x7xf32> {
  // expected-error @+1 {{'kiln.pad' op has no attribute 'lo'; did you mean 'low'?}}
  %r = kiln.pad %a {lo = 1 : i64, low = array<i64: 0, 1>, high = array<i64: 1, 2>, value = -1.0 : f32} : (tensor<3x4xf32>) -> tensor<4x7xf32>
  kiln.return %r : tensor<4x7xf32>
}

// -----

kiln.graph @g(%a: tensor<1x8x8x3xf32>, %b: tensor<3x3x3x4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'kiln.conv2d' op has no attribute 'stride'; did you mean 'strides'?}}
  %r = kiln.conv2d %a, %b {stride = 1 : i64, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x4x4x4xf32>
  kiln.return %r : tensor<1x4x4x4xf32>
}

// -----

kiln.graph @g(%a: tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32> {
  // expected-error @+1 {{'kiln.max_pool2d' op has no attribute 'windo'; did you mean 'window'?}}
  %r = kiln.max_pool2d %a {windo = 1 : i64, window = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>) -> tensor<1x4x4x3xf32>
  kiln.return %r : tensor<1x4x4x3xf32>
}

// -----

kiln.graph @g(%a: tensor<1x8x8x3xf32>) -> tensor<1x3x3x3xf32> {
  // expected-error @+1 {{'kiln.avg_pool2d' op has no attribute 'windo'; did you mean 'window'?}}
  %r = kiln.avg_pool2d %a {windo = 1 : i64, window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x3xf32>) -> tensor<1x3x3x3xf32>
  kiln.return %r : tensor<1x3x3x3xf32>
}

// -----

kiln.kernel @saxpy(%a: f32, %x: f32, %y: f32) -> f32 {
  %0 = arith.mulf %a, %x : f32
  %1 = math.fma %a, %x, %y : f32
  kiln.yield %1 : f32
}
kiln.graph @g(%a: tensor<1xf32>, %b: tensor<1xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'kiln.map' op has no attribute 'bogus' (its attributes: kernel)}}
  %r = kiln.map @saxpy(%a, %b, %a) {bogus = 1 : i64} : (tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  kiln.return %r : tensor<1xf32>
}

// -----

// expected-error @+1 {{'kiln.graph' op has no attribute 'bogus' (its attributes: arg_attrs, arg_names, function_type, res_attrs, result_names, sym_name)}}
kiln.graph @g(%x: tensor<2xf32>) -> tensor<2xf32> attributes {bogus} {
  kiln.return %x : tensor<2xf32>
}

// -----

// Attributes of another dialect ("dialect.name") are the concern of that dialect, not Kiln's.
kiln.graph @dialect_attributes(%x: tensor<2xf32>) -> tensor<2xf32> attributes {llvm.emit_c_interface} {
  %0 = kiln.relu %x {kiln.tag = 1 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

// -----

kiln.graph @g(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'kiln.return' op has no attribute 'bogus'; it takes none}}
  "kiln.return"(%x) {bogus} : (tensor<2xf32>) -> ()
}

// -----

// expected-error @+1 {{'kiln.kernel' op has no attribute 'bogus'}}
kiln.kernel @k(%a: f32) -> f32 attributes {bogus} {
  kiln.yield %a : f32
}

// -----

kiln.kernel @k(%a: f32) -> f32 {
  // expected-error @+1 {{'kiln.yield' op has no attribute 'bogus'; it takes none}}
  "kiln.yield"(%a) {bogus} : (f32) -> ()
}
