// One pre-LN transformer encoder block on a sequence of 32 tokens of width 64, with 4 attention
// heads of width 16 and an MLP of width 256 (no mask: every token attends to every token).
//   h   = layer_norm(x)                         a   = concat_heads(softmax(Q K^T / sqrt(16)) V)
//   Q, K, V = h Wq, h Wk, h Wv (split in heads)  r   = x + a Wo + bo
//   out = r + gelu(layer_norm(r) W1 + b1) W2 + b2
// Returns out and the attention probabilities of every head.
kiln.graph @attention_block(%x: tensor<32x64xf32>,
    %ln1_gamma: tensor<64xf32>, %ln1_beta: tensor<64xf32>,
    %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>,
    %wo: tensor<64x64xf32>, %bo: tensor<64xf32>,
    %ln2_gamma: tensor<64xf32>, %ln2_beta: tensor<64xf32>,
    %w1: tensor<64x256xf32>, %b1: tensor<256xf32>, %w2: tensor<256x64xf32>, %b2: tensor<64xf32>)
    -> (tensor<32x64xf32>, tensor<4x32x32xf32>) {
  %h = kiln.layer_norm %x, %ln1_gamma, %ln1_beta {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<32x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<32x64xf32>

  // Projections, split into heads: [32 x 64] -> [32 x 4 x 16] -> [4 x 32 x 16].
  %q = kiln.matmul %h, %wq : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %k = kiln.matmul %h, %wk : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %v = kiln.matmul %h, %wv : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %q3 = kiln.reshape %q : (tensor<32x64xf32>) -> tensor<32x4x16xf32>
  %k3 = kiln.reshape %k : (tensor<32x64xf32>) -> tensor<32x4x16xf32>
  %v3 = kiln.reshape %v : (tensor<32x64xf32>) -> tensor<32x4x16xf32>
  %qh = kiln.transpose %q3 {permutation = array<i64: 1, 0, 2>} : (tensor<32x4x16xf32>) -> tensor<4x32x16xf32>
  %kt = kiln.transpose %k3 {permutation = array<i64: 1, 2, 0>} : (tensor<32x4x16xf32>) -> tensor<4x16x32xf32>
  %vh = kiln.transpose %v3 {permutation = array<i64: 1, 0, 2>} : (tensor<32x4x16xf32>) -> tensor<4x32x16xf32>

  // Scaled dot-product attention, batched over the heads.
  %s = kiln.matmul %qh, %kt : (tensor<4x32x16xf32>, tensor<4x16x32xf32>) -> tensor<4x32x32xf32>
  %scale = kiln.constant dense<0.25> : tensor<f32>
  %ss = kiln.mul %s, %scale : (tensor<4x32x32xf32>, tensor<f32>) -> tensor<4x32x32xf32>
  %p = kiln.softmax %ss {axis = -1 : i64} : (tensor<4x32x32xf32>) -> tensor<4x32x32xf32>
  %o = kiln.matmul %p, %vh : (tensor<4x32x32xf32>, tensor<4x32x16xf32>) -> tensor<4x32x16xf32>

  // Concatenate the heads back to [32 x 64], project, residual.
  %ot = kiln.transpose %o {permutation = array<i64: 1, 0, 2>} : (tensor<4x32x16xf32>) -> tensor<32x4x16xf32>
  %o2 = kiln.reshape %ot : (tensor<32x4x16xf32>) -> tensor<32x64xf32>
  %a = kiln.matmul %o2, %wo : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %ab = kiln.add %a, %bo : (tensor<32x64xf32>, tensor<64xf32>) -> tensor<32x64xf32>
  %r = kiln.add %x, %ab : (tensor<32x64xf32>, tensor<32x64xf32>) -> tensor<32x64xf32>

  // MLP with the exact (erf) GELU, residual.
  %h2 = kiln.layer_norm %r, %ln2_gamma, %ln2_beta {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<32x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<32x64xf32>
  %m = kiln.matmul %h2, %w1 : (tensor<32x64xf32>, tensor<64x256xf32>) -> tensor<32x256xf32>
  %mb = kiln.add %m, %b1 : (tensor<32x256xf32>, tensor<256xf32>) -> tensor<32x256xf32>
  %g = kiln.gelu %mb : (tensor<32x256xf32>) -> tensor<32x256xf32>
  %m2 = kiln.matmul %g, %w2 : (tensor<32x256xf32>, tensor<256x64xf32>) -> tensor<32x64xf32>
  %m2b = kiln.add %m2, %b2 : (tensor<32x64xf32>, tensor<64xf32>) -> tensor<32x64xf32>
  %out = kiln.add %r, %m2b : (tensor<32x64xf32>, tensor<32x64xf32>) -> tensor<32x64xf32>
  kiln.return %out, %p : tensor<32x64xf32>, tensor<4x32x32xf32>
}
