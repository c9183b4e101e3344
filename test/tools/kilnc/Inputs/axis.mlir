kiln.graph @f(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.softmax %a {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}
