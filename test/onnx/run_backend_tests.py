#!/usr/bin/env python3
"""Runs the ONNX backend test suite (Debian's libonnx-testdata) through kilnc and kiln-run.

Each test's model.onnx is compiled with kilnc to a shared artifact, run with kiln-run on every
test_data_set_*/input_N.pb, and its results compared with output_N.pb at the suite's
tolerances (rtol 1e-3, atol 1e-7; integers and booleans exactly). Each test ends as

  pass                    every output of every data set matches
  pass with build-time inputs: NAMES
                          the same, after kilnc refused the model because inputs decide
                          shapes (integer inputs, a Resize's scales), with those inputs given
                          to kilnc (--input-value)
  unsupported: REASON     kilnc refused the model (exit 1): REASON is its first problem line
  fail: WHAT              a wrong result, a kiln-run error, a crash or a hang

The expected outcome of every test is kept in expectations.txt; any difference (a regression, a
new failure, or a pass that was not recorded) fails the run. Wrong results are never
expectations: what Kiln cannot compute right, the importer refuses. --update rewrites the file
from this run, and refuses to when a test fails.
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

SUITES = ("node", "pytorch-converted", "pytorch-operator", "simple")
RTOL, ATOL = 1e-3, 1e-7
TIMEOUT_S = 300


def read_tensor(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def data_files(data_set, prefix):
    files = [f for f in os.listdir(data_set) if re.fullmatch(prefix + r"_\d+\.pb", f)]
    return [os.path.join(data_set, f) for f in sorted(files, key=lambda f: int(f[len(prefix) + 1:-3]))]


def first_problem(stderr, model):
    for line in stderr.splitlines():
        if ": error: " in line:
            return line.split(": error: ", 1)[1].strip()
    return stderr.strip().splitlines()[-1] if stderr.strip() else "no message"


def compare(actual, expected):
    if actual.shape != expected.shape:
        return f"shape {actual.shape}, expected {expected.shape}"
    if actual.dtype != expected.dtype:
        return f"dtype {actual.dtype}, expected {expected.dtype}"
    if expected.dtype.kind in "fc":
        ok = np.isclose(actual, expected, rtol=RTOL, atol=ATOL, equal_nan=True)
        if not ok.all():
            diff = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
            return f"{int((~ok).sum())} of {ok.size} elements differ, max |diff| {np.nanmax(diff):.3g}"
        return None
    if not np.array_equal(actual, expected):
        return f"{int((actual != expected).sum())} of {actual.size} elements differ"
    return None


def run_command(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None
    return p


# Problems that giving the model's inputs at build time (kilnc --input-value) solves:
# Kiln compiles static shapes, and these inputs decide them. The importer names the values it
# needs; a shape that ONNX shape inference left dynamic names none.
NEEDS_CONSTANT = re.compile(r"\(value '([^']+)'\) must be a constant|is not static after ONNX shape inference")


def constant_inputs(test_dir, inputs, data_sets, stderr):
    """The inputs to give at build time, if every data set gives each the same value."""
    named = set()
    for match in NEEDS_CONSTANT.finditer(stderr):
        named.add(match.group(1))
    graph_inputs = {i.name: i for i in onnx.load(os.path.join(test_dir, "model.onnx")).graph.input}
    integer = (onnx.TensorProto.INT64, onnx.TensorProto.INT32)
    chosen = [i for i, name in enumerate(inputs)
              if (name in named if None not in named else
                  graph_inputs[name].type.tensor_type.elem_type in integer)]
    for i in chosen:
        values = [read_tensor(data_files(os.path.join(test_dir, d), "input")[i]) for d in data_sets]
        if any(not np.array_equal(values[0], v) for v in values[1:]):
            return []
    return chosen


def run_test(test_dir, kilnc, kiln_run, scratch):
    model = os.path.join(test_dir, "model.onnx")
    artifact = os.path.join(scratch, "model.so")
    graph = onnx.load(model, load_external_data=False).graph
    initializers = {t.name for t in graph.initializer}
    inputs = [i.name for i in graph.input if i.name not in initializers]
    data_sets = sorted(d for d in os.listdir(test_dir) if d.startswith("test_data_set_"))
    frozen = []
    compile_cmd = [kilnc, model, "--emit=shared", "--graph-name=model", "-o", artifact]
    p = run_command(compile_cmd)
    # Each retry may reveal the next value needed (a Slice's ends after its starts).
    for _ in range(3):
        if p is None or p.returncode != 1 or not NEEDS_CONSTANT.search(p.stderr):
            break
        more = [i for i in constant_inputs(test_dir, inputs, data_sets, p.stderr) if i not in frozen]
        if not more:
            break
        frozen += more
        first = os.path.join(test_dir, data_sets[0])
        bindings = [f"--input-value={inputs[i]}={data_files(first, 'input')[i]}" for i in frozen]
        p = run_command(compile_cmd + bindings)
    if p is None:
        return "fail: kilnc hangs"
    if p.returncode == 1:
        return "unsupported: " + first_problem(p.stderr, model)
    if p.returncode != 0:
        return f"fail: kilnc crashes (exit {p.returncode})"
    bf16 = onnx.TensorProto.BFLOAT16
    if any(v.type.tensor_type.elem_type == bf16 for v in list(graph.input) + list(graph.output)):
        return "unsupported: bf16 graph inputs and outputs cannot travel through .npy files (kiln-run)"
    for data_set in data_sets:
        path = os.path.join(test_dir, data_set)
        input_files = data_files(path, "input")
        output_files = data_files(path, "output")
        if len(input_files) != len(inputs):
            return f"fail: {data_set} has {len(input_files)} inputs for {len(inputs)} graph inputs"
        cmd = [kiln_run, artifact, "--graph", "model"]
        for i, f in enumerate(input_files):
            if i in frozen:
                continue
            npy = os.path.join(scratch, f"in{i}.npy")
            np.save(npy, read_tensor(f))
            cmd += ["--input", npy]
        outs = [os.path.join(scratch, f"out{i}.npy") for i in range(len(output_files))]
        for out in outs:
            cmd += ["--output", out]
        p = run_command(cmd)
        if p is None:
            return "fail: kiln-run hangs"
        if p.returncode != 0:
            what = "crashes" if p.returncode < 0 or p.returncode > 1 else "fails"
            message = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
            return f"fail: kiln-run {what} (exit {p.returncode}): {message}"
        for i, (out, expected_file) in enumerate(zip(outs, output_files)):
            problem = compare(np.load(out), read_tensor(expected_file))
            if problem:
                return f"fail: {data_set} output {i}: {problem}"
    if frozen:
        return "pass with build-time inputs: " + ", ".join(inputs[i] for i in frozen)
    return "pass"


def read_expectations(path):
    expectations = {}
    if not os.path.exists(path):
        return expectations
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, outcome = line.split(" ", 1)
            expectations[name] = outcome
    return expectations


HEADER = """\
# Expected outcome of each ONNX backend test (ONNX 1.12, Debian's libonnx-testdata) with
# Kiln: `pass`, `pass with build-time inputs: <inputs given to kilnc --input-value>`, or
# `unsupported: <the importer's first problem line>`. A wrong result is never
# an expectation. Regenerate with test/onnx/run_backend_tests.py --update (see docs/onnx.md).
"""


def reason_category(outcome):
    """An unsupported outcome without the names of the model's values, for counting."""
    reason = outcome[len("unsupported: "):]
    node = re.match(r"node (?:'[^']*' )?\((\w+), opset \d+\): (.*)", reason)
    if node:
        op, why = node.groups()
        if why.startswith("op type"):
            return f"op {op} not supported yet"
        return f"{op}: " + re.sub(r"\(value '[^']*'\) ", "", why).split(";")[0]
    reason = re.sub(r"(input|output) '[^']*'", r"an \1", reason)
    reason = re.sub(r"for '[^']*'", "for a value", reason)
    reason = re.sub(r" \(dimension '[^']*'\)", "", reason)
    reason = re.sub(r"symbolic \('[^']*'\): fix it with --dim \S+", "symbolic", reason)
    return reason.split(";")[0].split(": [")[0]


