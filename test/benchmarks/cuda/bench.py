#!/usr/bin/python3
"""GPU benchmarks: Kiln's CUDA code against cuBLAS/PyTorch and the copy bandwidth, in one run.

  bench.py prepare --tools BUILD/bin --out DIR    compile graphs.mlir for sm_80 and sm_90
  bench.py run --kiln-run PATH DIR [--runs N]     on a GPU machine with PyTorch

Kiln's time is the median GPU time of its kernels (CUDA events around the graph's launches, as
`kiln-run --bench` prints it), without the host<->GPU copies of kiln-run's host buffers. The
references run in the same process family on the same GPU: a device-to-device copy of the
chain's bytes (bandwidth bound), torch.softmax / layer_norm, and torch.mm in f32 (TF32 off:
cuBLAS SGEMM) and bf16. Ratio = reference time / Kiln time (above 1: Kiln is faster).
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# name -> (inputs as (shape, kind)), bytes moved at the bandwidth bound, flops)
CASES = {
    "chain": ([((1 << 26,), "any"), ((1 << 26,), "any")], 12 * (1 << 26), 0),
    "softmax": ([((4096, 1024), "any")], 8 * 4096 * 1024, 0),
    "layer_norm": ([((4096, 1024), "any"), ((1024,), "any"), ((1024,), "any")],
                   8 * 4096 * 1024, 0),
    "sgemm": ([((4096, 4096), "any"), ((4096, 4096), "any")], 0, 2 * 4096 ** 3),
    "bgemm": ([((4096, 4096), "any"), ((4096, 4096), "any")], 0, 2 * 4096 ** 3),
}


def prepare(args):
    os.makedirs(args.out, exist_ok=True)
    subprocess.run([os.path.join(args.tools, "kilnc"), os.path.join(HERE, "graphs.mlir"),
                    "--emit=shared", "-O3", "--target=x86-64,cuda:sm_80,cuda:sm_90", "-o",
                    os.path.join(args.out, "bench.so")], check=True)
    return 0


def kiln_time(args, name):
    rng = np.random.default_rng(0)
    cmd = [args.kiln_run, os.path.join(args.dir, "bench.so"), "--graph", name, "--device",
           "cuda", "--bench", str(args.runs)]
    for i, (shape, _) in enumerate(CASES[name][0]):
        path = os.path.join(args.tmp, f"{name}.in{i}.npy")
        np.save(path, rng.standard_normal(shape, dtype=np.float32))
        cmd += ["--input", path]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(r"gpu time \(kernels, CUDA events\): min \S+ \S+, median (\S+) (\S+),.*; "
                  r"(\d+) kernel", out)
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]
    return float(m.group(1)) * scale, int(m.group(3))


def torch_time(fn, runs):
    import torch
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(stop) * 1e-3)
    return float(np.median(times))


def references(runs):
    import torch
    import torch.nn.functional as F
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = "cuda"
    n = 1 << 26
    src = torch.randn(3 * n, device=dev)
    dst = torch.empty_like(src)
    x = torch.randn(4096, 1024, device=dev)
    g, b = torch.randn(1024, device=dev), torch.randn(1024, device=dev)
    a32, b32 = torch.randn(4096, 4096, device=dev), torch.randn(4096, 4096, device=dev)
    a16, b16 = a32.bfloat16(), b32.bfloat16()
    # The chain reads 8 and writes 4 bytes per element; a copy of 3n floats reads and writes
    # 24n bytes, so moving the chain's 12n bytes at copy bandwidth takes half its time.
    copy = torch_time(lambda: dst.copy_(src), runs) / 2
    return {
        "chain": ("D2D copy of the same bytes", copy),
        "softmax": ("torch.softmax", torch_time(lambda: torch.softmax(x, -1), runs)),
        "layer_norm": ("F.layer_norm", torch_time(lambda: F.layer_norm(x, (1024,), g, b), runs)),
        "sgemm": ("cuBLAS SGEMM (torch.mm f32, no TF32)", torch_time(lambda: a32 @ b32, runs)),
        "bgemm": ("cuBLAS bf16 GEMM (torch.mm)", torch_time(lambda: a16 @ b16, runs)),
    }


def run(args):
    os.makedirs(args.tmp, exist_ok=True)
    refs = references(args.runs)
    print(f"{'case':<11} {'kiln':>11} {'reference':>11} {'ratio':>7}  kernels  notes")
    for name, (inputs, nbytes, flops) in CASES.items():
        t, kernels = kiln_time(args, name)
        label, ref = refs[name]
        rate = (f"{nbytes / t / 1e9:.0f} GB/s" if nbytes else f"{flops / t / 1e12:.2f} TFLOP/s")
        ref_rate = (f"{nbytes / ref / 1e9:.0f} GB/s" if nbytes
                    else f"{flops / ref / 1e12:.1f} TFLOP/s")
        print(f"{name:<11} {t * 1e3:9.3f}ms {ref * 1e3:9.3f}ms {ref / t:7.3f}  {kernels:7d}  "
              f"Kiln {rate}; {label} {ref_rate}")
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("prepare")
    pp.add_argument("--tools", required=True)
    pp.add_argument("--out", required=True)
    pr = sub.add_parser("run")
    pr.add_argument("--kiln-run", required=True)
    pr.add_argument("--runs", type=int, default=10)
    pr.add_argument("--tmp", default="/tmp/kiln-gpu-bench")
    pr.add_argument("dir")
    args = p.parse_args()
    return {"prepare": prepare, "run": run}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
