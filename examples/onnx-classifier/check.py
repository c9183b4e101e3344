#!/usr/bin/env python3
"""Checks the ONNX classifier example against onnxruntime on the same model and image.

usage: check.py CLASSIFY MODEL.onnx WORK_DIR     (run with the .venv python: onnxruntime)

It writes a 1x3x224x224 image (a smooth synthetic picture, normalized with ImageNet's mean and
deviation as torchvision's models expect), runs the C program on it, and requires
- its logits to match onnxruntime's within rtol 1e-3, atol 1e-4 x max |logit| (f32 arithmetic
  in another order: ONNX's own backend tolerance, scaled as the model tests scale it);
- its top-5 lines to name onnxruntime's five best classes in order, with their softmax
  probabilities within 1e-3;
- a malformed image (wrong shape, not a .npy) to be refused with a message and exit 1.
"""
import os
import re
import subprocess
import sys

import numpy as np
import onnxruntime

RTOL, ATOL_SCALE = 1e-3, 1e-4


def synthetic_image():
    y, x = np.meshgrid(np.linspace(0, 1, 224), np.linspace(0, 1, 224), indexing="ij")
    rgb = np.stack([0.5 + 0.5 * np.sin(6 * x + 2 * y), x * y, 0.5 + 0.5 * np.cos(9 * y)])
    mean = np.array([0.485, 0.456, 0.406])[:, None, None]
    std = np.array([0.229, 0.224, 0.225])[:, None, None]
    return ((rgb - mean) / std)[None].astype(np.float32)


def fail(message):
    print("FAIL", message)
    sys.exit(1)


def main():
    classify, model, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    image = synthetic_image()
    image_path, logits_path = os.path.join(work, "image.npy"), os.path.join(work, "logits.npy")
    np.save(image_path, image)

    run = subprocess.run([classify, image_path, logits_path], capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"classify exited with {run.returncode}: {run.stderr}")
    print(run.stdout, end="")
    got = np.load(logits_path)

    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    ref = session.run(None, {"image": image})[0]
    atol = ATOL_SCALE * np.abs(ref).max()
    if got.shape != ref.shape or not np.allclose(got, ref, rtol=RTOL, atol=atol):
        fail(f"logits differ from onnxruntime's: max |difference| {np.abs(got - ref).max():.3g}")
    print(f"ok   logits match onnxruntime {onnxruntime.__version__}: max |difference| "
          f"{np.abs(got - ref).max():.2e} (max |logit| {np.abs(ref).max():.3g})")

    probabilities = np.exp(ref[0] - ref[0].max())
    probabilities /= probabilities.sum()
    best = np.argsort(-ref[0], kind="stable")[:5]
    lines = re.findall(r"class +(\d+) +logit +\S+ +probability +(\S+)", run.stdout)
    if [int(c) for c, _ in lines] != list(best):
        fail(f"top-5 classes {[c for c, _ in lines]}, onnxruntime's {list(best)}")
    if any(abs(float(p) - probabilities[c]) > 1e-3 for c, p in zip(best, (p for _, p in lines))):
        fail("top-5 probabilities differ from onnxruntime's softmax")
    print(f"ok   top-5 classes and probabilities match onnxruntime's: {list(best)}")

    wrong_shape = os.path.join(work, "wrong_shape.npy")
    np.save(wrong_shape, image[:, :, :100])
    not_npy = os.path.join(work, "not_npy.npy")
    with open(not_npy, "w") as f:
        f.write("not an image\n")
    for path, message in [(wrong_shape, "expected shape (1, 3, 224, 224), got (1, 3, 100, 224)"),
                          (not_npy, "not a .npy file")]:
        bad = subprocess.run([classify, path], capture_output=True, text=True)
        if bad.returncode != 1 or message not in bad.stderr:
            fail(f"{os.path.basename(path)}: exit {bad.returncode}, {bad.stderr!r}")
    print("ok   malformed images refused with a message, exit 1")


if __name__ == "__main__":
    main()
