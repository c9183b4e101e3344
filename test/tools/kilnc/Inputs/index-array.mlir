kiln.graph @f(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // array<index: ...> in a comment is no problem
  %0 = kiln.transpose %x {permutation = array<index: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  kiln.return %0 : tensor<3x2xf32>
}
