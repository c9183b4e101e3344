// A small hand-written module without annotations: --replay draws inputs from its defaults
// (floats uniform in [-2, 2], integers in [-10, 10]) and compares with 64 ulp tolerances.
kiln.kernel @saxpy(%a: f32, %x: f32, %y: f32) -> f32 {
  %0 = arith.mulf %a, %x : f32
  %1 = arith.addf %0, %y : f32
  kiln.yield %1 : f32
}
kiln.graph @run(%alpha: tensor<f32>, %x: tensor<7x13xf32>, %y: tensor<13xf32>)
    -> (tensor<7x13xf32>, tensor<7xi64>) {
  %r = kiln.map @saxpy(%alpha, %x, %y)
         : (tensor<f32>, tensor<7x13xf32>, tensor<13xf32>) -> tensor<7x13xf32>
  %m = kiln.argmax %x {axes = array<i64: 1>} : (tensor<7x13xf32>) -> tensor<7xi64>
  kiln.return %r, %m : tensor<7x13xf32>, tensor<7xi64>
}
kiln.graph @ints(%a: tensor<3x5xi32>, %b: tensor<5xi32>) -> tensor<3x5xi32> {
  %0 = kiln.div %a, %b : (tensor<3x5xi32>, tensor<5xi32>) -> tensor<3x5xi32>
  kiln.return %0 : tensor<3x5xi32>
}
