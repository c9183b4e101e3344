kiln.graph @g(%a: tensor<4xbf16>) -> tensor<4xbf16> {
  %0 = kiln.exp %a : (tensor<4xbf16>) -> tensor<4xbf16>
  kiln.return %0 : tensor<4xbf16>
}
