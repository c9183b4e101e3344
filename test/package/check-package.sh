#!/usr/bin/env bash
# The package as a user meets it: installs this build into a scratch prefix, then builds the MLP
# example out of tree three ways and checks each program's output against the float64
# reference (examples/mlp/check.py):
#   1. find_package(Kiln) from the install prefix;
#   2. find_package(Kiln) from the build tree;
#   3. by hand, kilnc's object linked with the pkg-config flags, statically and with
#      libkilnrt.so; each program must contain or need the runtime's kiln_parallel_for.
#
#   check-package.sh BUILD_DIR WORK_DIR
set -euo pipefail
build="$(realpath "$1")"
work="$2"
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$work"
mkdir -p "$work"
work="$(realpath "$work")"
prefix="$work/prefix"

step() { echo "== $*"; }

step "cmake --install into $prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in bin/kilnc bin/kiln-run bin/kiln-opt bin/kiln-interp lib/libkiln_runtime.a \
         lib/libkilnrt.so include/kiln/runtime.h include/kiln/abi.h include/kiln/version.h \
         lib/cmake/Kiln/KilnConfig.cmake lib/pkgconfig/kiln-runtime.pc \
         share/doc/kiln/linking.md share/kiln/examples/mlp/CMakeLists.txt; do
  [ -e "$prefix/$f" ] || { echo "error: the install has no $f" >&2; exit 1; }
done
"$prefix/bin/kilnc" --version | grep -q "kilnc (Kiln) " ||
  { echo "error: the installed kilnc does not run or prints no Kiln version" >&2; exit 1; }

check_mlp() { # PROGRAM: its output against the reference, with the installed tools
  /usr/bin/python3 "$source_dir/examples/mlp/check.py" "$1" "$prefix/bin/kilnc" \
    "$prefix/bin/kiln-run" "$work/check-$(basename "$(dirname "$1")")"
}

# The program uses the runtime's pool: kiln_parallel_for is defined in it (static), or it needs
# libkilnrt.so, which the dynamic loader then binds the weak reference to.
uses_runtime_pool() {
  if nm "$1" | grep -q " T kiln_parallel_for$"; then return 0; fi
  nm -D "$1" | grep -q " [Uw] kiln_parallel_for$" && readelf -d "$1" | grep -q "NEEDED.*libkilnrt"
}

configure_and_run() { # NAME, then cmake arguments
  local name="$1"; shift
  step "find_package(Kiln) from $name"
  cmake -S "$prefix/share/kiln/examples/mlp" -B "$work/$name" -G Ninja "$@" > "$work/$name.log"
  cmake --build "$work/$name" >> "$work/$name.log"
  uses_runtime_pool "$work/$name/mlp_demo" ||
    { echo "error: mlp_demo ($name) does not link the runtime's thread pool" >&2; exit 1; }
  check_mlp "$work/$name/mlp_demo"
}

configure_and_run installed -DCMAKE_PREFIX_PATH="$prefix"
configure_and_run build-tree -DKiln_DIR="$build/lib/cmake/Kiln"

step "pkg-config: kilnc's object linked by hand"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
mkdir -p "$work/by-hand-static" "$work/by-hand-shared"
"$prefix/bin/kilnc" "$source_dir/examples/mlp/mlp.mlir" -o "$work/mlp.o" --header="$work/mlp.h"
cc -I"$work" -c "$source_dir/examples/mlp/main.c" -o "$work/main.o"
cc "$work/main.o" "$work/mlp.o" $(pkg-config --libs kiln-runtime-static) \
  -o "$work/by-hand-static/mlp_demo"
cc "$work/main.o" "$work/mlp.o" $(pkg-config --libs kiln-runtime) \
  -Wl,-rpath,"$prefix/lib" -o "$work/by-hand-shared/mlp_demo"
for program in "$work"/by-hand-*/mlp_demo; do
  uses_runtime_pool "$program" ||
    { echo "error: $program does not link the runtime's thread pool" >&2; exit 1; }
  check_mlp "$program"
done
echo "package: install, 2 CMake packages and 2 pkg-config links checked"
