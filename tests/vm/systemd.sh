#!/bin/bash
# The package under a real systemd: builds the .deb (scripts/package.sh), a Debian 12 root
# with its dependencies (tests/vm/rootfs.sh, cached), boots that root with systemd as
# PID 1 on Debian's kernel (tests/vm/run.sh, EBPFSHIELD_VM_ROOTFS) and runs
# tests/e2e/service_systemd.sh in it as a service. Root; exit status: the scenario's.
# usage: tests/vm/systemd.sh [BUILD_DIR]   (default: a temporary one)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd -P)
((EUID == 0)) || {
	echo "tests/vm/systemd.sh: run it as root (it builds a root file system)" >&2
	exit 2
}
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
bindir=${1:-$tmp/build}
if ! deb=$("$src/scripts/package.sh" "$bindir" 2>"$tmp/package.log" | tail -n1); then
	cat "$tmp/package.log" >&2
	echo "tests/vm/systemd.sh: building the package failed" >&2
	exit 1
fi
rootfs=$("$src/tests/vm/rootfs.sh" "$deb")
mkdir -p "$tmp/out"
cp "$deb" "$tmp/out/"
cd "$src"
EBPFSHIELD_VM_ROOTFS=$rootfs EBPFSHIELD_VM_OUT=$tmp/out \
	bash tests/vm/run.sh tests/e2e/service_systemd.sh "$tmp/out/$(basename "$deb")"
