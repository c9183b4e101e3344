#!/usr/bin/env python3
"""mlp.onnx in float64 with NumPy: writes the input and the reference, or compares a result.

  mlp_ref.py DIR write     -> DIR/x.npy (batch 2), DIR/ref.npy
  mlp_ref.py DIR check OUT -> exit 1 unless OUT matches ref.npy (rtol 1e-5, atol 1e-6)
"""
import os
import sys

import numpy as np

d = sys.argv[1]
if sys.argv[2] == "write":
    weights = np.load(os.path.join(d, "mlp_weights.npz"))
    x = np.random.default_rng(3).standard_normal((2, 16)).astype(np.float32)
    h = np.maximum(x.astype(np.float64) @ weights["w1"] + weights["b1"], 0)
    logits = h @ weights["w2"].astype(np.float64).T + weights["b2"]
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    np.save(os.path.join(d, "x.npy"), x)
    np.save(os.path.join(d, "ref.npy"), e / e.sum(axis=-1, keepdims=True))
else:
    got, ref = np.load(sys.argv[3]), np.load(os.path.join(d, "ref.npy"))
    if got.shape != ref.shape or not np.allclose(got, ref, rtol=1e-5, atol=1e-6):
        print("mismatch: max |diff|", np.abs(got - ref).max() if got.shape == ref.shape else got.shape)
        sys.exit(1)
    print("match")