def markdown(expectations):
    """The counts of docs/onnx.md, from the expectations."""
    lines = ["| suite | tests | pass | of which with build-time inputs | unsupported |",
             "|---|---|---|---|---|"]
    for suite in SUITES:
        results = [o for n, o in expectations.items() if n.startswith(suite + "/")]
        lines.append(f"| {suite} | {len(results)} | {sum(o.startswith('pass') for o in results)} | "
                     f"{sum(o.startswith('pass with') for o in results)} | "
                     f"{sum(o.startswith('unsupported') for o in results)} |")
    counts = {}
    for name, outcome in expectations.items():
        if name.startswith("node/") and outcome.startswith("unsupported"):
            category = reason_category(outcome)
            counts[category] = counts.get(category, 0) + 1
    lines += ["", "The node tests that are unsupported, by the first problem kilnc reports:", "",
              "| tests | reason |", "|---|---|"]
    for category, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {count} | {category} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kilnc")
    parser.add_argument("--kiln-run")
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    parser.add_argument("--expectations", default=os.path.join(os.path.dirname(__file__), "expectations.txt"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--filter", default="", help="regular expression on SUITE/TEST names")
    parser.add_argument("--update", action="store_true", help="rewrite the expectations file")
    parser.add_argument("--verbose", action="store_true", help="print every test's outcome")
    parser.add_argument("--markdown", action="store_true",
                        help="print the counts of the expectations file as docs/onnx.md shows them, "
                             "and run nothing")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(read_expectations(args.expectations)))
        return 0

    if not args.kilnc or not args.kiln_run:
        parser.error("--kilnc and --kiln-run are required")
    tests = []
    for suite in SUITES:
        root = os.path.join(args.data, suite)
        if not os.path.isdir(root):
            sys.exit(f"error: {root} is missing: install libonnx-testdata (scripts/install-deps.sh)")
        for name in sorted(os.listdir(root)):
            if os.path.exists(os.path.join(root, name, "model.onnx")) and re.search(args.filter, f"{suite}/{name}"):
                tests.append((f"{suite}/{name}", os.path.join(root, name)))

    def one(test):
        with tempfile.TemporaryDirectory(prefix="kiln-onnx-") as scratch:
            return test[0], run_test(test[1], args.kilnc, args.kiln_run, scratch)

    outcomes = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for name, outcome in pool.map(one, tests):
            outcomes[name] = outcome
            if args.verbose:
                print(f"{name} {outcome}", flush=True)

    counts = {}
    for suite in SUITES:
        results = [o for n, o in outcomes.items() if n.startswith(suite + "/")]
        counts[suite] = (len(results), sum(o.startswith("pass") for o in results),
                         sum(o.startswith("fail") for o in results),
                         sum(o.startswith("unsupported") for o in results))
        total, passed, failed, unsupported = counts[suite]
        with_inputs = sum(o.startswith("pass with") for o in results)
        if total:
            print(f"{suite}: {total} tests, {passed} pass ({with_inputs} with build-time inputs), "
                  f"{failed} fail, {unsupported} unsupported")

    failures = sorted(n for n, o in outcomes.items() if o.startswith("fail"))
    for name in failures:
        print(f"FAIL {name}: {outcomes[name][6:]}")
    if args.update:
        if failures:
            sys.exit(f"error: {len(failures)} tests fail; a wrong result cannot be an expectation")
        expectations = read_expectations(args.expectations) if args.filter else {}
        expectations.update(outcomes)
        with open(args.expectations, "w") as f:
            f.write(HEADER)
            for name in sorted(expectations):
                f.write(f"{name} {expectations[name]}\n")
        print(f"wrote {args.expectations}")
        return 0

    expectations = read_expectations(args.expectations)
    changed = 0
    for name in sorted(outcomes):
        expected = expectations.get(name)
        if outcomes[name].startswith("fail"):
            changed += 1
            continue
        if expected != outcomes[name]:
            changed += 1
            print(f"CHANGED {name}: expected '{expected}', got '{outcomes[name]}'")
    if changed:
        print(f"{changed} of {len(outcomes)} tests differ from {args.expectations}"
              " (fix them, or rerun with --update when a change is intended)")
        return 1
    print(f"all {len(outcomes)} tests as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
