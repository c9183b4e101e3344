"""e2e cases of the elementwise ops: add, sub, mul, div, max, min, pow, neg, abs, relu, exp, log,
sqrt, rsqrt, tanh, sigmoid, silu, erf, floor, ceil, round, gelu, and the trigonometric and
hyperbolic functions.

Tolerances: exact for integers; 1e-6 relative for f32 arithmetic; 2e-6 for f32 transcendentals
(MLIR's polynomial approximations are within a few ulp) and 4e-6 for libm-class functions (pow,
erf); floor and ceil are exact. f16 results are rounded once: 1e-3.
"""
import math

import numpy as np

from cases import BINARY_SHAPES, Case, f32_literal
from kilntest import INT_TYPES, bshape, ttype


UNARY_SHAPES = [(1,), (7,), (33,), (1031,), (7, 33), (2, 3, 17), ()]


def binary(op, fn, dtypes=("f32", "f64"), lo=-4.0, hi=4.0, rhs_lo=None, rhs_hi=None,
           rtol=1e-6, atol=1e-6):
    def cases():
        out = []
        for dtype in dtypes:
            for a, b in BINARY_SHAPES:
                r = bshape(a, b)
                l2 = lo if rhs_lo is None else rhs_lo
                h2 = hi if rhs_hi is None else rhs_hi
                if dtype.startswith("i"):
                    ilo, ihi = (int(lo), int(hi)) if dtype != "i8" else (-11, 11)
                    ins = [(a, dtype, ilo, ihi), (b, dtype, ilo, ihi)]
                else:
                    ins = [(a, dtype, lo, hi), (b, dtype, l2, h2)]
                tol = (1e-3, 1e-3) if dtype == "f16" else (rtol, atol)
                out.append(Case(op, ins, [(r, dtype)], fn, rtol=tol[0], atol=tol[1]))
        return out
    return cases


def unary(op, fn, dtypes=("f32", "f64"), lo=-4.0, hi=4.0, rtol=1e-6, atol=1e-6, attrs=""):
    def cases():
        out = []
        for dtype in dtypes:
            for s in UNARY_SHAPES:
                tol = (1e-3, 1e-3) if dtype == "f16" else (rtol, atol)
                rng = (int(lo), int(hi)) if dtype.startswith("i") else (lo, hi)
                out.append(Case(op, [(s, dtype, *rng)], [(s, dtype)], fn, rtol=tol[0],
                                atol=tol[1], attrs=attrs))
        return out
    return cases


def int_div(a, b):
    a64, b64 = a.astype(np.int64), b.astype(np.int64)
    safe = np.where(b64 == 0, 1, b64)
    q = np.trunc(a64 / safe).astype(np.int64)
    return np.where(b64 == 0, 0, q)


def shift(left):
    """kiln.shift_left/shift_right: an amount outside [0, N) shifts every bit out (0, or -1 for
    a negative lhs shifted right); right shifts are arithmetic for signed and logical for
    unsigned types, as NumPy's are."""
    def f(x, n):
        width = x.dtype.itemsize * 8
        out = (n < 0) | (n >= width)
        amount = np.where(out, 0, n).astype(np.int64)
        wide = x.astype(np.int64) if x.dtype.kind == "i" else x.astype(np.uint64)
        if left:
            return np.where(out, 0, wide << amount.astype(wide.dtype)).astype(x.dtype)
        fill = np.where(x < 0, -1, 0) if x.dtype.kind == "i" else 0
        return np.where(out, fill, wide >> amount.astype(wide.dtype)).astype(x.dtype)
    return f


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


erf = np.vectorize(math.erf, otypes=[np.float64])


def gelu(x):
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


FLOATS = ("f32", "f64", "f16")

# f32 exp at its edges: the largest finite results (88.72 -> 3.39e38) and the first infinite
# one (88.73), the smallest results kept (-86.9 -> 1.8e-38) and flushed (below 2^-125.5, about
# 1.66e-38, hence the absolute tolerance), infinities, NaN, zeros.
EXP_EDGES = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, 88.72, 88.7228, 88.73, 100.0,
             -80.0, -86.9, -87.5, -88.0, -1000.0, 1e-8, -1e-8]


def exp_edge_case():
    """exp of EXP_EDGES (a constant, plus a zero input so that nothing folds), against float64
    rounded to f32 (an f32 result above FLT_MAX is infinite)."""
    n = len(EXP_EDGES)
    t = f"tensor<{n}xf32>"
    literal = "[" + ", ".join(map(f32_literal, EXP_EDGES)) + "]"
    body = (f"  %c = kiln.constant dense<{literal}> : {t}\n"
            f"  %x = kiln.add %c, %a0 : ({t}, {t}) -> {t}\n"
            f"  %r0 = kiln.exp %x : ({t}) -> {t}\n"
            f"  kiln.return %r0 : {t}\n")
    edges = np.array(EXP_EDGES, np.float32).astype(np.float64)
    ref = lambda z: np.exp(edges + z).astype(np.float32)
    return Case("exp", [((n,), "f32", 0, 0)], [((n,), "f32")], ref, rtol=2e-6, atol=2.4e-38,
                body=body)


