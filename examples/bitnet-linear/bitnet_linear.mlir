// A BitNet b1.58-style linear layer: ternary weights in {-1, 0, 1} (stored as i8, [K x N]) with
// one f32 scale per output channel, and activations quantized to 8 bits per token (row) inside
// the graph with absmax scaling:
//   s[b]     = 127 / max(max_k |x[b,k]|, 1e-5)
//   xq[b,k]  = clamp(floor(x[b,k] * s[b] + 0.5), -127, 127)           (round half up, as i8)
//   acc      = xq @ w                                                  (i8 x i8 -> i32, exact)
//   y[b,n]   = f32(acc[b,n]) * w_scale[n] * (max_k |x[b,k]| / 127)     (dequantize)
// The graph also returns xq and acc so the caller can check the integer stages exactly.
kiln.graph @bitnet_linear(%x: tensor<8x512xf32>, %w: tensor<512x256xi8>,
                          %w_scale: tensor<256xf32>)
    -> (tensor<8x256xf32>, tensor<8x512xi8>, tensor<8x256xi32>) {
  // Per-token absmax, kept as an [8 x 1] column that broadcasts along the rows.
  %abs = kiln.abs %x : (tensor<8x512xf32>) -> tensor<8x512xf32>
  %amax0 = kiln.reduce_max %abs {axes = array<i64: 1>, keep_dims = true} : (tensor<8x512xf32>) -> tensor<8x1xf32>
  %tiny = kiln.constant dense<1.0e-05> : tensor<f32>
  %amax = kiln.max %amax0, %tiny : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %c127 = kiln.constant dense<127.0> : tensor<f32>
  %s = kiln.div %c127, %amax : (tensor<f32>, tensor<8x1xf32>) -> tensor<8x1xf32>

  // Quantize: scale, round half up, clamp, convert (exact: the values are integers in range).
  %xs = kiln.mul %x, %s : (tensor<8x512xf32>, tensor<8x1xf32>) -> tensor<8x512xf32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %xh = kiln.add %xs, %half : (tensor<8x512xf32>, tensor<f32>) -> tensor<8x512xf32>
  %xr = kiln.floor %xh : (tensor<8x512xf32>) -> tensor<8x512xf32>
  %cm127 = kiln.constant dense<-127.0> : tensor<f32>
  %xlo = kiln.max %xr, %cm127 : (tensor<8x512xf32>, tensor<f32>) -> tensor<8x512xf32>
  %xc = kiln.min %xlo, %c127 : (tensor<8x512xf32>, tensor<f32>) -> tensor<8x512xf32>
  %xq = kiln.cast %xc : (tensor<8x512xf32>) -> tensor<8x512xi8>

  // The ternary matmul in integers, then back to f32 with both scales.
  %acc = kiln.matmul %xq, %w : (tensor<8x512xi8>, tensor<512x256xi8>) -> tensor<8x256xi32>
  %accf = kiln.cast %acc : (tensor<8x256xi32>) -> tensor<8x256xf32>
  %ws = kiln.mul %accf, %w_scale : (tensor<8x256xf32>, tensor<256xf32>) -> tensor<8x256xf32>
  %dq = kiln.div %amax, %c127 : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %y = kiln.mul %ws, %dq : (tensor<8x256xf32>, tensor<8x1xf32>) -> tensor<8x256xf32>
  kiln.return %y, %xq, %acc : tensor<8x256xf32>, tensor<8x512xi8>, tensor<8x256xi32>
}
