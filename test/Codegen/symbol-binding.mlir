// A graph's C entry is named after it, and a name may be a C library function's. The
// artifact's own calls and metadata still bind to its definitions (dso_local: local aliases),
// not to libm's `round`, which kiln-run has loaded before it opens the artifact: the entry
// `round_argv` that kiln-run calls once called libm's round and left the output untouched.
// RUN: kilnc %s --emit=shared -o %t.so
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([0.5, -1.25, 2.0, 3.75], dtype=np.float32))"
// RUN: kiln-run %t.so --graph round --input %t.x.npy --output %t.y.npy
// RUN: %python -c "import numpy as np; y = np.load('%t.y.npy'); assert (y == [-0.5, 1.25, -2.0, -3.75]).all(), y"

kiln.graph @round(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = kiln.neg %x : (tensor<4xf32>) -> tensor<4xf32>
  kiln.return %y : tensor<4xf32>
}
