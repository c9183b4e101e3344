"""e2e cases of the unsigned integer types ui8, ui16 and ui32 (kiln-lower-unsigned): every op
that takes them, with values over the whole range so that the top bit (where the unsigned and
the signed readings differ) is set in about half the elements.

Tolerances: exact, except casts to f32 (1e-7 relative) and f16 (1e-3).
"""
import numpy as np

from cases import BINARY_SHAPES, Case, reduced
from compare_select_cast import cast_ref, special_cast_cases
from elementwise import shift
from kilntest import IMAX, IMIN, NPY, bshape, ttype
from reductions import top_k_body, top_k_ref

UNSIGNED = ("ui8", "ui16", "ui32")


def full(shape, dtype):
    return (shape, dtype, 0, IMAX[dtype])


def unsigned_div(a, b):
    safe = np.where(b == 0, 1, b)
    return np.where(b == 0, 0, a // safe)


BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": unsigned_div,
          "max": np.maximum, "min": np.minimum}
UNARY = {"neg": np.negative, "abs": np.abs, "relu": lambda x: np.maximum(x, 0)}
PREDICATES = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
              "gt": np.greater, "ge": np.greater_equal}


def arithmetic_cases():
    out = []
    for dtype in UNSIGNED:
        for op, fn in BINARY.items():
            for a, b in BINARY_SHAPES[1:6]:
                out.append(Case(op, [full(a, dtype), full(b, dtype)], [(bshape(a, b), dtype)], fn))
        # Shift amounts in [0, 2N): in range and past the width.
        width = np.dtype(NPY[dtype]).itemsize * 8
        for op, left in (("shift_left", True), ("shift_right", False)):
            out.append(Case(op, [full((1031,), dtype), ((1031,), dtype, 0, 2 * width)],
                            [((1031,), dtype)], shift(left)))
        # Small divisors, where the quotients are not mostly 0 or 1.
        out.append(Case("div", [full((1031,), dtype), ((1031,), dtype, 0, 9)],
                        [((1031,), dtype)], unsigned_div))
        for op, fn in UNARY.items():
            out.append(Case(op, [full((7, 33), dtype)], [((7, 33), dtype)], fn))
        for pred, fn in PREDICATES.items():
            # ui8 on a small range as well, so that equal values meet.
            for lo, hi in ((0, IMAX[dtype]), (126, 130)):
                ins = [((7, 33), dtype, lo, hi), ((33,), dtype, lo, hi)]
                out.append(Case("cmp", ins, [((7, 33), "i1")], fn, attrs=f'predicate = "{pred}"'))
        out.append(Case("select", [((7, 33), "i1", 0, 1), full((33,), dtype), full((7, 1), dtype)],
                        [((7, 33), dtype)], np.where))
    return out


def cast_cases():
    out = []
    pairs = [("ui8", "f32"), ("ui32", "f32"), ("ui16", "f16"), ("ui32", "f64"), ("ui8", "i8"),
             ("ui8", "i64"), ("ui32", "i16"), ("ui16", "ui32"), ("ui32", "ui8"), ("i32", "ui8"),
             ("i8", "ui32"), ("i64", "ui16"), ("i1", "ui8"), ("ui8", "i1"), ("ui32", "i1"),
             ("f32", "ui8"), ("f64", "ui32"), ("f32", "ui16"), ("f16", "ui8")]
    for src, dst in pairs:
        if src[0] == "f":
            lo, hi = (-300.0, 300.0) if src == "f16" else (-1e5, 5e9)
            ins = [((1031,), src, lo, hi)]
        elif src == "i1":
            ins = [((1031,), src, 0, 1)]
        else:
            ins = [full((1031,), src) if src.startswith("u") else ((1031,), src, IMIN[src],
                                                                     IMAX[src])]
        if dst == "f16":  # f16 overflows past 65504
            ins = [(ins[0][0], src, 0, 60000)]
        tol = 1e-3 if dst == "f16" else 1e-7
        out.append(Case("cast", ins, [((1031,), dst)], cast_ref(src, dst), rtol=tol, atol=0))
    # NaN, infinities and values past each end saturate; NaN gives 0.
    out += special_cast_cases(UNSIGNED, [np.nan, np.inf, -np.inf, 1e10, -1e10, 255.9, 256.0, -0.5,
                                         2.5])
    return out


