// Six elementwise ops over 16M floats: relu((a * b + a) * 0.5 - b) + b. Two arrays in, one
// out: the same 12 bytes per element as a STREAM triad.
kiln.graph @chain(%a: tensor<16777216xf32>, %b: tensor<16777216xf32>) -> tensor<16777216xf32> {
  %half = kiln.constant dense<5.000000e-01> : tensor<f32>
  %0 = kiln.mul %a, %b : (tensor<16777216xf32>, tensor<16777216xf32>) -> tensor<16777216xf32>
  %1 = kiln.add %0, %a : (tensor<16777216xf32>, tensor<16777216xf32>) -> tensor<16777216xf32>
  %2 = kiln.mul %1, %half : (tensor<16777216xf32>, tensor<f32>) -> tensor<16777216xf32>
  %3 = kiln.sub %2, %b : (tensor<16777216xf32>, tensor<16777216xf32>) -> tensor<16777216xf32>
  %4 = kiln.relu %3 : (tensor<16777216xf32>) -> tensor<16777216xf32>
  %5 = kiln.add %4, %b : (tensor<16777216xf32>, tensor<16777216xf32>) -> tensor<16777216xf32>
  kiln.return %5 : tensor<16777216xf32>
}
