"""Graphs: inputs and their values, ops (Node), kernels and whole graphs, with their text."""

import math
import zlib

import numpy as np

from kilntest import NPY, ttype

from .dtypes import SAFETY, TINY, UNIT, Meta, is_float


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