def round_cases():
    """round on halves of integers, so that ties (x.5) are frequent: they go to the even
    neighbour, as numpy.round and ONNX's Round do."""
    out = []
    for dtype in FLOATS:
        for s in UNARY_SHAPES:
            t = ttype(s, dtype)
            body = (f"  %half = kiln.constant dense<0.5> : {ttype((), dtype)}\n"
                    f"  %h = kiln.mul %a0, %half : ({t}, {ttype((), dtype)}) -> {t}\n"
                    f"  %r0 = kiln.round %h : ({t}) -> {t}\n"
                    f"  kiln.return %r0 : {t}\n")
            out.append(Case("round", [(s, dtype, -100, 100)], [(s, dtype)],
                            lambda x: np.round(x * 0.5), rtol=0, atol=0, body=body,
                            integral=True))
    return out


CASES = {
    "add": binary("add", np.add, dtypes=("f32", "f64", "f16") + INT_TYPES),
    "sub": binary("sub", np.subtract, dtypes=("f32", "f64") + INT_TYPES),
    "mul": binary("mul", np.multiply, dtypes=("f32", "f64") + INT_TYPES),
    "div": binary("div", lambda a, b: int_div(a, b) if a.dtype.kind == "i" else a / b,
                  dtypes=("f32", "f64", "i32", "i64"), rhs_lo=0.5, rhs_hi=4.0),
    "max": binary("max", np.maximum, dtypes=("f32", "f64", "i32", "i1")),
    # Amounts in [-70, 70] (i8: [-11, 11]): negative, in range and past every width.
    "shift_left": binary("shift_left", shift(True), dtypes=INT_TYPES, lo=-70, hi=70),
    "shift_right": binary("shift_right", shift(False), dtypes=INT_TYPES, lo=-70, hi=70),
    "min": binary("min", np.minimum, dtypes=("f32", "f64", "i64", "i1")),
    "neg": unary("neg", np.negative, dtypes=("f32", "f64", "i32")),
    "abs": unary("abs", np.abs, dtypes=("f32", "f64", "i32")),
    "exp": lambda: unary("exp", np.exp, lo=-80.0, hi=80.0, rtol=2e-6, atol=0)() + [exp_edge_case()],
    "log": unary("log", np.log, lo=1e-3, hi=1e3, rtol=2e-6, atol=2e-6),
    "sqrt": unary("sqrt", np.sqrt, lo=0.0, hi=1e4),
    "rsqrt": unary("rsqrt", lambda x: 1 / np.sqrt(x), lo=1e-3, hi=1e4, rtol=2e-6),
    "tanh": unary("tanh", np.tanh, lo=-10.0, hi=10.0, rtol=2e-6, atol=2e-7),
    "sigmoid": unary("sigmoid", sigmoid, lo=-20.0, hi=20.0, rtol=2e-6, atol=1e-7),
    "relu": unary("relu", lambda x: np.maximum(x, 0), dtypes=("f32", "f64", "f16", "i8", "i64")),
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
    "round": round_cases,
    # The trigonometric and hyperbolic functions on the ranges where they are well conditioned
    # (f32 at -O3 runs MLIR's polynomial approximations of sin, cos, tan, asin, acos, atan).
    "sin": unary("sin", np.sin, dtypes=FLOATS, lo=-8.0, hi=8.0, rtol=4e-6, atol=1e-6),
    "cos": unary("cos", np.cos, dtypes=FLOATS, lo=-8.0, hi=8.0, rtol=4e-6, atol=1e-6),
    "tan": unary("tan", np.tan, dtypes=FLOATS, lo=-1.2, hi=1.2, rtol=4e-6, atol=1e-6),
    "asin": unary("asin", np.arcsin, dtypes=FLOATS, lo=-0.99, hi=0.99, rtol=4e-6, atol=1e-6),
    "acos": unary("acos", np.arccos, dtypes=FLOATS, lo=-0.99, hi=0.99, rtol=4e-6, atol=1e-6),
    "atan": unary("atan", np.arctan, dtypes=FLOATS, lo=-10.0, hi=10.0, rtol=4e-6, atol=1e-6),
    "sinh": unary("sinh", np.sinh, dtypes=FLOATS, lo=-7.0, hi=7.0, rtol=4e-6, atol=1e-6),
    "cosh": unary("cosh", np.cosh, dtypes=FLOATS, lo=-7.0, hi=7.0, rtol=4e-6, atol=1e-6),
    "asinh": unary("asinh", np.arcsinh, dtypes=FLOATS, lo=-10.0, hi=10.0, rtol=4e-6, atol=1e-6),
    "acosh": unary("acosh", np.arccosh, dtypes=FLOATS, lo=1.0, hi=10.0, rtol=4e-6, atol=1e-6),
    "atanh": unary("atanh", np.arctanh, dtypes=FLOATS, lo=-0.95, hi=0.95, rtol=4e-6, atol=1e-6),
}
