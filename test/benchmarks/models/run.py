#!/usr/bin/env python3
"""Whole models: Kiln against the runtimes users would otherwise pick, side by side, in one run.

For each model (random weights from the torch definitions below and in test/onnx/models) and
batch size, the model is exported to ONNX once; Kiln compiles that file (kilnc, timed) and every
peer loads the same file: onnxruntime (CPU provider, all graph optimizations), OpenVINO (CPU,
latency hint, f32 inference precision), IREE (iree-import-onnx, iree-compile for llvm-cpu with
the host CPU, local-task driver) and torch eager on the model itself. Every output is checked
against onnxruntime's (rtol 1e-3, atol 1e-4 x max |output|) before anything is timed; a peer
that fails to load, compile or agree is reported as such, never timed. Then each runs one
warm-up call and --runs timed calls per thread count; the table gives the medians and the
ratios peer time / Kiln time (> 1: Kiln is faster), with the machine's FMA peak and triad from
kiln-benchmarks in the same run and the peers' versions.

  test/benchmarks/models/install-peers.sh          # once: the pinned peers in .venv-bench
  .venv-bench/bin/python3 test/benchmarks/models/run.py --tools build/bin \\
      [--models resnet50,...] [--batches 1,8] [--threads 1,2] [--runs 10] [--work DIR]
"""
import argparse
import importlib.metadata
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torchvision
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "onnx", "models"))
from run_models import BertEncoder, GPT2Block, randomize_batchnorm  # noqa: E402

RTOL, ATOL_SCALE = 1e-3, 1e-4
SEQ = 128


class GPT2Stack(nn.Module):
    """GPT-2 small's transformer: 12 blocks of hidden 768 and 12 heads over 128 positions, with
    the final LayerNorm, on the embedded sequence."""

    def __init__(self, blocks=12, hidden=768, heads=12, seq=SEQ):
        super().__init__()
        self.blocks = nn.Sequential(*[GPT2Block(hidden, heads, seq) for _ in range(blocks)])
        self.norm = nn.LayerNorm(hidden)

    def forward(self, x):
        return self.norm(self.blocks(x))


def model_specs():
    """name -> (make the model, inputs for a batch size, ONNX opset)."""
    def image(batch):
        return (torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(1)),)

    def tokens(batch):
        rng = torch.Generator().manual_seed(2)
        ids = torch.randint(0, 30522, (batch, SEQ), generator=rng)
        mask = torch.ones(batch, SEQ, dtype=torch.int64)
        mask[:, SEQ - 16:] = 0
        return ids, mask

    def hidden(batch):
        return (torch.randn(batch, SEQ, 768, generator=torch.Generator().manual_seed(3)),)

    return {
        "resnet50": (lambda: randomize_batchnorm(torchvision.models.resnet50()), image, 13),
        "mobilenet_v2": (lambda: randomize_batchnorm(torchvision.models.mobilenet_v2()), image,
                         13),
        "efficientnet_b0": (lambda: randomize_batchnorm(torchvision.models.efficientnet_b0()),
                            image, 13),
        "bert_base": (lambda: BertEncoder(hidden=768, heads=12, layers=12, seq=SEQ), tokens, 13),
        # LayerNormalization is an ONNX op from opset 17.
        "gpt2_small": (lambda: GPT2Stack(), hidden, 17),
    }


def median_ms(call, runs):
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def agrees(got, expected):
    got = np.asarray(got, np.float64).reshape(expected.shape)
    atol = ATOL_SCALE * float(np.abs(expected).max())
    return bool(np.allclose(got, expected, rtol=RTOL, atol=atol))


class Kiln:
    name = "kiln"

    def __init__(self, tools, path, work, inputs):
        self.tools, self.work = tools, work
        self.artifact = os.path.join(work, "model.so")
        start = time.monotonic()
        r = subprocess.run([os.path.join(tools, "kilnc"), path, "--emit=shared", "-o",
                            self.artifact], capture_output=True, text=True)
        self.compile_s = time.monotonic() - start
        if r.returncode != 0:
            raise RuntimeError(f"kilnc failed: {r.stderr.strip()[:400]}")
        self.inputs = []
        for i, x in enumerate(inputs):
            npy = os.path.join(work, f"in{i}.npy")
            np.save(npy, x)
            self.inputs += ["--input", npy]

    def _run(self, extra):
        cmd = [os.path.join(self.tools, "kiln-run"), self.artifact] + self.inputs + extra
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"kiln-run failed: {r.stderr.strip()[:400]}")
        return r.stdout + r.stderr

    def output(self):
        out = os.path.join(self.work, "out.npy")
        self._run(["--output", out])
        return np.load(out)

    def time_ms(self, threads, runs):
        text = self._run(["--threads", str(threads), "--bench", str(runs)])
        m = re.search(r"median ([0-9.]+) (ns|us|µs|ms|s)\b", text)
        if not m:
            raise RuntimeError(f"no median in kiln-run --bench output: {text[:300]}")
        unit = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]
        return float(m.group(1)) * unit


