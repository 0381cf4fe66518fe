#!/usr/bin/env bash
# Benchmark (not a test): how many DNS lines ebpf_monitor delivers, and how many samples
# the kernel drops, when one client fires a burst of queries at dnsmasq as fast as it can.
# Runs in a private network namespace; prints figures. As root:
#   tests/bench/monitor_burst.sh build/ebpfshield-bcc [QUERIES]
set -euo pipefail
bin=$(realpath "$1")
queries=${2:-5000}
ns=ebpfshield-bench-$$
work=$(mktemp -d)
cleanup() {
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" bash -s "$bin" "$queries" "$work" <<'INNER'
bin=$1 queries=$2 work=$3
dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
    --address=/a.example.test/10.1.2.3 --cache-size=1000 --dns-forward-max=5000 \
    --pid-file="$work/dnsmasq.pid"
"$bin" --feature ebpf_monitor >"$work/out" 2>"$work/err" &
tool=$!
until grep -q 'The program is running' "$work/out"; do sleep 0.2; done
python3 - "$queries" <<'PY'
import socket, struct, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", 53))
s.settimeout(2)
q = lambda i: struct.pack("!HHHHHH", i & 0xffff, 0x0100, 1, 0, 0, 0) + \
    b"\x01a\x07example\x04test\x00" + struct.pack("!HH", 1, 1)
t0 = time.monotonic()
answered = 0
window = 50  # queries in flight, to burst rather than ping-pong
for start in range(0, n, window):
    batch = range(start, min(n, start + window))
    for i in batch:
        s.send(q(i))
    for _ in batch:
        try:
            s.recv(512)
            answered += 1
        except socket.timeout:
            break
dt = time.monotonic() - t0
print(f"client: {n} queries, {answered} answers in {dt:.2f} s ({n / dt:.0f} queries/s)")
PY
sleep 2
rss=$(ps -o rss= -p "$tool")
kill -INT "$tool"
wait "$tool"
q=$(grep -c 'DNS_QR=0' "$work/out")
a=$(grep -c 'DNS_QR=1' "$work/out")
# The tool's exit line is "ebpfshield-bcc: N event(s) lost in all", printed only when N > 0.
lost=$(sed -nE 's/^ebpfshield-bcc: ([0-9]+) event\(s\) lost in all$/\1/p' "$work/err")
echo "monitor: $q query lines, $a answer lines of $queries each; lost samples: ${lost:-0}; RSS $((rss / 1024)) MiB"
kill "$(cat "$work/dnsmasq.pid")"
INNER
