// Row kernels over 4096 rows of 1024.
kiln.graph @softmax(%x: tensor<4096x1024xf32>) -> tensor<4096x1024xf32> {
  %y = kiln.softmax %x {axis = -1 : i64} : (tensor<4096x1024xf32>) -> tensor<4096x1024xf32>
  kiln.return %y : tensor<4096x1024xf32>
}
kiln.graph @layer_norm(%x: tensor<4096x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<4096x1024xf32> {
  %y = kiln.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.000000e-05 : f32} : (tensor<4096x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> tensor<4096x1024xf32>
  kiln.return %y : tensor<4096x1024xf32>
}
