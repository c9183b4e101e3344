#!/usr/bin/env bash
# Builds Kiln's libFuzzer targets with clang, or runs one of them.
#   run.sh build SOURCE_DIR MAIN_BUILD_DIR FUZZ_BUILD_DIR CC CXX
#   run.sh run   SOURCE_DIR MAIN_BUILD_DIR FUZZ_BUILD_DIR TARGET SECONDS
# TARGET is npy, artifact, call or mlir. A run first replays every input in
# regressions/TARGET (each crash ever found, kept as a test), then fuzzes for SECONDS from the
# seeds (the lit tests' .mlir files, the fixtures of the main build, generated .npy files), the
# corpus kept in the repository (corpus/TARGET: a long run's inputs, minimized with -merge=1)
# and the corpus of earlier runs in FUZZ_BUILD_DIR. A crash fails the run and
# leaves its input in FUZZ_BUILD_DIR/crashes/TARGET: fix the bug, then add the input to
# regressions/TARGET.
set -euo pipefail
mode="$1" source_dir="$2" main_build="$3" fuzz_build="$4"
here="$source_dir/test/fuzz/libfuzzer"

if [ "$mode" = build ]; then
  cc="$5" cxx="$6"
  cmake -S "$here" -B "$fuzz_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DKILN_SOURCE_DIR="$source_dir" -DKILN_MAIN_BUILD_DIR="$main_build" \
    > "$fuzz_build.configure.log" 2>&1 || { cat "$fuzz_build.configure.log"; exit 1; }
  exec cmake --build "$fuzz_build"
fi

target="$5" seconds="$6"
fuzzer="$fuzz_build/bin/kiln-fuzz-$target"
seeds="$fuzz_build/seeds/$target" corpus="$fuzz_build/corpus/$target"
crashes="$fuzz_build/crashes/$target"
rm -rf "$seeds" "$crashes"
mkdir -p "$seeds" "$corpus" "$crashes"
extra=()
case "$target" in
  mlir)
    find "$source_dir/test" "$source_dir/examples" -name '*.mlir' -size -16k \
      -exec cp --backup=numbered -t "$seeds" {} +
    # Under ASan, RSS grew to 1.6 GB in a 35-minute run (the allocator keeps what peaks took).
    extra=(-dict="$here/kiln.dict" -max_len=8192 -timeout=60 -rss_limit_mb=4096) ;;
  artifact)
    # One byte in front: odd seals the rest with a matching digest (ArtifactFuzzer.cpp).
    for so in "$main_build"/test/unit/fixtures/{good,single,unsealed}.so; do
      { printf '\0'; cat "$so"; } > "$seeds/$(basename "$so")"
      { printf '\1'; head -c -48 "$so"; } > "$seeds/sealed-$(basename "$so")"
    done
    extra=(-max_len=65536) ;;
  npy)
    /usr/bin/python3 - "$seeds" <<'PY'
import sys, numpy as np
out = sys.argv[1]
arrays = [np.zeros((2, 3), np.float32), np.arange(5, dtype=np.int64), np.array(3.5),
          np.array([True, False]), np.ones((1, 0, 2), np.float16), np.arange(6, dtype=np.int8)]
for i, a in enumerate(arrays):
    np.save(f"{out}/seed{i}.npy", a)
with open(f"{out}/v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.ones(4, np.int32), version=(2, 0))
PY
    extra=(-max_len=4096) ;;
  call) extra=(-max_len=256) ;;
  onnx)
    # The backend suite's models (Debian's libonnx-testdata), small ones first.
    find /usr/share/libonnx-testdata/data -name model.onnx -size -8k | sort | while read -r m; do
      cp "$m" "$seeds/$(echo "${m#/usr/share/libonnx-testdata/data/}" | tr / _)"
    done
    extra=(-max_len=16384 -timeout=30 -rss_limit_mb=4096) ;;
  *) echo "run.sh: unknown target '$target'" >&2; exit 2 ;;
esac

# Mixed instrumented and uninstrumented code (MLIR, LLVM, the main build's compiler) makes
# ASan's container-overflow checks report false positives.
export ASAN_OPTIONS=detect_container_overflow=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

regressions=("$here/regressions/$target"/*)
if [ -e "${regressions[0]}" ]; then
  echo "replaying ${#regressions[@]} regression inputs"
  "$fuzzer" -runs=1 "${extra[@]}" "${regressions[@]}" > "$fuzz_build/$target.replay.log" 2>&1 ||
    { tail -n 60 "$fuzz_build/$target.replay.log"; exit 1; }
fi
kept=()
[ -d "$here/corpus/$target" ] && kept=("$here/corpus/$target")
# New inputs go to the first directory, the build's corpus; the others are only read.
"$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$crashes/" \
  "${extra[@]}" "$corpus" "$seeds" "${kept[@]}" > "$fuzz_build/$target.log" 2>&1 ||
  { tail -n 80 "$fuzz_build/$target.log"; echo "run.sh: kiln-fuzz-$target crashed; the input is in $crashes"; exit 1; }
grep -E "^stat::(number_of_executed_units|peak_rss_mb)|cov: " "$fuzz_build/$target.log" | tail -n 3
