#!/usr/bin/env bash
# libbcc compiles kernel programs against /lib/modules/$(uname -r)/build. Debian ships
# headers only for its own kernels; on any other kernel (a hardened or cloud kernel such
# as this project's build machines) point build/source at Debian's newest linux-headers.
# The tracepoint programs read only layouts that are stable across versions.
set -euo pipefail
rel=$(uname -r)
mod=/lib/modules/$rel
if [ -e "$mod/build/include/linux/kconfig.h" ] || [ -e "$mod/source/include/linux/kconfig.h" ]; then
    exit 0
fi
arch=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -z "$arch" ]; then
    echo "kernel-headers.sh: no headers for $rel and no Debian linux-headers-*-amd64 installed" >&2
    exit 1
fi
common=${arch%-amd64}-common
mkdir -p "$mod"
ln -sfn "$arch" "$mod/build"
ln -sfn "$common" "$mod/source"
echo "kernel-headers.sh: no headers for kernel $rel; using $(basename "$arch") for libbcc" >&2
