"""e2e cases of the reductions, normalizations, shape ops and convolutions added with the full
language: reduce_min, reduce_prod, argmax, log_softmax, layer_norm, rms_norm, concat, slice,
pad, conv2d, max_pool2d, avg_pool2d.

Tolerances: data movement, min/max/argmax and integer results are exact; sums of n terms get
8 n eps; normalizations 1e-5 relative (f32) and 2e-3 (f16).
"""
import numpy as np

from ops import Case, reduced, reduction, softmax_ref


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
                             ((4, 1, 9), -2, 0.5)]:
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


def concat_cases():
    out = []
    for shapes, axis in [([(7,), (33,)], 0), ([(3, 5), (3, 7), (3, 1)], 1), ([(2, 5), (4, 5)], -2),
                         ([(2, 3, 4)], 2), ([(1, 1), (1, 1), (1, 1), (1, 1)], 0)]:
        for dtype in ("f32", "i8", "i1", "f16"):
            r = list(shapes[0])
            r[axis] = sum(s[axis] for s in shapes)
            out.append(Case("concat", [(s, dtype, -9, 9) for s in shapes], [(tuple(r), dtype)],
                            (lambda a: lambda *xs: np.concatenate(xs, axis=a))(axis),
                            attrs=f"axis = {axis} : i64"))
    return out


def arr(values):
    return f"array<i64: {', '.join(map(str, values))}>"


def slice_cases():
    out = []
    for shape, starts, limits, strides in [((33,), (3,), (30,), None), ((1031,), (0,), (1031,), (7,)),
                                           ((7, 33), (1, 2), (6, 33), (2, 5)),
                                           ((2, 3, 17), (0, 1, 16), (2, 3, 17), (1, 1, 1)),
                                           ((9, 9), (4, 4), (4, 9), None)]:
        for dtype in ("f32", "i64", "i1"):
            sl = tuple(slice(a, b, s) for a, b, s in zip(starts, limits, strides or [1] * len(shape)))
            r = np.empty(shape)[sl].shape
            attrs = f"starts = {arr(starts)}, limits = {arr(limits)}"
            if strides:
                attrs += f", strides = {arr(strides)}"
            out.append(Case("slice", [(shape, dtype, -9, 9)], [(r, dtype)],
                            (lambda q: lambda x: x[q])(sl), attrs=attrs))
    return out


def pad_cases():
    out = []
    for shape, low, high, value in [((7,), (2,), (3,), None), ((3, 5), (0, 1), (2, 0), "1.5"),
                                    ((2, 3, 4), (1, 0, 2), (0, 3, 1), "-2.0"), ((1,), (0,), (0,), None)]:
        for dtype in ("f32", "f64", "i32"):
            r = tuple(s + a + b for s, a, b in zip(shape, low, high))
            v = 0 if value is None else float(value)
            attrs = f"low = {arr(low)}, high = {arr(high)}"
            if value is not None:
                attrs += (f", value = {value} : {dtype}" if dtype[0] == "f"
                          else f", value = {int(v)} : {dtype}")
                v = v if dtype[0] == "f" else int(v)
            out.append(Case("pad", [(shape, dtype, -9, 9)], [(r, dtype)],
                            (lambda lo, hi, c: lambda x: np.pad(x, list(zip(lo, hi)),
                                                                constant_values=c))(low, high, v),
                            attrs=attrs))
    return out


def windows(x, kh, kw, strides, padding, dilations, fill):
    """The (N, Ho, Wo, kh, kw, C) windows of an NHWC array padded with `fill`."""
    top, bottom, left, right = padding
    xp = np.pad(x, [(0, 0), (top, bottom), (left, right), (0, 0)], constant_values=fill)
    sh, sw = strides
    dh, dw = dilations
    ho = (xp.shape[1] - dh * (kh - 1) - 1) // sh + 1
    wo = (xp.shape[2] - dw * (kw - 1) - 1) // sw + 1
    out = np.empty((x.shape[0], ho, wo, kh, kw, x.shape[3]), xp.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, :, i, j, :] = xp[:, i * dh:i * dh + sh * (ho - 1) + 1:sh,
                                       j * dw:j * dw + sw * (wo - 1) + 1:sw, :]
    return out


def conv_ref(strides, padding, dilations):
    def f(x, w):
        wide = np.int64 if x.dtype.kind == "i" else np.float64
        win = windows(x.astype(wide), w.shape[0], w.shape[1], strides, padding, dilations, 0)
        return np.einsum("nhwijc,ijco->nhwo", win, w.astype(wide))
    return f


