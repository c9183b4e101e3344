"""e2e cases of the reductions: reduce_sum, reduce_max, reduce_mean, reduce_min, reduce_prod,
argmax and argmin (ties resolve to the first index), and the scans cumsum and top_k.

Tolerances: min/max/argmax/argmin, top_k and integer results are exact; a reduction or a running
sum of n terms gets 4 n eps.
"""
import numpy as np

from cases import Case, reduced
from kilntest import ttype


REDUCE_SHAPES = [((1,), [0], False), ((1031,), [0], False), ((7, 33), [1], False),
                 ((7, 33), [0], True), ((7, 33), [-1, 0], False), ((2, 3, 17), [0, 2], True),
                 ((3, 1031), [1], True), ((5, 7, 9), [1], False)]


def reduction(op, fn, dtypes=("f32", "f64", "i32"), flo=-2.0, fhi=2.0):
    def cases():
        out = []
        for dtype in dtypes:
            for shape, axes, keep in REDUCE_SHAPES:
                n = int(np.prod([shape[a % len(shape)] for a in axes]))
                eps = {"f32": 1.2e-7, "f64": 2.3e-16}.get(dtype, 0)
                lo, hi = (-100, 100) if dtype.startswith("i") else (flo, fhi)
                attrs = f"axes = array<i64: {', '.join(map(str, axes))}>"
                if keep:
                    attrs += ", keep_dims = true"
                ref = (lambda ax, kp: lambda x: fn(x, axis=tuple(ax), keepdims=kp))(axes, keep)
                out.append(Case(op, [(shape, dtype, lo, hi)], [(reduced(shape, axes, keep), dtype)],
                                ref, attrs=attrs, rtol=eps * 4 * n, atol=eps * 4 * n))
        return out
    return cases


def arg_extremum_cases(op, fn):
    out = []
    for shape, axis, keep in [((1031,), 0, False), ((7, 33), 1, False), ((7, 33), 0, True),
                              ((2, 3, 17), -2, False), ((1, 1), -1, True)]:
        for dtype in ("f32", "f64", "i8", "i32", "i1"):
            def ref(x, a=axis, k=keep):
                r = fn(x, axis=a)
                return np.expand_dims(r, a) if k else r
            attrs = f"axes = array<i64: {axis}>" + (", keep_dims = true" if keep else "")
            # Integral inputs in a small range make ties, which must resolve to the first index.
            out.append(Case(op, [(shape, dtype, -3, 3)],
                            [(reduced(shape, [axis], keep), "i64")], ref, attrs=attrs,
                            integral=True))
    return out


def cumsum_ref(axis, exclusive, reverse):
    def f(x):
        wide = x.astype(np.int64 if x.dtype.kind == "i" else np.float64)
        if reverse:
            wide = np.flip(wide, axis)
        r = np.cumsum(wide, axis=axis)
        if exclusive:
            r = np.concatenate([np.zeros_like(np.take(r, [0], axis)),
                                np.take(r, range(r.shape[axis] - 1), axis)], axis)
        return np.flip(r, axis) if reverse else r
    return f


def cumsum_cases():
    """Every flag combination; i8 sums wrap. A running sum of n terms gets 4 n eps (f16 and bf16
    sum in f32 and round each result once)."""
    out = []
    for shape, axis, exclusive, reverse in [((1031,), 0, False, False), ((7, 33), 1, True, False),
                                            ((33, 7), 0, False, True), ((2, 5, 17), -2, True, True),
                                            ((3, 1), 1, True, False), ((0, 4), 1, False, False),
                                            ((1, 3, 1), 2, False, False)]:
        attrs = f"axis = {axis} : i64"
        attrs += ", exclusive = true" if exclusive else ""
        attrs += ", reverse = true" if reverse else ""
        n = shape[axis]
        for dtype in ("f32", "f64", "f16", "i8", "i64"):
            eps = {"f32": 1.2e-7, "f64": 2.3e-16}.get(dtype, 0)
            tol = 1e-3 if dtype == "f16" else eps * 4 * n
            lo, hi = (-100, 100) if dtype.startswith("i") else (-2.0, 2.0)
            out.append(Case("cumsum", [(shape, dtype, lo, hi)], [(shape, dtype)],
                            cumsum_ref(axis, exclusive, reverse), attrs=attrs, rtol=tol,
                            atol=tol * 2))
    return out


