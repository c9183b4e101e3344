kiln.graph @f(%x: tensor<2x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = kiln.layer_norm %x, %g, %b {eps = 5.0 : f32} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  kiln.return %0 : tensor<2x4xf32>
}
