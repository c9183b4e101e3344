#!/usr/bin/python3
"""kiln-fuzz: differential fuzzer of the Kiln compiler against the reference interpreter.

It generates random, well-typed Kiln graphs (every op of the language, user kernels over
arith/math with kiln.map and kiln.reduce, broadcasting, odd sizes, all element types), compiles
each batch of graphs into one module with `kilnc --emit=shared` at -O0 and -O3, runs every graph
with `kiln-run` on random inputs and compares both compiled results with `kiln-interp` (the
float64/int64 reference interpreter). See docs/fuzzing.md.

    kiln-fuzz.py --tools BUILD/bin [--interp PATH] [--seed N] [--count N] [--batch N]
                 [--tmp DIR] [--keep] [--keep-going] [--jobs N] [--time-limit S]
    kiln-fuzz.py --tools BUILD/bin --seed N --only INDEX [--print]   (one generated graph)
    kiln-fuzz.py --tools BUILD/bin --replay FILE.mlir [...]          (a reproducer / regression)
    kiln-fuzz.py --tools BUILD/bin --minimize FILE.mlir   (regenerate and shrink the graph of
                                                         a kiln-fuzz reproducer)

Same seed, same graphs, same inputs: graph INDEX of seed N is generated from (N, INDEX) alone,
whatever --batch and --count are.

Tolerances
----------
Every value of a generated graph carries a static analysis: an interval [lo, hi] that bounds
its elements and `err`, a first-order bound of how far two correct implementations may differ
on it. `err` starts at 0 for inputs and grows op by op:
  * propagation: the op's sensitivity to its operands' `err` (evaluated on a grid over the
    operands' intervals, so the derivative of exp at the top of its range, 1/x near the
    bottom of a divisor's range, ... are all accounted for);
  * rounding: `c * u * scale` per op, where u is the unit roundoff of the computing type
    (2^-24 f32, 2^-53 f64; f16 and bf16 ops compute in f32 and add 2 * u(f16|bf16) * |result|
    for the final rounding on each side), c = 2 for correctly rounded ops (add, sub, mul,
    div, sqrt, casts), 32-64 for transcendentals (MLIR's polynomial approximations; e2e
    checks them at 2e-6..4e-6 relative), and scale = the largest |result| (max(|result|, 1)
    for log-like functions, max(|result|, |input|) where a formula cancels, as gelu);
  * reductions of n elements (reduce_sum/mean, matmul and conv2d with n = K, softmax, norms,
    avg_pool2d, kiln.reduce): 4 * u_acc * n^1.5 * |element| for the accumulation, where
    u_acc is f32's for f16/bf16 (they accumulate in f32);
  * layer_norm/rms_norm: (1 + sqrt(n)) / sqrt(epsilon) amplification of errors of x - mean;
  * depth: errors add along the chain, so deeper graphs get looser bounds.
A result element passes if |got - ref| <= 3 * err + tiny(dtype) + 2 * u(dtype) * |ref|
(tiny = the smallest normal number), or both are NaN, or got == ref (infinities).
Integer and i1 results are compared exactly, and so are float results whose `err` is 0
(data movement, max/min/neg/abs/relu/floor/ceil/select/cast of exact values, and integral
arithmetic that stays below 2^mantissa).

Well-conditioning: ops that are discontinuous in their input (cmp, floor, ceil, float->int
and ->i1 casts, argmax, fmod, bitcast, ...) only receive exact values (err = 0), so a rounding
difference can never flip a comparison. log/sqrt/rsqrt/pow/div/asin/... get operands in their
well-conditioned domain: the generator inserts abs + add of a constant, a clamp with max/min of
a constant, or tanh * constant where the interval requires it. Values never leave
|x| <= 1e12 (f32/bf16), 4e3 (f16), 1e60 (f64). NaN and +-inf appear only in inputs of the
'special' kind and only flow into ops that handle them exactly (max/min/cmp/select/cast/abs/
neg/relu/floor/ceil/argmax/reduce_max/min/max_pool2d/data movement). Integer ops wrap (both
sides agree), kernel integer divisions get divisors in [1, 7] and shift amounts below the
width, so nothing is undefined.

A failure prints the op chain, the graph, the seed and the worst element, writes the graph as a
standalone reproducer (fail-gN.mlir, annotated with input ranges and tolerances, runnable with
--replay) and a minimized one (fail-gN.min.mlir), and the exit status is 1. Known compiler bugs
(KNOWN_ISSUES, KNOWN_PATTERNS below) are not generated / not counted unless --include-known.
"""
import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# ---------------------------------------------------------------------------------------------
# Element types
# ---------------------------------------------------------------------------------------------

FLOAT_TYPES = ("f32", "f64", "f16", "bf16")
INT_TYPES = ("i8", "i16", "i32", "i64")
NPY = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "i1": np.bool_, "i8": np.int8,
       "i16": np.int16, "i32": np.int32, "i64": np.int64}
UNIT = {"f64": 2.0 ** -53, "f32": 2.0 ** -24, "f16": 2.0 ** -11, "bf16": 2.0 ** -8}
MANT = {"f64": 53, "f32": 24, "f16": 11, "bf16": 8}
LIMIT = {"f64": 1e60, "f32": 1e12, "f16": 4e3, "bf16": 1e12}
TINY = {"f64": 2.3e-308, "f32": 1.2e-38, "f16": 6.2e-5, "bf16": 1.2e-38}
WIDTH = {"i1": 1, "i8": 8, "i16": 16, "i32": 32, "i64": 64}
IMIN = {"i1": 0, "i8": -2 ** 7, "i16": -2 ** 15, "i32": -2 ** 31, "i64": -2 ** 63}
IMAX = {"i1": 1, "i8": 2 ** 7 - 1, "i16": 2 ** 15 - 1, "i32": 2 ** 31 - 1, "i64": 2 ** 63 - 1}
SAFETY = 3.0

# Known compiler failures (see docs/fuzzing.md): generating them would make every run fail on
# the same bug, so they are left out unless --include-known. Each has an XFAIL regression test
# in test/fuzz/regressions/; delete the entry when the test starts to XPASS.
# (op, element type) with "*" for every type; kiln.cast as ("kiln.cast", "src->dst").
KNOWN_ISSUES = {
    # Upstream MLIR 22: canonicalizing arith.cmpf true|false of a sitofp/uitofp and a constant
    # crashes (also after kernels fuse), so kilnc segfaults. Keyed by predicate.
    ("arith.cmpf true", "*"), ("arith.cmpf false", "*"),
    # math.fpowi lowers to llvm.powi, whose x86 lowering only takes an i32 exponent: "POWI
    # exponent does not match sizeof(int)". Keyed by the exponent type.
    ("math.fpowi exponent", "i8"), ("math.fpowi exponent", "i16"), ("math.fpowi exponent", "i64"),
}
# Known failures that generation cannot avoid (they appear after kilnc's folds): a failure
# whose message matches is reported as "known" and does not fail the run.
KNOWN_PATTERNS = [
    # (what, regular expression over the failure message); none open at the moment.
]
INCLUDE_KNOWN = False


def known(op, dt):
    return not INCLUDE_KNOWN and ((op, dt) in KNOWN_ISSUES or (op, "*") in KNOWN_ISSUES)


def is_float(dt):
    return dt in FLOAT_TYPES


def ucomp(dt):
    """Unit roundoff of the type a float op computes in (f16/bf16 compute in f32)."""
    return UNIT["f32"] if dt in ("f16", "bf16") else UNIT[dt]


def ttype(shape, dt):
    return "tensor<" + "".join(f"{d}x" for d in shape) + dt + ">"


def fmt_float(x):
    """A float literal MLIR parses (it needs a '.' before any exponent)."""
    s = repr(float(x))
    if "e" in s and "." not in s.split("e")[0]:
        m, e = s.split("e")
        s = f"{m}.0e{e}"
    elif "." not in s and "e" not in s and "n" not in s:
        s += ".0"
    return s


def fmt_scalar(v, dt):
    if dt == "i1":
        return "true" if v else "false"
    if is_float(dt):
        return fmt_float(v)
    return str(int(v))


def arr(values):
    return "array<i64: " + ", ".join(str(int(v)) for v in values) + ">"


class Meta:
    """What the generator knows about a value: type, bounds, error bound, flags."""
    __slots__ = ("shape", "dt", "lo", "hi", "err", "integral", "special")

    def __init__(self, shape, dt, lo, hi, err=0.0, integral=False, special=False):
        self.shape, self.dt, self.lo, self.hi = tuple(shape), dt, lo, hi
        self.err, self.integral, self.special = err, integral, special

    @property
    def M(self):
        return max(abs(self.lo), abs(self.hi))

    @property
    def exact(self):
        return self.err == 0

    def but(self, **kw):
        m = Meta(self.shape, self.dt, self.lo, self.hi, self.err, self.integral, self.special)
        for k, v in kw.items():
            setattr(m, k, v)
        return m

    def __repr__(self):
        return (f"Meta({ttype(self.shape, self.dt)} [{self.lo:.4g}, {self.hi:.4g}] "
                f"err={self.err:.3g}{' int' if self.integral else ''}"
                f"{' special' if self.special else ''})")


def iclamp(dt, lo, hi):
    """An integer interval, or the whole type when the op may wrap."""
    lo, hi = int(lo), int(hi)
    if lo < IMIN[dt] or hi > IMAX[dt]:
        return IMIN[dt], IMAX[dt]
    return lo, hi


def valid_float(m):
    """Whether a float value stays well-conditioned enough to keep computing with it."""
    if not (math.isfinite(m.lo) and math.isfinite(m.hi) and math.isfinite(m.err)):
        return False
    if m.special:
        return True
    if m.M > LIMIT[m.dt]:
        return False
    return m.err <= 0.05 * max(m.M, 1e-6)


# ---------------------------------------------------------------------------------------------
# Elementwise functions: one table for kiln ops and kernel (arith/math) scalar ops
# ---------------------------------------------------------------------------------------------

_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def _round_away(x):
    return np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5))


def _exp_max(dt):
    return math.log(LIMIT[dt]) * 0.8


class FFn:
    """A float elementwise function.

    reqs: per operand, a list of (kind, value) preconditions the generator establishes by
    conditioning ('min', 'max', 'absmax', 'away0') or by choosing operands ('exact').
    cr: rounding difference in units of the computing type; scale: 'out' (max |result|),
    'out1' (max(|result|, 1)), 'inout' (max(|result|, |operands|)).
    """

    def __init__(self, name, arity, f, reqs=None, cr=2, scale="out", exact_op=False,
                 special_ok=False, disc=False, iarith=False, integral_out=False, kiln=None,
                 scalar=None, attrs=""):
        self.name, self.arity, self.f = name, arity, f
        self.reqs = reqs or [[] for _ in range(arity)]
        self.cr, self.scale, self.exact_op, self.special_ok = cr, scale, exact_op, special_ok
        self.disc, self.iarith, self.integral_out = disc, iarith, integral_out
        self.kiln, self.scalar, self.attrs = kiln, scalar, attrs


FFNS = {}


def _ffn(*args, **kw):
    fn = FFn(*args, **kw)
    FFNS[fn.name] = fn


POS = [("min", 0.05)]
_ffn("add", 2, np.add, cr=2, iarith=True, kiln="add", scalar="arith.addf")
_ffn("sub", 2, np.subtract, cr=2, iarith=True, kiln="sub", scalar="arith.subf")
_ffn("mul", 2, np.multiply, cr=2, iarith=True, kiln="mul", scalar="arith.mulf")
_ffn("div", 2, np.divide, reqs=[[], [("away0", 0.25)]], cr=2, kiln="div", scalar="arith.divf")
_ffn("max", 2, np.maximum, exact_op=True, special_ok=True, kiln="max", scalar="arith.maximumf")
_ffn("min", 2, np.minimum, exact_op=True, special_ok=True, kiln="min", scalar="arith.minimumf")
_ffn("maxnum", 2, np.fmax, exact_op=True, special_ok=True, scalar="arith.maxnumf")
_ffn("minnum", 2, np.fmin, exact_op=True, special_ok=True, scalar="arith.minnumf")
_ffn("pow", 2, np.power, reqs=[[("min", 0.25)], [("absmax", 3.0)]], cr=64, kiln="pow",
     scalar="math.powf")
_ffn("remf", 2, np.fmod, reqs=[[("exact", 0)], [("exact", 0), ("away0", 0.5)]], exact_op=True,
     disc=True, scalar="arith.remf")
_ffn("atan2", 2, np.arctan2, reqs=[[], [("min", 0.1)]], cr=32, scale="out1",
     scalar="math.atan2")
_ffn("copysign", 2, np.copysign, reqs=[[], [("exact", 0), ("away0", 0.5)]], exact_op=True,
     scalar="math.copysign")
_ffn("fma", 3, lambda a, b, c: a * b + c, cr=2, iarith=True, scalar="math.fma")
_ffn("neg", 1, np.negative, exact_op=True, special_ok=True, kiln="neg", scalar="arith.negf")
_ffn("abs", 1, np.abs, exact_op=True, special_ok=True, kiln="abs", scalar="math.absf")
_ffn("relu", 1, lambda x: np.maximum(x, 0.0), exact_op=True, special_ok=True, kiln="relu")
for _n, _f in (("floor", np.floor), ("ceil", np.ceil), ("trunc", np.trunc),
               ("round", _round_away), ("roundeven", np.rint)):
    _ffn(_n, 1, _f, reqs=[[("exact", 0)]], exact_op=True, special_ok=True, disc=True,
         integral_out=True, kiln=_n if _n in ("floor", "ceil") else None, scalar="math." + _n)
_ffn("exp", 1, np.exp, reqs=[[("max", _exp_max)]], cr=32, kiln="exp", scalar="math.exp")
_ffn("exp2", 1, np.exp2, reqs=[[("max", _exp_max)]], cr=32, scalar="math.exp2")
_ffn("expm1", 1, np.expm1, reqs=[[("max", _exp_max)]], cr=32, scalar="math.expm1")
_ffn("log", 1, np.log, reqs=[POS], cr=32, scale="out1", kiln="log", scalar="math.log")
_ffn("log2", 1, np.log2, reqs=[POS], cr=32, scale="out1", scalar="math.log2")
_ffn("log10", 1, np.log10, reqs=[POS], cr=32, scale="out1", scalar="math.log10")
_ffn("log1p", 1, np.log1p, reqs=[[("min", -0.5)]], cr=32, scale="out1", scalar="math.log1p")
_ffn("sqrt", 1, np.sqrt, reqs=[[("min", 0.0)]], cr=2, kiln="sqrt", scalar="math.sqrt")
_ffn("rsqrt", 1, lambda x: 1.0 / np.sqrt(x), reqs=[POS], cr=8, kiln="rsqrt",
     scalar="math.rsqrt")
