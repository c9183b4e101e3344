#!/usr/bin/env bash
# Installs the runtimes the model benchmark compares Kiln with, pinned, from PyPI into
# .venv-bench at the repository's root. A virtual environment of its own: IREE's ONNX importer
# brings a newer `onnx` than Debian's 1.12, which the importer's tests (.venv) must keep. It sees
# Debian's packages (numpy, torch, torchvision) for the models' definitions and torch eager.
# Needs scripts/install-deps.sh first (python3-venv, torch).
set -euo pipefail
ONNXRUNTIME_VERSION=1.20.1
OPENVINO_VERSION=2026.4.1
IREE_VERSION=3.13.0
# Debian's torch 1.13 is built against NumPy 1.x; the peers would otherwise pull NumPy 2.
NUMPY_VERSION=1.26.4
venv="$(cd "$(dirname "$0")/../../.." && pwd)/.venv-bench"
[ -x "$venv/bin/python3" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
  "onnxruntime==$ONNXRUNTIME_VERSION" "openvino==$OPENVINO_VERSION" \
  "iree-base-compiler[onnx]==$IREE_VERSION" "iree-base-runtime==$IREE_VERSION" \
  "numpy==$NUMPY_VERSION"
echo "peers installed in $venv"
