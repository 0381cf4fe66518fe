#!/usr/bin/env bash
# Benchmark (figures, not a test): what the guard's in-kernel checks cost.
#  - TCP connects/s to a non-feed address (loopback listener), without the tool and with
#    --block kill and a feed of FEED_SIZE addresses; every connect is counted by the client
#    and every accept by the listener, and any mismatch is printed.
#  - syscalls/s (dd with 1-byte blocks: one read and one write per byte) without and with
#    the tool: the cost of the raw_syscalls:sys_exit program that sends signals.
# Runs in a private network namespace, as root.
# usage: tests/bench/connect_rate.sh EBPFSHIELD_BIN [CONNECTS] [FEED_SIZE]
set -euo pipefail
if [ "${IN_NETNS:-}" != 1 ]; then
    [ $# -ge 1 ] || { echo "usage: $0 EBPFSHIELD_BIN [CONNECTS] [FEED_SIZE]" >&2; exit 2; }
    ns=ebpfshield-bench-$$
    ip netns add "$ns"
    trap 'ip netns del "$ns"' EXIT
    ip -n "$ns" link set lo up
    ip netns exec "$ns" env IN_NETNS=1 bash "$0" "$(realpath "$1")" "${2:-20000}" "${3:-10000}"
    exit
fi
BIN=$1 CONNECTS=$2 FEED_SIZE=$3
PY=/usr/bin/python3
WORK=$(mktemp -d)
TOOL=
cleanup() {
    [ -n "$TOOL" ] && kill -INT "$TOOL" 2>/dev/null && wait "$TOOL" 2>/dev/null
    [ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# A feed of FEED_SIZE addresses in 10.0.0.0/8, none of them the listener's.
mkdir "$WORK/feeds"
"$PY" -c "
for i in range($FEED_SIZE):
    print('10.%d.%d.%d' % (i >> 16 & 255, i >> 8 & 255, i & 255))" >"$WORK/feeds/bench.txt"

# listener: accepts and closes, counting accepts; writes the count on SIGTERM.
listener() {
    rm -f "$WORK/accepted" "$WORK/ready"
    "$PY" - "$WORK/accepted" "$WORK/ready" <<'EOF' &
import signal, socket, sys
count = 0
def done(*_):
    open(sys.argv[1], "w").write("%d\n" % count)
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9200))
s.listen(4096)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    count += 1
    c.close()
EOF
    LISTENER=$!
    for _ in $(seq 100); do [ -e "$WORK/ready" ] && break; sleep 0.05; done
}

# connect_round LABEL KEY: CONNECTS connects; prints the rate, checks both counts.
connect_round() {
    listener
    "$PY" - "$CONNECTS" "$WORK/client" <<'EOF'
import socket, sys, time
n, ok = int(sys.argv[1]), 0
t0 = time.perf_counter()
for _ in range(n):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", 9200))
        ok += 1
    except OSError:
        pass
    s.close()
open(sys.argv[2], "w").write("%d %.6f\n" % (ok, time.perf_counter() - t0))
EOF
    sleep 0.5
    kill -TERM "$LISTENER"
    wait "$LISTENER" || true
    LISTENER=
    local ok secs accepted rate
    read -r ok secs <"$WORK/client"
    accepted=$(cat "$WORK/accepted")
    rate=$(awk -v n="$ok" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    printf '%-24s %9d connects/s  (expected %d, client connected %d, listener accepted %d)\n' \
        "$1" "$rate" "$CONNECTS" "$ok" "$accepted"
    [ "$ok" -eq "$CONNECTS" ] && [ "$accepted" -eq "$CONNECTS" ] ||
        echo "MISMATCH ($1): expected $CONNECTS, client $ok, listener $accepted"
    printf -v "RATE_$2" '%s' "$rate"
}

# syscall_round LABEL KEY: dd copies SYSCALL_BYTES one byte at a time (2 syscalls each).
SYSCALL_BYTES=2000000
syscall_round() {
    local t0 t1 copied rate
    t0=$(date +%s%N)
    copied=$(dd if=/dev/zero of=/dev/null bs=1 count="$SYSCALL_BYTES" 2>&1 | awk '/copied/ { print $1 }')
    t1=$(date +%s%N)
    rate=$(awk -v n="$copied" -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", 2 * n / (ns / 1e9) }')
    printf '%-24s %9d syscalls/s  (expected %d bytes copied, dd copied %s)\n' "$1" "$rate" \
        "$SYSCALL_BYTES" "$copied"
    [ "$copied" = "$SYSCALL_BYTES" ] || echo "MISMATCH ($1): dd copied $copied bytes"
    printf -v "SYS_$2" '%s' "$rate"
}

echo "kernel $(uname -r), $(nproc) CPUs; $CONNECTS connects per round, feed of $FEED_SIZE addresses"
connect_round "without the tool" off
syscall_round "without the tool" off
"$BIN" --feeds "$WORK/feeds" --block kill >"$WORK/tool.out" 2>"$WORK/tool.err" &
TOOL=$!
for _ in $(seq 600); do
    grep -q 'The program is running' "$WORK/tool.out" 2>/dev/null && break
    kill -0 "$TOOL" 2>/dev/null || { cat "$WORK/tool.err"; exit 1; }
    sleep 0.1
done
connect_round "with --block kill" on
syscall_round "with --block kill" on
hits=$(grep -c '^Client:' "$WORK/tool.out" || true)
[ "$hits" -eq 0 ] || echo "MISMATCH: the tool reported $hits hit(s) for non-feed connects"
awk -v a="$RATE_off" -v b="$RATE_on" -v c="$SYS_off" -v d="$SYS_on" 'BEGIN {
    printf "connect cost: %.1f %% fewer connects/s; syscall cost: %.1f %% fewer syscalls/s\n",
        100 * (a - b) / a, 100 * (c - d) / c }'