_ffn("cbrt", 1, np.cbrt, cr=32, scalar="math.cbrt")
_ffn("tanh", 1, np.tanh, cr=32, kiln="tanh", scalar="math.tanh")
_ffn("sigmoid", 1, _sigmoid, reqs=[[("absmax", 60.0)]], cr=32, kiln="sigmoid")
_ffn("silu", 1, lambda x: x * _sigmoid(x), reqs=[[("absmax", 60.0)]], cr=32, scale="inout",
     kiln="silu")
_ffn("gelu", 1, _gelu, cr=64, scale="inout", kiln="gelu")
_ffn("gelu_tanh", 1, _gelu_tanh, cr=64, scale="inout", kiln="gelu",
     attrs='approximate = "tanh"')
_ffn("erf", 1, _erf, cr=64, scale="out1", kiln="erf", scalar="math.erf")
_ffn("erfc", 1, _erfc, cr=64, scale="out1", scalar="math.erfc")
_ffn("sin", 1, np.sin, reqs=[[("absmax", 8.0)]], cr=32, scale="out1", scalar="math.sin")
_ffn("cos", 1, np.cos, reqs=[[("absmax", 8.0)]], cr=32, scale="out1", scalar="math.cos")
_ffn("tan", 1, np.tan, reqs=[[("absmax", 1.2)]], cr=32, scale="out1", scalar="math.tan")
_ffn("asin", 1, np.arcsin, reqs=[[("absmax", 0.9)]], cr=32, scale="out1", scalar="math.asin")
_ffn("acos", 1, np.arccos, reqs=[[("absmax", 0.9)]], cr=32, scale="out1", scalar="math.acos")
_ffn("atan", 1, np.arctan, cr=32, scale="out1", scalar="math.atan")
_ffn("sinh", 1, np.sinh, reqs=[[("absmax", 7.0)]], cr=32, scale="out1", scalar="math.sinh")
_ffn("cosh", 1, np.cosh, reqs=[[("absmax", 7.0)]], cr=32, scale="out1", scalar="math.cosh")
_ffn("asinh", 1, np.arcsinh, cr=32, scale="out1", scalar="math.asinh")
_ffn("acosh", 1, np.arccosh, reqs=[[("min", 1.1)]], cr=32, scale="out1", scalar="math.acosh")
_ffn("atanh", 1, np.arctanh, reqs=[[("absmax", 0.9)]], cr=32, scale="out1",
     scalar="math.atanh")

GRID = {1: 2001, 2: 101, 3: 21}


def _axis(m, n):
    if m.lo == m.hi:
        return np.array([float(m.lo)])
    with np.errstate(all="ignore"):
        pts = [np.linspace(m.lo, m.hi, n)]
    for special in (0.0, -1.0, 1.0, -0.5, 0.5):
        if m.lo < special < m.hi:
            pts.append([special])
    return np.unique(np.concatenate(pts))


def req_ok(m, kind, v, dt):
    v = v(dt) if callable(v) else v
    if kind == "exact":
        return m.err == 0
    if kind == "min":
        return m.lo >= v
    if kind == "max":
        return m.hi <= v
    if kind == "absmax":
        return m.M <= v
    if kind == "away0":
        return m.lo >= v or m.hi <= -v
    raise ValueError(kind)


def infer_ffn(fn, ms, dt):
    """The Meta (shape ()) of float function `fn` of operands `ms`, or None if ill-conditioned."""
    if any(m.special for m in ms) and not fn.special_ok:
        return None
    if fn.disc and any(m.err for m in ms):
        return None
    for m, reqs in zip(ms, fn.reqs):
        for kind, v in reqs:
            if not req_ok(m, kind, v, dt):
                return None
    n = GRID[fn.arity]
    axes = [_axis(m, n) for m in ms]
    mesh = np.meshgrid(*axes, indexing="ij") if fn.arity > 1 else axes
    with np.errstate(all="ignore"):
        base = fn.f(*mesh)
        if not np.all(np.isfinite(base)):
            return None
        lo, hi = float(base.min()), float(base.max())
        # First-order propagation: each operand's worst effect over the grid; summed, except
        # for exact ops (max/min/abs/...), where the largest one bounds the change.
        effects = []
        for i, m in enumerate(ms):
            if m.err > 0:
                worst = 0.0
                for sgn in (-1.0, 1.0):
                    args = list(mesh)
                    args[i] = args[i] + sgn * m.err
                    d = np.abs(fn.f(*args) - base)
                    d = d[np.isfinite(d)]
                    if d.size:
                        worst = max(worst, float(d.max()))
                effects.append(worst)
        prop = (max(effects) if fn.exact_op else sum(effects)) if effects else 0.0
    Mo = max(abs(lo), abs(hi))
    special = any(m.special for m in ms)
    if fn.exact_op:
        integral = fn.integral_out or all(m.integral for m in ms)
        out = Meta((), dt, lo, hi, prop, integral, special)
        return out if valid_float(out) else None
    if fn.iarith and all(m.exact and m.integral for m in ms) and Mo <= 2.0 ** MANT[dt]:
        out = Meta((), dt, lo, hi, 0.0, True, False)
        return out if valid_float(out) else None
    Min = max(m.M for m in ms)
    scale = {"out": Mo, "out1": max(Mo, 1.0), "inout": max(Mo, Min)}[fn.scale]
    rnd = fn.cr * ucomp(dt) * scale
    if dt in ("f16", "bf16"):
        rnd += 2 * UNIT[dt] * Mo
    err = prop + rnd
    # The bounds of what either side may compute.
    out = Meta((), dt, lo - err, hi + err, err, False, False)
    return out if valid_float(out) else None


class IFn:
    """An integer elementwise function: interval rule and kernel preconditions."""

    def __init__(self, name, arity, ival, kiln=None, scalar=None, reqs=None, bool_ok=False):
        self.name, self.arity, self.ival = name, arity, ival
        self.kiln, self.scalar, self.bool_ok, self.attrs = kiln, scalar, bool_ok, ""
        self.reqs = reqs or [[] for _ in range(arity)]


def _corners(f):
    def ival(ms, dt):
        vals = [f(*c) for c in np.array(np.meshgrid(*[[m.lo, m.hi] for m in ms])).T.reshape(
            -1, len(ms)).tolist()]
        vals = [int(v) for v in vals]
        return min(vals), max(vals)
    return ival


def _full(ms, dt):
    return IMIN[dt], IMAX[dt]


def _kiln_int_div(ms, dt):
    a = ms[0]
    m = max(abs(int(a.lo)), abs(int(a.hi)))
    return -m, m


def _abs_ival(ms, dt):
    m = ms[0]
    if m.lo >= 0:
        return m.lo, m.hi
    if m.hi <= 0:
        return -m.hi, -m.lo
    return 0, max(-m.lo, m.hi)


IFNS = {}


def _ifn(*args, **kw):
    fn = IFn(*args, **kw)
    IFNS[fn.name] = fn


DIVISOR = [("divisor", 0)]
SHAMT = [("shamt", 0)]
_ifn("add", 2, _corners(lambda a, b: a + b), kiln="add", scalar="arith.addi")
_ifn("sub", 2, _corners(lambda a, b: a - b), kiln="sub", scalar="arith.subi")
_ifn("mul", 2, _corners(lambda a, b: a * b), kiln="mul", scalar="arith.muli")
_ifn("div", 2, _kiln_int_div, kiln="div")
_ifn("max", 2, _corners(max), kiln="max", scalar="arith.maxsi", bool_ok=True)
_ifn("min", 2, _corners(min), kiln="min", scalar="arith.minsi", bool_ok=True)
_ifn("neg", 1, _corners(lambda a: -a), kiln="neg")
_ifn("abs", 1, _abs_ival, kiln="abs")
_ifn("relu", 1, _corners(lambda a: max(a, 0)), kiln="relu")
_ifn("divsi", 2, _kiln_int_div, scalar="arith.divsi", reqs=[[], DIVISOR])
_ifn("remsi", 2, _full, scalar="arith.remsi", reqs=[[], DIVISOR])
_ifn("ceildivsi", 2, _full, scalar="arith.ceildivsi", reqs=[[], DIVISOR])
_ifn("floordivsi", 2, _full, scalar="arith.floordivsi", reqs=[[], DIVISOR])
_ifn("divui", 2, _full, scalar="arith.divui", reqs=[[], DIVISOR])
_ifn("remui", 2, _full, scalar="arith.remui", reqs=[[], DIVISOR])
_ifn("ceildivui", 2, _full, scalar="arith.ceildivui", reqs=[[], DIVISOR])
def _and_ival(ms, dt):
    nonneg = [m.hi for m in ms if m.lo >= 0]
    return (0, min(nonneg)) if nonneg else (IMIN[dt], IMAX[dt])


def _or_ival(ms, dt):
    if all(m.lo >= 0 for m in ms):
        return max(m.lo for m in ms), 2 ** int(max(m.hi for m in ms)).bit_length() - 1
    return IMIN[dt], IMAX[dt]


_ifn("andi", 2, _and_ival, scalar="arith.andi", bool_ok=True)
_ifn("ori", 2, _or_ival, scalar="arith.ori", bool_ok=True)
_ifn("xori", 2, _full, scalar="arith.xori", bool_ok=True)
_ifn("shli", 2, _full, scalar="arith.shli", reqs=[[], SHAMT])
_ifn("shrui", 2, _full, scalar="arith.shrui", reqs=[[], SHAMT])
_ifn("shrsi", 2, _full, scalar="arith.shrsi", reqs=[[], SHAMT])
_ifn("maxui", 2, _full, scalar="arith.maxui", bool_ok=True)
_ifn("minui", 2, _full, scalar="arith.minui", bool_ok=True)
_ifn("absi", 1, _full, scalar="math.absi")
_ifn("ctlz", 1, lambda ms, dt: (0, WIDTH[dt]), scalar="math.ctlz")
_ifn("cttz", 1, lambda ms, dt: (0, WIDTH[dt]), scalar="math.cttz")
_ifn("ctpop", 1, lambda ms, dt: (0, WIDTH[dt]), scalar="math.ctpop")


def infer_ifn(fn, ms, dt):
    if dt == "i1":
        if not fn.bool_ok:
            return None
        return Meta((), dt, 0, 1, integral=True)
    for m, reqs in zip(ms, fn.reqs):
        for kind, _ in reqs:
            if kind == "divisor" and not (m.lo >= 1 and m.hi <= 7):
                return None
            if kind == "shamt" and not (m.lo >= 0 and m.hi < WIDTH[dt]):
                return None
    lo, hi = fn.ival(ms, dt)
    lo, hi = iclamp(dt, lo, hi)
    return Meta((), dt, lo, hi, integral=True)


def infer_cast(m, dst, kernel_op=None):
    """kiln.cast (or a kernel conversion op `kernel_op`) from meta m to element type dst."""
    src = m.dt
    if src == "i1":
        return Meta((), dst, 0, 1, integral=True) if dst != "i1" else None
    if is_float(src):
        if dst == "i1":
            return Meta((), dst, 0, 1, integral=True) if m.exact else None
        if not is_float(dst):  # float -> int: discontinuous, saturating (kiln) / poison (arith)
            if not m.exact:
                return None
            if kernel_op in ("arith.fptosi", "arith.fptoui"):
                lo_ok = 0 if kernel_op == "arith.fptoui" else IMIN[dst]
                hi_ok = (2 ** WIDTH[dst] - 1) if kernel_op == "arith.fptoui" else IMAX[dst]
                if m.special or math.trunc(m.lo) < lo_ok or math.trunc(m.hi) > hi_ok:
                    return None
                lo, hi = math.trunc(m.lo), math.trunc(m.hi)
                return Meta((), dst, *iclamp(dst, lo, hi), integral=True)
            lo = max(IMIN[dst], min(IMAX[dst], math.trunc(m.lo)))
            hi = max(IMIN[dst], min(IMAX[dst], math.trunc(m.hi)))
            if m.special:
                lo, hi = IMIN[dst], IMAX[dst]
            return Meta((), dst, min(lo, 0) if m.special else lo, hi, integral=True)
        # float -> float
        if UNIT[dst] <= UNIT[src] and (dst != "bf16" or src == "bf16") and \
                not (src == "bf16" and dst == "f16"):
            return m.but(shape=(), dt=dst)  # widening: exact
        if m.M > LIMIT[dst] and not m.special:
            return None
        if m.special and dst == "f16":
            return None  # finite values beyond f16 would become inf: keep specials simple
        if m.exact:
            integral = m.integral
            return m.but(shape=(), dt=dst, integral=integral)  # one rounding of equal values
        err = m.err + 2 * UNIT[dst] * m.M
        out = m.but(shape=(), dt=dst, err=err, lo=m.lo - err, hi=m.hi + err, integral=False)
        return out if valid_float(out) else None
    # integer source
    if dst == "i1":
        return Meta((), dst, 0, 1, integral=True)
    if is_float(dst):
        lo, hi = float(m.lo), float(m.hi)
        if kernel_op == "arith.uitofp" and m.lo < 0:
            lo, hi = 0.0, float(2 ** WIDTH[src])
        M = max(abs(lo), abs(hi))
        if M > LIMIT[dst]:
            return None
        err = 0.0
        if dst in ("f16", "bf16") and M > 2.0 ** 24:
            err = 2 * UNIT[dst] * M  # may round twice (through f32)
        return Meta((), dst, lo - err, hi + err, err, err == 0, False)
    # int -> int (wraps; kernels: extsi/extui/trunci)
    if kernel_op == "arith.extui" and m.lo < 0:
        return Meta((), dst, 0, 2 ** WIDTH[src] - 1, integral=True)
    return Meta((), dst, *iclamp(dst, m.lo, m.hi), integral=True)


# ---------------------------------------------------------------------------------------------
# Graphs
# ---------------------------------------------------------------------------------------------

class GenFail(Exception):
    """The generator could not build the op it tried (ill-conditioned, no operand, ...)."""


class InputSpec:
    """A graph argument and how its random values are drawn."""
    __slots__ = ("vid", "dt", "shape", "kind", "lo", "hi")

    def __init__(self, vid, dt, shape, kind, lo, hi):
        self.vid, self.dt, self.shape, self.kind, self.lo, self.hi = vid, dt, tuple(shape), kind, lo, hi

    def meta(self):
        if self.dt == "i1":
            return Meta(self.shape, "i1", 0, 1, integral=True)
        if not is_float(self.dt):
            return Meta(self.shape, self.dt, int(self.lo), int(self.hi), integral=True)
        return Meta(self.shape, self.dt, float(self.lo), float(self.hi), 0.0,
                    self.kind in ("integral", "special-integral"), self.kind.startswith("special"))

    def annotation(self):
        return f"// kiln-fuzz: input %{self.vid} {self.kind} {self.lo!r} {self.hi!r}"


