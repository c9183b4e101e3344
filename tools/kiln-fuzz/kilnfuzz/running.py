"""Running: kilnc at each level, kiln-run and kiln-interp, comparison."""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from kilntest import NPY

# Not `from .known_issues import INCLUDE_KNOWN`: the driver sets it after this import.
from . import known_issues
from .dtypes import is_float
from .graphs import make_input


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
        if known_issues.INCLUDE_KNOWN:
            return None
        for what, pattern in known_issues.KNOWN_PATTERNS:
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
