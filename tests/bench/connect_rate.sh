#!/usr/bin/env bash
# Benchmark (figures, not a test): what the guard's in-kernel checks cost.
#  - TCP connects/s to a non-feed address (loopback listener), without the tool and with
#    --block kill and a feed of FEED_SIZE addresses; every connect is counted by the client
#    and every accept by the listener, and any mismatch is printed.
#  - syscalls/s (dd with 1-byte blocks: one read and one write per byte) without and with
#    the tool: what a program on every syscall (--signal-from exit) costs, and that the
#    other ways of sending the signal cost nothing there.
# Rounds alternate without the tool and with it for each --signal-from of MODES (default
# "call exit-on-demand exit"), PAIRS times (default 3, the tool started anew for each),
# and end without it; the ratios are of the means of the rounds. The client closes with RST and the listener after it, so that no
# round leaves TIME_WAIT sockets that slow the next one's port search (which had made the
# second round 74 % slower, tool or not).
# With PLOT=FILE.svg in the environment, the rounds are drawn there (tests/bench/plot.py).
# Runs in a private network namespace, as root.
# usage: tests/bench/connect_rate.sh EBPFSHIELD_BIN [CONNECTS] [FEED_SIZE]
set -euo pipefail
if [ "${IN_NETNS:-}" != 1 ]; then
    [ $# -ge 1 ] || { echo "usage: $0 EBPFSHIELD_BIN [CONNECTS] [FEED_SIZE]" >&2; exit 2; }
    ns=ebpfshield-bench-$$
    ip netns add "$ns"
    trap 'ip netns del "$ns"' EXIT
    ip -n "$ns" link set lo up
    ip netns exec "$ns" env IN_NETNS=1 PLOT="${PLOT:+$(realpath -m "$PLOT")}" \
        bash "$0" "$(realpath "$1")" "${2:-20000}" "${3:-10000}"
    exit
fi
BIN=$1 CONNECTS=$2 FEED_SIZE=$3 PAIRS=${PAIRS:-3}
PY=/usr/bin/python3
# Client and listener pinned, each to its own CPU where there are two: left to the
# scheduler, a round ran at 16,000 or at 110,000 connects/s, tool or not.
LISTENER_CPU=0 CLIENT_CPU=$(($(nproc) > 1 ? 1 : 0))
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
    taskset -c "$LISTENER_CPU" "$PY" - "$WORK/accepted" "$WORK/ready" <<'EOF' &
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
    try:
        c.recv(1)  # the client's reset: closed after it, so no TIME_WAIT is left here
    except OSError:
        pass
    c.close()
EOF
    LISTENER=$!
    for _ in $(seq 100); do [ -e "$WORK/ready" ] && break; sleep 0.05; done
}

