#!/usr/bin/python3
"""Checks the MLP example against a float64 NumPy reference, both ways users run it:
the C program linked with the kilnc object (mlp_demo), and the shared artifact under kiln-run.

usage: check.py MLP_DEMO KILNC KILN_RUN WORK_DIR
"""
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = {"x": (4, 64), "w1": (64, 32), "b1": (32,), "w2": (32, 10), "b2": (10,)}
SEEDS = {"x": (0.37, 1.0), "w1": (0.11, 0.25), "b1": (0.53, 0.1), "w2": (0.29, 0.5),
         "b2": (0.71, 0.1)}
RTOL, ATOL = 1e-5, 1e-6  # f32 arithmetic and exp against float64; printed with 7 decimals


def inputs():
    """The same values as main.c's fill()."""
    out = {}
    for name, shape in SHAPES.items():
        seed, scale = SEEDS[name]
        n = int(np.prod(shape))
        out[name] = (scale * np.sin(seed * np.arange(1, n + 1, dtype=np.float64))).astype(
            np.float32).reshape(shape)
    return out


def reference(v):
    f = {k: a.astype(np.float64) for k, a in v.items()}
    h = np.maximum(f["x"] @ f["w1"] + f["b1"], 0)
    o = np.maximum(h @ f["w2"] + f["b2"], 0)
    e = np.exp(o - o.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def check(what, got, ref, atol):
    if got.shape != ref.shape or not np.allclose(got, ref, rtol=RTOL, atol=atol):
        print(f"FAIL {what}: max abs error {np.abs(got - ref).max()}\n{got}\nexpected\n{ref}")
        return False
    print(f"ok   {what}: max abs error {np.abs(got - ref).max():.2e}")
    return True


def main():
    demo, kilnc, krun, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    v = inputs()
    ref = reference(v)

    printed = subprocess.run([demo], check=True, capture_output=True, text=True).stdout
    ok = check("mlp_demo (object + header)", np.loadtxt(printed.splitlines()), ref, 1e-6)

    so = os.path.join(work, "mlp.so")
    subprocess.run([kilnc, os.path.join(HERE, "mlp.mlir"), "--emit=shared", "-o", so], check=True)
    cmd = [krun, so, "--graph", "mlp", "--output", os.path.join(work, "probs.npy")]
    for name in SHAPES:
        path = os.path.join(work, name + ".npy")
        np.save(path, v[name])
        cmd += ["--input", path]
    subprocess.run(cmd, check=True)
    ok &= check("kiln-run mlp.so", np.load(os.path.join(work, "probs.npy")), ref, ATOL)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
