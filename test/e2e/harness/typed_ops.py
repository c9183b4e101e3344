"""e2e cases of the elementwise ops added with the full language: pow, gelu, silu, erf, floor,
ceil, cmp, select, cast, and bf16 (which crosses the .npy boundary only through casts).

Tolerances: libm-class functions (pow, erf) 4e-6 relative in f32; floor/ceil/cmp/select/cast
are exact; bf16 results are compared with a bf16 rounding of the float64 reference, within one
bf16 ulp (2^-8 relative).
"""
import math

import numpy as np

from kilntest import IMAX, IMIN, NPY, bf16_round, bshape, ttype
from ops import BINARY_SHAPES, Case, binary, sigmoid, unary

erf = np.vectorize(math.erf, otypes=[np.float64])


def gelu(x):
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


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
    """kiln.cast semantics in NumPy (see KilnOps.td)."""
    def f(x):
        if dst == "i1":
            return (x != 0) & ~np.isnan(x) if src[0] == "f" else x != 0
        if src == "i1":
            return x.astype(np.float64 if dst[0] == "f" else NPY[dst])
        if src[0] == "f" and dst[0] == "i":
            lo, hi = IMIN[dst], IMAX[dst]
            t = np.trunc(np.where(np.isnan(x), 0, x))
            # Saturate in float64, then convert exactly (limits beyond 2^53 need the ints).
            r = np.where(t >= 2.0 ** 63, 0, np.where(t < -2.0 ** 63, 0, t)).astype(np.int64)
            r = np.where(t >= float(hi), hi, np.where(t <= float(lo), lo, r))
            return r.astype(NPY[dst])
        if src[0] == "i" and dst[0] == "i":
            return x.astype(NPY[dst])
        return x.astype(np.float64)
    return f


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
    special = "[0x7FC00000, 0x7F800000, 0xFF800000, 1.0e10, -1.0e10, 2.5, -2.5, 0.0, -0.5]"
    values = np.array([np.nan, np.inf, -np.inf, 1e10, -1e10, 2.5, -2.5, 0.0, -0.5])
    for dst in ("i8", "i32", "i64", "i1"):
        body = (f"  %c = kiln.constant dense<{special}> : tensor<9xf32>\n"
                f"  %x = kiln.add %c, %a0 : (tensor<9xf32>, tensor<9xf32>) -> tensor<9xf32>\n"
                f"  %r = kiln.cast %x : (tensor<9xf32>) -> tensor<9x{dst}>\n"
                f"  kiln.return %r : tensor<9x{dst}>\n")
        out.append(Case("cast", [((9,), "f32", 0, 0)], [((9,), dst)],
                        (lambda d: lambda z: cast_ref("f32", d)(values + z))(dst), body=body))
    return out


def bf16_cases():
    """bf16 arithmetic, entered and left through casts from and to f32."""
    out = []
    ops = [("add", lambda a, b: a + b), ("mul", lambda a, b: a * b), ("max", np.maximum)]
    for op, fn in ops:
        for a, b in BINARY_SHAPES[1:5]:
            r = bshape(a, b)
            body = (f"  %x = kiln.cast %a0 : ({ttype(a, 'f32')}) -> {ttype(a, 'bf16')}\n"
                    f"  %y = kiln.cast %a1 : ({ttype(b, 'f32')}) -> {ttype(b, 'bf16')}\n"
                    f"  %z = kiln.{op} %x, %y : ({ttype(a, 'bf16')}, {ttype(b, 'bf16')}) -> "
                    f"{ttype(r, 'bf16')}\n"
                    f"  %r = kiln.cast %z : ({ttype(r, 'bf16')}) -> {ttype(r, 'f32')}\n"
                    f"  kiln.return %r : {ttype(r, 'f32')}\n")
            ref = (lambda f: lambda x, y: bf16_round(f(bf16_round(x), bf16_round(y))))(fn)
            out.append(Case(f"bf16 {op}", [(a, "f32", -4, 4), (b, "f32", -4, 4)], [(r, "f32")],
                            ref, body=body, rtol=2.0 ** -8, atol=0))
    for op, fn in [("exp", np.exp), ("tanh", np.tanh), ("gelu", gelu)]:
        s = (7, 33)
        body = (f"  %x = kiln.cast %a0 : ({ttype(s, 'f32')}) -> {ttype(s, 'bf16')}\n"
                f"  %z = kiln.{op} %x : ({ttype(s, 'bf16')}) -> {ttype(s, 'bf16')}\n"
                f"  %r = kiln.cast %z : ({ttype(s, 'bf16')}) -> {ttype(s, 'f32')}\n"
                f"  kiln.return %r : {ttype(s, 'f32')}\n")
        ref = (lambda f: lambda x: bf16_round(f(bf16_round(x))))(fn)
        out.append(Case(f"bf16 {op}", [(s, "f32", -4, 4)], [(s, "f32")], ref, body=body,
                        rtol=2.0 ** -8, atol=1e-30))
    out.append(bf16_matmul_case())
    return out


def bf16_matmul_case():
    """A bf16 matmul (on the GPU's tensor cores): products exact in the f32 sum, one bf16
    rounding of the result (one ulp allowed, as the f32 sum may round across a tie), and the
    f32 sum's own error near cancellation."""
    m, k, n = 130, 264, 24
    body = (f"  %x = kiln.cast %a0 : (tensor<{m}x{k}xf32>) -> tensor<{m}x{k}xbf16>\n"
            f"  %y = kiln.cast %a1 : (tensor<{k}x{n}xf32>) -> tensor<{k}x{n}xbf16>\n"
            f"  %z = kiln.matmul %x, %y : (tensor<{m}x{k}xbf16>, tensor<{k}x{n}xbf16>) -> "
            f"tensor<{m}x{n}xbf16>\n"
            f"  %r = kiln.cast %z : (tensor<{m}x{n}xbf16>) -> tensor<{m}x{n}xf32>\n"
            f"  kiln.return %r : tensor<{m}x{n}xf32>\n")
    return Case("bf16 matmul", [((m, k), "f32", -1, 1), ((k, n), "f32", -1, 1)],
                [((m, n), "f32")], lambda x, y: bf16_round(bf16_round(x) @ bf16_round(y)),
                body=body, rtol=2.0 ** -8, atol=1e-4)


FLOATS = ("f32", "f64", "f16")
CASES = {
    "pow": binary("pow", np.power, dtypes=FLOATS, lo=0.1, hi=4.0, rhs_lo=-3.0, rhs_hi=3.0,
                  rtol=4e-6),
    "gelu": lambda: (unary("gelu", gelu, dtypes=FLOATS, rtol=4e-6, atol=1e-7)() +
                     unary("gelu", gelu_tanh, dtypes=FLOATS, rtol=4e-6, atol=1e-7,
                           attrs='approximate = "tanh"')()),
    "silu": unary("silu", lambda x: x * sigmoid(x), dtypes=FLOATS, lo=-20, hi=20, rtol=2e-6,
                  atol=1e-7),
    "erf": unary("erf", erf, dtypes=FLOATS, rtol=4e-6, atol=1e-7),
    "floor": unary("floor", np.floor, dtypes=FLOATS, lo=-100, hi=100, rtol=0, atol=0),
    "ceil": unary("ceil", np.ceil, dtypes=FLOATS, lo=-100, hi=100, rtol=0, atol=0),
    "cmp": cmp_cases,
    "select": select_cases,
    "cast": cast_cases,
    "bf16": bf16_cases,
}