def make_input(spec, seed):
    """The values of input `spec`: a function of (seed, the input's name) only."""
    rng = np.random.default_rng([seed, zlib.crc32(spec.vid.encode())])
    shape, dt = spec.shape, spec.dt
    if dt == "i1":
        return rng.integers(0, 2, shape).astype(np.bool_)
    if not is_float(dt):
        return rng.integers(int(spec.lo), int(spec.hi), shape, dtype=np.int64,
                            endpoint=True).astype(NPY[dt])
    a = rng.uniform(float(spec.lo), float(spec.hi), shape)
    if spec.kind in ("integral", "special-integral"):
        a = np.clip(np.round(a), math.ceil(spec.lo), math.floor(spec.hi))
    if spec.kind.startswith("special"):
        mask = rng.random(shape) < 0.15
        picks = rng.choice(np.array([np.nan, np.inf, -np.inf, -0.0, 0.0]), size=shape)
        a = np.where(mask, picks, a)
    return np.asarray(a).astype(NPY[dt])


def safe_infer(infer, metas):
    """infer(metas), or None where the analysis itself overflows (an ill-conditioned op)."""
    try:
        return infer(metas)
    except (GenFail, OverflowError, ZeroDivisionError, ValueError):
        return None


class Node:
    """One op of a graph. `infer` maps operand Metas to the result's (None: precondition
    broken), so a minimized graph can be re-checked after its operands changed."""
    __slots__ = ("vid", "op", "operands", "attrs", "infer", "style", "kernel", "shape", "dt")

    def __init__(self, vid, op, operands, attrs, infer, shape, dt, style="std", kernel=None):
        self.vid, self.op, self.operands, self.attrs = vid, op, list(operands), attrs
        self.infer, self.shape, self.dt, self.style, self.kernel = infer, tuple(shape), dt, style, kernel

    def copy(self, **kw):
        n = Node(self.vid, self.op, self.operands, self.attrs, self.infer, self.shape, self.dt,
                 self.style, self.kernel)
        for k, v in kw.items():
            setattr(n, k, v)
        return n

    def label(self, metas):
        ins = ",".join(metas[o].dt for o in self.operands)
        if self.op == "cast":
            return f"cast({ins}->{self.dt})"
        if self.style == "const":
            return f"constant:{self.dt}"
        a = f"{{{self.attrs}}}" if self.attrs and self.style == "std" and len(self.attrs) < 40 else ""
        return f"{self.op}{a}({ins})"

    def text(self, metas, gname):
        rt = ttype(self.shape, self.dt)
        if self.style == "const":
            return f"  %{self.vid} = kiln.constant {self.attrs} : {rt}"
        names = ", ".join("%" + o for o in self.operands)
        types = ", ".join(ttype(metas[o].shape, metas[o].dt) for o in self.operands)
        attrs = f" {{{self.attrs}}}" if self.attrs else ""
        if self.style in ("map", "reduce"):
            return (f"  %{self.vid} = kiln.{self.style} @{gname}_{self.kernel}({names}){attrs} : "
                    f"({types}) -> {rt}")
        return f"  %{self.vid} = kiln.{self.op} {names}{attrs} : ({types}) -> {rt}"


class Step:
    """One scalar op of a kernel body."""
    __slots__ = ("sid", "op", "operands", "dt", "fmt", "extra", "infer")

    def __init__(self, sid, op, operands, dt, fmt, extra, infer):
        self.sid, self.op, self.operands, self.dt = sid, op, list(operands), dt
        self.fmt, self.extra, self.infer = fmt, extra, infer


class Kernel:
    def __init__(self, kid, args, steps, result):
        self.kid, self.args, self.steps, self.result = kid, args, steps, result  # args: [(sid, dt)]

    def dts(self):
        d = dict(self.args)
        for s in self.steps:
            d[s.sid] = s.dt
        return d

    def infer(self, arg_metas):
        metas = {sid: m.but(shape=()) for (sid, _), m in zip(self.args, arg_metas)}
        for s in self.steps:
            m = s.infer([metas[o] for o in s.operands])
            if m is None:
                return None
            metas[s.sid] = m
        return metas[self.result]

    def text(self, name):
        dts = self.dts()
        args = ", ".join(f"%{sid}: {dt}" for sid, dt in self.args)
        lines = [f"kiln.kernel @{name}({args}) -> {dts[self.result]} {{"]
        for s in self.steps:
            ops = [f"%{o}" for o in s.operands]
            if s.fmt == "const":
                rhs = f"arith.constant {s.extra}" if s.dt == "i1" else \
                      f"arith.constant {s.extra} : {s.dt}"
            elif s.fmt == "cmp":
                rhs = f"{s.op} {s.extra}, {', '.join(ops)} : {dts[s.operands[0]]}"
            elif s.fmt == "select":
                rhs = f"arith.select {', '.join(ops)} : {s.dt}"
            elif s.fmt == "conv":
                rhs = f"{s.op} {ops[0]} : {dts[s.operands[0]]} to {s.dt}"
            elif s.fmt == "fpowi":
                rhs = f"math.fpowi {', '.join(ops)} : {s.dt}, {dts[s.operands[1]]}"
            elif s.fmt == "class":
                rhs = f"{s.op} {ops[0]} : {dts[s.operands[0]]}"
            else:
                rhs = f"{s.op} {', '.join(ops)} : {s.dt}"
            lines.append(f"  %{s.sid} = {rhs}")
        lines.append(f"  kiln.yield %{self.result} : {dts[self.result]}")
        lines.append("}")
        return "\n".join(lines)


class Graph:
    def __init__(self, name, seed):
        self.name, self.seed = name, seed  # seed: of the input values
        self.inputs, self.nodes, self.results, self.kernels = [], [], [], {}
        self.metas = {}
        self.origin = ""

    def copy(self):
        g = Graph(self.name, self.seed)
        g.inputs, g.nodes, g.results = list(self.inputs), list(self.nodes), list(self.results)
        g.kernels, g.metas, g.origin = dict(self.kernels), dict(self.metas), self.origin
        return g

    def reinfer(self):
        """Recomputes every Meta from the inputs; False if some op's precondition broke."""
        metas = {i.vid: i.meta() for i in self.inputs}
        for n in self.nodes:
            m = safe_infer(n.infer, [metas[o] for o in n.operands])
            if m is None or m.shape != n.shape or m.dt != n.dt:
                return False
            metas[n.vid] = m
        self.metas = metas
        return True

    def dce(self):
        live = set(self.results)
        keep = []
        for n in reversed(self.nodes):
            if n.vid in live:
                keep.append(n)
                live.update(n.operands)
        self.nodes = keep[::-1]
        self.inputs = [i for i in self.inputs if i.vid in live]
        used = {n.kernel for n in self.nodes if n.kernel}
        self.kernels = {k: v for k, v in self.kernels.items() if k in used}

    def tolerance(self, vid):
        """(atol, rtol) of a result, or None when it must match exactly."""
        m = self.metas[vid]
        if not is_float(m.dt) or m.err == 0:
            return None
        return SAFETY * m.err + TINY[m.dt], 2 * UNIT[m.dt]

    def chain(self):
        return " -> ".join(n.label(self.metas) for n in self.nodes)

    def text(self, annotate=True):
        lines = []
        if annotate:
            lines.append(f"// kiln-fuzz: graph @{self.name} input-seed={self.seed}"
                         + (f" origin={self.origin}" if self.origin else ""))
            lines += [i.annotation() for i in self.inputs]
            for k, r in enumerate(self.results):
                tol = self.tolerance(r)
                lines.append(f"// kiln-fuzz: result {k} " + (
                    "exact" if tol is None else f"atol={tol[0]:.6g} rtol={tol[1]:.6g}"))
        for kid, k in self.kernels.items():
            lines.append(k.text(f"{self.name}_{kid}"))
        args = ", ".join(f"%{i.vid}: {ttype(i.shape, i.dt)}" for i in self.inputs)
        rts = [ttype(self.metas[r].shape, self.metas[r].dt) for r in self.results]
        lines.append(f"kiln.graph @{self.name}({args}) -> ({', '.join(rts)}) {{")
        lines += [n.text(self.metas, self.name) for n in self.nodes]
        lines.append(f"  kiln.return {', '.join('%' + r for r in self.results)} : {', '.join(rts)}")
        lines.append("}")
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------

DIMS = [1, 1, 2, 3, 3, 5, 7, 7, 9, 13, 16, 17, 31, 33]
CAP = 700  # elements per tensor: every graph runs in milliseconds


def prod(xs):
    p = 1
    for x in xs:
        p *= int(x)
    return p


def rand_shape(rng, rank=None, cap=CAP, min_rank=0):
    if rank is None:
        rank = int(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4]))
        rank = max(rank, min_rank)
    for _ in range(20):
        s = tuple(int(rng.choice(DIMS)) for _ in range(rank))
        if prod(s) <= cap:
            return s
    return tuple([1] * rank)


def bshape(*shapes):
    return tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))


def partner(rng, s, cap=CAP):
    """A shape that broadcasts with s."""
    s = tuple(s)
    r = rng.random()
    if r < 0.4 or not s:
        t = s if r < 0.9 or not s else ()
    elif r < 0.5:
        t = ()
    elif r < 0.62:
        t = s[int(rng.integers(1, len(s) + 1)):]
    elif r < 0.88:
        t = tuple(1 if rng.random() < 0.45 else d for d in s)
        if rng.random() < 0.3:
            t = t[int(rng.integers(0, len(t) + 1)):]
    else:
        t = tuple(int(rng.choice(DIMS[2:])) if d == 1 and rng.random() < 0.7 else d for d in s)
        if rng.random() < 0.3 and len(t) < 4:
            t = (int(rng.choice([2, 3, 5])),) + t
    if prod(bshape(s, t)) > cap:
        return s
    return t


def factor_shape(rng, n, rank):
    """A random shape of `rank` dims with n elements (1s where the factors run out)."""
    factors = []
    m, p = n, 2
    while m > 1:
        while m % p == 0:
            factors.append(p)
            m //= p
        p += 1
    dims = [1] * rank
    if rank == 0:
        return () if n == 1 else None
    for f in factors:
        dims[int(rng.integers(0, rank))] *= f
    return tuple(dims)


# ---------------------------------------------------------------------------------------------
# Conditioning: establishing an op's preconditions with more ops (both builders)
# ---------------------------------------------------------------------------------------------

def condition(b, v, reqs, dt):
    rng = b.rng
    for kind, val in reqs:
        val = val(dt) if callable(val) else val
        m = b.meta(v)
        if kind in ("divisor", "shamt"):
            if kind == "divisor" and not (m.lo >= 1 and m.hi <= 7):
                v = b.prim("ori", b.prim("andi", v, 7), 1)
            elif kind == "shamt" and not (m.lo >= 0 and m.hi < WIDTH[dt]):
                v = b.prim("andi", v, WIDTH[dt] - 1)
            continue
        if req_ok(m, kind, val, dt):
            continue
        if kind == "exact" or m.special:
            raise GenFail("needs an exact operand")
        if kind == "min":
            if rng.random() < 0.5:
                v = b.prim("max", v, val)
            else:
                if m.lo < 0:
                    v = b.prim("abs", v)
                lo = b.meta(v).lo
                v = b.prim("add", v, quarter_ceil(val - lo + 0.25 * rng.integers(0, 3)))
        elif kind == "max":
            v = b.prim("min", v, val) if rng.random() < 0.6 else \
                b.prim("sub", v, quarter_ceil(m.hi - val + 0.5))
        elif kind == "absmax":
            if rng.random() < 0.5:
                v = b.prim("mul", b.prim("tanh", v), quarter_floor(val * 0.9))
            else:
                v = b.prim("min", b.prim("max", v, -val), val)
        elif kind == "away0":
            v = b.prim("add", b.prim("abs", v), quarter_ceil(val + 0.25 * rng.integers(0, 4)))
            if rng.random() < 0.4:
                v = b.prim("neg", v)
        if not req_ok(b.meta(v), kind, val, dt):
            raise GenFail(f"could not establish {kind} {val}")
    return v


def quarter_ceil(x):
    return math.ceil(x * 4) / 4.0


def quarter_floor(x):
    return max(0.25, math.floor(x * 4) / 4.0)


# ---------------------------------------------------------------------------------------------
# Builders: tensor graphs (TB) and kernel bodies (KB) share the conditioning code
# ---------------------------------------------------------------------------------------------

DT_WEIGHTS = {"f32": 5.0, "f64": 2.0, "f16": 2.0, "bf16": 1.5, "i32": 1.5, "i8": 1.0,
              "i16": 0.7, "i64": 1.0, "i1": 0.6}
FLOAT_RANGES = [(-1.0, 1.0), (-2.0, 2.0), (-4.0, 4.0), (0.0, 1.0), (0.5, 2.0), (-8.0, 8.0),
                (-0.5, 3.0)]
INTEGRAL_RANGES = [(-3, 3), (-8, 8), (0, 4), (-20, 20)]
INT_RANGES = [(-5, 5), (-100, 100), (0, 10), None]
FLOAT_CONSTS = [0.5, 1.5, -2.0, 3.0, 0.25, -0.75, 2.0, 1.0, -1.0]
INT_CONSTS = [1, 3, -7, 5, 31, 2, -1, 0, 100]


def choice(rng, items, weights=None):
    if weights is None:
        return items[int(rng.integers(0, len(items)))]
    w = np.asarray(weights, float)
    return items[int(rng.choice(len(items), p=w / w.sum()))]


def ew_infer(fn, shape):
    def infer(ms):
        dt = ms[0].dt
        if any(m.dt != dt for m in ms):
            return None
        sm = [m.but(shape=()) for m in ms]
        r = infer_ffn(fn, sm, dt) if isinstance(fn, FFn) else infer_ifn(fn, sm, dt)
        return r.but(shape=shape) if r else None
    return infer


def const_infer(meta):
    return lambda ms: meta


