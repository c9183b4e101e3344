"""e2e cases of cmp, select and cast (which also saturates, and maps NaN to 0 and to false).

Tolerances: cmp, select and casts to integers are exact; casts to f32 and f64 1e-7 relative, to
f16 1e-3.
"""
import numpy as np

from cases import BINARY_SHAPES, Case, f32_literal
from kilntest import IMAX, IMIN, NPY, bshape, is_int


PREDICATES = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
              "gt": np.greater, "ge": np.greater_equal}


def cmp_cases():
    out = []
    for pred, fn in PREDICATES.items():
        for dtype in ("f32", "f64", "f16", "i8", "i32", "i64", "i1"):
            for a, b in BINARY_SHAPES[2:6]:
                ins = [(a, dtype, -3, 3), (b, dtype, -3, 3)]
                out.append(Case("cmp", ins, [(bshape(a, b), "i1")], fn,
                                attrs=f'predicate = "{pred}"', integral=True))
    return out


def select_cases():
    out = []
    shapes = [((7,), (7,), (7,)), ((7, 33), (33,), ()), ((7, 1), (1, 33), (7, 33)),
              ((1031,), (), (1031,)), ((2, 1, 5), (3, 1), (5,))]
    for dtype in ("f32", "f64", "f16", "i8", "i64", "i1"):
        for c, a, b in shapes:
            r = tuple(np.broadcast_shapes(c, a, b))
            out.append(Case("select", [(c, "i1", 0, 1), (a, dtype, -9, 9), (b, dtype, -9, 9)],
                            [(r, dtype)], np.where))
    return out


def cast_ref(src, dst):
    """kiln.cast semantics in NumPy (see KilnOps.td), unsigned types included."""
    def f(x):
        if dst == "i1":
            return (x != 0) & ~np.isnan(x) if src[0] == "f" else x != 0
        if src == "i1":
            return x.astype(np.float64 if dst[0] == "f" else NPY[dst])
        if src[0] == "f" and is_int(dst):
            lo, hi = IMIN[dst], IMAX[dst]
            t = np.trunc(np.where(np.isnan(x), 0, x))
            # Saturate in float64, then convert exactly (limits beyond 2^53 need the ints).
            r = np.where(t >= 2.0 ** 63, 0, np.where(t < -2.0 ** 63, 0, t)).astype(np.int64)
            r = np.where(t >= float(hi), hi, np.where(t <= float(lo), lo, r))
            return r.astype(NPY[dst])
        if is_int(src) and is_int(dst):
            return x.astype(NPY[dst])
        return x.astype(np.float64)
    return f


def special_cast_cases(dsts, values):
    """f32 `values` (a constant, plus a zero input so that nothing folds) cast to each of
    `dsts`."""
    n = len(values)
    literal = "[" + ", ".join(map(f32_literal, values)) + "]"
    out = []
    for dst in dsts:
        body = (f"  %c = kiln.constant dense<{literal}> : tensor<{n}xf32>\n"
                f"  %x = kiln.add %c, %a0 : (tensor<{n}xf32>, tensor<{n}xf32>) -> tensor<{n}xf32>\n"
                f"  %r = kiln.cast %x : (tensor<{n}xf32>) -> tensor<{n}x{dst}>\n"
                f"  kiln.return %r : tensor<{n}x{dst}>\n")
        ref = (lambda d: lambda z: cast_ref("f32", d)(np.array(values) + z))(dst)
        out.append(Case("cast", [((n,), "f32", 0, 0)], [((n,), dst)], ref, body=body))
    return out


def cast_cases():
    out = []
    pairs = [("f32", "i8"), ("f32", "i16"), ("f32", "i32"), ("f32", "i64"), ("f32", "i1"),
             ("f32", "f16"), ("f32", "f64"), ("f64", "f32"), ("f64", "i32"), ("f16", "f32"),
             ("f16", "i8"), ("i32", "f32"), ("i32", "f16"), ("i32", "i8"), ("i64", "i16"),
             ("i8", "i64"), ("i8", "f64"), ("i16", "i1"), ("i1", "f32"), ("i1", "i32"),
             ("i1", "f16")]
    for src, dst in pairs:
        for shape in ((7,), (33, 7), (1031,)):
            lo, hi = (-1e5, 1e5) if src[0] == "f" else (-300, 300)
            if src == "i8":
                lo, hi = -128, 127
            if src == "f16":
                lo, hi = -300.0, 300.0
            if dst == "f16":
                lo, hi = max(lo, -6e4), min(hi, 6e4)
            tol = 1e-3 if dst == "f16" else 1e-7
            out.append(Case("cast", [(shape, src, lo, hi)], [(shape, dst)], cast_ref(src, dst),
                            rtol=tol, atol=0))
    # NaN, infinities and out-of-range values: saturate, NaN -> 0, NaN != 0 is false.
    out += special_cast_cases(("i8", "i32", "i64", "i1"),
                              [np.nan, np.inf, -np.inf, 1e10, -1e10, 2.5, -2.5, 0.0, -0.5])
    return out


CASES = {
    "cmp": cmp_cases,
    "select": select_cases,
    "cast": cast_cases,
}
