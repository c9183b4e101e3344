"""e2e cases of the shape ops: transpose, reshape, broadcast_to, concat, slice and pad.

Tolerances: data movement is exact.
"""
import numpy as np

from cases import Case, arr


def transpose_cases():
    out = []
    for shape, perm in [((7, 33), (1, 0)), ((2, 3, 17), (2, 0, 1)), ((1031,), (0,)),
                        ((3, 1, 5, 7), (3, 1, 0, 2))]:
        for dtype in ("f32", "i64", "i8"):
            r = tuple(shape[p] for p in perm)
            out.append(Case("transpose", [(shape, dtype, -9, 9)], [(r, dtype)],
                            (lambda p: lambda x: np.transpose(x, p))(perm),
                            attrs=f"permutation = array<i64: {', '.join(map(str, perm))}>"))
    return out


def reshape_cases():
    out = []
    for a, b in [((7, 33), (231,)), ((1031,), (1, 1031, 1)), ((2, 3, 17), (17, 6)), ((1, 1), ()),
                 ((), (1,)), ((6, 35), (5, 7, 6))]:
        for dtype in ("f32", "i32"):
            out.append(Case("reshape", [(a, dtype, -9, 9)], [(b, dtype)],
                            (lambda s: lambda x: x.reshape(s))(b)))
    return out


def broadcast_cases():
    out = []
    for a, b in [((33,), (7, 33)), ((7, 1), (2, 7, 33)), ((), (1031,)), ((1, 1), (3, 5)),
                 ((2, 1, 3), (2, 4, 3))]:
        for dtype in ("f32", "i16"):
            out.append(Case("broadcast_to", [(a, dtype, -9, 9)], [(b, dtype)],
                            (lambda s: lambda x: np.broadcast_to(x, s))(b)))
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


def slice_cases():
    out = []
    for shape, starts, limits, strides in [((33,), (3,), (30,), None),
                                           ((1031,), (0,), (1031,), (7,)),
                                           ((7, 33), (1, 2), (6, 33), (2, 5)),
                                           ((2, 3, 17), (0, 1, 16), (2, 3, 17), (1, 1, 1)),
                                           ((9, 9), (4, 4), (4, 9), None)]:
        for dtype in ("f32", "i64", "i1"):
            sl = tuple(slice(a, b, s)
                       for a, b, s in zip(starts, limits, strides or [1] * len(shape)))
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
                                    ((2, 3, 4), (1, 0, 2), (0, 3, 1), "-2.0"),
                                    ((1,), (0,), (0,), None)]:
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


CASES = {
    "transpose": transpose_cases,
    "reshape": reshape_cases,
    "broadcast_to": broadcast_cases,
    "concat": concat_cases,
    "slice": slice_cases,
    "pad": pad_cases,
}
