"""e2e cases of the reductions: reduce_sum, reduce_max, reduce_mean, reduce_min, reduce_prod and
argmax (ties resolve to the first index).

Tolerances: min/max/argmax and integer results are exact; a reduction of n terms gets 4 n eps.
"""
import numpy as np

from cases import Case, reduced


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


def argmax_cases():
    out = []
    for shape, axis, keep in [((1031,), 0, False), ((7, 33), 1, False), ((7, 33), 0, True),
                              ((2, 3, 17), -2, False), ((1, 1), -1, True)]:
        for dtype in ("f32", "f64", "i8", "i32", "i1"):
            def ref(x, a=axis, k=keep):
                r = np.argmax(x, axis=a)
                return np.expand_dims(r, a) if k else r
            attrs = f"axes = array<i64: {axis}>" + (", keep_dims = true" if keep else "")
            # Integral inputs in a small range make ties, which must resolve to the first index.
            out.append(Case("argmax", [(shape, dtype, -3, 3)],
                            [(reduced(shape, [axis], keep), "i64")], ref, attrs=attrs,
                            integral=True))
    return out


CASES = {
    "reduce_sum": reduction("reduce_sum", np.sum),
    "reduce_max": reduction("reduce_max", np.max),
    "reduce_mean": reduction("reduce_mean", np.mean, dtypes=("f32", "f64")),
    "reduce_min": reduction("reduce_min", np.min, dtypes=("f32", "f64", "i8", "i64", "i1")),
    "reduce_prod": reduction("reduce_prod", np.prod, dtypes=("f32", "f64", "i32"), flo=0.5,
                             fhi=1.5),
    "argmax": argmax_cases,
}
