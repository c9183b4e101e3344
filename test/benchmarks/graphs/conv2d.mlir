// A ResNet-style 3x3 convolution: 56x56x64 -> 56x56x64, padding 1.
kiln.graph @conv2d(%x: tensor<1x56x56x64xf32>, %w: tensor<3x3x64x64xf32>) -> tensor<1x56x56x64xf32> {
  %y = kiln.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x56x56x64xf32>, tensor<3x3x64x64xf32>) -> tensor<1x56x56x64xf32>
  kiln.return %y : tensor<1x56x56x64xf32>
}
