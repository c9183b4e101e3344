#!/usr/bin/python3
"""Checks the transformer-block example against a float64 NumPy reference, both ways users run
it: the C program linked with the kilnc object (attention_demo), and the shared artifact under
kiln-run. attention_demo writes its inputs and outputs as .npy files; the inputs are also
regenerated here from the same LCG and must match bit for bit.

usage: check.py ATTENTION_DEMO KILNC KILN_RUN WORK_DIR
"""
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# name: (shape, seed, offset, scale), in the graph's argument order. Keep in sync with main.c.
INPUTS = {
    "x": ((32, 64), 1, 0.0, 1.0),
    "ln1_gamma": ((64,), 2, 1.0, 0.1),
    "ln1_beta": ((64,), 3, 0.0, 0.05),
    "wq": ((64, 64), 4, 0.0, 0.2),
    "wk": ((64, 64), 5, 0.0, 0.2),
    "wv": ((64, 64), 6, 0.0, 0.2),
    "wo": ((64, 64), 7, 0.0, 0.2),
    "bo": ((64,), 8, 0.0, 0.05),
    "ln2_gamma": ((64,), 9, 1.0, 0.1),
    "ln2_beta": ((64,), 10, 0.0, 0.05),
    "w1": ((64, 256), 11, 0.0, 0.2),
    "b1": ((256,), 12, 0.0, 0.05),
    "w2": ((256, 64), 13, 0.0, 0.1),
    "b2": ((64,), 14, 0.0, 0.05),
}
OUTPUTS = ("out", "probs")
HEADS, HEAD_DIM = 4, 16

# Tolerances (absolute, on outputs of magnitude ~1; probabilities lie in [0, 1]). The f32
# result carries the rounding of 7 matmuls with K <= 256 (Higham: <= K * 2^-24 = 1.5e-5
# relative to sum |a_k b_k| each, ~sqrt(K) * 2^-24 ~ 1e-6 typically), two layer norms, a softmax
# and an erf-based GELU (a few ulp each). Measured: ~1e-6. The bounds leave a margin of >= 10x
# over the measured error while still catching any wrong index, scale or head mixing (which
# shows up as errors of 1e-2 and more).
OUT_ATOL = 3e-5
PROBS_ATOL = 1e-5


def lcg_fill(shape, seed, offset, scale):
    """The values of main.c's fill(): offset + scale * u, u from a 32-bit LCG in [-1, 1)."""
    n = int(np.prod(shape))
    state = seed
    words = np.empty(n, dtype=np.float64)
    for i in range(n):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        words[i] = state >> 8
    u = words * (2.0 / 16777216.0) - 1.0
    return (offset + scale * u).astype(np.float32).reshape(shape)


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def gelu(x):
    from math import erf, sqrt
    return 0.5 * x * (1.0 + np.vectorize(erf)(x / sqrt(2.0)))


def reference(v):
    f = {k: a.astype(np.float64) for k, a in v.items()}
    seq, width = f["x"].shape
    h = layer_norm(f["x"], f["ln1_gamma"], f["ln1_beta"])
    heads = lambda t: t.reshape(seq, HEADS, HEAD_DIM).transpose(1, 0, 2)  # [H, S, Dh]
    q, k, val = heads(h @ f["wq"]), heads(h @ f["wk"]), heads(h @ f["wv"])
    s = q @ k.transpose(0, 2, 1) / np.sqrt(HEAD_DIM)
    e = np.exp(s - s.max(-1, keepdims=True))
    p = e / e.sum(-1, keepdims=True)
    o = (p @ val).transpose(1, 0, 2).reshape(seq, width)
    r = f["x"] + o @ f["wo"] + f["bo"]
    m = gelu(layer_norm(r, f["ln2_gamma"], f["ln2_beta"]) @ f["w1"] + f["b1"]) @ f["w2"] + f["b2"]
    return {"out": r + m, "probs": p}


def check(what, got, ref, atol):
    err = np.abs(got.astype(np.float64) - ref).max() if got.shape == ref.shape else np.inf
    if not err <= atol:
        print(f"FAIL {what}: shape {got.shape}, max abs error {err:.3e} > {atol:.0e}")
        return False
    print(f"ok   {what}: max abs error {err:.2e} (tolerance {atol:.0e})")
    return True


def main():
    demo, kilnc, krun, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    demo_dir = os.path.join(work, "demo")
    os.makedirs(demo_dir, exist_ok=True)
    subprocess.run([demo, demo_dir], check=True)
    v = {name: np.load(os.path.join(demo_dir, name + ".npy")) for name in INPUTS}
    ok = True
    for name, spec in INPUTS.items():
        if not np.array_equal(v[name], lcg_fill(*spec)):
            print(f"FAIL input {name}: attention_demo wrote other values than the LCG gives")
            ok = False
    ref = reference(v)
    tol = {"out": OUT_ATOL, "probs": PROBS_ATOL}
    for name in OUTPUTS:
        got = np.load(os.path.join(demo_dir, name + ".npy"))
        ok &= check(f"attention_demo {name} (object + header)", got, ref[name], tol[name])

    so = os.path.join(work, "attention.so")
    subprocess.run([kilnc, os.path.join(HERE, "attention.mlir"), "--emit=shared", "-o", so],
                   check=True)
    cmd = [krun, so, "--graph", "attention_block"]
    for name in INPUTS:
        cmd += ["--input", os.path.join(demo_dir, name + ".npy")]
    for name in OUTPUTS:
        cmd += ["--output", os.path.join(work, name + ".npy")]
    subprocess.run(cmd, check=True)
    for name in OUTPUTS:
        got = np.load(os.path.join(work, name + ".npy"))
        ok &= check(f"kiln-run attention.so {name}", got, ref[name], tol[name])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