def conv_cases():
    out = []
    configs = [((1, 7, 9, 3), (3, 3, 3, 4), (1, 1), (0, 0, 0, 0), (1, 1)),
               ((2, 9, 8, 5), (3, 3, 5, 2), (2, 2), (1, 1, 1, 1), (1, 1)),
               ((1, 11, 10, 2), (3, 2, 2, 3), (1, 2), (2, 0, 1, 1), (2, 1)),
               ((1, 5, 5, 1), (1, 1, 1, 1), (1, 1), (0, 0, 0, 0), (1, 1))]
    for xs, ws, st, pad, dil in configs:
        ho = (xs[1] + pad[0] + pad[1] - dil[0] * (ws[0] - 1) - 1) // st[0] + 1
        wo = (xs[2] + pad[2] + pad[3] - dil[1] * (ws[1] - 1) - 1) // st[1] + 1
        r = (xs[0], ho, wo, ws[3])
        attrs = f"strides = {arr(st)}, padding = {arr(pad)}, dilations = {arr(dil)}"
        k = ws[0] * ws[1] * ws[2]
        for dtype in ("f32", "f64", "f16"):
            eps = {"f32": 1.2e-7, "f64": 2.3e-16, "f16": 1e-3}[dtype]
            out.append(Case("conv2d", [(xs, dtype, -1, 1), (ws, dtype, -1, 1)], [(r, dtype)],
                            conv_ref(st, pad, dil), attrs=attrs, rtol=eps * 8 * k,
                            atol=eps * 8 * k))
        out.append(Case("conv2d", [(xs, "i8", -128, 127), (ws, "i8", -128, 127)], [(r, "i32")],
                        conv_ref(st, pad, dil), attrs=attrs))
    return out


def pool_ref(kind, window, strides, padding):
    def f(x):
        if kind == "max":
            lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
            return windows(x, *window, strides, padding, (1, 1), lowest).max(axis=(3, 4))
        x = x.astype(np.float64)
        sums = windows(x, *window, strides, padding, (1, 1), 0).sum(axis=(3, 4))
        ones = np.ones((1,) + x.shape[1:3] + (1,))
        counts = windows(ones, *window, strides, padding, (1, 1), 0).sum(axis=(3, 4))
        return sums / counts
    return f


def pool_cases(kind):
    out = []
    configs = [((1, 8, 8, 3), (2, 2), None, (0, 0, 0, 0)), ((2, 7, 9, 2), (3, 3), (2, 2), (1, 1, 1, 1)),
               ((1, 5, 6, 1), (3, 2), (1, 1), (2, 0, 1, 1)), ((1, 1, 1, 4), (1, 1), None, (0, 0, 0, 0))]
    dtypes = ("f32", "f64", "f16") + (("i8", "i32") if kind == "max" else ())
    for xs, window, strides, pad in configs:
        st = strides or window
        ho = (xs[1] + pad[0] + pad[1] - window[0]) // st[0] + 1
        wo = (xs[2] + pad[2] + pad[3] - window[1]) // st[1] + 1
        attrs = f"window = {arr(window)}, padding = {arr(pad)}"
        if strides:
            attrs += f", strides = {arr(strides)}"
        for dtype in dtypes:
            tol = 1e-3 if dtype == "f16" else 1e-6
            out.append(Case(f"{kind}_pool2d", [(xs, dtype, -50, 50)],
                            [((xs[0], ho, wo, xs[3]), dtype)], pool_ref(kind, window, st, pad),
                            attrs=attrs, rtol=tol, atol=tol))
    return out


CASES = {
    "reduce_min": reduction("reduce_min", np.min, dtypes=("f32", "f64", "i8", "i64", "i1")),
    "reduce_prod": reduction("reduce_prod", np.prod, dtypes=("f32", "f64", "i32"), flo=0.5,
                             fhi=1.5),
    "argmax": argmax_cases,
    "log_softmax": lambda: row_norm_cases("log_softmax", log_softmax_ref),
    "softmax_f16": lambda: [c for c in row_norm_cases("softmax", softmax_ref)
                            if c.outs[0][1] == "f16"],
    "layer_norm": lambda: norm_cases("layer_norm"),
    "rms_norm": lambda: norm_cases("rms_norm"),
    "concat": concat_cases,
    "slice": slice_cases,
    "pad": pad_cases,
    "conv2d": conv_cases,
    "max_pool2d": lambda: pool_cases("max"),
    "avg_pool2d": lambda: pool_cases("avg"),
}
