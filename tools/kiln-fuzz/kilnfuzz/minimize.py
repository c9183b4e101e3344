"""Minimization: shrinking a failing graph while it fails the same way."""

import os
import re
import shutil

from .builders import cast_infer
from .dtypes import is_float
from .graphs import InputSpec, Node
from .running import LEVELS, Case


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
