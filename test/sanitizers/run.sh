#!/usr/bin/env bash
# Builds the runtime, kiln-run and the unit tests with sanitizers and runs the tests.
#   run.sh SOURCE_DIR BUILD_DIR SANITIZERS CC CXX      (SANITIZERS: address,undefined | thread)
# Every sanitizer report is fatal (-fno-sanitize-recover=all, halt_on_error), so a report fails
# the test that triggered it and this script.
set -euo pipefail
source_dir="$1" build_dir="$2" sanitizers="$3" cc="$4" cxx="$5"
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DKILN_BUILD_COMPILER=OFF -DKILN_SANITIZE="$sanitizers" > "$build_dir.configure.log" ||
  { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
# The format check needs no sanitizer; the main build runs it.
ctest --test-dir "$build_dir" --output-on-failure -E '^format$'
