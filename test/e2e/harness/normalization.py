"""e2e cases of the normalizations: softmax, log_softmax, layer_norm and rms_norm.

Tolerances: 1e-5 relative (f32) and 2e-3 to 4e-3 (f16).
"""
import numpy as np

from cases import Case


def softmax_ref(axis):
    def f(x):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
    return f


def softmax_cases():
    """(64, 33) and (4, 1031) run kiln-fuse-row-loops' prefetch: rows of 132 bytes are read 31
    rows ahead (the last 31 rows prefetch nothing), rows of 4124 bytes one row ahead.
    (2, 3, 5, 33) is fused by blocks of 5 rows (attention scores' heads), (2, 40, 2048) row by
    row under two row indices (blocks of 40 rows of 8 KB are too large), with the prefetch."""
    out = []
    for shape, axis in [((7, 33), -1), ((33, 7), 0), ((1031,), 0), ((2, 3, 17), 1), ((1, 1), -1),
                        ((4, 1031), -1), ((64, 33), -1), ((2, 3, 5, 33), -1), ((2, 40, 2048), -1)]:
        for dtype in ("f32", "f64"):
            out.append(Case("softmax", [(shape, dtype, -8, 8)], [(shape, dtype)], softmax_ref(axis),
                            attrs=f"axis = {axis} : i64", rtol=1e-5, atol=1e-7))
    return out


def log_softmax_ref(axis):
    def f(x):
        m = x.max(axis=axis, keepdims=True)
        return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))
    return f


def row_norm_cases(op, ref_for):
    out = []
    for shape, axis in [((7, 33), -1), ((33, 7), 0), ((1031,), 0), ((2, 3, 17), 1), ((1, 1), -1)]:
        for dtype in ("f32", "f64", "f16"):
            tol = (2e-3, 2e-3) if dtype == "f16" else (1e-5, 1e-6)
            out.append(Case(op, [(shape, dtype, -8, 8)], [(shape, dtype)], ref_for(axis),
                            attrs=f"axis = {axis} : i64", rtol=tol[0], atol=tol[1]))
    return out


def layer_norm_ref(axis, eps, rms):
    def f(x, gamma, beta=None):
        axes = tuple(range(axis % x.ndim, x.ndim))
        if rms:
            y = x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps) * gamma
        else:
            m = x.mean(axis=axes, keepdims=True)
            v = ((x - m) ** 2).mean(axis=axes, keepdims=True)
            y = (x - m) / np.sqrt(v + eps) * gamma + beta
        return y
    return f


def norm_cases(op):
    rms = op == "rms_norm"
    out = []
    for shape, axis, eps in [((7, 33), -1, 1e-5), ((3, 5, 17), 1, 1e-3), ((1031,), 0, 1e-5),
                             ((4, 1, 9), -2, 0.5), ((2, 3, 40), -1, 1e-5)]:
        for dtype in ("f32", "f64", "f16"):
            pshape = shape[axis % len(shape):]
            ins = [(shape, dtype, -3, 3), (pshape, dtype, 0.5, 2)]
            if not rms:
                ins.append((pshape, dtype, -1, 1))
            tol = (4e-3, 4e-3) if dtype == "f16" else (1e-5, 1e-6)
            out.append(Case(op, ins, [(shape, dtype)], layer_norm_ref(axis, eps, rms),
                            attrs=f"axis = {axis} : i64, epsilon = {eps:.6e} : f32",
                            rtol=tol[0], atol=tol[1]))
    return out


CASES = {
    "softmax": softmax_cases,
    "log_softmax": lambda: row_norm_cases("log_softmax", log_softmax_ref),
    "softmax_f16": lambda: [c for c in row_norm_cases("softmax", softmax_ref)
                            if c.outs[0][1] == "f16"],
    "layer_norm": lambda: norm_cases("layer_norm"),
    "rms_norm": lambda: norm_cases("rms_norm"),
}
