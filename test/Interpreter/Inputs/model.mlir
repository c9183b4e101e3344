// Graphs with arguments, for kiln-interp's .npy tests (tool.test, errors.test).
kiln.graph @affine(%x: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = kiln.add %x, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  kiln.return %0 : tensor<2x3xf32>
}

kiln.graph @halves(%h: tensor<3xf16>) -> (tensor<3xf16>, tensor<3xi1>) {
  %zero = kiln.constant dense<0.0> : tensor<f16>
  %0 = kiln.add %h, %h : (tensor<3xf16>, tensor<3xf16>) -> tensor<3xf16>
  %1 = kiln.cmp %h, %zero {predicate = "gt"} : (tensor<3xf16>, tensor<f16>) -> tensor<3xi1>
  kiln.return %0, %1 : tensor<3xf16>, tensor<3xi1>
}

kiln.graph @ints(%a: tensor<4xi8>, %b: tensor<4xi8>, %m: tensor<4xi1>) -> tensor<4xi64> {
  %q = kiln.div %a, %b : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %w = kiln.cast %q : (tensor<4xi8>) -> tensor<4xi64>
  %n = kiln.neg %w : (tensor<4xi64>) -> tensor<4xi64>
  %0 = kiln.select %m, %w, %n : (tensor<4xi1>, tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  kiln.return %0 : tensor<4xi64>
}

kiln.graph @bf16_arg(%x: tensor<2xbf16>) -> tensor<2xf32> {
  %0 = kiln.cast %x : (tensor<2xbf16>) -> tensor<2xf32>
  kiln.return %0 : tensor<2xf32>
}

kiln.graph @bf16_result(%x: tensor<2xf32>) -> tensor<2xbf16> {
  %0 = kiln.cast %x : (tensor<2xf32>) -> tensor<2xbf16>
  kiln.return %0 : tensor<2xbf16>
}