def reduction_cases():
    out = []
    reductions = {"reduce_sum": np.sum, "reduce_prod": np.prod, "reduce_max": np.max,
                  "reduce_min": np.min}
    for dtype in UNSIGNED:
        for op, fn in reductions.items():
            for shape, axes, keep in [((1031,), [0], False), ((7, 33), [1], True),
                                      ((2, 3, 17), [0, 2], False)]:
                attrs = f"axes = array<i64: {', '.join(map(str, axes))}>"
                attrs += ", keep_dims = true" if keep else ""
                ref = (lambda f, ax, kp: lambda x: f(x.astype(np.uint64), axis=tuple(ax),
                                                       keepdims=kp))(fn, axes, keep)
                out.append(Case(op, [full(shape, dtype)], [(reduced(shape, axes, keep), dtype)],
                                ref, attrs=attrs))
        for op, fn in (("argmax", np.argmax), ("argmin", np.argmin)):
            for lo, hi in ((0, IMAX[dtype]), (126, 129)):
                out.append(Case(op, [((7, 33), dtype, lo, hi)], [((7,), "i64")],
                                (lambda f: lambda x: f(x, axis=1))(fn), attrs="axes = array<i64: 1>"))
        out.append(Case("cumsum", [full((7, 33), dtype)], [((7, 33), dtype)],
                        lambda x: np.cumsum(x.astype(np.uint64), axis=1), attrs="axis = 1 : i64"))
        for largest in (True, False):
            body, values, indices = top_k_body((7, 33), 5, 1, largest, dtype)
            out.append(Case("top_k", [((7, 33), dtype, 120, 135)], [values, indices],
                            top_k_ref(5, 1, largest), body=body))
    return out


def max_pool_ref(x):
    """3x3 windows, stride 2, padding 1 (padded positions never win) of NHWC x."""
    n, h, w, c = x.shape
    ho, wo = (h + 2 - 3) // 2 + 1, (w + 2 - 3) // 2 + 1
    r = np.zeros((n, ho, wo, c), x.dtype)
    for i in range(ho):
        for j in range(wo):
            rows = slice(max(0, 2 * i - 1), min(h, 2 * i + 2))
            cols = slice(max(0, 2 * j - 1), min(w, 2 * j + 2))
            r[:, i, j, :] = x[:, rows, cols, :].max(axis=(1, 2))
    return r


def structural_cases():
    out = []
    for dtype in UNSIGNED:
        out.append(Case("max_pool2d", [full((2, 9, 8, 3), dtype)], [((2, 5, 4, 3), dtype)],
                        max_pool_ref, attrs="window = array<i64: 3, 3>, strides = array<i64: 2, 2>,"
                                            " padding = array<i64: 1, 1, 1, 1>"))
        out.append(Case("transpose", [full((7, 33), dtype)], [((33, 7), dtype)],
                        lambda x: x.T, attrs="permutation = array<i64: 1, 0>"))
        top = IMAX[dtype]
        constant = f"dense<[0, 1, {top // 2 + 1}, {top}]> : {ttype((4,), dtype)}"
        body = (f"  %c = kiln.constant {constant}\n"
                f"  %r = kiln.add %a0, %c : ({ttype((3, 4), dtype)}, {ttype((4,), dtype)}) -> "
                f"{ttype((3, 4), dtype)}\n"
                f"  kiln.return %r : {ttype((3, 4), dtype)}\n")
        out.append(Case("constant", [full((3, 4), dtype)], [((3, 4), dtype)],
                        (lambda t, d: lambda x: x + np.array([0, 1, t // 2 + 1, t], NPY[d]))(top, dtype),
                        body=body))
        ins = [full((5, 7), dtype), ((3,), "i64", 0, 4)]
        out.append(Case("gather", ins, [((3, 7), dtype)], lambda x, i: x[i], attrs="axis = 0 : i64"))
    out.append(Case("iota", [], [((1031,), "ui16")], lambda: np.arange(1031), attrs="axis = 0 : i64"))
    return out


CASES = {
    "unsigned": lambda: (arithmetic_cases() + cast_cases() + reduction_cases()
                         + structural_cases()),
}
