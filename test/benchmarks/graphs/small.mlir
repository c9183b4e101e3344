// A small graph for artifact load + first-call latency.
kiln.graph @small(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %m = kiln.matmul %x, %w : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %y = kiln.relu %m : (tensor<64x64xf32>) -> tensor<64x64xf32>
  kiln.return %y : tensor<64x64xf32>
}
