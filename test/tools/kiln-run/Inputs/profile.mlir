kiln.graph @block(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = kiln.matmul %x, %w : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("proj")
  %1 = kiln.softmax %0 {axis = -1 : i64} : (tensor<64x64xf32>) -> tensor<64x64xf32> loc("attn")
  %2 = kiln.matmul %1, %w : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  kiln.return %2 : tensor<64x64xf32>
}
