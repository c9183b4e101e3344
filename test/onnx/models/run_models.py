#!/usr/bin/env python3
"""Real architectures, random weights, checked end to end against torch and onnxruntime.

Each model is defined with torch (torchvision's, or the small transformers and the U-Net decoder
below), exported to ONNX, compiled with kilnc (--emit=shared), run with kiln-run on a random
input, and compared with torch's output and with onnxruntime's on the same ONNX file, each at
rtol 1e-3, atol 1e-4 x max |output|. A model compiled with --batch-chunk must also show, in
kiln-run's profile, every kernel started once per chunk. Prints, per model, the compile time, the artifact's size
and kilnc's peak memory; exits 1 if any model fails. Needs onnxruntime: run it with the Python
of the virtual environment that scripts/install-deps.sh makes (.venv/bin/python3).

  run_models.py --kilnc build/bin/kilnc --kiln-run build/bin/kiln-run [--only NAME] [--keep DIR]
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime
import torch
import torchvision
from torch import nn

RTOL, ATOL_SCALE = 1e-3, 1e-4


def randomize_batchnorm(model):
    """Random running statistics and affine terms: with torch's defaults every BatchNorm is
    near the identity and the outputs of deep models shrink towards zero."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.2, 0.2)
    return model


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10), nn.Softmax(dim=-1))

    def forward(self, x):
        return self.layers(x)


class BertEncoder(nn.Module):
    """Embeddings (word + position, LayerNorm), a padding mask, two post-norm layers of
    multi-head attention and an erf-GELU feed-forward, as BERT has them. The vocabulary is
    BERT-base's (30522 words): the lookup is one kiln.gather."""

    def __init__(self, vocab=30522, hidden=64, heads=4, layers=2, seq=16):
        super().__init__()
        self.heads = heads
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(seq, hidden)
        self.norm = nn.LayerNorm(hidden)
        self.layers = nn.ModuleList()
        for _ in range(layers):
            self.layers.append(nn.ModuleDict({
                "qkv": nn.Linear(hidden, 3 * hidden), "out": nn.Linear(hidden, hidden),
                "norm1": nn.LayerNorm(hidden), "up": nn.Linear(hidden, 4 * hidden),
                "down": nn.Linear(4 * hidden, hidden), "norm2": nn.LayerNorm(hidden)}))

    def forward(self, tokens, mask):
        b, s = tokens.shape
        positions = torch.arange(s).unsqueeze(0)
        x = self.norm(self.word(tokens) + self.position(positions))
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
        d = x.shape[-1] // self.heads
        for layer in self.layers:
            q, k, v = layer["qkv"](x).split(x.shape[-1], dim=-1)
            q, k, v = (t.reshape(b, s, self.heads, d).transpose(1, 2) for t in (q, k, v))
            scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
            attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, s, -1)
            x = layer["norm1"](x + layer["out"](attended))
            x = layer["norm2"](x + layer["down"](nn.functional.gelu(layer["up"](x))))
        return x


class GPT2Block(nn.Module):
    """A GPT-2 block: pre-norm, fused qkv split in three, a causal mask through Where, tanh GELU."""

    def __init__(self, hidden=64, heads=4, seq=16):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(hidden)
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.proj = nn.Linear(hidden, hidden)
        self.ln2 = nn.LayerNorm(hidden)
        self.up = nn.Linear(hidden, 4 * hidden)
        self.down = nn.Linear(4 * hidden, hidden)
        self.register_buffer("causal", torch.tril(torch.ones(seq, seq, dtype=torch.bool)))

    def forward(self, x):
        b, s, h = x.shape
        d = h // self.heads
        q, k, v = self.qkv(self.ln1(x)).split(h, dim=-1)
        q, k, v = (t.reshape(b, s, self.heads, d).transpose(1, 2) for t in (q, k, v))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)
        scores = torch.where(self.causal[:s, :s], scores, torch.tensor(-1e9))
        x = x + self.proj((scores.softmax(-1) @ v).transpose(1, 2).reshape(b, s, h))
        return x + self.down(nn.functional.gelu(self.up(self.ln2(x)), approximate="tanh"))


