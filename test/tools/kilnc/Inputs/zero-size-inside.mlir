kiln.graph @g(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  %0 = kiln.slice %x {starts = array<i64: 0, 2>, limits = array<i64: 3, 2>} : (tensor<3x4xf32>) -> tensor<3x0xf32>
  %1 = kiln.exp %0 : (tensor<3x0xf32>) -> tensor<3x0xf32>
  %2 = kiln.reduce_sum %1 {axes = array<i64: 1>} : (tensor<3x0xf32>) -> tensor<3xf32>
  kiln.return %2 : tensor<3xf32>
}
