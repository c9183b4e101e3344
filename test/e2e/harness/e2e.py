#!/usr/bin/python3
"""End-to-end numerical tests: compile Kiln graphs with kilnc at -O0 and -O3, run them with
kiln-run on random inputs, and compare every result with the reference interpreter
(kiln-interp, which evaluates the IR itself in float64/int64). The interpreter's own results
are checked against an independent float64 NumPy reference in the same run, so a wrong oracle
cannot hide a wrong compiler.

usage: e2e.py --op NAME --tools BUILD/bin --tmp DIR     (one op's cases; see CASES below)
       e2e.py --list                                     (the op names)

Each op's cases go into one module (one graph per case) so that each opt level is one kilnc
call. Sizes are deliberately awkward: 1, 7, 33, 1031, and shapes that are no multiple of any
vector width. A failure prints the op, the case, the opt level and the worst element.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# The case modules next to this file, and kilntest, which the fuzzer shares (types, dtypes).
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "lib")]
import compare_select_cast  # noqa: E402
import convolution  # noqa: E402
import elementwise  # noqa: E402
import indexing  # noqa: E402
import kernels  # noqa: E402
import matmul  # noqa: E402
import normalization  # noqa: E402
import reductions  # noqa: E402
import shape  # noqa: E402
import structure  # noqa: E402
import unsigned  # noqa: E402

# One table per op family, as the lowering groups the ops (compiler/lib/Conversion/KilnToLinalg);
# structure holds whole graphs: constants, a chain across families, bf16; unsigned the ops that
# take ui8, ui16 and ui32.
FAMILIES = [structure, elementwise, compare_select_cast, matmul, reductions, normalization, shape,
            indexing, convolution, kernels, unsigned]
# CASES keeps the order the ops were added in, from before the tables were split by family.
# Nothing depends on it (--list and gpu.py sort), so a new op goes at the end.
ORDER = ["add", "sub", "mul", "div", "max", "min", "neg", "abs", "exp", "log", "sqrt", "rsqrt",
         "tanh", "sigmoid", "relu", "matmul", "reduce_sum", "reduce_max", "reduce_mean", "softmax",
         "transpose", "reshape", "broadcast_to", "constant", "chain", "pow", "gelu", "silu", "erf",
         "floor", "ceil", "cmp", "select", "cast", "bf16", "reduce_min", "reduce_prod", "argmax",
         "log_softmax", "softmax_f16", "layer_norm", "rms_norm", "concat", "slice", "pad",
         "conv2d", "max_pool2d", "avg_pool2d", "map", "reduce", "gather", "gather_elements",
         "round", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh",
         "atanh", "argmin", "cumsum", "top_k", "iota", "conv_transpose2d", "unsigned", "shift_left",
         "shift_right"]
_BY_OP = {op: cases for family in FAMILIES for op, cases in family.CASES.items()}
assert sorted(ORDER) == sorted(op for family in FAMILIES for op in family.CASES), \
    "ORDER names every op of the family tables once"
CASES = {op: _BY_OP[op] for op in ORDER}

OPT_LEVELS = ["-O0", "-O3"]


def module_text(cases):
    return "\n".join(case.mlir(f"g{i}") for i, case in enumerate(cases)) + "\n"


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAILED ({r.returncode}): {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return r


def run_graph(tool, module, graph, inputs, outputs):
    """Runs `graph` of `module` with kiln-run or kiln-interp (they share a command line)."""
    cmd = [tool, module, "--graph", graph]
    for path in inputs:
        cmd += ["--input", path]
    for path in outputs:
        cmd += ["--output", path]
    run(cmd)


def compare(case, name, got, ref):
    if got.shape != ref.shape:
        return f"{name}: shape {got.shape}, expected {ref.shape}"
    if got.dtype.kind in "biu":
        bad = np.argwhere(got != ref)
        if bad.size:
            i = tuple(bad[0])
            return f"{name}: {len(bad)} mismatches, first at {i}: got {got[i]}, expected {ref[i]}"
        return None
    g = got.astype(np.float64)
    err = np.abs(g - ref)
    tol = case.atol + case.rtol * np.abs(ref)
    both_nan = np.isnan(g) & np.isnan(ref)
    bad = ~((err <= tol) | both_nan | (g == ref))
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        return (f"{name}: {int(bad.sum())} elements out of tolerance (rtol={case.rtol}, "
                f"atol={case.atol}); first at {i}: got {g[i]!r}, expected {ref[i]!r}, "
                f"max abs error {np.nanmax(err)}")
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--op")
    p.add_argument("--tools")
    p.add_argument("--tmp")
    p.add_argument("--list", action="store_true")
    args = p.parse_args()
    if args.list:
        print("\n".join(sorted(CASES)))
        return
    cases = CASES[args.op]()
    kilnc = os.path.join(args.tools, "kilnc")
    krun = os.path.join(args.tools, "kiln-run")
    interp = os.path.join(args.tools, "kiln-interp")
    os.makedirs(args.tmp, exist_ok=True)
    src = os.path.join(args.tmp, f"{args.op}.mlir")
    with open(src, "w") as f:
        f.write(module_text(cases))

    rng = np.random.default_rng(sum(map(ord, args.op)))
    inputs = []
    for i, case in enumerate(cases):
        arrays = case.make_inputs(rng)
        paths = []
        for j, a in enumerate(arrays):
            path = os.path.join(args.tmp, f"g{i}.in{j}.npy")
            np.save(path, a)
            paths.append(path)
        inputs.append((arrays, paths))

    failures = []
    checked = 0
    oracles = []
    for i, case in enumerate(cases):
        arrays, paths = inputs[i]
        numpy_refs = case.reference([a.astype(np.float64) if a.dtype.kind == "f" else a
                                     for a in arrays])
        outs = [os.path.join(args.tmp, f"g{i}.ref{k}.npy") for k in range(len(numpy_refs))]
        run_graph(interp, src, f"g{i}", paths, outs)
        refs = [np.load(out) for out in outs]
        for k, (ref, numpy_ref) in enumerate(zip(refs, numpy_refs)):
            problem = compare(case, f"{args.op} case {i} ({case.describe()}) kiln-interp vs "
                              f"NumPy result {k}", ref, np.asarray(numpy_ref))
            checked += 1
            if problem:
                failures.append(problem)
        oracles.append([r.astype(np.float64) if r.dtype.kind == "f" else r for r in refs])

    for opt in OPT_LEVELS:
        lib = os.path.join(args.tmp, f"{args.op}{opt}.so")
        run([kilnc, src, "--emit=shared", opt, "-o", lib])
        for i, case in enumerate(cases):
            arrays, paths = inputs[i]
            refs = oracles[i]
            outs = [os.path.join(args.tmp, f"g{i}{opt}.out{k}.npy") for k in range(len(refs))]
            run_graph(krun, lib, f"g{i}", paths, outs)
            for k, (out, ref) in enumerate(zip(outs, refs)):
                got = np.load(out)
                problem = compare(case, f"{args.op} case {i} ({case.describe()}) {opt} vs "
                                  f"kiln-interp result {k}", got, np.asarray(ref))
                checked += 1
                if problem:
                    failures.append(problem)
    for f in failures:
        print("FAIL", f)
    print(f"{args.op}: {checked} results checked, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
