"""Elementwise functions: one table for kiln ops and kernel (arith/math) scalar ops."""

import math

import numpy as np

from kilntest import IMAX, IMIN

from .dtypes import LIMIT, MANT, UNIT, WIDTH, Meta, iclamp, is_float, ucomp, valid_float


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
         integral_out=True, kiln={"floor": "floor", "ceil": "ceil", "roundeven": "round"}.get(_n),
         scalar="math." + _n)
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
_ffn("sin", 1, np.sin, reqs=[[("absmax", 8.0)]], cr=32, scale="out1",
     kiln="sin", scalar="math.sin")
_ffn("cos", 1, np.cos, reqs=[[("absmax", 8.0)]], cr=32, scale="out1",
     kiln="cos", scalar="math.cos")
_ffn("tan", 1, np.tan, reqs=[[("absmax", 1.2)]], cr=32, scale="out1",
     kiln="tan", scalar="math.tan")
_ffn("asin", 1, np.arcsin, reqs=[[("absmax", 0.9)]], cr=32, scale="out1",
     kiln="asin", scalar="math.asin")
_ffn("acos", 1, np.arccos, reqs=[[("absmax", 0.9)]], cr=32, scale="out1",
     kiln="acos", scalar="math.acos")
_ffn("atan", 1, np.arctan, cr=32, scale="out1", kiln="atan", scalar="math.atan")
_ffn("sinh", 1, np.sinh, reqs=[[("absmax", 7.0)]], cr=32, scale="out1",
     kiln="sinh", scalar="math.sinh")
_ffn("cosh", 1, np.cosh, reqs=[[("absmax", 7.0)]], cr=32, scale="out1",
     kiln="cosh", scalar="math.cosh")
_ffn("asinh", 1, np.arcsinh, cr=32, scale="out1", kiln="asinh", scalar="math.asinh")
_ffn("acosh", 1, np.arccosh, reqs=[[("min", 1.1)]], cr=32, scale="out1",
     kiln="acosh", scalar="math.acosh")
_ffn("atanh", 1, np.arctanh, reqs=[[("absmax", 0.9)]], cr=32, scale="out1",
     kiln="atanh", scalar="math.atanh")

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
# Kiln's shifts define every amount (one outside [0, N) shifts every bit out).
_ifn("shift_left", 2, _full, kiln="shift_left")
_ifn("shift_right", 2, lambda ms, dt: (min(int(ms[0].lo), 0), max(int(ms[0].hi), 0)),
     kiln="shift_right")
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
