"""Replay: modules from files (reproducers, regression tests)."""

import re

from .dtypes import UNIT, is_float
from .graphs import InputSpec
from .running import Case


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