class TB:
    """Builds one graph: a pool of values, fresh inputs, conditioned ops."""

    def __init__(self, rng, name, seed):
        self.rng, self.g = rng, Graph(name, seed)
        self.pool, self.n, self.nk = [], 0, 0
        dts = list(DT_WEIGHTS)
        self.pref = choice(rng, dts, [DT_WEIGHTS[d] for d in dts])

    def meta(self, v):
        return self.g.metas[v]

    def rand_dt(self, ok=lambda d: True):
        if ok(self.pref) and self.rng.random() < 0.7:
            return self.pref
        dts = [d for d in DT_WEIGHTS if ok(d)]
        if not dts:
            raise GenFail("no dtype")
        return choice(self.rng, dts, [DT_WEIGHTS[d] for d in dts])

    def add_node(self, op, operands, attrs, infer, shape, dt, style="std", kernel=None, pool=True):
        m = safe_infer(infer, [self.meta(o) for o in operands])
        if m is None:
            raise GenFail(op)
        assert m.shape == tuple(shape) and m.dt == dt, (op, m, shape, dt)
        self.n += 1
        vid = f"v{self.n}"
        self.g.nodes.append(Node(vid, op, operands, attrs, infer, shape, dt, style, kernel))
        self.g.metas[vid] = m
        if pool:
            self.pool.append(vid)
        return vid

    def pick(self, pred):
        """A pooled value satisfying pred, favouring recent op results (long chains)."""
        cands = [(i, v) for i, v in enumerate(self.pool) if pred(self.meta(v))]
        if not cands:
            return None
        inputs = {i.vid for i in self.g.inputs}
        w = np.array([1.0 if v in inputs else (i + 1) ** 2 + 4 for i, v in cands], float)
        return cands[int(self.rng.choice(len(cands), p=w / w.sum()))][1]

    def operand(self, pred, make, p_pool=0.9):
        if self.rng.random() < p_pool:
            v = self.pick(pred)
            if v is not None:
                return v
        return make()

    def fresh(self, shape, dt, kind=None, lo=None, hi=None, special=False):
        rng = self.rng
        if dt == "bf16":
            return self.cast(self.fresh(shape, "f32", kind, lo, hi, special), "bf16")
        if len(self.g.inputs) >= 8:
            raise GenFail("too many inputs")
        if dt == "i1":
            kind, lo, hi = "bool", 0, 1
        elif not is_float(dt):
            kind = "int"
            if lo is None:
                r = choice(rng, INT_RANGES)
                lo, hi = r if r else (IMIN[dt], IMAX[dt])
                lo, hi = max(lo, IMIN[dt]), min(hi, IMAX[dt])
        else:
            if kind is None:
                kind = choice(rng, ["uniform", "integral"], [3, 1])
                if special and rng.random() < 0.3:
                    kind = "special" if kind == "uniform" else "special-integral"
            if lo is None:
                lo, hi = choice(rng, INTEGRAL_RANGES if "integral" in kind else FLOAT_RANGES)
                lo, hi = float(lo), float(hi)
        vid = f"a{len(self.g.inputs)}"
        spec = InputSpec(vid, dt, shape, kind, lo, hi)
        self.g.inputs.append(spec)
        self.g.metas[vid] = spec.meta()
        self.pool.append(vid)
        return vid

    def cast(self, v, dst):
        if known("kiln.cast", f"{self.meta(v).dt}->{dst}"):
            raise GenFail("known issue: cast")
        shape = self.meta(v).shape
        return self.add_node("cast", [v], "", cast_infer(dst, shape), shape, dst)

    def const(self, dt, value, shape=()):
        if dt == "bf16" or is_float(dt):
            value = float(value)
        m = Meta(shape, dt, value, value, 0.0, float(value).is_integer())
        return self.add_node("constant", [], f"dense<{fmt_scalar(value, dt)}>", const_infer(m),
                             shape, dt, style="const", pool=False)

    def ew(self, fname, vids):
        ms = [self.meta(v) for v in vids]
        dt = ms[0].dt
        fn = FFNS.get(fname) if is_float(dt) else IFNS.get(fname)
        if fn is None or fn.kiln is None:
            raise GenFail(fname)
        shape = bshape(*[m.shape for m in ms])
        if prod(shape) > CAP:
            raise GenFail("too big")
        return self.add_node(fn.kiln, vids, fn.attrs, ew_infer(fn, shape), shape, dt)

    def prim(self, name, v, c=None):
        if c is None:
            return self.ew(name, [v])
        if name in ("add", "sub") and c == 0:
            return v
        k = self.const(self.meta(v).dt, c)
        if name in ("add", "mul", "max", "min") and self.rng.random() < 0.5:
            return self.ew(name, [k, v])
        return self.ew(name, [v, k])


def cast_infer(dst, shape):
    def infer(ms):
        r = infer_cast(ms[0].but(shape=()), dst)
        return r.but(shape=shape) if r else None
    return infer


class KB:
    """Builds one kernel body over scalar arguments."""

    def __init__(self, rng, arg_metas):
        self.rng, self.metas, self.steps, self.pool, self.args, self.n = rng, {}, [], [], [], 0
        for i, m in enumerate(arg_metas):
            sid = f"x{i}"
            self.args.append((sid, m.dt))
            self.metas[sid] = m.but(shape=())
            self.pool.append(sid)

    def meta(self, s):
        return self.metas[s]

    def add_step(self, op, operands, dt, fmt, extra, infer, pool=True):
        if operands and (known(op, self.metas[operands[0]].dt) or
                         known(op, f"{self.metas[operands[0]].dt}->{dt}")):
            raise GenFail(f"known issue: {op}")
        m = safe_infer(infer, [self.metas[o] for o in operands])
        if m is None:
            raise GenFail(op)
        assert m.dt == dt, (op, m, dt)
        self.n += 1
        sid = f"t{self.n}"
        self.steps.append(Step(sid, op, operands, dt, fmt, extra, infer))
        self.metas[sid] = m
        if pool:
            self.pool.append(sid)
        return sid

    def pick(self, pred):
        cands = [(i, v) for i, v in enumerate(self.pool) if pred(self.metas[v])]
        if not cands:
            return None
        w = np.array([(i + 1) ** 2 for i, _ in cands], float)
        return cands[int(self.rng.choice(len(cands), p=w / w.sum()))][1]

    def const(self, dt, value):
        if is_float(dt):
            value = float(value)
        elif dt == "i1":
            value = int(bool(value))
        else:
            value = max(IMIN[dt], min(IMAX[dt], int(value)))
        m = Meta((), dt, value, value, 0.0, float(value).is_integer())
        return self.add_step("arith.constant", [], dt, "const", fmt_scalar(value, dt),
                             const_infer(m), pool=False)

    def ew(self, fname, sids):
        dt = self.metas[sids[0]].dt
        fn = FFNS.get(fname) if is_float(dt) else IFNS.get(fname)
        if fn is None or fn.scalar is None:
            raise GenFail(fname)
        return self.add_step(fn.scalar, sids, dt, "op", None, ew_infer(fn, ()))

    def prim(self, name, v, c=None):
        if c is None:
            return self.ew(name, [v])
        if name in ("add", "sub") and c == 0:
            return v
        k = self.const(self.metas[v].dt, c)
        return self.ew(name, [v, k])

    def finish(self, kid):
        result = self.steps[-1].sid if self.steps else self.args[0][0]
        if self.steps and self.steps[-1].fmt == "const":
            result = self.args[0][0]
        return Kernel(kid, self.args, self.steps, result)


# ---------------------------------------------------------------------------------------------
# Kernel bodies
# ---------------------------------------------------------------------------------------------

SCALAR_FFNS = [n for n, f in FFNS.items() if f.scalar]
SCALAR_IFNS = [n for n, f in IFNS.items() if f.scalar]
CMPF = ["false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge", "ult",
        "ule", "une", "uno", "true"]
CMPI = ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"]
FLOAT_ORDER = {"f16": 1, "bf16": 1, "f32": 2, "f64": 3}


def cmp_scalar_infer(ms):
    if any(not m.exact for m in ms) or ms[0].dt != ms[1].dt:
        return None
    return Meta((), "i1", 0, 1, integral=True)


def select_infer(ms):
    c, t, f = ms
    if c.dt != "i1" or t.dt != f.dt:
        return None
    shape = bshape(c.shape, t.shape, f.shape)
    if is_float(t.dt):
        return Meta(shape, t.dt, min(t.lo, f.lo), max(t.hi, f.hi), max(t.err, f.err),
                    t.integral and f.integral, t.special or f.special)
    return Meta(shape, t.dt, min(t.lo, f.lo), max(t.hi, f.hi), integral=True)


def class_infer(ms):
    return Meta((), "i1", 0, 1, integral=True) if is_float(ms[0].dt) else None


def bitcast_infer(dst):
    def infer(ms):
        m = ms[0]
        if is_float(m.dt):
            if not m.exact or m.special:
                return None
            return Meta((), dst, IMIN[dst], IMAX[dst], integral=True)
        big = {"f16": 65504.0, "bf16": 3.38e38, "f32": 3.4e38, "f64": 1.79e308}[dst]
        return Meta((), dst, -big, big, 0.0, False, True)
    return infer


def fpowi_infer(ms):
    x, e = ms
    if x.special or not is_float(x.dt) or x.lo < 0.25 or not (0 <= e.lo and e.hi <= 3):
        return None
    vals = [x.lo ** k for k in range(int(e.lo), int(e.hi) + 1)] + \
           [x.hi ** k for k in range(int(e.lo), int(e.hi) + 1)]
    lo, hi = min(vals), max(vals)
    Mo = max(abs(lo), abs(hi))
    err = 3 * max(x.M, 1.0) ** 2 * x.err + 32 * ucomp(x.dt) * Mo
    if x.dt in ("f16", "bf16"):
        err += 2 * UNIT[x.dt] * Mo
    out = Meta((), x.dt, lo - err, hi + err, err)
    return out if valid_float(out) else None


def conversion_for(rng, src, meta):
    """A legal arith conversion op from src: (op, dst) or None."""
    options = []
    if is_float(src):
        for dst in FLOAT_TYPES:
            if {src, dst} == {"f16", "bf16"} or src == dst:
                continue
            options.append(("arith.extf" if FLOAT_ORDER[dst] > FLOAT_ORDER[src] else "arith.truncf", dst))
        for dst in INT_TYPES:
            options.append(("arith.fptosi", dst))
            options.append(("arith.fptoui", dst))
        w = {"f32": "i32", "f64": "i64", "f16": "i16", "bf16": "i16"}[src]
        options.append(("arith.bitcast", w))
    else:
        for dst in FLOAT_TYPES:
            options.append(("arith.sitofp", dst))
            if src != "i1":
                options.append(("arith.uitofp", dst))
        for dst in INT_TYPES + ("i1",):
            if WIDTH[dst] > WIDTH[src]:
                options.append(("arith.extsi", dst))
                options.append(("arith.extui", dst))
            elif WIDTH[dst] < WIDTH[src]:
                options.append(("arith.trunci", dst))
        if src in ("i16", "i32", "i64"):
            w = {"i16": choice(rng, ["f16", "bf16"]), "i32": "f32", "i64": "f64"}[src]
            options.append(("arith.bitcast", w))
    return choice(rng, options) if options else None


def conversion_infer(op, dst):
    if op == "arith.bitcast":
        return bitcast_infer(dst)

    def infer(ms):
        m = ms[0]
        if op in ("arith.extsi", "arith.sitofp") and m.dt == "i1":  # signed i1: true is -1
            return Meta((), dst, -1.0 if is_float(dst) else -1, 0, 0.0, True)
        return infer_cast(m, dst, kernel_op=op)
    return infer


def kernel_step(kb):
    rng = kb.rng
    r = rng.random()
    floats = lambda m: is_float(m.dt)
    if r < 0.42 and kb.pick(floats):
        fname = choice(rng, SCALAR_FFNS)
        fn = FFNS[fname]
        x = kb.pick(lambda m: is_float(m.dt) and (fn.special_ok or not m.special))
        if x is None:
            raise GenFail("no float operand")
        dt = kb.metas[x].dt
        ops = [x]
        for _ in range(fn.arity - 1):
            y = kb.pick(lambda m: m.dt == dt and (fn.special_ok or not m.special))
            if y is None or rng.random() < 0.3:
                y = kb.const(dt, choice(rng, FLOAT_CONSTS))
            ops.append(y)
        if fn.arity > 1 and rng.random() < 0.5:
            ops[0], ops[1] = ops[1], ops[0]
        ops = [condition(kb, o, req, dt) for o, req in zip(ops, fn.reqs)]
        return kb.ew(fname, ops)
    if r < 0.6 and kb.pick(lambda m: not is_float(m.dt)):
        x = kb.pick(lambda m: not is_float(m.dt))
        dt = kb.metas[x].dt
        names = [n for n in SCALAR_IFNS if dt != "i1" or IFNS[n].bool_ok]
        fname = choice(rng, names)
        fn = IFNS[fname]
        ops = [x]
        for _ in range(fn.arity - 1):
            y = kb.pick(lambda m: m.dt == dt)
            if y is None or rng.random() < 0.3:
                y = kb.const(dt, choice(rng, INT_CONSTS))
            ops.append(y)
        if fn.arity > 1 and rng.random() < 0.5 and not any(fn.reqs[1]):
            ops[0], ops[1] = ops[1], ops[0]
        ops = [condition(kb, o, req, dt) for o, req in zip(ops, fn.reqs)]
        return kb.ew(fname, ops)
    if r < 0.7:
        x = kb.pick(lambda m: m.exact)
        if x is None:
            raise GenFail("no exact operand")
        dt = kb.metas[x].dt
        y = kb.pick(lambda m: m.dt == dt and m.exact)
        if y is None or rng.random() < 0.3:
            y = kb.const(dt, choice(rng, FLOAT_CONSTS if is_float(dt) else INT_CONSTS))
        if is_float(dt):
            pred = choice(rng, CMPF)
            if known(f"arith.cmpf {pred}", dt):
                raise GenFail("known issue: cmpf")
            return kb.add_step("arith.cmpf", [x, y], "i1", "cmp", pred, cmp_scalar_infer)
        return kb.add_step("arith.cmpi", [x, y], "i1", "cmp", choice(rng, CMPI),
                           cmp_scalar_infer)
    if r < 0.78:
        c = kb.pick(lambda m: m.dt == "i1")
        if c is None:
            raise GenFail("no condition")
        t = kb.pick(lambda m: True)
        dt = kb.metas[t].dt
        f = kb.pick(lambda m: m.dt == dt)
        if rng.random() < 0.5:
            t, f = f, t
        return kb.add_step("arith.select", [c, t, f], dt, "select", None, select_infer)
    if r < 0.92:
        x = kb.pick(lambda m: True)
        src = kb.metas[x].dt
        conv = conversion_for(rng, src, kb.metas[x])
        if conv is None:
            raise GenFail("no conversion")
        op, dst = conv
        return kb.add_step(op, [x], dst, "conv", None, conversion_infer(op, dst))
    if r < 0.96:
        x = kb.pick(floats)
        if x is None:
            raise GenFail("no float")
        op = choice(rng, ["math.isnan", "math.isinf", "math.isfinite"])
        return kb.add_step(op, [x], "i1", "class", None, class_infer)
    x = kb.pick(lambda m: is_float(m.dt) and not m.special)
    e = kb.pick(lambda m: m.dt in INT_TYPES)
    if x is None or e is None:
        raise GenFail("fpowi operands")
    dt = kb.metas[x].dt
    if known("math.fpowi exponent", kb.metas[e].dt):
        raise GenFail("known issue: fpowi")
    x = condition(kb, x, [("min", 0.25)], dt)
    e = kb.prim("andi", e, 3)
    return kb.add_step("math.fpowi", [x, e], dt, "fpowi", None, fpowi_infer)