class OnnxRuntime:
    name = "onnxruntime"

    def __init__(self, path, inputs):
        import onnxruntime
        self.ort, self.path, self.inputs = onnxruntime, path, inputs
        self.feeds = None

    def session(self, threads):
        options = self.ort.SessionOptions()
        options.graph_optimization_level = self.ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = self.ort.InferenceSession(self.path, options,
                                            providers=["CPUExecutionProvider"])
        self.feeds = {i.name: x for i, x in zip(session.get_inputs(), self.inputs)}
        return session

    def output(self):
        session = self.session(1)
        return session.run(None, self.feeds)[0]

    def time_ms(self, threads, runs):
        session = self.session(threads)
        return median_ms(lambda: session.run(None, self.feeds), runs)


class OpenVINO:
    name = "openvino"

    def __init__(self, path, inputs):
        import openvino
        self.ov, self.core, self.inputs = openvino, openvino.Core(), inputs
        self.model = self.core.read_model(path)

    def compiled(self, threads):
        return self.core.compile_model(self.model, "CPU", {
            "PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": threads,
            "INFERENCE_PRECISION_HINT": "f32"})

    def output(self):
        request = self.compiled(1).create_infer_request()
        return request.infer(self.inputs)[0]

    def time_ms(self, threads, runs):
        request = self.compiled(threads).create_infer_request()
        return median_ms(lambda: request.infer(self.inputs), runs)


class IREE:
    name = "iree"

    def __init__(self, path, work, inputs):
        import iree.runtime
        import onnx
        self.rt, self.inputs = iree.runtime, inputs
        # iree-import-onnx names the entry after the ONNX graph.
        self.entry = onnx.load(path, load_external_data=False).graph.name
        bindir = os.path.dirname(sys.executable)
        mlir = os.path.join(work, "model.iree.mlir")
        self.vmfb = os.path.join(work, "model.vmfb")
        for cmd in ([os.path.join(bindir, "iree-import-onnx"), path, "-o", mlir],
                    [os.path.join(bindir, "iree-compile"), mlir,
                     "--iree-hal-target-device=local",
                     "--iree-hal-local-target-device-backends=llvm-cpu",
                     "--iree-llvmcpu-target-cpu=host", "-o", self.vmfb]):
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"{os.path.basename(cmd[0])} failed: {r.stderr.strip()[:400]}")

    def function(self, threads):
        # The task executor's worker count; a fresh instance per thread count.
        self.rt.flags.parse_flags(f"--task_topology_max_group_count={threads}")
        config = self.rt.Config("local-task")
        ctx = self.rt.SystemContext(config=config)
        ctx.add_vm_module(self.rt.VmModule.mmap(config.vm_instance, self.vmfb))
        return ctx.modules.module[self.entry]

    def output(self):
        return np.asarray(self.function(1)(*self.inputs))

    def time_ms(self, threads, runs):
        f = self.function(threads)
        return median_ms(lambda: np.asarray(f(*self.inputs)), runs)


class TorchEager:
    name = "torch"

    def __init__(self, model, inputs):
        self.model, self.inputs = model, [torch.from_numpy(x) for x in inputs]

    def output(self):
        with torch.inference_mode():
            return self.model(*self.inputs).numpy()

    def time_ms(self, threads, runs):
        torch.set_num_threads(threads)
        with torch.inference_mode():
            return median_ms(lambda: self.model(*self.inputs), runs)


def machine_limits(tools):
    """The FMA peak and the triad bandwidth, from kiln-benchmarks in this run."""
    r = subprocess.run([os.path.join(tools, "kiln-benchmarks"),
                        "--benchmark_filter=^(peak_fp32/|chain_16M/t[12]/triad)"],
                       capture_output=True, text=True)
    lines = [line for line in r.stdout.splitlines() if line.startswith("measured ")]
    return lines or [f"kiln-benchmarks gave no peak/triad (exit {r.returncode})"]


