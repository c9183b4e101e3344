// Exponential decay of 10,000 activations, each with its own rate, after an elapsed time t:
//   y[i] = x[i] * exp(-rate[i] * t)
// written as a user kernel applied elementwise with kiln.map (the scalar t broadcasts), plus
// the largest |y| folded by a second user kernel with kiln.reduce.

// One element: arith and math ops on scalars.
kiln.kernel @decay(%x: f32, %rate: f32, %t: f32) -> f32 {
  %0 = arith.mulf %rate, %t : f32
  %1 = arith.negf %0 : f32
  %2 = math.exp %1 : f32
  %3 = arith.mulf %x, %2 : f32
  kiln.yield %3 : f32
}

// The combiner of a reduction: acc = absmax(acc, x), starting from init.
kiln.kernel @absmax(%acc: f32, %x: f32) -> f32 {
  %0 = math.absf %x : f32
  %1 = arith.maximumf %acc, %0 : f32
  kiln.yield %1 : f32
}

kiln.graph @exp_decay(%x: tensor<10000xf32>, %rate: tensor<10000xf32>, %t: tensor<f32>)
    -> (tensor<10000xf32>, tensor<f32>) {
  %y = kiln.map @decay(%x, %rate, %t) : (tensor<10000xf32>, tensor<10000xf32>, tensor<f32>) -> tensor<10000xf32>
  %peak = kiln.reduce @absmax(%y) {axes = array<i64: 0>, init = 0.0 : f32} : (tensor<10000xf32>) -> tensor<f32>
  kiln.return %y, %peak : tensor<10000xf32>, tensor<f32>
}
