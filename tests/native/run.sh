#!/usr/bin/env bash
# Runs one end-to-end scenario natively, inside a private network namespace (only its own
# loopback; dnsmasq, clients and the tool all inside), with its own /etc/resolv.conf.
# usage: tests/native/run.sh SCENARIO.sh EBPFSHIELD_BIN [EXPECT_MODE]
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 SCENARIO.sh EBPFSHIELD_BIN [EXPECT_MODE]" >&2
    exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "$0: must run as root (network namespaces, eBPF)" >&2
    exit 1
fi
scenario=$(realpath "$1")
bin=$(realpath "$2")
# Without an explicit mode, expect what --attach auto must pick on this kernel.
if [ -n "${3:-}" ]; then
    mode=$3
elif [ -e /sys/kernel/tracing/kprobe_events ] || [ -e /sys/kernel/debug/tracing/kprobe_events ]; then
    mode=kprobe
else
    mode=tracepoint
fi
ns=ebpfshield-test-$$
# `ip netns exec` bind-mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf.
cleanup() {
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns"
}
trap cleanup EXIT
ip netns add "$ns"
mkdir -p "/etc/netns/$ns"
echo 'nameserver 127.0.0.1' >"/etc/netns/$ns/resolv.conf"
ip -n "$ns" link set lo up
ip netns exec "$ns" env EBPFSHIELD_BIN="$bin" EXPECT_MODE="$mode" bash "$scenario"
