// A two-layer perceptron classifying a batch of 4 feature vectors into 10 classes:
// relu(x W1 + b1) -> relu(. W2 + b2) -> softmax.
kiln.graph @mlp(%x: tensor<4x64xf32>,
                %w1: tensor<64x32xf32>, %b1: tensor<32xf32>,
                %w2: tensor<32x10xf32>, %b2: tensor<10xf32>) -> tensor<4x10xf32> {
  %0 = kiln.matmul %x, %w1 : (tensor<4x64xf32>, tensor<64x32xf32>) -> tensor<4x32xf32>
  %1 = kiln.add %0, %b1 : (tensor<4x32xf32>, tensor<32xf32>) -> tensor<4x32xf32>
  %2 = kiln.relu %1 : (tensor<4x32xf32>) -> tensor<4x32xf32>
  %3 = kiln.matmul %2, %w2 : (tensor<4x32xf32>, tensor<32x10xf32>) -> tensor<4x10xf32>
  %4 = kiln.add %3, %b2 : (tensor<4x10xf32>, tensor<10xf32>) -> tensor<4x10xf32>
  %5 = kiln.relu %4 : (tensor<4x10xf32>) -> tensor<4x10xf32>
  %6 = kiln.softmax %5 {axis = -1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
  kiln.return %6 : tensor<4x10xf32>
}
