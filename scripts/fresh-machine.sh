#!/usr/bin/env bash
# Runs COMMAND in a new Debian 12 root, as on a machine that has nothing installed yet, so that a
# set-up step missing from the project's own scripts fails here instead of on a user's machine.
#
#   scripts/fresh-machine.sh [--copy FILE]... [--out DIR] [COMMAND]
#
# The root is made by `debootstrap --variant=minbase bookworm` from the mirror in this machine's
# apt sources, which are copied in (with its apt settings, pip settings, added certificate
# authorities and DNS). The repository (tracked and untracked files that git does not ignore) is
# copied to /kiln, the working directory of COMMAND (default: the README's two commands,
# `scripts/bootstrap.sh && scripts/test.sh`). The machine's CUDA toolkit is bind-mounted
# read-only at /usr/local/cuda: it comes with the machine, not from a package registry. Each
# --copy FILE is put in /in; --out DIR is mounted at /out, for results.
#
# Everything runs in private mount and PID namespaces: the mounts are never visible outside and
# vanish, with every process left in the root, when COMMAND ends; the root is then deleted,
# whatever the exit path. KILN_FRESH_BASE=FILE.tar keeps the bootstrapped base system in FILE
# (made on the first run, unpacked by later ones) so that several runs bootstrap once.
# Needs root and debootstrap. The exit status is COMMAND's.
set -euo pipefail

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit "$1"; }

copies=()
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --copy) copies+=("$(realpath "$2")"); shift 2 ;;
    --out) out="$(realpath "$2")"; shift 2 ;;
    -h|--help) usage 0 ;;
    --) shift; break ;;
    -*) echo "fresh-machine.sh: unknown option '$1'" >&2; usage 2 >&2 ;;
    *) break ;;
  esac
done
[ $# -le 1 ] || { echo "fresh-machine.sh: give COMMAND as one argument" >&2; exit 2; }
command="${1:-scripts/bootstrap.sh && scripts/test.sh}"

[ "$(id -u)" -eq 0 ] || { echo "fresh-machine.sh: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "fresh-machine.sh: needs debootstrap (apt-get install debootstrap)" >&2; exit 2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /var/tmp/kiln-fresh.XXXXXX)"
cleanup() {
  # --one-file-system: nothing mounted below the root is reachable from here anyway (the mounts
  # live in the private namespace), but never cross into another file system regardless.
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
root="$work/root"
mkdir -p "$root"

# The first "URIs:" (deb822) or "deb URI" line of the host's sources that serves bookworm.
debian_mirror() {
  local uri
  uri="$(grep -h -A3 -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
           awk '/^URIs:/ {u=$2} /^Suites:.*bookworm( |$)/ {print u; exit}')"
  [ -n "$uri" ] || uri="$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' \
                            /etc/apt/sources.list 2>/dev/null)"
  echo "${uri:-http://deb.debian.org/debian}"
}

# Runs in the private namespaces.
inside() {
  set -euo pipefail
  if [ -n "${KILN_FRESH_BASE:-}" ] && [ -s "$KILN_FRESH_BASE" ]; then
    echo "== fresh-machine: unpacking the Debian 12 base system from $KILN_FRESH_BASE"
    tar -xpf "$KILN_FRESH_BASE" -C "$root"
  else
    local mirror start
    mirror="$(debian_mirror)"
    echo "== fresh-machine: debootstrap --variant=minbase bookworm from $mirror"
    start=$SECONDS
    debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 ||
      { tail -n 30 "$work/debootstrap.log"; echo "fresh-machine: debootstrap failed" >&2; exit 1; }
    echo "== fresh-machine: debootstrap took $((SECONDS - start)) s"
    if [ -n "${KILN_FRESH_BASE:-}" ]; then
      tar -cpf "$KILN_FRESH_BASE" -C "$root" .
    fi
  fi

  # The host's package sources and apt settings, so the root reaches the same registry.
  rm -f "$root/etc/apt/sources.list"
  cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/"
  [ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
  cp -a /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/"
  find "$root/etc/apt/sources.list.d" -name '*.disabled*' -delete
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  [ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"
  # The certificate authorities this machine adds to Debian's (its network's egress proxy, if
  # any): ca-certificates, when apt installs it in the root, puts them in the system bundle that
  # apt's HTTPS, pip and Python use, as on this machine.
  if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
  fi

  mkdir -p "$root/kiln"
  git -C "$repo" ls-files -z --cached --others --exclude-standard |
    (cd "$repo" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$root/kiln"
  if [ ${#copies[@]} -gt 0 ]; then
    mkdir -p "$root/in"
    cp "${copies[@]}" "$root/in/"
  fi

  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/dev/shm"
  mount -t sysfs -o ro sysfs "$root/sys"
  mount -t tmpfs tmpfs "$root/tmp"
  if [ -d /usr/local/cuda/ ]; then
    mkdir -p "$root/usr/local/cuda"
    mount --bind -o ro "$(realpath /usr/local/cuda)" "$root/usr/local/cuda"
  fi
  if [ -n "$out" ]; then
    mkdir -p "$root/out"
    mount --bind "$out" "$root/out"
  fi

  echo "== fresh-machine: running in the new root, in /kiln: $command"
  chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" CI="${CI:-}" LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /kiln && $command"
}

export -f inside debian_mirror
export root work repo command out KILN_FRESH_BASE="${KILN_FRESH_BASE:-}"
# Arrays do not cross `bash -c`: pass the copies as the inner shell's arguments.
unshare --mount --pid --fork --propagation private \
  bash -c 'copies=("$@"); inside' fresh-machine "${copies[@]}"
