kiln.graph @scale(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %c = kiln.constant dense<2.0> : tensor<f32>
  %s = kiln.constant dense<1.0e-3> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.mul %x, %s : (tensor<1000xf32>, tensor<f32>) -> tensor<1000xf32>
  %1 = kiln.mul %0, %c : (tensor<1000xf32>, tensor<f32>) -> tensor<1000xf32>
  %2 = kiln.sub %1, %one : (tensor<1000xf32>, tensor<f32>) -> tensor<1000xf32>
  %3 = kiln.exp %2 : (tensor<1000xf32>) -> tensor<1000xf32>
  %4 = kiln.mul %3, %c : (tensor<1000xf32>, tensor<f32>) -> tensor<1000xf32>
  kiln.return %4 : tensor<1000xf32>
}
kiln.graph @rows(%m: tensor<300x40xf32>) -> tensor<300x40xf32> {
  %0 = kiln.softmax %m {axis = -1 : i64} : (tensor<300x40xf32>) -> tensor<300x40xf32>
  kiln.return %0 : tensor<300x40xf32>
}
