// softmax and log_softmax along an axis; layer_norm and rms_norm over dims [axis, rank).
// Expected values: the textbook formulas in double, rounded to f32 by hand.

// RUN: kiln-interp %s --graph softmax --print | FileCheck %s --check-prefix=SOFTMAX
// RUN: kiln-interp %s --graph log_softmax --print | FileCheck %s --check-prefix=LOGSM
// RUN: kiln-interp %s --graph layer_norm --print | FileCheck %s --check-prefix=LN
// RUN: kiln-interp %s --graph rms_norm --print | FileCheck %s --check-prefix=RMS

// Row [0, ln 3] gives [1/4, 3/4]; [1000, 1000] does not overflow (x - max); along axis 0 the
// columns of [[0 1] [0 1]] are uniform.
// SOFTMAX-LABEL: result0: f64[3x2]
// SOFTMAX-NEXT: {{\[\[}}0.25 0.75]
// SOFTMAX-NEXT:  [ 0.5 0.5]
// SOFTMAX-NEXT:  [ 0.5 0.5]]
// SOFTMAX-LABEL: result1: f32[2x2]
// SOFTMAX-NEXT: {{\[\[}}0.5 0.5]
// SOFTMAX-NEXT:  [0.5 0.5]]
kiln.graph @softmax() -> (tensor<3x2xf64>, tensor<2x2xf32>) {
  %x = kiln.constant dense<[[0.0, 1.0986122886681098], [1000.0, 1000.0], [-1.0, -1.0]]>
      : tensor<3x2xf64>
  %y = kiln.constant dense<[[0.0, 1.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %0 = kiln.softmax %x : (tensor<3x2xf64>) -> tensor<3x2xf64>
  %1 = kiln.softmax %y {axis = 0 : i64} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  kiln.return %0, %1 : tensor<3x2xf64>, tensor<2x2xf32>
}

// log_softmax of two equal values is -ln 2 = -0.693147180..., whatever their size.
// LOGSM-LABEL: result0: f32[2x2]
// LOGSM-NEXT: {{\[\[}}-0.69314718 -0.69314718]
// LOGSM-NEXT:  [-0.69314718 -0.69314718]]
kiln.graph @log_softmax() -> tensor<2x2xf32> {
  %x = kiln.constant dense<[[0.0, 0.0], [1000.0, 1000.0]]> : tensor<2x2xf32>
  %0 = kiln.log_softmax %x {axis = -1 : i64} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  kiln.return %0 : tensor<2x2xf32>
}

// Over dims [1, 3) of 2x2x2: batch 0 is [1 2 3 4] (mean 2.5, biased variance 1.25), batch 1
// is [-1 -1 1 1] (mean 0, variance 1); epsilon is the f32 1e-5; gamma [[1 1] [2 2]], beta
// [[0 0] [0 1]].
// LN-LABEL: result0: f32[2x2x2]
// LN-NEXT: {{\[\[\[}} -1.3416355 -0.4472118]
// LN-NEXT:   [ 0.8944236 3.6832709]]
// LN-EMPTY:
// LN-NEXT:  {{\[\[}}-0.99999499 -0.99999499]
// LN-NEXT:   [ 1.99999 2.99999]]]
kiln.graph @layer_norm() -> tensor<2x2x2xf32> {
  %x = kiln.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[-1.0, -1.0], [1.0, 1.0]]]>
      : tensor<2x2x2xf32>
  %gamma = kiln.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %beta = kiln.constant dense<[[0.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %0 = kiln.layer_norm %x, %gamma, %beta {axis = 1 : i64}
      : (tensor<2x2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2x2xf32>
  kiln.return %0 : tensor<2x2x2xf32>
}

// [3 4]: mean of squares 12.5, so y = [3, 4 * 2] / sqrt(12.5).
// RMS-LABEL: result0: f32[1x2]
// RMS-NEXT: {{\[\[}}0.84852815 2.2627418]]
kiln.graph @rms_norm() -> tensor<1x2xf32> {
  %x = kiln.constant dense<[[3.0, 4.0]]> : tensor<1x2xf32>
  %gamma = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = kiln.rms_norm %x, %gamma {epsilon = 0.0 : f32} : (tensor<1x2xf32>, tensor<2xf32>)
      -> tensor<1x2xf32>
  kiln.return %0 : tensor<1x2xf32>
}
