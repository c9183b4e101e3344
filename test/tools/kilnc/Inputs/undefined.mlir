kiln.graph @f(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = kiln.exp %b : (tensor<2xf32>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}
