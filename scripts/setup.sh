#!/usr/bin/env bash
# Installs what ebpfshield-bcc needs to build and run on Debian 12 (compiler, CMake,
# libbcc, ldns, json-c (the tests' JSON parser), libpsl and the Public Suffix List, gdb for --block dump, curl for
# the feed updater, kernel headers), then makes sure libbcc finds headers for the running
# kernel (scripts/kernel-headers.sh).
# With --test, also what the tests need (the VM, clang for the fuzzers, lint tools, DNS
# servers and clients, rsyslog, logrotate, mandoc, dpkg-dev, systemd-analyze, ...).
# usage: scripts/setup.sh [--test]
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: must run as root (apt-get install)" >&2
    exit 1
fi
case ${1:-} in
'' | --test) ;;
*)
    echo "usage: scripts/setup.sh [--test]" >&2
    exit 2
    ;;
esac
export DEBIAN_FRONTEND=noninteractive
pkgs=(build-essential cmake pkg-config libbpfcc-dev libldns-dev libjson-c-dev libpsl-dev libmicrohttpd-dev
      publicsuffix gdb curl linux-headers-amd64 procps util-linux)
if [ "${1:-}" = --test ]; then
    pkgs+=(qemu-system-x86 linux-image-amd64 busybox-static kmod xz-utils
           clang-14 libclang-rt-14-dev clang-format cppcheck
           dnsmasq-base bind9-dnsutils dnsperf python3 iproute2 nftables bpftool rsyslog
           mandoc man-db dpkg-dev systemd libcap2-bin logrotate iputils-ping prometheus
           mmdebstrap gnuplot-nox iptables ipset libnetfilter-queue1 tcpdump tshark)
fi
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
"$(dirname "$0")/kernel-headers.sh"
