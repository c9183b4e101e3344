kiln.graph @f(%a: tensor<2xf32>, %b: tensor<3xf32>) -> tensor<2xf32> {
  %0 = kiln.add %a, %b : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}