# connect_round LABEL KEY: CONNECTS connects; prints the rate, checks both counts.
connect_round() {
    listener
    taskset -c "$CLIENT_CPU" "$PY" - "$CONNECTS" "$WORK/client" <<'EOF'
import socket, struct, sys, time
n, ok, errors = int(sys.argv[1]), 0, {}
t0 = time.perf_counter()
for _ in range(n):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST at close
    try:
        s.connect(("127.0.0.1", 9200))
        ok += 1
    except OSError as e:
        errors[e.strerror] = errors.get(e.strerror, 0) + 1
    s.close()
why = ",".join("%s:%d" % kv for kv in errors.items()).replace(" ", "_") or "-"
open(sys.argv[2], "w").write("%d %.6f %s\n" % (ok, time.perf_counter() - t0, why))
EOF
    sleep 0.5
    kill -TERM "$LISTENER"
    wait "$LISTENER" || true
    LISTENER=
    local ok secs why accepted rate
    read -r ok secs why <"$WORK/client"
    accepted=$(cat "$WORK/accepted")
    rate=$(awk -v n="$ok" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    printf '%-24s %9d connects/s  (expected %d, client connected %d, listener accepted %d)\n' \
        "$1" "$rate" "$CONNECTS" "$ok" "$accepted"
    [ "$ok" -eq "$CONNECTS" ] && [ "$accepted" -eq "$CONNECTS" ] ||
        echo "MISMATCH ($1): expected $CONNECTS, client $ok (failures: $why), listener $accepted"
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

read -ra MODE_LIST <<<"${MODES:-call exit-on-demand exit}"
echo "kernel $(uname -r), $(nproc) CPUs; $CONNECTS connects per round, feed of $FEED_SIZE addresses;" \
    "$PAIRS rounds without the tool and with it for each --signal-from (${MODE_LIST[*]}), in turn," \
    "then one more without"

# with_tool FROM KEY: starts the tool with --signal-from FROM, runs both rounds with it,
# stops it.
with_tool() {
    "$BIN" --feeds "$WORK/feeds" --block kill --signal-from "$1" >"$WORK/tool.out" 2>"$WORK/tool.err" &
    TOOL=$!
    for _ in $(seq 600); do
        grep -q 'The program is running' "$WORK/tool.out" 2>/dev/null && break
        kill -0 "$TOOL" 2>/dev/null || { cat "$WORK/tool.err"; exit 1; }
        sleep 0.1
    done
    connect_round "kill, signal from $1" "$2"
    syscall_round "kill, signal from $1" "$2"
    figures "kill,from-$1" "$2"
    local hits
    hits=$(grep -c '^Client:' "$WORK/tool.out" || true)
    [ "$hits" -eq 0 ] || echo "MISMATCH: the tool reported $hits hit(s) for non-feed connects"
    kill -INT "$TOOL"
    wait "$TOOL" || echo "MISMATCH: the tool exited $? on SIGINT"
    TOOL=
}

# figures SIDE KEY: the round's two rates as a line of the plot's figures.
figures() {
    local rate=RATE_$2 sys=SYS_$2
    echo "$1 ${!rate} ${!sys}" >>"$WORK/figures"
}
for i in $(seq "$PAIRS"); do
    connect_round "without the tool" "off$i"
    syscall_round "without the tool" "off$i"
    figures without "off$i"
    for j in "${!MODE_LIST[@]}"; do with_tool "${MODE_LIST[$j]}" "on${j}_$i"; done
done
connect_round "without the tool" "off$((PAIRS + 1))"
syscall_round "without the tool" "off$((PAIRS + 1))"
figures without "off$((PAIRS + 1))"

# mean PREFIX FIRST LAST [SUFFIX]: the mean of PREFIX$FIRST$SUFFIX .. PREFIX$LAST$SUFFIX.
mean() {
    local sum=0 i v
    for i in $(seq "$2" "$3"); do
        v=$1$i${4:-}
        sum=$((sum + ${!v}))
    done
    echo $((sum / ($3 - $2 + 1)))
}
for j in "${!MODE_LIST[@]}"; do
    awk -v m="${MODE_LIST[$j]}" -v a="$(mean RATE_off 1 $((PAIRS + 1)))" \
        -v b="$(mean "RATE_on${j}_" 1 "$PAIRS")" -v c="$(mean SYS_off 1 $((PAIRS + 1)))" \
        -v d="$(mean "SYS_on${j}_" 1 "$PAIRS")" 'BEGIN {
        printf "signal from %s: connects/s with the tool / without (means): %.3f (%d / %d)\n", m, b / a, b, a
        printf "signal from %s: syscalls/s with the tool / without (means): %.3f (%d / %d)\n", m, d / c, d, c }'
done
[ -z "${PLOT:-}" ] || "$(dirname "$0")/plot.py" "$WORK/figures" "$PLOT" \
    "connect and syscall rates, without the tool and with --block kill ($(uname -r), $(date +%F))" \
    "TCP connects/s (loopback, $CONNECTS a round)" "syscalls/s (dd, 1-byte blocks)"
