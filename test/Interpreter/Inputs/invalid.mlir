// Verifies badly: shapes 2 and 3 do not broadcast.
kiln.graph @bad(%x: tensor<2xf32>, %y: tensor<3xf32>) -> tensor<3xf32> {
  %0 = kiln.add %x, %y : (tensor<2xf32>, tensor<3xf32>) -> tensor<3xf32>
  kiln.return %0 : tensor<3xf32>
}
