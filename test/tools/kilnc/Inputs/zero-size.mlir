kiln.graph @f(%x: tensor<3x0xf32>) -> tensor<3x0xf32> {
  %0 = kiln.relu %x : (tensor<3x0xf32>) -> tensor<3x0xf32>
  kiln.return %0 : tensor<3x0xf32>
}
