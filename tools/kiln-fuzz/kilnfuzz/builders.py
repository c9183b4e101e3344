"""Builders: tensor graphs (TB) and kernel bodies (KB) share the conditioning code."""

import numpy as np

from kilntest import IMAX, IMIN, bshape

from .dtypes import Meta, fmt_scalar, is_float
from .elementwise import FFNS, IFNS, FFn, infer_cast, infer_ffn, infer_ifn
from .graphs import GenFail, Graph, InputSpec, Kernel, Node, Step, safe_infer
from .known_issues import known
from .shapes import CAP, prod


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