class UNetDecoder(nn.Module):
    """The upsampling half of a U-Net: transposed convolutions (stride 2, one grouped, one
    dilated with output padding), bilinear and nearest upsampling (Resize), skip connections
    joined by Concat, BatchNorm and ReLU."""

    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1, groups=2)
        self.bn1 = nn.BatchNorm2d(16)
        self.up2 = nn.ConvTranspose2d(32, 8, 3, stride=2, padding=2, output_padding=1,
                                      dilation=2)
        self.head = nn.Conv2d(8, 3, 1)

    def forward(self, x, skip):
        y = torch.relu(self.bn1(self.up1(x)))                          # 16 x 16 x 16
        y = torch.cat([y, nn.functional.interpolate(skip, scale_factor=2, mode="bilinear",
                                                    align_corners=False)], dim=1)
        y = torch.relu(self.up2(y))                                    # 8 x 32 x 32
        return self.head(nn.functional.interpolate(y, size=(40, 40), mode="nearest"))


def models():
    """name -> (model, example inputs, input names, export options, kilnc options)."""
    rng = torch.Generator().manual_seed(1)
    image = torch.randn(1, 3, 224, 224, generator=rng)
    tokens = torch.randint(0, 30522, (1, 16), generator=rng)
    mask = torch.ones(1, 16, dtype=torch.int64)
    mask[0, 12:] = 0
    batch = ["--dim", "batch=1"]
    dynamic = {"input": {0: "batch"}, "output": {0: "batch"}}
    return {
        "mlp": (MLP(), (torch.randn(4, 64, generator=rng),), ["input"], {}, []),
        "resnet18": (randomize_batchnorm(torchvision.models.resnet18()), (image,), ["input"],
                     {"dynamic_axes": dynamic}, batch),
        # BatchNormalization kept in the graph, as a model exported for training has it.
        "mobilenet_v2": (randomize_batchnorm(torchvision.models.mobilenet_v2()), (image,), ["input"],
                         {"dynamic_axes": dynamic, "training": torch.onnx.TrainingMode.PRESERVE}, batch),
        "efficientnet_b0": (randomize_batchnorm(torchvision.models.efficientnet_b0()), (image,),
                            ["input"], {"dynamic_axes": dynamic}, batch),
        # Two images computed one per call (kiln-split-batch): squeeze-and-excitation multiplies
        # two batched tensors, and the classifier is a matmul of the batch.
        "efficientnet_b0_split": (randomize_batchnorm(torchvision.models.efficientnet_b0()),
                                  (torch.randn(2, 3, 224, 224, generator=rng),), ["input"],
                                  {"dynamic_axes": dynamic}, ["--dim", "batch=2", "--batch-chunk=1"]),
        "squeezenet1_1": (randomize_batchnorm(torchvision.models.squeezenet1_1()), (image,), ["input"],
                          {"dynamic_axes": dynamic}, batch),
        "bert_encoder": (BertEncoder(), (tokens, mask), ["tokens", "mask"], {}, []),
        "unet_decoder": (randomize_batchnorm(UNetDecoder()),
                         (torch.randn(1, 32, 8, 8, generator=rng),
                          torch.randn(1, 16, 8, 8, generator=rng)), ["x", "skip"], {}, []),
        # LayerNormalization is an ONNX op from opset 17.
        "gpt2_block": (GPT2Block(), (torch.randn(1, 16, 64, generator=rng),), ["input"],
                       {"opset_version": 17}, []),
    }