def versions():
    names = ["onnxruntime", "openvino", "iree-base-compiler", "iree-base-runtime", "torch",
             "onnx", "numpy"]
    out = []
    for name in names:
        try:
            out.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"{name} (not installed)")
    return ", ".join(out)


def bench_model(name, spec, batch, args, rows):
    make, inputs_for, opset = spec
    torch.manual_seed(0)
    model = make().eval()
    tensors = inputs_for(batch)
    inputs = [t.numpy() for t in tensors]
    work = os.path.join(args.work, f"{name}-b{batch}")
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "model.onnx")
    names = [f"input{i}" for i in range(len(tensors))]
    torch.onnx.export(model, tensors, path, input_names=names, output_names=["output"],
                      opset_version=opset)
    reference = OnnxRuntime(path, inputs)
    expected = np.asarray(reference.output(), np.float64)
    peers = {}
    notes = []
    makers = [("kiln", lambda: Kiln(args.tools, path, work, inputs)),
              ("onnxruntime", lambda: reference),
              ("iree", lambda: IREE(path, work, inputs)),
              ("openvino", lambda: OpenVINO(path, inputs)),
              ("torch", lambda: TorchEager(model, inputs))]
    for peer, build in makers:
        try:
            runner = build()
            if not agrees(runner.output(), expected):
                raise RuntimeError("its output does not match onnxruntime's")
            peers[peer] = runner
        except Exception as e:  # noqa: BLE001 - any peer failure is reported, not fatal
            notes.append(f"{name} batch {batch}: {peer}: {str(e).splitlines()[0][:300]}")
    compile_s = peers["kiln"].compile_s if "kiln" in peers else float("nan")
    for threads in args.threads:
        times = {}
        for peer, runner in peers.items():
            times[peer] = runner.time_ms(threads, args.runs)
        rows.append((name, batch, threads, compile_s, times))
        print(format_row(rows[-1]), flush=True)
    return notes


PEERS = ["onnxruntime", "iree", "openvino", "torch"]


def format_row(row):
    name, batch, threads, compile_s, times = row
    kiln = times.get("kiln")
    cells = [f"{name:16s}", f"{batch:5d}", f"{threads:3d}",
             f"{kiln:10.2f}" if kiln else f"{'-':>10s}"]
    for peer in PEERS:
        t = times.get(peer)
        if t is None:
            cells.append(f"{'-':>17s}")
        elif kiln:
            cells.append(f"{t:9.2f} {t / kiln:6.2f}x")
        else:
            cells.append(f"{t:9.2f} {'-':>7s}")
    return " ".join(cells)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tools", required=True, help="directory with kilnc, kiln-run, "
                   "kiln-benchmarks")
    p.add_argument("--models", default=",".join(model_specs()))
    p.add_argument("--batches", default="1,8")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--work", help="keep the models and artifacts here (default: a temporary "
                   "directory)")
    args = p.parse_args()
    args.threads = [int(t) for t in args.threads.split(",")]
    specs = model_specs()
    unknown = [m for m in args.models.split(",") if m not in specs]
    if unknown:
        sys.exit(f"unknown models: {', '.join(unknown)} (known: {', '.join(specs)})")
    temporary = None
    if not args.work:
        temporary = tempfile.TemporaryDirectory()
        args.work = temporary.name
    commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    print(f"commit {commit}; {versions()}")
    for line in machine_limits(args.tools):
        print(line)
    print(f"medians of {args.runs} runs after one warm-up, in ms; ratio = peer time / Kiln "
          "time (> 1: Kiln is faster)")
    print(f"{'model':16s} {'batch':>5s} {'thr':>3s} {'kiln ms':>10s} " +
          " ".join(f"{peer:>17s}" for peer in PEERS))
    rows, notes = [], []
    for name in args.models.split(","):
        for batch in [int(b) for b in args.batches.split(",")]:
            notes += bench_model(name, specs[name], batch, args, rows)
    print("\nkilnc compile time: " + ", ".join(
        f"{name} b{batch} {compile_s:.1f} s" for name, batch, threads, compile_s, _ in rows
        if threads == args.threads[0]))
    for note in notes:
        print("not timed:", note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
