#!/usr/bin/python3
"""End-to-end tests of the CUDA path, in two halves so that the GPU machine needs no compiler.

  gpu.py prepare --tools BUILD/bin --out DIR [--op NAME]...
      For each op (default: all of CASES in e2e.py): compiles its cases for
      --target=x86-64,cuda:sm_80,cuda:sm_90 (ptxas assembles every kernel, so this half alone
      proves that every op compiles for both architectures), writes random inputs and the
      reference interpreter's results (themselves checked against NumPy, as in e2e.py), and a
      manifest.json describing it all. Without --op, the graphs of examples/*/*.mlir too
      (op "example:<name>"), with the reference interpreter's results as the reference.
  gpu.py check --kiln-run PATH DIR
      Runs every case of a prepared DIR with `kiln-run --device cuda` and compares each result
      with the reference within the case's tolerance. Needs a GPU, kiln-run and NumPy.
  gpu.py emulate --tools BUILD/bin --driver FAKE.so --llc LLC --out DIR [--op NAME]...
      Both halves without a GPU: `prepare`, then every case with `kiln-run --device cuda` on a
      fake driver (fake_cuda.c, the CMake target kiln_fake_cuda) posing as sm_80 and as sm_90, which
      runs the kernels on the CPU (the chip's kernels rebuilt for the host by simt.py, one
      fiber per CUDA thread in simt.c; the sm_80 run schedules threads in reverse order), and
      `check`'s comparison of every result. The driver also fails a case whose host code asks
      for what a real driver would refuse: a kernel that is not in the cubin, a launch beyond
      the kernel's registers or shared memory, a pointer parameter or a copy outside live
      device memory, a free of anything but an allocation. What it cannot show is what only
      the hardware does: ptxas's code, timing, and approximate instructions' last bits (simt.c
      computes them exactly).
"""
import argparse
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# The e2e cases and their comparison come from the e2e harness, the .npy dtypes from kilntest
# (test/lib); simt.py lives here.
sys.path.insert(0, os.path.join(HERE, "..", "e2e", "harness"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import e2e  # noqa: E402
import simt  # noqa: E402
from kilntest import NPY  # noqa: E402

TARGETS = "x86-64,cuda:sm_80,cuda:sm_90"


def compile_op(args, op):
    """Writes the op's module and compiles it for TARGETS; returns (cases, source, library).
    The source is written into args.out beside its library, as {op}.mlir."""
    cases = e2e.CASES[op]()
    src = os.path.join(args.out, f"{op}.mlir")
    with open(src, "w") as f:
        f.write(e2e.module_text(cases))
    lib = f"{op}.so"
    e2e.run([os.path.join(args.tools, "kilnc"), src, "--emit=shared", "-O3",
             f"--target={TARGETS}", "-o", os.path.join(args.out, lib)])
    return cases, src, lib


EXAMPLES = os.path.join(HERE, "..", "..", "examples")
# f32 graphs with exp, matmuls and row reductions, against the interpreter's float64: the
# GPU sums in another order and uses libdevice's exp. The absolute tolerance scales with each
# result's largest magnitude: a small value left by cancelling large terms keeps their rounding
# error (attention's residual sums reach 100, whose f32 ulp is 8e-6; on the CPU and emulated,
# an element of 0.16 is off by 1.6e-4).
EXAMPLE_RTOL, EXAMPLE_ATOL = 1e-4, 1e-5


def example_signature(kiln_run, lib):
    """[(graph, [(dtype, shape)] of its inputs, number of results)] from `kiln-run --list`,
    whose lines read `  g(x: f32[8x512], t: f32[]) -> (result0: f32[8x256])`."""
    listing = subprocess.run([kiln_run, lib, "--list"], capture_output=True, text=True,
                             check=True).stdout
    graphs = []
    for line in listing.splitlines()[1:]:
        m = re.match(r"\s*(\w+)\((.*)\) -> \((.*)\)", line)
        if not m:
            continue
        args = [(dtype, tuple(int(d) for d in dims.split("x") if d))
                for _, dtype, dims in re.findall(r"(\w+): (\w+)\[([0-9x]*)\]", m.group(2))]
        graphs.append((m.group(1), args, len(re.findall(r"\w+: ", m.group(3)))))
    return graphs


def prepare_examples(args, manifest, rng):
    """Compiles each example for TARGETS and adds its graphs, on random inputs and with the
    interpreter's results, to manifest."""
    kiln_run = os.path.join(args.tools, "kiln-run")
    interp = os.path.join(args.tools, "kiln-interp")
    for src in sorted(glob.glob(os.path.join(EXAMPLES, "*", "*.mlir"))):
        name = os.path.splitext(os.path.basename(src))[0]
        lib = f"example.{name}.so"
        e2e.run([os.path.join(args.tools, "kilnc"), src, "--emit=shared", "-O3",
                 f"--target={TARGETS}", "-o", os.path.join(args.out, lib)])
        entries = []
        for graph, signature, results in example_signature(kiln_run, os.path.join(args.out, lib)):
            inputs = []
            for j, (dtype, shape) in enumerate(signature):
                kind = NPY[dtype]
                if np.issubdtype(kind, np.integer):
                    a = rng.integers(-100, 100, size=shape).astype(kind)
                else:
                    a = rng.uniform(-1, 1, size=shape).astype(kind)
                inputs.append(f"example.{name}.{graph}.in{j}.npy")
                np.save(os.path.join(args.out, inputs[-1]), a)
            refs = [f"example.{name}.{graph}.ref{k}.npy" for k in range(results)]
            e2e.run_graph(interp, src, graph, [os.path.join(args.out, p) for p in inputs],
                          [os.path.join(args.out, p) for p in refs])
            atol = [EXAMPLE_ATOL * max(1.0, float(np.abs(np.load(os.path.join(args.out, r)))
                                                  .max(initial=0)))
                    for r in refs]
            entries.append({"graph": graph, "describe": f"examples/{name}", "inputs": inputs,
                            "refs": refs, "rtol": EXAMPLE_RTOL, "atol": atol})
        shutil.copyfile(src, os.path.join(args.out, f"example.{name}.mlir"))
        manifest.append({"op": f"example:{name}", "lib": lib, "source": f"example.{name}.mlir",
                         "cases": entries})


def write_references(args, interp, op, i, case, src, inputs, arrays, failures):
    """Writes the interpreter's results of case i of op, checked against NumPy's (problems go
    to failures); returns their file names."""
    numpy_refs = case.reference([a.astype(np.float64) if a.dtype.kind == "f" else a
                                 for a in arrays])
    refs = [f"{op}.g{i}.ref{k}.npy" for k in range(len(numpy_refs))]
    e2e.run_graph(interp, src, f"g{i}", [os.path.join(args.out, p) for p in inputs],
                  [os.path.join(args.out, p) for p in refs])
    for k, numpy_ref in enumerate(numpy_refs):
        got = np.load(os.path.join(args.out, refs[k]))
        problem = e2e.compare(case, f"{op} case {i} kiln-interp vs NumPy result {k}",
                              got, np.asarray(numpy_ref))
        if problem:
            failures.append(problem)
    return refs


def write_cases(args):
    """`prepare`'s work: writes the cases and manifest.json; returns (manifest, whether a
    reference result disagreed with NumPy's)."""
    interp = os.path.join(args.tools, "kiln-interp")
    os.makedirs(args.out, exist_ok=True)
    manifest = []
    failures = []
    for op in args.op or sorted(e2e.CASES):
        cases, src, lib = compile_op(args, op)
        rng = np.random.default_rng(sum(map(ord, op)))
        entries = []
        for i, case in enumerate(cases):
            arrays = case.make_inputs(rng)
            inputs = []
            for j, a in enumerate(arrays):
                inputs.append(f"{op}.g{i}.in{j}.npy")
                np.save(os.path.join(args.out, inputs[-1]), a)
            refs = write_references(args, interp, op, i, case, src, inputs, arrays, failures)
            entries.append({"graph": f"g{i}", "describe": case.describe(), "inputs": inputs,
                            "refs": refs, "rtol": case.rtol, "atol": case.atol})
        manifest.append({"op": op, "lib": lib, "source": f"{op}.mlir", "cases": entries})
    if not args.op:
        prepare_examples(args, manifest, np.random.default_rng(7))
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    for problem in failures:
        print("FAIL", problem)
    print(f"prepared {sum(len(m['cases']) for m in manifest)} cases of {len(manifest)} ops "
          f"for {TARGETS}; {len(failures)} reference problems")
    return manifest, bool(failures)


def prepare(args):
    return 1 if write_cases(args)[1] else 0


def run_on_cuda(kiln_run, directory, module, entry, outs=(), env=None):
    """Runs one case of a prepared directory with `kiln-run --device cuda`."""
    cmd = [kiln_run, os.path.join(directory, module["lib"]), "--graph", entry["graph"],
           "--device", "cuda"]
    for p in entry["inputs"]:
        cmd += ["--input", os.path.join(directory, p)]
    for p in outs:
        cmd += ["--output", p]
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


def case_name(module, entry):
    return f"{module['op']} {entry['graph']} ({entry['describe']})"


def check_case(args, module, entry, env=None, device="cuda"):
    """Runs one case on the GPU (with env, on the fake driver running the kernels' host build);
    returns (results checked, kernels launched on the fake driver, problems)."""
    outs = [os.path.join(args.tmp, f"{module['op']}.{entry['graph']}.{device}.out{k}.npy")
            for k in range(len(entry["refs"]))]
    r = run_on_cuda(args.kiln_run, args.dir, module, entry, outs, env)
    name = f"{case_name(module, entry)} on {device}"
    if r.returncode != 0 or "device: cuda" not in r.stderr or "fake-cuda: error" in r.stderr:
        return 0, 0, [f"{name}: kiln-run failed ({r.returncode}): {r.stderr.strip()}"]
    problems = []
    for k, (out, ref) in enumerate(zip(outs, entry["refs"])):
        ref = np.load(os.path.join(args.dir, ref))
        ref = ref.astype(np.float64) if ref.dtype.kind == "f" else ref
        # Examples' absolute tolerances are per result (prepare_examples).
        atol = entry["atol"][k] if isinstance(entry["atol"], list) else entry["atol"]
        case = types.SimpleNamespace(rtol=entry["rtol"], atol=atol)
        problem = e2e.compare(case, f"{name} vs kiln-interp result {k}", np.load(out), ref)
        if problem:
            problems.append(problem)
    return len(outs), r.stderr.count("fake-cuda: launch "), problems


def check(args):
    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    os.makedirs(args.tmp, exist_ok=True)
    jobs = [(module, entry) for module in manifest for entry in module["cases"]
            if not args.op or module["op"] in args.op]
    # Each kiln-run pays for creating a CUDA context; several run at once.
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda job: check_case(args, *job), jobs))
    checked = sum(n for n, _, _ in results)
    failures = [p for _, _, problems in results for p in problems]
    for problem in failures:
        print("FAIL", problem)
    print(f"cuda: {checked} results checked, {len(failures)} failed")
    return 1 if failures else 0