def run(cmd):
    """Runs cmd; returns (returncode, stderr, seconds, peak resident memory in MB).

    The peak is the process's VmHWM, sampled every 20 ms: the rusage of a child of this
    process would count torch's memory, which a forked child keeps as its high-water mark."""
    start = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as stderr:
        process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, text=True)
        peak_kb = 0
        while process.poll() is None:
            try:
                with open(f"/proc/{process.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peak_kb = max(peak_kb, int(line.split()[1]))
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
            time.sleep(0.02)
        stderr.seek(0)
        return process.returncode, stderr.read(), time.monotonic() - start, peak_kb / 1024


def starts_once_per_chunk(cmd, calls):
    """Whether kiln-run's profile shows every kernel started a multiple of `calls` times."""
    profile = subprocess.run(cmd + ["--profile"], capture_output=True, text=True, check=True).stdout
    starts = [int(m.group(1)) for m in re.finditer(r"^\s*[\d.]+%\s+[\d.]+ \S+\s+(\d+)\s+\S", profile,
                                                   re.MULTILINE)]
    return bool(starts) and all(n % calls == 0 for n in starts)


def check(name, spec, args, work):
    model, inputs, input_names, export_options, kilnc_options = spec
    model.eval()
    path = os.path.join(work, f"{name}.onnx")
    options = {"opset_version": 13, **export_options}
    torch.onnx.export(model, inputs, path, input_names=input_names, output_names=["output"], **options)
    with torch.no_grad():
        expected = model(*inputs).numpy()
    artifact = os.path.join(work, f"{name}.so")
    code, stderr, seconds, memory = run([args.kilnc, path, "--emit=shared", "-o", artifact] + kilnc_options)
    if code != 0:
        print(f"{name}: FAIL: kilnc exits with {code}:\n{stderr}")
        return False
    cmd = [args.kiln_run, artifact]
    for i, tensor in enumerate(inputs):
        npy = os.path.join(work, f"{name}_in{i}.npy")
        np.save(npy, tensor.numpy())
        cmd += ["--input", npy]
    out = os.path.join(work, f"{name}_out.npy")
    code, stderr, _, _ = run(cmd + ["--output", out])
    if code != 0:
        print(f"{name}: FAIL: kiln-run exits with {code}:\n{stderr}")
        return False
    actual = np.load(out)
    chunk = next((int(o.split("=")[1]) for o in kilnc_options if o.startswith("--batch-chunk=")), 0)
    if chunk > 0 and not starts_once_per_chunk(cmd, inputs[0].shape[0] // chunk):
        print(f"{name}: FAIL: its kernels do not start once per chunk of its batch")
        return False
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    peer = session.run(None, {n: t.numpy() for n, t in zip(input_names, inputs)})[0]
    scale = float(np.abs(expected).max())

    def distance(reference):
        if actual.shape != reference.shape:
            return False, float("nan")
        ok = np.allclose(actual, reference, rtol=RTOL, atol=ATOL_SCALE * scale)
        return ok, float(np.abs(actual - reference).max())

    torch_ok, torch_error = distance(expected)
    ort_ok, ort_error = distance(peer)
    ok = torch_ok and ort_ok
    print(f"{name}: {'pass' if ok else 'FAIL'}: max |kiln - torch| {torch_error:.3g}, "
          f"max |kiln - onnxruntime| {ort_error:.3g} (max |torch| {scale:.3g}); kilnc {seconds:.1f} s, "
          f"{memory:.0f} MB peak memory; artifact {os.path.getsize(artifact) / 1e6:.1f} MB", flush=True)
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kilnc", required=True)
    parser.add_argument("--kiln-run", required=True)
    parser.add_argument("--only", help="run this model only")
    parser.add_argument("--keep", help="keep the models and artifacts in this directory")
    args = parser.parse_args()
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, onnxruntime {onnxruntime.__version__}")
    selected = {n: s for n, s in models().items() if not args.only or n == args.only}
    if not selected:
        sys.exit(f"error: no model named '{args.only}'")
    work = args.keep or tempfile.mkdtemp(prefix="kiln-models-")
    os.makedirs(work, exist_ok=True)
    failed = [name for name, spec in selected.items() if not check(name, spec, args, work)]
    if failed:
        print(f"{len(failed)} of {len(selected)} models fail: {', '.join(failed)}")
        return 1
    print(f"all {len(selected)} models match torch and onnxruntime")
    return 0


if __name__ == "__main__":
    sys.exit(main())
