// i8 x i8 -> i32 matmul, compared with the f32 one of the same size.
kiln.graph @imatmul_1024(%a: tensor<1024x1024xi8>, %b: tensor<1024x1024xi8>) -> tensor<1024x1024xi32> {
  %c = kiln.matmul %a, %b : (tensor<1024x1024xi8>, tensor<1024x1024xi8>) -> tensor<1024x1024xi32>
  kiln.return %c : tensor<1024x1024xi32>
}