def build_host_kernels(args, module, chip):
    """Builds the module's kernels for `chip` and the host (simt.py); returns (library,
    problem)."""
    library = os.path.join(args.out, f"{module['lib'][:-len('.so')]}.{chip}.simt.so")
    try:
        simt.build(os.path.join(args.out, module["source"]), library,
                   os.path.join(args.tools, "kilnc"), args.llc, chip=chip)
    except simt.BuildError as e:
        return library, f"{module['op']}: cannot build its {chip} kernels for the host: {e}"
    return library, None


def emulate(args):
    manifest, failed = write_cases(args)
    if failed:
        return 1
    args.kiln_run, args.dir = os.path.join(args.tools, "kiln-run"), args.out
    args.tmp = os.path.join(args.out, "results")
    os.makedirs(args.tmp, exist_ok=True)
    failures, jobs = [], []
    for sm in (80, 90):
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            built = list(pool.map(lambda m: build_host_kernels(args, m, f"sm_{sm}"), manifest))
        failures += [problem for _, problem in built if problem]
        for module, (library, problem) in zip(manifest, built):
            # The two runs schedule a block's threads in opposite orders, so that a missing
            # barrier shows in one of them whichever thread writes first (simt.c).
            env = dict(os.environ, KILN_CUDA_DRIVER=os.path.abspath(args.driver),
                       FAKE_CUDA_SM=str(sm), FAKE_CUDA_KERNELS=os.path.abspath(library),
                       KILN_SIMT_ORDER="reverse" if sm == 80 else "forward")
            jobs += [(module, entry, env, f"sm_{sm}") for entry in module["cases"]
                     if not problem]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda job: check_case(args, *job), jobs))
    failures += [p for _, _, problems in results for p in problems]
    for problem in failures:
        print("FAIL", problem)
    print(f"emulated: {len(jobs)} case runs on the fake driver (sm_80 and sm_90), "
          f"{sum(n for _, n, _ in results)} launches, {sum(n for n, _, _ in results)} results "
          f"compared, {len(failures)} failed")
    return 1 if failures else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ["prepare", "emulate"]:
        pp = sub.add_parser(name)
        pp.add_argument("--tools", required=True)
        pp.add_argument("--out", required=True)
        pp.add_argument("--op", action="append")
        if name == "emulate":
            pp.add_argument("--driver", required=True)
            pp.add_argument("--llc", required=True)
            pp.add_argument("--jobs", type=int, default=os.cpu_count())
    pc = sub.add_parser("check")
    pc.add_argument("--kiln-run", required=True)
    pc.add_argument("--tmp", default="/tmp/kiln-gpu-check")
    pc.add_argument("--jobs", type=int, default=8)
    pc.add_argument("--op", action="append")
    pc.add_argument("dir")
    args = p.parse_args()
    return {"prepare": prepare, "emulate": emulate, "check": check}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
