// Batch cosine similarity: one 768-d query against 1000 candidate embeddings (one per row),
//   scores[i] = <c_i, q> / max(|c_i| |q|, 1e-8)        (torch.nn.functional.cosine_similarity)
// and the index of the best-matching candidate.
kiln.graph @cosine_similarity(%query: tensor<768xf32>, %candidates: tensor<1000x768xf32>)
    -> (tensor<1000xf32>, tensor<i64>) {
  // All 1000 dot products as one matrix-vector product: [1000 x 768] x [768 x 1].
  %q = kiln.reshape %query : (tensor<768xf32>) -> tensor<768x1xf32>
  %dot2 = kiln.matmul %candidates, %q : (tensor<1000x768xf32>, tensor<768x1xf32>) -> tensor<1000x1xf32>
  %dot = kiln.reshape %dot2 : (tensor<1000x1xf32>) -> tensor<1000xf32>

  // Squared norms: |q|^2 is a rank-0 tensor that broadcasts against the 1000 |c_i|^2.
  %qq = kiln.mul %query, %query : (tensor<768xf32>, tensor<768xf32>) -> tensor<768xf32>
  %qn2 = kiln.reduce_sum %qq {axes = array<i64: 0>} : (tensor<768xf32>) -> tensor<f32>
  %cc = kiln.mul %candidates, %candidates : (tensor<1000x768xf32>, tensor<1000x768xf32>) -> tensor<1000x768xf32>
  %cn2 = kiln.reduce_sum %cc {axes = array<i64: 1>} : (tensor<1000x768xf32>) -> tensor<1000xf32>

  // 1 / max(|c_i| |q|, eps) = rsqrt(max(|c_i|^2 |q|^2, eps^2)), eps = 1e-8.
  %n2 = kiln.mul %cn2, %qn2 : (tensor<1000xf32>, tensor<f32>) -> tensor<1000xf32>
  %eps2 = kiln.constant dense<1.0e-16> : tensor<f32>
  %safe = kiln.max %n2, %eps2 : (tensor<1000xf32>, tensor<f32>) -> tensor<1000xf32>
  %inv = kiln.rsqrt %safe : (tensor<1000xf32>) -> tensor<1000xf32>
  %scores = kiln.mul %dot, %inv : (tensor<1000xf32>, tensor<1000xf32>) -> tensor<1000xf32>

  %best = kiln.argmax %scores {axes = array<i64: 0>} : (tensor<1000xf32>) -> tensor<i64>
  kiln.return %scores, %best : tensor<1000xf32>, tensor<i64>
}
