#!/usr/bin/env bash
# Installs what Kiln builds and tests with, from Debian 12's package registry.
# ocl-icd-opencl-dev: Debian's oneDNN CMake package (the benchmarks' reference) requires OpenCL.
# clang-22, libclang-rt-22-dev: the sanitizer builds and the libFuzzer targets (test/sanitizers,
# test/fuzz).
# libonnx-dev, libprotobuf-dev: the ONNX importer (ONNX 1.12: checker, shape inference, version
# converter). libonnx-testdata, python3-onnx: the ONNX backend test suite and its runner
# (test/onnx).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  cmake ninja-build gcc g++ make \
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools \
  libgtest-dev python3 python3-numpy valgrind pkg-config clang-format-22 \
  clang-22 libclang-rt-22-dev \
  libbenchmark-dev libopenblas-dev libeigen3-dev libdnnl-dev \
  ocl-icd-opencl-dev \
  libonnx-dev libprotobuf-dev libonnx-testdata python3-onnx \
  python3-torch python3-torchvision python3-venv ca-certificates

# The runtimes Kiln is compared with come from PyPI, pinned, into .venv at the repository's root
# (Debian's Python refuses system-wide pip installs). The environment sees Debian's packages
# (numpy, onnx, torch), so only the peers are downloaded.
ONNXRUNTIME_VERSION=1.20.1
venv="$(cd "$(dirname "$0")/.." && pwd)/.venv"
[ -x "$venv/bin/python3" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
"$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
  "onnxruntime==$ONNXRUNTIME_VERSION"
