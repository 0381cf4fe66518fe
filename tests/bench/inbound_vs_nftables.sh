#!/usr/bin/env bash
# Benchmark (figures, not a test): --inbound's XDP program against an nftables set at the
# netdev ingress hook (the earliest nftables sees a packet), side by side in one run,
# rounds alternating (ours, nftables, ours, ...), on the same veth pair.
#  - The feed: ENTRIES distinct IPv4 /32s (every other address from 1.0.0.0: never
#    adjacent, so neither side merges them into ranges), the flood's source among them.
#  - Load: ours, seconds from exec to "The program is running" (compiling the kernel
#    programs included) and the tool's own count of entries; nftables, seconds of `nft -f`
#    of a `flags interval` set holding the same addresses, and `nft list set`'s count.
#  - Drop rate: a packet socket in the peer namespace (tests/bench/frame_flood.c, pinned to
#    CPU 1) writes UDP frames from the listed source for FLOOD_SECONDS; frames sent (the
#    sender's count) against frames dropped (ours: the exit totals; nftables: the rule's
#    counter). On a veth pair the receiving side runs on the sender's CPU: the figure is
#    what one core sends and drops together, the same sender for both.
# Any count that disagrees is printed as MISMATCH. With PLOT=FILE.svg in the environment,
# the rounds are drawn there (tests/bench/plot.py). Runs in private network namespaces, as
# root; loads kernel programs: run one benchmark at a time.
# usage: tests/bench/inbound_vs_nftables.sh BIN [ROUNDS]   (ENTRIES, FLOOD_SECONDS in the environment)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BIN [ROUNDS]" >&2; exit 2; }
BIN=$(realpath "$1") ROUNDS=${2:-2}
ENTRIES=${ENTRIES:-1000000} SECONDS_EACH=${FLOOD_SECONDS:-5} # (bash's own SECONDS counts its time)
here=$(cd "$(dirname "$0")" && pwd)
HOST=ebs-bench-host-$$ PEER=ebs-bench-peer-$$
WORK=$(mktemp -d)
TOOL=
cleanup() {
    [ -z "$TOOL" ] || kill -TERM "$TOOL" 2>/dev/null || true
    wait 2>/dev/null || true
    ip netns del "$HOST" 2>/dev/null || true
    ip netns del "$PEER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
in_host() { ip netns exec "$HOST" "$@"; }

cc -O2 -Wall -o "$WORK/frame_flood" "$here/frame_flood.c"
ip netns add "$HOST"
ip netns add "$PEER"
ip -n "$HOST" link add in0 type veth peer name eth0 netns "$PEER"
ip -n "$HOST" addr add 10.77.0.1/24 dev in0
ip -n "$HOST" link set in0 up
ip -n "$PEER" link set eth0 up
mac_host=$(in_host cat /sys/class/net/in0/address)
mac_peer=$(ip netns exec "$PEER" cat /sys/class/net/eth0/address)

# The feed (SOURCE listed), for both.
SOURCE=100.64.3.7
mkdir "$WORK/feeds"
python3 - "$WORK/feeds/big.txt" "$WORK/set.nft" "$ENTRIES" "$SOURCE" <<'PY'
import sys
feed, rules, n, source = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
addrs, a = [source], (1 << 24)  # from 1.0.0.0
while len(addrs) < n:
    addrs.append("%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255))
    a += 2
with open(feed, "w") as f:
    f.write("\n".join(addrs) + "\n")
with open(rules, "w") as f:
    f.write("table netdev ebsbench {\n counter hits {}\n set feed {\n  type ipv4_addr\n"
            "  flags interval\n  elements = {\n")
    for i in range(0, len(addrs), 1000):
        f.write("   " + ", ".join(addrs[i:i + 1000]) + ",\n")
    f.write("  }\n }\n chain in {\n  type filter hook ingress device \"in0\" priority -500;\n"
            "  ip saddr @feed counter name hits drop\n }\n}\n")
PY

flood() { # frames sent from SOURCE in SECONDS_EACH
    ip netns exec "$PEER" taskset -c 1 "$WORK/frame_flood" eth0 "$mac_host" "$mac_peer" \
        "$SOURCE" 10.77.0.1 "$SECONDS_EACH"
}
mismatch() { echo "MISMATCH: $*"; }

ours() {
    local t0 t1 sent dropped entries
    t0=$(date +%s.%N)
    ip netns exec "$HOST" "$BIN" --feeds "$WORK/feeds" --block deny --inbound in0 \
        >"$WORK/out" 2>"$WORK/err" &
    TOOL=$!
    until grep -q 'The program is running' "$WORK/out" 2>/dev/null; do
        kill -0 "$TOOL" 2>/dev/null || { cat "$WORK/err"; exit 1; }
        sleep 0.01
    done
    t1=$(date +%s.%N)
    entries=$(sed -n 's/.* \([0-9]*\) IPv4 and [0-9]* IPv6 entries.*/\1/p' "$WORK/err" | head -1)
    [ "$entries" = "$ENTRIES" ] || mismatch "ours: $entries entries loaded, $ENTRIES in the feed"
    sent=$(flood)
    kill -TERM "$TOOL"
    wait "$TOOL" || mismatch "ours: the tool's exit status $?"
    TOOL=
    dropped=$(sed -n 's/.*from them: tcp [0-9]*, udp \([0-9]*\),.*/\1/p' "$WORK/err")
    [ "$dropped" = "$sent" ] || mismatch "ours: $sent frames sent, ${dropped:-none} dropped"
    printf 'ours     load %6.2f s  entries %7s  sent %9s  dropped %9s  %6.0f k/s\n' \
        "$(echo "$t1 - $t0" | bc)" "$entries" "$sent" "$dropped" \
        "$(echo "${dropped:-0} / $SECONDS_EACH / 1000" | bc -l)"
    echo "ours $(echo "$t1 - $t0" | bc) ${dropped:-0}" >>"$WORK/figures"
}

nftables() {
    local t0 t1 sent dropped entries
    t0=$(date +%s.%N)
    in_host nft -f "$WORK/set.nft"
    t1=$(date +%s.%N)
    entries=$(in_host nft -j list set netdev ebsbench feed |
        python3 -c 'import json,sys; print(sum(len(o["set"].get("elem", [])) for o in json.load(sys.stdin)["nftables"] if "set" in o))')
    [ "$entries" = "$ENTRIES" ] || mismatch "nftables: $entries elements, $ENTRIES in the feed"
    sent=$(flood)
    dropped=$(in_host nft list counter netdev ebsbench hits | sed -n 's/.*packets \([0-9]*\) .*/\1/p')
    in_host nft delete table netdev ebsbench
    [ "$dropped" = "$sent" ] || mismatch "nftables: $sent frames sent, ${dropped:-none} dropped"
    printf 'nftables load %6.2f s  entries %7s  sent %9s  dropped %9s  %6.0f k/s\n' \
        "$(echo "$t1 - $t0" | bc)" "$entries" "$sent" "$dropped" \
        "$(echo "${dropped:-0} / $SECONDS_EACH / 1000" | bc -l)"
    echo "nftables $(echo "$t1 - $t0" | bc) ${dropped:-0}" >>"$WORK/figures"
}

echo "== --inbound vs nftables: $ENTRIES IPv4 entries, ${SECONDS_EACH} s floods, $ROUNDS round(s) each; $(uname -r), $(nproc) CPU(s)"
for _ in $(seq "$ROUNDS"); do
    ours
    nftables
done
python3 - "$WORK/figures" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(side, i):
    return statistics.median(float(r[i]) for r in rows if r[0] == side)
lo, ln = med("ours", 1), med("nftables", 1)
do, dn = med("ours", 2), med("nftables", 2)
print("median load: ours %.2f s, nftables %.2f s: nftables/ours %.1fx" % (lo, ln, ln / lo))
print("median dropped: ours %d, nftables %d: ours/nftables %.2fx" % (do, dn, do / dn if dn else 0))
PY
[ -z "${PLOT:-}" ] || "$here/plot.py" "$WORK/figures" "$PLOT" \
    "--inbound vs nftables: $ENTRIES IPv4 entries ($(uname -r), $(date +%F))" \
    "load: exec to running / nft -f (s)" "frames dropped in ${SECONDS_EACH} s"
