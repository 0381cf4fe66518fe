#!/usr/bin/env bash
# Installs everything ebpfshield-bcc needs to build, run and test on Debian 12, then
# makes sure libbcc can find kernel headers for the running kernel.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: must run as root (apt-get install)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
pkgs=(build-essential cmake pkg-config libbpfcc-dev libldns-dev gdb
      clang-14 clang-format cppcheck libclang-rt-14-dev
      dnsmasq-base bind9-dnsutils curl python3 iproute2 procps bpftool
      linux-headers-amd64 linux-image-amd64 qemu-system-x86 busybox-static kmod xz-utils)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
"$(dirname "$0")/kernel-headers.sh"