def build_kernel(rng, kid, arg_metas, max_steps=6):
    kb = KB(rng, arg_metas)
    for _ in range(int(rng.integers(1, max_steps + 1))):
        try:
            kernel_step(kb)
        except GenFail:
            pass
    return kb.finish(kid)


# Combiners for kiln.reduce: (name, dtypes, body builder, fold analysis).
def _reduce_fold(name, n, m, init):
    """The Meta of folding n elements of meta m with combiner `name` from `init`."""
    dt = m.dt
    if not is_float(dt):
        if dt == "i1":
            return Meta((), dt, 0, 1, integral=True)
        if name in ("maxsi", "minsi"):
            return Meta((), dt, min(m.lo, init), max(m.hi, init), integral=True)
        if name == "addi":
            return Meta((), dt, *iclamp(dt, init + n * min(m.lo, 0), init + n * max(m.hi, 0)),
                        integral=True)
        return Meta((), dt, IMIN[dt], IMAX[dt], integral=True)
    if m.special and name not in ("maximumf", "minimumf"):
        return None
    u, M = UNIT[dt], max(m.M, abs(init))
    if name in ("maximumf", "minimumf"):
        return Meta((), dt, min(m.lo, init), max(m.hi, init), m.err, m.integral and
                    float(init).is_integer(), m.special)
    if name == "addf":
        lo, hi = init + n * min(m.lo, 0), init + n * max(m.hi, 0)
        if m.exact and m.integral and float(init).is_integer() and \
                n * M + abs(init) <= 2.0 ** MANT[dt]:
            return Meta((), dt, lo, hi, 0.0, True)
        err = n * m.err + 4 * u * n ** 1.5 * M
    elif name == "addabs":
        lo, hi = init, init + n * m.M
        err = n * m.err + 4 * u * n ** 1.5 * M
    elif name == "sumsq":
        lo, hi = init, init + n * m.M ** 2
        err = n * 2 * m.M * m.err + 4 * u * n ** 1.5 * max(m.M ** 2, abs(init))
    elif name == "decay":
        B = abs(init) + 2 * m.M
        lo, hi = -B, B
        err = 2 * m.err + 8 * u * B
    else:
        return None
    out = Meta((), dt, lo - err, hi + err, err)
    return out if valid_float(out) else None


def combiner_body(name, dt):
    """Steps of a (acc, x) -> acc combiner named `name`."""
    if name in ("addabs", "sumsq", "decay", "hash"):
        if name == "addabs":
            return [("math.absf", ["x1"], "a"), ("arith.addf", ["x0", "a"], "r")]
        if name == "sumsq":
            return [("arith.mulf", ["x1", "x1"], "a"), ("arith.addf", ["x0", "a"], "r")]
        if name == "decay":
            return [("const", "0.5", "h"), ("arith.mulf", ["x0", "h"], "a"),
                    ("arith.addf", ["a", "x1"], "r")]
        return [("const", "31", "h"), ("arith.muli", ["x0", "h"], "a"),
                ("arith.addi", ["a", "x1"], "r")]
    return [(f"arith.{name}", ["x0", "x1"], "r")]


def combiner_kernel(kid, name, dt):
    steps = []
    anything = lambda ms: Meta((), dt, 0, 0)  # kiln.reduce nodes analyse the whole fold
    for op, operands, sid in combiner_body(name, dt):
        if op == "const":
            steps.append(Step(sid, "arith.constant", [], dt, "const", operands, anything))
        else:
            steps.append(Step(sid, op, operands, dt, "op", None, anything))
    return Kernel(kid, [("x0", dt), ("x1", dt)], steps, "r")


FLOAT_COMBINERS = ["addf", "addabs", "maximumf", "minimumf", "sumsq", "decay"]
INT_COMBINERS = ["addi", "muli", "maxsi", "minsi", "xori", "ori", "andi", "hash"]
BOOL_COMBINERS = ["ori", "andi", "xori"]


# ---------------------------------------------------------------------------------------------
# Tensor op generators: each adds one op (plus conditioning ops) or raises GenFail
# ---------------------------------------------------------------------------------------------

def gen_binary(b):
    rng = b.rng
    fname = choice(rng, ["add", "sub", "mul", "div", "max", "min", "pow"], [4, 3, 4, 2, 2, 2, 2])
    special = fname in ("max", "min")
    if fname == "pow":
        ok = is_float
    elif special:
        ok = lambda d: True
    else:
        ok = lambda d: d != "i1"
    x = b.operand(lambda m: ok(m.dt) and (special or not m.special),
                  lambda: b.fresh(rand_shape(rng), b.rand_dt(ok), special=special))
    mx = b.meta(x)
    dt, ys = mx.dt, partner(rng, mx.shape)
    y = b.operand(lambda m: m.dt == dt and m.shape == ys and (special or not m.special),
                  lambda: b.fresh(ys, dt, special=special), p_pool=0.5)
    if rng.random() < 0.5:
        x, y = y, x
    if is_float(dt):
        fn = FFNS[fname]
        x, y = condition(b, x, fn.reqs[0], dt), condition(b, y, fn.reqs[1], dt)
    return b.ew(fname, [x, y])


UNARY = ["neg", "abs", "relu", "exp", "log", "sqrt", "rsqrt", "tanh", "sigmoid", "silu", "gelu",
         "gelu_tanh", "erf", "floor", "ceil"]


def gen_unary(b):
    rng = b.rng
    fname = choice(rng, UNARY)
    fn = FFNS[fname]
    if fname in ("neg", "abs", "relu"):
        ok = lambda d: d != "i1"
    else:
        ok = is_float
    need_exact = fn.disc
    x = b.operand(lambda m: ok(m.dt) and (fn.special_ok or not m.special) and
                  (m.exact or not need_exact),
                  lambda: b.fresh(rand_shape(rng), b.rand_dt(ok), special=fn.special_ok))
    dt = b.meta(x).dt
    if is_float(dt):
        x = condition(b, x, fn.reqs[0], dt)
    return b.ew(fname, [x])


def gen_cmp(b):
    rng = b.rng
    dt = b.rand_dt()
    kind = "integral" if is_float(dt) else None
    x = b.operand(lambda m: m.exact and m.dt == dt,
                  lambda: b.fresh(rand_shape(rng), dt, kind=kind, special=True))
    mx = b.meta(x)
    ys = partner(rng, mx.shape)
    y = b.operand(lambda m: m.exact and m.dt == dt and m.shape == ys,
                  lambda: b.fresh(ys, dt, kind=kind, special=True), p_pool=0.6)
    if rng.random() < 0.5:
        x, y = y, x
    shape = bshape(mx.shape, ys)
    pred = choice(rng, ["eq", "ne", "lt", "le", "gt", "ge"])

    def infer(ms, shape=shape):
        if not all(m.exact for m in ms) or ms[0].dt != ms[1].dt:
            return None
        return Meta(shape, "i1", 0, 1, integral=True)
    return b.add_node("cmp", [x, y], f'predicate = "{pred}"', infer, shape, "i1")


def gen_select(b):
    rng = b.rng
    t = b.operand(lambda m: True, lambda: b.fresh(rand_shape(rng), b.rand_dt(), special=True))
    mt = b.meta(t)
    cs = partner(rng, mt.shape)
    c = b.operand(lambda m: m.dt == "i1" and m.shape == cs,
                  lambda: gen_cmp_shaped(b, cs) if rng.random() < 0.5 else b.fresh(cs, "i1"),
                  p_pool=0.6)
    r = bshape(mt.shape, cs)
    fs = partner(rng, r)
    f = b.operand(lambda m: m.dt == mt.dt and m.shape == fs,
                  lambda: b.fresh(fs, mt.dt, special=True), p_pool=0.6)
    if rng.random() < 0.5:
        t, f = f, t
    shape = bshape(r, fs)
    return b.add_node("select", [c, t, f], "", select_infer, shape, mt.dt)


def gen_cmp_shaped(b, shape):
    """A cmp of fresh or pooled values giving an i1 tensor of exactly `shape`."""
    dt = b.rand_dt(lambda d: d != "i1")
    kind = "integral" if is_float(dt) else None
    x = b.operand(lambda m: m.exact and m.dt == dt and m.shape == tuple(shape),
                  lambda: b.fresh(shape, dt, kind=kind), p_pool=0.5)
    y = b.const(dt, choice(b.rng, [0, 1, -1, 2]))
    pred = choice(b.rng, ["lt", "ge", "eq", "ne"])

    def infer(ms, shape=tuple(shape)):
        if not all(m.exact for m in ms):
            return None
        return Meta(shape, "i1", 0, 1, integral=True)
    return b.add_node("cmp", [x, y], f'predicate = "{pred}"', infer, shape, "i1")


def gen_cast(b):
    rng = b.rng
    dst = b.rand_dt() if rng.random() < 0.5 else choice(rng, list(DT_WEIGHTS))
    if dst in FLOAT_TYPES:
        pred = lambda m: m.dt != dst
    else:
        pred = lambda m: m.dt != dst and (m.exact or not is_float(m.dt))
    x = b.operand(pred, lambda: b.fresh(rand_shape(rng), choice(
        rng, [d for d in DT_WEIGHTS if d != dst]), special=True))
    if b.meta(x).dt == dst:
        raise GenFail("same type")
    return b.cast(x, dst)


def mm_infer(K, out_dt, shape):
    def infer(ms):
        a, c = ms
        if a.dt != c.dt or a.special or c.special:
            return None
        if not is_float(a.dt):
            B = K * max(abs(a.lo), abs(a.hi)) * max(abs(c.lo), abs(c.hi))
            return Meta(shape, out_dt, *iclamp(out_dt, -B, B), integral=True)
        dt = a.dt
        B = K * a.M * c.M
        acc = "f32" if dt in ("f16", "bf16") else dt
        if a.exact and c.exact and a.integral and c.integral and B <= 2.0 ** MANT[acc] and \
                B <= LIMIT[dt]:
            return Meta(shape, dt, -B, B, 0.0, True)
        err = K * (a.M * c.err + c.M * a.err + a.err * c.err) + \
            4 * UNIT[acc] * K ** 1.5 * a.M * c.M + 2 * UNIT[dt] * B
        out = Meta(shape, dt, -B - err, B + err, err)
        return out if valid_float(out) else None
    return infer


def gen_matmul(b):
    rng = b.rng
    ok = lambda d: d != "i1"

    def make():
        batch = rand_shape(rng, int(rng.choice([0, 0, 1, 2])), cap=12)
        return b.fresh(batch + (int(rng.choice(DIMS)), int(rng.choice(DIMS[:-2]))), b.rand_dt(ok))
    x = b.operand(lambda m: ok(m.dt) and len(m.shape) >= 2 and m.shape[-1] <= 33 and
                  not m.special, make)
    mx = b.meta(x)
    dt, K, M = mx.dt, mx.shape[-1], mx.shape[-2]
    N = int(rng.choice(DIMS))
    yb = partner(rng, mx.shape[:-2], cap=16)
    ys = yb + (K, N)
    y = b.operand(lambda m: m.dt == dt and m.shape == ys and not m.special,
                  lambda: b.fresh(ys, dt), p_pool=0.5)
    out_dt = "i32" if dt == "i8" and rng.random() < 0.6 else dt
    shape = bshape(mx.shape[:-2], yb) + (M, N)
    if prod(shape) > CAP:
        raise GenFail("too big")
    return b.add_node("matmul", [x, y], "", mm_infer(K, out_dt, shape), shape, out_dt)


def reduced_shape(shape, axes, keep):
    return tuple(1 if i in axes else d for i, d in enumerate(shape)
                 if keep or i not in axes)


def rand_axes(rng, rank, count=None):
    n = count if count is not None else int(rng.integers(1, rank + 1))
    axes = sorted(int(a) for a in rng.choice(rank, size=n, replace=False))
    shown = [a - rank if rng.random() < 0.3 else a for a in axes]
    if rng.random() < 0.3:
        shown = shown[::-1]
    return axes, shown


def red_infer(op, n, shape):
    def infer(ms):
        m = ms[0]
        dt = m.dt
        if op in ("reduce_max", "reduce_min"):
            return m.but(shape=shape)
        if m.special:
            return None
        if not is_float(dt):
            if op == "reduce_sum":
                return Meta(shape, dt, *iclamp(dt, n * min(m.lo, 0), n * max(m.hi, 0)),
                            integral=True)
            P = max(abs(m.lo), abs(m.hi)) ** n
            return Meta(shape, dt, *iclamp(dt, -P, P), integral=True)
        acc = "f32" if dt in ("f16", "bf16") else dt
        M = m.M
        if op == "reduce_sum":
            lo, hi = min(n * m.lo, m.lo), max(n * m.hi, m.hi)
            if m.exact and m.integral and n * M <= 2.0 ** MANT[acc] and n * M <= LIMIT[dt]:
                return Meta(shape, dt, lo, hi, 0.0, True)
            err = n * m.err + 4 * UNIT[acc] * n ** 1.5 * M + 2 * UNIT[dt] * n * M
        elif op == "reduce_mean":
            lo, hi = m.lo, m.hi
            err = m.err + 4 * UNIT[acc] * (n ** 0.5 + 2) * M + 2 * UNIT[dt] * M
        else:  # reduce_prod
            P = M ** n
            if P > LIMIT[dt]:
                return None
            lo, hi = (m.lo ** n, m.hi ** n) if m.lo >= 0 else (-P, P)
            if m.exact and m.integral and P <= 2.0 ** MANT[acc]:
                return Meta(shape, dt, lo, hi, 0.0, True)
            err = n * max(M, 1.0) ** (n - 1) * m.err + 4 * UNIT[acc] * n * P + 2 * UNIT[dt] * P
        out = Meta(shape, dt, lo - err, hi + err, err)
        return out if valid_float(out) else None
    return infer


def gen_reduction(b):
    rng = b.rng
    op = choice(rng, ["reduce_sum", "reduce_max", "reduce_min", "reduce_mean", "reduce_prod"],
                [4, 2, 2, 2, 1])
    ok = {"reduce_mean": is_float}.get(op, lambda d: True if op in ("reduce_max", "reduce_min")
                                       else d != "i1")
    special = op in ("reduce_max", "reduce_min")
    x = b.operand(lambda m: ok(m.dt) and len(m.shape) >= 1 and (special or not m.special),
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(ok), special=special))
    mx = b.meta(x)
    axes, shown = rand_axes(rng, len(mx.shape))
    n = prod(mx.shape[a] for a in axes)
    if op == "reduce_prod":
        if n > 12:
            raise GenFail("long product")
        if is_float(mx.dt) and (mx.M > 1.5 or mx.lo < 0.5) and rng.random() < 0.8:
            x = b.prim("add", b.prim("mul", b.prim("tanh", x), 0.5), 1.0)
            mx = b.meta(x)
    keep = bool(rng.random() < 0.4)
    shape = reduced_shape(mx.shape, axes, keep)
    attrs = f"axes = {arr(shown)}" + (", keep_dims = true" if keep else "")
    return b.add_node(op, [x], attrs, red_infer(op, n, shape), shape, mx.dt)


