kiln.graph @f(%a: tensor<2x3xf32>) -> tensor<5xf32> {
  %0 = kiln.reshape %a : (tensor<2x3xf32>) -> tensor<5xf32>
  kiln.return %0 : tensor<5xf32>
}
