kiln.graph @f(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = kiln.transpose %a {permutation = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  kiln.return %0 : tensor<3x2xf32>
}