def gen_argmax(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1 and m.exact,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(),
                                  kind=choice(rng, ["integral", "uniform"]), special=True))
    mx = b.meta(x)
    axes, shown = rand_axes(rng, len(mx.shape), 1)
    keep = bool(rng.random() < 0.4)
    shape = reduced_shape(mx.shape, axes, keep)
    size = mx.shape[axes[0]]

    def infer(ms, shape=shape):
        return Meta(shape, "i64", 0, size - 1, integral=True) if ms[0].exact else None
    attrs = f"axes = {arr(shown)}" + (", keep_dims = true" if keep else "")
    return b.add_node("argmax", [x], attrs, infer, shape, "i64")


def softmax_infer(op, n, shape):
    def infer(ms):
        m = ms[0]
        if m.special or not is_float(m.dt) or m.err > 0.5:
            return None
        dt = m.dt
        uc = ucomp(dt)
        width = m.hi - m.lo
        if op == "softmax":
            lo, hi = 0.0, 1.0
            err = math.expm1(2 * m.err) + (34 + n + width) * uc + 2 * UNIT[dt]
        else:
            lo, hi = -(width + math.log(n)), 0.0
            err = 2 * m.err + (34 + n) * uc + 4 * uc * (width + m.M + math.log(n)) + \
                2 * UNIT[dt] * (width + math.log(n))
        out = Meta(shape, dt, lo - err, hi + err, err)
        return out if valid_float(out) else None
    return infer


def gen_softmax(b):
    rng = b.rng
    op = choice(rng, ["softmax", "log_softmax"])
    x = b.operand(lambda m: is_float(m.dt) and len(m.shape) >= 1 and not m.special,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(is_float)))
    mx = b.meta(x)
    r = len(mx.shape)
    axis = int(rng.integers(-r, r))
    n = mx.shape[axis]
    return b.add_node(op, [x], f"axis = {axis} : i64", softmax_infer(op, n, mx.shape),
                      mx.shape, mx.dt)


def norm_infer(op, nd, eps, shape):
    def infer(ms):
        if any(m.special for m in ms) or any(m.dt != ms[0].dt for m in ms):
            return None
        x, g = ms[0], ms[1]
        bb = ms[2] if op == "layer_norm" else None
        dt = x.dt
        uc = ucomp(dt)
        A = 1.0 / math.sqrt(eps)
        if op == "layer_norm":
            B = min(math.sqrt(max(nd - 1, 0)), (x.hi - x.lo) * A)
            err_d = 2 * x.err + (4 + 4 * math.sqrt(nd)) * uc * x.M
        else:
            B = min(math.sqrt(nd), x.M * A)
            err_d = x.err + 2 * uc * x.M
        err_x = (1 + math.sqrt(nd)) * A * err_d + (8 + nd) * uc * B
        Mb = bb.M if bb else 0.0
        eb = bb.err if bb else 0.0
        Mo = B * g.M + Mb
        err = err_x * g.M + B * g.err + eb + 4 * uc * Mo + 2 * UNIT[dt] * Mo
        out = Meta(shape, dt, -Mo - err, Mo + err, err)
        return out if valid_float(out) else None
    return infer


def gen_norm(b):
    rng = b.rng
    op = choice(rng, ["layer_norm", "rms_norm"])
    x = b.operand(lambda m: is_float(m.dt) and len(m.shape) >= 1 and not m.special,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(is_float)))
    mx = b.meta(x)
    r = len(mx.shape)
    axis = int(rng.integers(-r, r))
    pshape = mx.shape[axis % r:]
    nd = prod(pshape)
    eps = float(choice(rng, [1e-5, 1e-3, 0.1, 1.0]))
    g = b.operand(lambda m: m.dt == mx.dt and m.shape == pshape and not m.special,
                  lambda: b.fresh(pshape, mx.dt, kind="uniform", lo=0.5, hi=2.0), p_pool=0.3)
    ops = [x, g]
    if op == "layer_norm":
        ops.append(b.operand(lambda m: m.dt == mx.dt and m.shape == pshape and not m.special,
                             lambda: b.fresh(pshape, mx.dt, kind="uniform", lo=-1.0, hi=1.0),
                             p_pool=0.3))
    attrs = f"axis = {axis} : i64, epsilon = {eps:.6e} : f32"
    return b.add_node(op, ops, attrs, norm_infer(op, nd, eps, mx.shape), mx.shape, mx.dt)


def move_infer(shape):
    return lambda ms: ms[0].but(shape=shape)


def gen_transpose(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=2), b.rand_dt(), special=True))
    mx = b.meta(x)
    perm = [int(p) for p in rng.permutation(len(mx.shape))]
    shape = tuple(mx.shape[p] for p in perm)
    return b.add_node("transpose", [x], f"permutation = {arr(perm)}", move_infer(shape), shape,
                      mx.dt)


def gen_reshape(b):
    rng = b.rng
    x = b.operand(lambda m: True, lambda: b.fresh(rand_shape(rng), b.rand_dt(), special=True))
    mx = b.meta(x)
    n = prod(mx.shape)
    rank = int(rng.choice([0, 1, 2, 3, 4]))
    shape = factor_shape(rng, n, rank)
    if shape is None or shape == mx.shape:
        shape = factor_shape(rng, n, max(1, rank))
    return b.add_node("reshape", [x], "", move_infer(shape), shape, mx.dt)


def gen_broadcast(b):
    rng = b.rng
    x = b.operand(lambda m: prod(m.shape) <= CAP // 3,
                  lambda: b.fresh(rand_shape(rng, cap=60), b.rand_dt(), special=True))
    mx = b.meta(x)
    shape = tuple(int(rng.choice(DIMS[2:10])) if d == 1 and rng.random() < 0.7 else d
                  for d in mx.shape)
    while len(shape) < 4 and rng.random() < 0.4:
        shape = (int(rng.choice([1, 2, 3, 5])),) + shape
    if prod(shape) > CAP:
        raise GenFail("too big")
    return b.add_node("broadcast_to", [x], "", move_infer(shape), shape, mx.dt)


def union_infer(shape):
    def infer(ms):
        dt = ms[0].dt
        if any(m.dt != dt for m in ms):
            return None
        lo, hi = min(m.lo for m in ms), max(m.hi for m in ms)
        if not is_float(dt):
            return Meta(shape, dt, lo, hi, integral=True)
        return Meta(shape, dt, lo, hi, max(m.err for m in ms), all(m.integral for m in ms),
                    any(m.special for m in ms))
    return infer


def gen_concat(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(), special=True))
    mx = b.meta(x)
    r = len(mx.shape)
    axis = int(rng.integers(0, r))
    parts = [x]
    total = mx.shape[axis]
    for _ in range(int(rng.integers(0, 3))):
        size = int(rng.choice([1, 2, 3, 5, 7]))
        s = mx.shape[:axis] + (size,) + mx.shape[axis + 1:]
        if rng.random() < 0.25:
            v, size = x, mx.shape[axis]
        else:
            v = b.operand(lambda m, s=s: m.dt == mx.dt and len(m.shape) == r and all(
                m.shape[d] == mx.shape[d] for d in range(r) if d != axis),
                lambda s=s: b.fresh(s, mx.dt, special=True), p_pool=0.5)
            size = b.meta(v).shape[axis]
        parts.append(v)
        total += size
    shape = mx.shape[:axis] + (total,) + mx.shape[axis + 1:]
    if prod(shape) > CAP:
        raise GenFail("too big")
    if rng.random() < 0.5:
        parts = parts[::-1]
    shown = axis - r if rng.random() < 0.3 else axis
    return b.add_node("concat", parts, f"axis = {shown} : i64", union_infer(shape), shape, mx.dt)


def gen_slice(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(), special=True))
    mx = b.meta(x)
    starts, limits, strides, shape = [], [], [], []
    for d in mx.shape:
        s = int(rng.integers(0, d))
        lim = int(rng.integers(s + 1, d + 1))
        st = int(rng.choice([1, 1, 1, 2, 3]))
        starts.append(s)
        limits.append(lim)
        strides.append(st)
        shape.append(-(-(lim - s) // st))
    attrs = f"starts = {arr(starts)}, limits = {arr(limits)}"
    if any(st != 1 for st in strides) or rng.random() < 0.3:
        attrs += f", strides = {arr(strides)}"
    return b.add_node("slice", [x], attrs, move_infer(tuple(shape)), tuple(shape), mx.dt)


def gen_pad(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(), special=True))
    mx = b.meta(x)
    low = [int(rng.integers(0, 3)) for _ in mx.shape]
    high = [int(rng.integers(0, 3)) for _ in mx.shape]
    shape = tuple(d + lo + hi for d, lo, hi in zip(mx.shape, low, high))
    if prod(shape) > CAP:
        raise GenFail("too big")
    attrs = f"low = {arr(low)}, high = {arr(high)}"
    value = 0
    if rng.random() < 0.6:
        if mx.dt == "i1":
            value = int(rng.integers(0, 2))
            attrs += f", value = {fmt_scalar(value, 'i1')}"
        else:
            value = choice(rng, FLOAT_CONSTS if is_float(mx.dt) else INT_CONSTS)
            attrs += f", value = {fmt_scalar(value, mx.dt)} : {mx.dt}"

    def infer(ms, value=value, shape=shape):
        m = ms[0]
        lo, hi = min(m.lo, value), max(m.hi, value)
        if not is_float(m.dt):
            return Meta(shape, m.dt, lo, hi, integral=True)
        return m.but(shape=shape, lo=lo, hi=hi, integral=m.integral and float(value).is_integer())
    return b.add_node("pad", [x], attrs, infer, shape, mx.dt)


def nhwc(b, ok, special=False, min_hw=1):
    """An NHWC operand: a pooled rank-4 value, a reshaped pooled value or a fresh input."""
    rng = b.rng
    r = rng.random()
    if r < 0.4:
        v = b.pick(lambda m: ok(m) and len(m.shape) == 4 and m.shape[1] >= min_hw and
                   m.shape[2] >= min_hw)
        if v is not None:
            return v
    if r < 0.7:
        v = b.pick(lambda m: ok(m) and prod(m.shape) >= min_hw * min_hw)
        if v is not None:
            m = b.meta(v)
            for _ in range(10):
                s = factor_shape(rng, prod(m.shape), 4)
                s = tuple(sorted(s[:1]) + list(s[1:]))
                if s[1] >= min_hw and s[2] >= min_hw:
                    return b.add_node("reshape", [v], "", move_infer(s), s, m.dt)
    shape = (int(rng.choice([1, 1, 2])), int(rng.choice([3, 5, 7, 8, 9])),
             int(rng.choice([3, 4, 6, 7, 9])), int(rng.choice([1, 2, 3, 4])))
    return b.fresh(shape, b.rand_dt(lambda d: ok(Meta((), d, 0, 0, 0, False, False))),
                   special=special)


def conv_infer(K, out_dt, shape):
    return mm_infer(K, out_dt, shape)


def window_out(size, lo, hi, k, stride, dil):
    eff = dil * (k - 1) + 1
    if size + lo + hi < eff:
        return None
    return (size + lo + hi - eff) // stride + 1


def gen_conv(b):
    rng = b.rng
    x = nhwc(b, lambda m: m.dt != "i1" and not m.special, min_hw=2)
    mx = b.meta(x)
    N, H, W, C = mx.shape
    if C > 16:
        raise GenFail("too many channels")
    KH, KW, O = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.choice([1, 2, 3, 5]))
    strides = [int(rng.choice([1, 1, 2])) for _ in range(2)]
    dil = [int(rng.choice([1, 1, 2])) for _ in range(2)]
    pad = [int(rng.choice([0, 0, 1, 2])) for _ in range(4)]
    ho = window_out(H, pad[0], pad[1], KH, strides[0], dil[0])
    wo = window_out(W, pad[2], pad[3], KW, strides[1], dil[1])
    if not ho or not wo:
        raise GenFail("window does not fit")
    fs = (KH, KW, C, O)
    f = b.operand(lambda m: m.dt == mx.dt and m.shape == fs and not m.special,
                  lambda: b.fresh(fs, mx.dt), p_pool=0.3)
    out_dt = "i32" if mx.dt == "i8" and rng.random() < 0.6 else mx.dt
    shape = (N, ho, wo, O)
    if prod(shape) > CAP:
        raise GenFail("too big")
    attrs = []
    if strides != [1, 1] or rng.random() < 0.3:
        attrs.append(f"strides = {arr(strides)}")
    if pad != [0, 0, 0, 0] or rng.random() < 0.3:
        attrs.append(f"padding = {arr(pad)}")
    if dil != [1, 1] or rng.random() < 0.3:
        attrs.append(f"dilations = {arr(dil)}")
    return b.add_node("conv2d", [x, f], ", ".join(attrs), conv_infer(KH * KW * C, out_dt, shape),
                      shape, out_dt)


