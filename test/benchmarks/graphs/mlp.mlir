// Three dense layers, batch 256, 1024 wide: gelu(x * w + b) each (gelu in its tanh form).
kiln.graph @mlp(%x: tensor<256x1024xf32>,
                %w1: tensor<1024x1024xf32>, %b1: tensor<1024xf32>,
                %w2: tensor<1024x1024xf32>, %b2: tensor<1024xf32>,
                %w3: tensor<1024x1024xf32>, %b3: tensor<1024xf32>) -> tensor<256x1024xf32> {
  %m1 = kiln.matmul %x, %w1 : (tensor<256x1024xf32>, tensor<1024x1024xf32>) -> tensor<256x1024xf32>
  %a1 = kiln.add %m1, %b1 : (tensor<256x1024xf32>, tensor<1024xf32>) -> tensor<256x1024xf32>
  %h1 = kiln.gelu %a1 {approximate = "tanh"} : (tensor<256x1024xf32>) -> tensor<256x1024xf32>
  %m2 = kiln.matmul %h1, %w2 : (tensor<256x1024xf32>, tensor<1024x1024xf32>) -> tensor<256x1024xf32>
  %a2 = kiln.add %m2, %b2 : (tensor<256x1024xf32>, tensor<1024xf32>) -> tensor<256x1024xf32>
  %h2 = kiln.gelu %a2 {approximate = "tanh"} : (tensor<256x1024xf32>) -> tensor<256x1024xf32>
  %m3 = kiln.matmul %h2, %w3 : (tensor<256x1024xf32>, tensor<1024x1024xf32>) -> tensor<256x1024xf32>
  %a3 = kiln.add %m3, %b3 : (tensor<256x1024xf32>, tensor<1024xf32>) -> tensor<256x1024xf32>
  %h3 = kiln.gelu %a3 {approximate = "tanh"} : (tensor<256x1024xf32>) -> tensor<256x1024xf32>
  kiln.return %h3 : tensor<256x1024xf32>
}
