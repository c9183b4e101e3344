// The GPU benchmark graphs (bench.py). The chain is the CPU suite's, four times longer.
kiln.graph @chain(%a: tensor<67108864xf32>, %b: tensor<67108864xf32>) -> tensor<67108864xf32> {
  %half = kiln.constant dense<5.000000e-01> : tensor<f32>
  %0 = kiln.mul %a, %b : (tensor<67108864xf32>, tensor<67108864xf32>) -> tensor<67108864xf32>
  %1 = kiln.add %0, %a : (tensor<67108864xf32>, tensor<67108864xf32>) -> tensor<67108864xf32>
  %2 = kiln.mul %1, %half : (tensor<67108864xf32>, tensor<f32>) -> tensor<67108864xf32>
  %3 = kiln.sub %2, %b : (tensor<67108864xf32>, tensor<67108864xf32>) -> tensor<67108864xf32>
  %4 = kiln.relu %3 : (tensor<67108864xf32>) -> tensor<67108864xf32>
  %5 = kiln.add %4, %b : (tensor<67108864xf32>, tensor<67108864xf32>) -> tensor<67108864xf32>
  kiln.return %5 : tensor<67108864xf32>
}
kiln.graph @softmax(%x: tensor<4096x1024xf32>) -> tensor<4096x1024xf32> {
  %y = kiln.softmax %x {axis = -1 : i64} : (tensor<4096x1024xf32>) -> tensor<4096x1024xf32>
  kiln.return %y : tensor<4096x1024xf32>
}
kiln.graph @layer_norm(%x: tensor<4096x1024xf32>, %g: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<4096x1024xf32> {
  %y = kiln.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.000000e-05 : f32} : (tensor<4096x1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> tensor<4096x1024xf32>
  kiln.return %y : tensor<4096x1024xf32>
}
kiln.graph @sgemm(%a: tensor<4096x4096xf32>, %b: tensor<4096x4096xf32>) -> tensor<4096x4096xf32> {
  %c = kiln.matmul %a, %b : (tensor<4096x4096xf32>, tensor<4096x4096xf32>) -> tensor<4096x4096xf32>
  kiln.return %c : tensor<4096x4096xf32>
}
// kiln-run reads no bf16 .npy files: the graph casts its f32 inputs (two more elementwise
// kernels, about 1% of the product's time at this size).
kiln.graph @bgemm(%a: tensor<4096x4096xf32>, %b: tensor<4096x4096xf32>) -> tensor<4096x4096xf32> {
  %a16 = kiln.cast %a : (tensor<4096x4096xf32>) -> tensor<4096x4096xbf16>
  %b16 = kiln.cast %b : (tensor<4096x4096xf32>) -> tensor<4096x4096xbf16>
  %c16 = kiln.matmul %a16, %b16 : (tensor<4096x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<4096x4096xbf16>
  %c = kiln.cast %c16 : (tensor<4096x4096xbf16>) -> tensor<4096x4096xf32>
  kiln.return %c : tensor<4096x4096xf32>
}
