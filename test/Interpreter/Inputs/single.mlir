// One graph: kiln-interp needs no --graph.
kiln.graph @double(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = kiln.add %x, %x : (tensor<2xf64>, tensor<2xf64>) -> tensor<2xf64>
  kiln.return %0 : tensor<2xf64>
}
