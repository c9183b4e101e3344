#!/usr/bin/env bash
# Run as root in a new Debian 12 root (scripts/fresh-machine.sh --copy kiln_*.deb): installs
# the Debian package that `cpack -G DEB` made, with what apt brings for it, then builds the MLP
# example it ships out of tree with find_package(Kiln) and checks the program's output and the
# installed kilnc and kiln-run against the float64 reference (examples/mlp/check.py).
#
#   check-deb.sh KILN.deb
set -euo pipefail
deb="$(realpath "$1")"
export DEBIAN_FRONTEND=noninteractive
echo "== installing $(basename "$deb") and what it depends on"
apt-get update -qq
# The example's build needs CMake (recommended by the package) and Ninja; check.py needs NumPy.
apt-get install -y -qq --no-install-recommends "$deb" cmake ninja-build python3-numpy > /tmp/apt.log ||
  { tail -n 30 /tmp/apt.log; exit 1; }
kilnc --version
kiln-run --version
work="$(mktemp -d)"
echo "== building /usr/share/kiln/examples/mlp out of tree"
cmake -S /usr/share/kiln/examples/mlp -B "$work/build" -G Ninja > "$work/configure.log"
cmake --build "$work/build"
/usr/bin/python3 /usr/share/kiln/examples/mlp/check.py "$work/build/mlp_demo" "$(command -v kilnc)" \
  "$(command -v kiln-run)" "$work/check"
echo "deb: installed on a new Debian 12 root; the example built against it and checked"
