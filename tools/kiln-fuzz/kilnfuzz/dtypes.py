"""Element types: their precision, range and literals, and Meta, what the generator knows
about a value."""

import math

from kilntest import IMAX, IMIN, ttype


FLOAT_TYPES = ("f32", "f64", "f16", "bf16")
UNIT = {"f64": 2.0 ** -53, "f32": 2.0 ** -24, "f16": 2.0 ** -11, "bf16": 2.0 ** -8}
MANT = {"f64": 53, "f32": 24, "f16": 11, "bf16": 8}
LIMIT = {"f64": 1e60, "f32": 1e12, "f16": 4e3, "bf16": 1e12}
TINY = {"f64": 2.3e-308, "f32": 1.2e-38, "f16": 6.2e-5, "bf16": 1.2e-38}
WIDTH = {"i1": 1, "i8": 8, "i16": 16, "i32": 32, "i64": 64}
SAFETY = 3.0


def is_float(dt):
    return dt in FLOAT_TYPES


def ucomp(dt):
    """Unit roundoff of the type a float op computes in (f16/bf16 compute in f32)."""
    return UNIT["f32"] if dt in ("f16", "bf16") else UNIT[dt]


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
