#!/usr/bin/env bash
# Builds Kiln (if needed) and runs every test: GoogleTest unit tests, the lit suite (dialect,
# passes, codegen, command lines, end-to-end numerics) and the examples. Needs the dependencies
# of scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja
cmake --build build
ctest --test-dir build --output-on-failure
