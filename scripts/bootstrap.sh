#!/usr/bin/env bash
# From a fresh Debian 12 machine: installs the dependencies, builds Kiln, then compiles the MLP
# example (examples/mlp/mlp.mlir) with kilnc, links it into a C program and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja
cmake --build build
echo "== examples/mlp: class probabilities of 4 inputs =="
build/bin/mlp_demo
