// RUN: kiln-opt %s --split-input-file --verify-diagnostics --kiln-bufferize --kiln-cuda-entries

// A graph's CUDA entry takes the name <graph>_cuda, which another graph may not have.
// expected-error @+1 {{graph 'g' needs the symbol 'g_cuda' for its CUDA entry, which the module already defines}}
kiln.graph @g(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}
kiln.graph @g_cuda(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.neg %x : (tensor<4xf32>) -> tensor<4xf32>
  kiln.return %0 : tensor<4xf32>
}
