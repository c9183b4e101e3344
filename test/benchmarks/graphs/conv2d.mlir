// The convolutions of ImageNet CNNs, each a graph of its own: a ResNet-style 3x3 (56x56x64 ->
// 56x56x64, padding 1), a ResNet bottleneck's 1x1 expansion (56x56x64 -> 56x56x256) and a
// MobileNetV2 depthwise 3x3 (56x56x144, padding 1).
kiln.graph @conv2d(%x: tensor<1x56x56x64xf32>, %w: tensor<3x3x64x64xf32>) -> tensor<1x56x56x64xf32> {
  %y = kiln.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x56x56x64xf32>, tensor<3x3x64x64xf32>) -> tensor<1x56x56x64xf32>
  kiln.return %y : tensor<1x56x56x64xf32>
}

kiln.graph @conv2d_1x1(%x: tensor<1x56x56x64xf32>, %w: tensor<1x1x64x256xf32>) -> tensor<1x56x56x256xf32> {
  %y = kiln.conv2d %x, %w : (tensor<1x56x56x64xf32>, tensor<1x1x64x256xf32>) -> tensor<1x56x56x256xf32>
  kiln.return %y : tensor<1x56x56x256xf32>
}

kiln.graph @dwconv2d(%x: tensor<1x56x56x144xf32>, %w: tensor<3x3x1x144xf32>) -> tensor<1x56x56x144xf32> {
  %y = kiln.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, groups = 144 : i64} : (tensor<1x56x56x144xf32>, tensor<3x3x1x144xf32>) -> tensor<1x56x56x144xf32>
  kiln.return %y : tensor<1x56x56x144xf32>
}