def gen_pool(b):
    rng = b.rng
    op = choice(rng, ["max_pool2d", "avg_pool2d"])
    if op == "max_pool2d":
        ok = lambda m: m.dt != "i1"
    else:
        ok = lambda m: is_float(m.dt) and not m.special
    x = nhwc(b, ok, special=op == "max_pool2d", min_hw=2)
    mx = b.meta(x)
    N, H, W, C = mx.shape
    window = [int(rng.integers(1, 4)), int(rng.integers(1, 4))]
    strides = [int(rng.integers(1, 4)), int(rng.integers(1, 4))] if rng.random() < 0.6 else None
    st = strides or window
    pad = [int(rng.integers(0, window[i // 2])) if rng.random() < 0.5 else 0 for i in range(4)]
    ho = window_out(H, pad[0], pad[1], window[0], st[0], 1)
    wo = window_out(W, pad[2], pad[3], window[1], st[1], 1)
    if not ho or not wo:
        raise GenFail("window does not fit")
    shape = (N, ho, wo, C)
    attrs = f"window = {arr(window)}"
    if strides:
        attrs += f", strides = {arr(strides)}"
    if pad != [0, 0, 0, 0] or rng.random() < 0.3:
        attrs += f", padding = {arr(pad)}"
    k = window[0] * window[1]
    if op == "max_pool2d":
        infer = move_infer(shape)
    else:
        def infer(ms, shape=shape):
            m = ms[0]
            if m.special or not is_float(m.dt):
                return None
            err = m.err + (4 * k ** 0.5 + 4) * ucomp(m.dt) * m.M + 2 * UNIT[m.dt] * m.M
            out = Meta(shape, m.dt, m.lo - err, m.hi + err, err)
            return out if valid_float(out) else None
    return b.add_node(op, [x], attrs, infer, shape, mx.dt)


def gen_map(b):
    rng = b.rng
    nargs = int(choice(rng, [1, 2, 2, 3]))
    x = b.operand(lambda m: True, lambda: b.fresh(rand_shape(rng), b.rand_dt(), special=True))
    vids = [x]
    R = b.meta(x).shape
    for _ in range(nargs - 1):
        s = partner(rng, R)
        dt = b.meta(x).dt if rng.random() < 0.6 else b.rand_dt()
        v = b.operand(lambda m, s=s, dt=dt: m.shape == s and m.dt == dt,
                      lambda s=s, dt=dt: b.fresh(s, dt, special=True), p_pool=0.6)
        R = bshape(R, b.meta(v).shape)
        vids.append(v)
    if prod(R) > CAP:
        raise GenFail("too big")
    b.nk += 1
    kid = f"k{b.nk}"
    kernel = build_kernel(rng, kid, [b.meta(v) for v in vids])
    out = kernel.infer([b.meta(v) for v in vids])
    if out is None:
        raise GenFail("kernel")

    def infer(ms, kernel=kernel, shape=R):
        r = kernel.infer(ms)
        return r.but(shape=shape) if r else None
    b.g.kernels[kid] = kernel
    return b.add_node("map", vids, "", infer, R, out.dt, style="map", kernel=kid)


def gen_reduce_kernel(b):
    rng = b.rng
    x = b.operand(lambda m: len(m.shape) >= 1,
                  lambda: b.fresh(rand_shape(rng, min_rank=1), b.rand_dt(), special=True))
    mx = b.meta(x)
    dt = mx.dt
    if dt == "i1":
        name, inits = choice(rng, BOOL_COMBINERS), [0, 1]
    elif is_float(dt):
        name, inits = choice(rng, FLOAT_COMBINERS), [0.0, 1.0, -2.5, 0.5]
    else:
        name, inits = choice(rng, INT_COMBINERS), [0, 1, -5, 7]
    init = choice(rng, inits)
    axes, shown = rand_axes(rng, len(mx.shape))
    n = prod(mx.shape[a] for a in axes)
    keep = bool(rng.random() < 0.4)
    shape = reduced_shape(mx.shape, axes, keep)
    b.nk += 1
    kid = f"k{b.nk}"
    b.g.kernels[kid] = combiner_kernel(kid, name, dt)
    init_text = fmt_scalar(init, dt) if dt == "i1" else f"{fmt_scalar(init, dt)} : {dt}"
    attrs = f"axes = {arr(shown)}, init = {init_text}" + (", keep_dims = true" if keep else "")

    def infer(ms, name=name, n=n, init=init, shape=shape):
        r = _reduce_fold(name, n, ms[0].but(shape=()), init)
        return r.but(shape=shape) if r else None
    return b.add_node("reduce", [x], attrs, infer, shape, dt, style="reduce", kernel=kid)


def gen_constant(b, ok=lambda d: True):
    rng = b.rng
    dt = b.rand_dt(ok)
    shape = rand_shape(rng, int(rng.choice([0, 1, 1, 2])), cap=12)
    if dt == "i1":
        vals = rng.integers(0, 2, shape)
    elif is_float(dt):
        vals = rng.integers(-16, 17, shape) / 4.0
    else:
        vals = rng.integers(max(IMIN[dt], -100), min(IMAX[dt], 100) + 1, shape)
    vals = np.asarray(vals)

    def lit(a):
        if a.ndim == 0:
            return fmt_scalar(a.item(), dt)
        return "[" + ", ".join(lit(x) for x in a) + "]"
    lo, hi = (float(vals.min()), float(vals.max())) if is_float(dt) else (int(vals.min()),
                                                                          int(vals.max()))
    m = Meta(shape, dt, lo, hi, 0.0, True)
    return b.add_node("constant", [], f"dense<{lit(vals)}>", const_infer(m), shape, dt,
                      style="const")


GENERATORS = [(10, gen_binary), (8, gen_unary), (4, gen_cmp), (4, gen_select), (5, gen_cast),
              (5, gen_matmul), (6, gen_reduction), (2, gen_argmax), (3, gen_softmax),
              (3, gen_norm), (3, gen_transpose), (3, gen_reshape), (2, gen_broadcast),
              (2, gen_concat), (3, gen_slice), (2, gen_pad), (3, gen_conv), (3, gen_pool),
              (6, gen_map), (3, gen_reduce_kernel), (1, gen_constant)]


def generate(seed, index):
    """Graph `index` of `seed`: a function of the two alone."""
    for attempt in range(20):
        rng = np.random.default_rng([seed, index, attempt])
        b = TB(rng, f"g{index}", int(rng.integers(0, 2 ** 31)))
        target = int(rng.integers(2, 13))
        made = 0
        for _ in range(60):
            if made >= target:
                break
            gen = choice(rng, [g for _, g in GENERATORS], [w for w, _ in GENERATORS])
            try:
                gen(b)
                made += 1
            except GenFail:
                pass
        g = b.g
        used = {o for n in g.nodes for o in n.operands}
        sinks = [n.vid for n in g.nodes if n.vid not in used and n.style != "const"]
        if not g.inputs:
            continue
        if not sinks:
            continue
        results = [sinks[-1]] + [s for s in sinks[:-1] if rng.random() < 0.7][-3:]
        final = []
        for r in results:
            if g.metas[r].dt == "bf16":
                try:
                    r = b.cast(r, choice(rng, ["f32", "f32", "f64", "i32"]))
                except GenFail:
                    continue
            final.append(r)
        if not final:
            continue
        # Now and then a result that no op computes: an argument or a constant (copy-outs).
        if rng.random() < 0.06 and g.inputs:
            a = choice(rng, g.inputs).vid
            if a not in final:
                final.append(a)
        if rng.random() < 0.05:
            try:
                final.append(gen_constant(b, lambda d: d != "bf16"))
            except GenFail:
                pass
        g.results = final
        g.dce()
        g.origin = f"seed={seed},index={index}"
        assert g.reinfer()
        return g
    raise RuntimeError(f"could not generate graph {index} of seed {seed}")


# ---------------------------------------------------------------------------------------------
# Running: kilnc at each level, kiln-run and kiln-interp, comparison
# ---------------------------------------------------------------------------------------------

LEVELS = ("-O0", "-O3")


class Failure:
    def __init__(self, kind, graph, level=None, result=None, message=""):
        self.kind, self.graph, self.level, self.result, self.message = kind, graph, level, result, message

    def headline(self):
        where = f" at {self.level}" if self.level else ""
        res = f", result {self.result}" if self.result is not None else ""
        lines = self.message.splitlines()
        if len(lines) > 12:  # stack dumps: the error and the first frames
            lines = lines[:12] + [f"... ({len(lines) - 12} more lines)"]
        return f"{self.kind}{where}{res}: " + "\n    ".join(lines)

    def known(self):
        """The KNOWN_PATTERNS entry this failure matches, or None."""
        if INCLUDE_KNOWN:
            return None
        for what, pattern in KNOWN_PATTERNS:
            if re.search(pattern, self.message):
                return what
        return None


def sh(cmd, timeout):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout} s"
    err = r.stderr
    if r.returncode < 0:
        err += f"\n(killed by signal {-r.returncode})"
    return r.returncode, r.stdout, err


class Case:
    """What a check needs from a graph: generated (Graph) or read back from a file (replay)."""

    def __init__(self, name, seed, inputs, result_types, tolerances, text=None):
        self.name, self.seed, self.inputs = name, seed, inputs
        self.result_types, self.tolerances, self.text = result_types, tolerances, text

    @staticmethod
    def of(g):
        return Case(g.name, g.seed, g.inputs,
                    [(g.metas[r].shape, g.metas[r].dt) for r in g.results],
                    [g.tolerance(r) for r in g.results], g.text())


def compare(got, ref, shape, dt, tol):
    """None if `got` matches the reference, else a description of the worst element."""
    if got.shape != tuple(shape) or got.dtype != np.dtype(NPY[dt]):
        return f"got {got.dtype}{list(got.shape)}, expected {np.dtype(NPY[dt])}{list(shape)}"
    if ref.shape != got.shape:
        return f"reference has shape {list(ref.shape)}"
    if tol is None and not is_float(dt):
        bad = got != ref
        if not bad.any():
            return None
        i = tuple(int(k) for k in np.argwhere(bad)[0])
        return (f"{int(bad.sum())} of {bad.size} elements differ (exact comparison); first at "
                f"{list(i)}: got {got[i]!r}, expected {ref[i]!r}")
    g, r = got.astype(np.float64), ref.astype(np.float64)
    with np.errstate(all="ignore"):
        diff = np.abs(g - r)
        nan_ok = np.isnan(g) & np.isnan(r)
        if tol is None:
            bound = np.zeros_like(r)
        else:
            bound = tol[0] + tol[1] * np.abs(r)
        ok = nan_ok | (g == r) | (diff <= bound)
    if ok.all():
        return None
    excess = np.where(ok, -np.inf, np.nan_to_num(diff - bound, nan=np.inf, posinf=np.inf))
    i = np.unravel_index(int(np.argmax(excess)), excess.shape)
    i = tuple(int(k) for k in i)
    what = "exact comparison" if tol is None else f"atol={tol[0]:.3g}, rtol={tol[1]:.3g}"
    return (f"{int((~ok).sum())} of {ok.size} elements out of tolerance ({what}); worst at "
            f"{list(i)}: got {g[i]!r}, expected {r[i]!r} (|diff| = {diff[i]:.3g})")


class Runner:
    def __init__(self, args):
        self.kilnc = os.path.join(args.tools, "kilnc")
        self.krun = os.path.join(args.tools, "kiln-run")
        self.interp = args.interp or os.path.join(args.tools, "kiln-interp")
        for tool in (self.kilnc, self.krun, self.interp):
            if not os.access(tool, os.X_OK):
                sys.exit(f"kiln-fuzz: error: {tool} is not an executable")
        self.jobs = max(1, args.jobs)
        self.pool = ThreadPoolExecutor(self.jobs)

    def compile(self, src, level, out, graphs=1):
        """kilnc, then a load of the artifact (kiln-run --list resolves every symbol). The
        timeout grows with the module (-O3 takes ~0.1 s per graph here): a hung kilnc (seen
        when heap corruption deadlocks LLVM's crash handler) costs little."""
        rc, o, e = sh([self.kilnc, src, "--emit=shared", level, "-o", out], 30 + graphs)
        if rc != 0:
            return "compile", rc, o, e
        rc, o, e = sh([self.krun, out, "--list"], 60)
        return ("load" if rc else "ok"), rc, o, e

    def bisect(self, cases, level, work, libs, counter):
        """Compiles halves of a failing batch until single graphs fail; records the libraries
        of the parts that build and returns the failures of the graphs that do not."""
        if len(cases) > 1:
            halves = [cases[:len(cases) // 2], cases[len(cases) // 2:]]
        else:
            halves = [cases]
        failures = []

        def build(part):
            counter[0] += 1
            d = os.path.join(work, f"part{counter[0]}{level}")
            os.makedirs(d, exist_ok=True)
            src = os.path.join(d, "module.mlir")
            with open(src, "w") as f:
                f.write("".join(c.text for c in part))
            lib = os.path.join(d, f"module{level}.so")
            return part, lib, self.compile(src, level, lib, len(part))
        for part, lib, (what, rc, out, err) in map(build, halves):
            if rc == 0:
                for c in part:
                    libs[c.name][level] = lib
            elif len(part) == 1:
                failures.append(Failure(what, part[0], level, None, (out + err).strip()))
            else:
                failures += self.bisect(part, level, work, libs, counter)
        return failures

    def check(self, case, mlir, libs, work, levels=LEVELS):
        """Runs one graph through kiln-interp and kiln-run at each level; the failures."""
        os.makedirs(work, exist_ok=True)
        ins = []
        for k, spec in enumerate(case.inputs):
            path = os.path.join(work, f"in{k}.npy")
            np.save(path, make_input(spec, case.seed))
            ins.append(path)
        in_args = [a for p in ins for a in ("--input", p)]
        refs = [os.path.join(work, f"ref{k}.npy") for k in range(len(case.result_types))]
        rc, out, err = sh([self.interp, mlir, "--graph", case.name] + in_args +
                          [a for p in refs for a in ("--output", p)], 120)
        if rc != 0:
            return [Failure("interp", case, None, None, (out + err).strip())]
        ref_arrays = [np.load(p) for p in refs]
        failures = []
        for level in levels:
            lib = libs.get(level)
            if lib is None:
                continue
            outs = [os.path.join(work, f"out{level}.{k}.npy") for k in range(len(refs))]
            rc, o, e = sh([self.krun, lib, "--graph", case.name] + in_args +
                          [a for p in outs for a in ("--output", p)], 120)
            if rc != 0:
                failures.append(Failure("run", case, level, None, (o + e).strip()))
                continue
            for k, ((shape, dt), tol) in enumerate(zip(case.result_types, case.tolerances)):
                problem = compare(np.load(outs[k]), ref_arrays[k], shape, dt, tol)
                if problem:
                    failures.append(Failure("mismatch", case, level, k, problem))
        return failures

    def run_cases(self, cases, work, levels=LEVELS, module_text=None):
        """Compiles `cases` as one module per level and checks each; returns the failures."""
        os.makedirs(work, exist_ok=True)
        src = os.path.join(work, "module.mlir")
        with open(src, "w") as f:
            f.write(module_text if module_text is not None else "".join(c.text for c in cases))
        libs = {c.name: {} for c in cases}
        failures = []

        def build(level):
            lib = os.path.join(work, f"module{level}.so")
            return level, lib, self.compile(src, level, lib, len(cases))
        for level, lib, (what, rc, out, err) in self.pool.map(build, levels):
            if rc == 0:
                for c in cases:
                    libs[c.name][level] = lib
                continue
            if module_text is not None or len(cases) == 1:
                failures.append(Failure(what, cases[0] if len(cases) == 1 else None,
                                        level, None, (out + err).strip()))
                continue
            # Find the graphs kilnc rejects (or whose artifact does not load) by bisection.
            failures += self.bisect(cases, level, work, libs, [0])
        def one(c):
            d = os.path.join(work, c.name)
            os.makedirs(d, exist_ok=True)
            mlir = src
            if module_text is None:
                mlir = os.path.join(d, "graph.mlir")
                with open(mlir, "w") as f:
                    f.write(c.text)
            return self.check(c, mlir, libs[c.name], d, levels)
        for fs in self.pool.map(one, cases):
            failures += fs
        return failures


# ---------------------------------------------------------------------------------------------
# Minimization
# ---------------------------------------------------------------------------------------------

def input_for(vid, m):
    if m.dt == "i1":
        return InputSpec(vid, "i1", m.shape, "bool", 0, 1)
    if not is_float(m.dt):
        return InputSpec(vid, m.dt, m.shape, "int", int(m.lo), int(m.hi))
    if m.special:
        kind = "special-integral" if m.integral else "special"
    else:
        kind = "integral" if m.integral else "uniform"
    lo, hi = float(m.lo), float(m.hi)
    big = {"f16": 6e4}.get(m.dt, 1e30)
    return InputSpec(vid, m.dt, m.shape, kind, max(lo, -big), min(hi, big))


def cut(g, vid):
    """g with value `vid` computed by nothing: it becomes a graph input of the same kind."""
    c = g.copy()
    m = g.metas[vid]
    idx = next(i for i, n in enumerate(c.nodes) if n.vid == vid)
    if m.dt == "bf16":
        src = vid + "f"
        c.inputs.append(input_for(src, m.but(dt="f32")))
        c.nodes[idx] = Node(vid, "cast", [src], "", cast_infer("bf16", m.shape), m.shape, "bf16")
    else:
        c.inputs.append(input_for(vid, m))
        del c.nodes[idx]
    return c


def bypass(g, vid, src):
    """g with every use of `vid` reading `src` instead (same type)."""
    c = g.copy()
    c.nodes = [n.copy(operands=[src if o == vid else o for o in n.operands])
               for n in c.nodes if n.vid != vid]
    c.results = [src if r == vid else r for r in c.results]
    if len(set(c.results)) != len(c.results) or any(r in {i.vid for i in c.inputs}
                                                     for r in c.results):
        return None
    return c


def signature(message):
    """What identifies a compile/run failure across graphs: its error text or first frame."""
    for line in message.splitlines():
        if "error:" in line:
            text = line.split("error:", 1)[1].strip()
            text = re.sub(r"'/[^']*'|/\S+", "PATH", text)
            return re.sub(r"\d+", "N", text)
    frames = re.findall(r"#\d+ 0x[0-9a-f]+ (\S+)", message)
    frames = [f for f in frames if "llvm::sys::" not in f and not f.startswith("(")]
    if frames:
        return frames[0]
    return re.sub(r"\d+", "N", message.strip().splitlines()[0]) if message.strip() else ""


class Minimizer:
    def __init__(self, runner, work, failure, budget=150):
        self.runner, self.work, self.budget = runner, work, budget
        self.kind, self.level = failure.kind, failure.level
        self.signature = signature(failure.message)
        self.tries = 0

    def fails(self, g):
        if self.tries >= self.budget:
            return False
        g.dce()
        if not g.results or not g.nodes or not g.reinfer():
            return False
        self.tries += 1
        levels = (self.level,) if self.level else LEVELS
        d = os.path.join(self.work, f"try{self.tries}")
        fs = self.runner.run_cases([Case.of(g)], d, levels)
        shutil.rmtree(d, ignore_errors=True)
        return any(f.kind == self.kind and (f.level == self.level or not self.level) and
                   (f.kind == "mismatch" or signature(f.message) == self.signature) for f in fs)

    def run(self, g):
        best = g.copy()
        progress = True
        while progress and self.tries < self.budget:
            progress = False
            if len(best.results) > 1:
                for r in list(best.results):
                    c = best.copy()
                    c.results = [r]
                    if self.fails(c):
                        best, progress = c, True
                        break
            for vid in [n.vid for n in reversed(best.nodes)]:
                if vid in best.results or vid not in best.metas or \
                        all(n.vid != vid for n in best.nodes):
                    continue
                c = cut(best, vid)
                if self.fails(c):
                    best, progress = c, True
            for n in list(best.nodes):
                if all(m.vid != n.vid for m in best.nodes):
                    continue
                for o in dict.fromkeys(n.operands):
                    mo = best.metas.get(o)
                    if mo is None or mo.shape != n.shape or mo.dt != n.dt:
                        continue
                    c = bypass(best, n.vid, o)
                    if c is not None and self.fails(c):
                        best, progress = c, True
                        break
        best.dce()
        best.reinfer()
        return best


# ---------------------------------------------------------------------------------------------
# Replay: modules from files (reproducers, regression tests)
# ---------------------------------------------------------------------------------------------

GRAPH_RE = re.compile(r"kiln\.graph\s+@(\w+)\s*\((.*?)\)\s*->\s*(\((?:[^()]|\([^()]*\))*\)|"
                      r"tensor<[^>]*>)", re.S)
ARG_RE = re.compile(r"%(\w+)\s*:\s*(tensor<[^>]*>)")
TYPE_RE = re.compile(r"tensor<([^>]*)>")


def parse_ttype(body):
    parts = body.split("x")
    return tuple(int(p) for p in parts[:-1]), parts[-1].strip()


def default_tol(dt):
    return None if not is_float(dt) else (64 * UNIT[dt], 64 * UNIT[dt])


def parse_cases(text, seed):
    """The graphs of a module, with the inputs and tolerances of its kiln-fuzz annotations."""
    notes, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("// kiln-fuzz:"):
            continue
        words = line.split()[2:]
        if words[0] == "graph":
            current = words[1].lstrip("@")
            notes[current] = {"inputs": {}, "results": {}, "seed": None}
            for w in words[2:]:
                if w.startswith("input-seed="):
                    notes[current]["seed"] = int(w.split("=", 1)[1])
        elif current and words[0] == "input":
            notes[current]["inputs"][words[1].lstrip("%")] = (words[2], float(words[3]),
                                                              float(words[4]))
        elif current and words[0] == "result":
            k = int(words[1])
            if words[2] == "exact":
                notes[current]["results"][k] = None
            else:
                kv = dict(w.split("=") for w in words[2:])
                notes[current]["results"][k] = (float(kv["atol"]), float(kv["rtol"]))
    cases = []
    for name, args, results in GRAPH_RE.findall(text):
        note = notes.get(name, {"inputs": {}, "results": {}, "seed": None})
        inputs = []
        for vid, ty in ARG_RE.findall(args):
            shape, dt = parse_ttype(TYPE_RE.match(ty).group(1))
            if vid in note["inputs"]:
                kind, lo, hi = note["inputs"][vid]
            elif dt == "i1":
                kind, lo, hi = "bool", 0, 1
            elif is_float(dt):
                kind, lo, hi = "uniform", -2.0, 2.0
            else:
                kind, lo, hi = "int", -10, 10
            if not is_float(dt):
                lo, hi = int(lo), int(hi)
            inputs.append(InputSpec(vid, dt, shape, kind, lo, hi))
        rtypes = [parse_ttype(t) for t in TYPE_RE.findall(results)]
        tols = [note["results"].get(k, default_tol(dt)) for k, (_, dt) in enumerate(rtypes)]
        case_seed = note["seed"] if note["seed"] is not None else seed
        cases.append(Case(name, case_seed, inputs, rtypes, tols))
    return cases


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------

def report(f, g, args, work):
    """Prints a failure of generated graph g and writes its reproducer; returns the path."""
    print(f"FAIL {g.name} (--seed {args.seed} --only {g.name[1:]}): {f.headline()}")
    print(f"  op chain: {g.chain()}")
    path = os.path.join(args.tmp, f"fail-{g.name}.mlir")
    with open(path, "w") as fp:
        fp.write(g.text())
    print("  graph:")
    print("    " + g.text().rstrip().replace("\n", "\n    "))
    print(f"  reproducer: {path}")
    return path


def minimize_and_report(runner, f, g, args):
    work = os.path.join(args.tmp, f"min-{g.name}")
    m = Minimizer(runner, work, f).run(g)
    shutil.rmtree(work, ignore_errors=True)
    path = os.path.join(args.tmp, f"fail-{g.name}.min.mlir")
    with open(path, "w") as fp:
        fp.write(m.text())
    # The minimized graph's own failure, for the report.
    fs = runner.run_cases([Case.of(m)], os.path.join(args.tmp, f"min-{g.name}-final"),
                          (f.level,) if f.level else LEVELS)
    shutil.rmtree(os.path.join(args.tmp, f"min-{g.name}-final"), ignore_errors=True)
    print(f"  minimized ({len(m.nodes)} ops, {len(m.inputs)} inputs): {m.chain()}")
    for mf in fs:
        print(f"    {mf.headline()}")
    print("    " + m.text().rstrip().replace("\n", "\n    "))
    print(f"  minimized reproducer: {path}")
    print(f"  replay: {sys.argv[0]} --replay {path} --tools {args.tools}"
          + (f" --interp {args.interp}" if args.interp else ""))
    return m, fs


def fuzz(args, runner):
    start = time.time()
    counts = {"graphs": 0, "results": 0, "ops": 0}
    ops_seen = {}
    failures = []
    indices = [args.only] if args.only is not None else list(range(args.start,
                                                                   args.start + args.count))
    for b0 in range(0, len(indices), args.batch):
        if args.time_limit and time.time() - start > args.time_limit:
            print(f"time limit reached after {counts['graphs']} graphs")
            break
        graphs = [generate(args.seed, i) for i in indices[b0:b0 + args.batch]]
        if args.print:
            for g in graphs:
                print(g.text())
        for g in graphs:
            for n in g.nodes:
                key = n.op if n.style != "map" else "map"
                ops_seen[key] = ops_seen.get(key, 0) + 1
            counts["ops"] += len(g.nodes)
            counts["results"] += len(g.results)
        work = os.path.join(args.tmp, f"batch{b0 // args.batch}")
        by_name = {g.name: g for g in graphs}
        fs = runner.run_cases([Case.of(g) for g in graphs], work)
        counts["graphs"] += len(graphs)
        seen = set()
        for f in fs:
            if f.known():
                print(f"known issue in {f.graph.name if f.graph else '?'}: {f.known()}")
                counts["known"] = counts.get("known", 0) + 1
                continue
            g = by_name.get(f.graph.name) if f.graph else None
            if g is None:
                print(f"FAIL (batch {b0 // args.batch}): {f.headline()}")
                failures.append((f, None, None))
                continue
            if g.name in seen:
                print(f"  also: {f.headline()}")
                continue
            seen.add(g.name)
            report(f, g, args, work)
            m = None
            if not args.no_minimize and len(failures) < args.max_minimize:
                m, _ = minimize_and_report(runner, f, g, args)
            failures.append((f, g, m))
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        if failures and not args.keep_going:
            break
        if args.verbose:
            print(f"[{time.time() - start:6.1f} s] {counts['graphs']} graphs, "
                  f"{len(failures)} failing", flush=True)
    elapsed = time.time() - start
    print(f"kiln-fuzz: seed {args.seed}: {counts['graphs']} graphs ({counts['ops']} ops, "
          f"{counts['results']} results, each checked at {' and '.join(LEVELS)}) in "
          f"{elapsed:.1f} s; {len(failures)} failing graphs"
          + (f", {counts['known']} known issues" if counts.get("known") else ""))
    if args.verbose:
        print("ops: " + ", ".join(f"{k} {v}" for k, v in sorted(ops_seen.items())))
    return 1 if failures else 0


def replay(args, runner):
    status = 0
    for path in args.replay:
        text = open(path).read()
        cases = parse_cases(text, args.seed)
        if not cases:
            print(f"{path}: no kiln.graph found")
            status = 1
            continue
        work = os.path.join(args.tmp, "replay-" + os.path.basename(path).replace(".", "_"))
        fs = runner.run_cases(cases, work, module_text=text)
        for f in fs:
            name = f.graph.name if f.graph else "?"
            print(f"FAIL {path} @{name}: {f.headline()}")
        print(f"{path}: {len(cases)} graphs, {len(fs)} failures")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        status |= 1 if fs else 0
    return status


def minimize_file(args, runner):
    """--minimize FILE: regenerate the graph named by FILE's `origin` and shrink it."""
    text = open(args.minimize).read()
    m = re.search(r"origin=seed=(\d+),index=(\d+)", text)
    if not m:
        sys.exit("kiln-fuzz: --minimize needs a reproducer written by kiln-fuzz "
                 "(its '// kiln-fuzz: graph ... origin=seed=N,index=I' line)")
    args.seed = int(m.group(1))
    g = generate(args.seed, int(m.group(2)))
    fs = runner.run_cases([Case.of(g)], os.path.join(args.tmp, "minimize"))
    if not fs:
        print(f"{g.name} of seed {args.seed} does not fail")
        return 0
    report(fs[0], g, args, args.tmp)
    minimize_and_report(runner, fs[0], g, args)
    return 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tools", required=True, help="directory with kilnc and kiln-run")
    p.add_argument("--interp", help="kiln-interp (default: TOOLS/kiln-interp)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--count", type=int, default=200, help="graphs to generate")
    p.add_argument("--start", type=int, default=0, help="index of the first graph")
    p.add_argument("--only", type=int, help="run only graph INDEX of --seed")
    p.add_argument("--batch", type=int, default=100, help="graphs per module")
    p.add_argument("--tmp", help="work directory (default: a temporary one)")
    p.add_argument("--keep", action="store_true", help="keep the work files")
    p.add_argument("--keep-going", action="store_true", help="continue after failing batches")
    p.add_argument("--jobs", type=int, default=2, help="processes run in parallel")
    p.add_argument("--time-limit", type=float, help="stop starting batches after S seconds")
    p.add_argument("--no-minimize", action="store_true")
    p.add_argument("--max-minimize", type=int, default=5,
                   help="minimize at most this many failures per run")
    p.add_argument("--replay", nargs="+", metavar="FILE.mlir",
                   help="run the graphs of these modules (e.g. reproducers) and compare")
    p.add_argument("--minimize", metavar="FILE.mlir",
                   help="shrink the failing graph a kiln-fuzz reproducer came from")
    p.add_argument("--print", action="store_true", help="print every generated graph")
    p.add_argument("--include-known", action="store_true",
                   help="also generate the ops of KNOWN_ISSUES (known compiler failures)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args()
    global INCLUDE_KNOWN
    INCLUDE_KNOWN = args.include_known
    own_tmp = args.tmp is None
    if own_tmp:
        args.tmp = tempfile.mkdtemp(prefix="kiln-fuzz-")
    os.makedirs(args.tmp, exist_ok=True)
    runner = Runner(args)
    try:
        if args.replay:
            return replay(args, runner)
        if args.minimize:
            return minimize_file(args, runner)
        return fuzz(args, runner)
    finally:
        runner.pool.shutdown()
        if own_tmp and not args.keep:
            # Everything but the reproducers (fail-*.mlir) goes.
            kept = [f for f in os.listdir(args.tmp) if f.startswith("fail-") and f.endswith(".mlir")]
            for f in os.listdir(args.tmp):
                if f not in kept:
                    path = os.path.join(args.tmp, f)
                    shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.remove(path)
            if kept:
                print(f"reproducers kept in {args.tmp}")
            else:
                shutil.rmtree(args.tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
