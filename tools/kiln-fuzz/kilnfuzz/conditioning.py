"""Conditioning: establishing an op's preconditions with more ops (both builders)."""

import math

from .dtypes import WIDTH
from .elementwise import req_ok
from .graphs import GenFail


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
