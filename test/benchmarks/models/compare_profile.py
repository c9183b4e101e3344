#!/usr/bin/env python3
"""Where Kiln and onnxruntime differ on one model, node by node.

Runs the model of a run.py work directory (`--work DIR` there: DIR/<model>-b<batch>/ holds
model.onnx, model.so and in*.npy) through `kiln-run --profile` and through onnxruntime's own
profiler (CPU provider, all graph optimizations, the same thread count), and prints, per Kiln
kernel, the median time of each and the difference, largest first.

Both runtimes fuse ops, and name a fused kernel differently: Kiln by its first op (a
convolution with the relu and residual add after it), onnxruntime by its own node name, which
after its layout rewrite is often an output tensor's (`<node>_output_0_nchwc`). Each
onnxruntime node is mapped to the ONNX node it names (or whose output it names), and from there
back through the graph's inputs (up to four ops) to the nearest node that names a Kiln kernel.
Nodes left over are listed as onnxruntime's own: its layout reorders, and the nodes its
transformer fusions create (`*_token_*`: attention, skip-layer-norm), which name no ONNX node.

  .venv-bench/bin/python3 test/benchmarks/models/compare_profile.py --tools build/bin \\
      --work /tmp/bench --model resnet50 --batch 1 --threads 2 [--runs 40]
"""
import argparse
import collections
import glob
import json
import os
import re
import statistics
import subprocess

import numpy as np
import onnx
import onnxruntime as ort

KILN_LINE = re.compile(r"\s+[\d.]+%\s+([\d.]+) (ms|us)\s+\d+\s+(\S+)")
ORT_SUFFIXES = ("_nchwc",)
MAX_DEPTH = 4


def kiln_profile(tools, directory, inputs, threads, runs):
    """Kernel name -> median us per call, from kiln-run --profile."""
    command = [os.path.join(tools, "kiln-run"), os.path.join(directory, "model.so"),
               "--threads", str(threads), "--bench", str(runs), "--profile"]
    for path in inputs:
        command += ["--input", path]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    times = {}
    for line in out.splitlines():
        match = KILN_LINE.match(line)
        if match:
            times[match.group(3)] = float(match.group(1)) * (1000 if match.group(2) == "ms" else 1)
    return times


def ort_profile(directory, inputs, threads, runs):
    """onnxruntime node name -> median us per call, from its profiler."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(directory, "ort_profile")
    session = ort.InferenceSession(os.path.join(directory, "model.onnx"), options,
                                   providers=["CPUExecutionProvider"])
    feeds = {i.name: np.load(path) for i, path in zip(session.get_inputs(), inputs)}
    for _ in range(runs + 1):
        session.run(None, feeds)
    path = session.end_profiling()
    durations = collections.defaultdict(list)
    with open(path) as f:
        for event in json.load(f):
            name = event.get("name", "")
            if event.get("cat") == "Node" and name.endswith("_kernel_time"):
                durations[name[: -len("_kernel_time")]].append(event["dur"])
    os.remove(path)
    # The first call is the warm-up.
    return {name: statistics.median(d[1:] or d) for name, d in durations.items()}


def attribute(ort_names, kiln_names, graph):
    """onnxruntime node -> the Kiln kernel it belongs to (None when no node leads to one)."""
    producer = {out: node for node in graph.node for out in node.output}
    by_name = {node.name: node for node in graph.node}

    def onnx_node(name):
        for suffix in ORT_SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        return by_name.get(name) or producer.get(name)

    def nearest_kernel(node, depth=0):
        if node is None or depth > MAX_DEPTH:
            return None
        if node.name in kiln_names:
            return node.name
        for tensor in node.input:
            found = nearest_kernel(producer.get(tensor), depth + 1)
            if found:
                return found
        return None

    return {name: nearest_kernel(onnx_node(name)) for name in ort_names}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tools", required=True, help="directory with kiln-run")
    parser.add_argument("--work", required=True, help="run.py's --work directory")
    parser.add_argument("--model", required=True)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    directory = os.path.join(args.work, f"{args.model}-b{args.batch}")
    inputs = sorted(glob.glob(os.path.join(directory, "in*.npy")))
    if not inputs:
        parser.error(f"no inputs in {directory}: run run.py with --work {args.work} first")

    kiln = kiln_profile(args.tools, directory, inputs, args.threads, args.runs)
    ort_times = ort_profile(directory, inputs, args.threads, args.runs)
    owner = attribute(ort_times, set(kiln), onnx.load(os.path.join(directory, "model.onnx")).graph)
    ort_by_kernel = collections.defaultdict(float)
    ort_only = {}
    for name, t in ort_times.items():
        if owner[name]:
            ort_by_kernel[owner[name]] += t
        else:
            ort_only[name] = t

    print(f"{args.model} batch {args.batch}, {args.threads} thread(s), medians of {args.runs}, us")
    print(f"sum of kernels: kiln {sum(kiln.values()):.0f}, onnxruntime {sum(ort_times.values()):.0f}"
          f" ({sum(ort_only.values()):.0f} in nodes of its own)")
    print(f"{'kiln':>9} {'ort':>9} {'kiln-ort':>9}  kernel")
    rows = sorted(kiln, key=lambda k: kiln[k] - ort_by_kernel.get(k, 0), reverse=True)
    for name in rows:
        o = ort_by_kernel.get(name, 0)
        print(f"{kiln[name]:9.0f} {o:9.0f} {kiln[name] - o:+9.0f}  {name}")
    for name, t in sorted(ort_only.items(), key=lambda item: -item[1]):
        print(f"{'':9} {t:9.0f} {-t:+9.0f}  (onnxruntime) {name}")


if __name__ == "__main__":
    main()