def top_k_ref(k, axis, largest):
    """Rank order: NaN above every number, then the value, then the ascending index."""
    def f(x):
        moved = np.moveaxis(x, axis, -1)
        rows = moved.reshape(-1, moved.shape[-1])
        values, indices = [], []
        for row in rows:
            def key(i, row=row):
                v = row[i]
                nan = bool(np.isnan(v)) if row.dtype.kind == "f" else False
                number = 0 if nan else float(v)
                return (not nan, -number, i) if largest else (nan, number, i)
            order = sorted(range(len(row)), key=key)[:k]
            values.append(row[order])
            indices.append(order)
        shape = moved.shape[:-1] + (k,)
        v = np.moveaxis(np.asarray(values, x.dtype).reshape(shape), -1, axis)
        i = np.moveaxis(np.asarray(indices, np.int64).reshape(shape), -1, axis)
        return [v, i]
    return f


def top_k_body(shape, k, axis, largest, dtype, constant=None):
    result = list(shape)
    result[axis] = k
    ins = ttype(shape, dtype)
    outs = f"{ttype(result, dtype)}, {ttype(result, 'i64')}"
    attrs = f"k = {k} : i64, axis = {axis} : i64" + ("" if largest else ", largest = false")
    source = "%a0"
    body = ""
    if constant is not None:
        source = "%c"
        body = f"  %c = kiln.constant {constant} : {ins}\n"
    return (body + f"  %v, %i = kiln.top_k {source} {{{attrs}}} : ({ins}) -> ({outs})\n"
            f"  kiln.return %v, %i : {outs}\n"), (tuple(result), dtype), (tuple(result), "i64")


def top_k_cases():
    """Small integral ranges make ties, which go by ascending index; a constant with NaNs
    checks where NaN ranks."""
    out = []
    for shape, k, axis, largest in [((1031,), 5, 0, True), ((7, 33), 33, 1, False),
                                    ((33, 7), 1, 0, True), ((2, 9, 5), 4, -2, False),
                                    ((3, 4), 0, 0, True)]:
        for dtype in ("f32", "f64", "f16", "i8", "i32"):
            body, values, indices = top_k_body(shape, k, axis, largest, dtype)
            out.append(Case("top_k", [(shape, dtype, -4, 4)], [values, indices],
                            top_k_ref(k, axis % len(shape), largest), body=body, integral=True))
    nans = np.array([1.0, np.nan, 3.0, np.nan, -np.inf, 3.0, np.inf, -1.0])
    constant = "dense<[1.0, 0x7FC00000, 3.0, 0x7FC00000, 0xFF800000, 3.0, 0x7F800000, -1.0]>"
    for largest in (True, False):
        body, values, indices = top_k_body((8,), 6, 0, largest, "f32", constant)
        out.append(Case("top_k", [], [values, indices],
                        (lambda lg: lambda: top_k_ref(6, 0, lg)(nans))(largest), body=body))
    return out


CASES = {
    "reduce_sum": reduction("reduce_sum", np.sum),
    "reduce_max": reduction("reduce_max", np.max),
    "reduce_mean": reduction("reduce_mean", np.mean, dtypes=("f32", "f64")),
    "reduce_min": reduction("reduce_min", np.min, dtypes=("f32", "f64", "i8", "i64", "i1")),
    "reduce_prod": reduction("reduce_prod", np.prod, dtypes=("f32", "f64", "i32"), flo=0.5,
                             fhi=1.5),
    "argmax": lambda: arg_extremum_cases("argmax", np.argmax),
    "argmin": lambda: arg_extremum_cases("argmin", np.argmin),
    "cumsum": cumsum_cases,
    "top_k": top_k_cases,
}
