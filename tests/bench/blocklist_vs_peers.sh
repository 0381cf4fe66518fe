#!/usr/bin/env bash
# Benchmark (figures, not a test): loading and updating a blocklist of ENTRIES addresses,
# ours against nftables and ipset, side by side in one run, rounds alternating (each
# round begins one side later):
#  - ours: ebpfshield-bcc --block deny, started with a one-address feed; the list's file
#    moved into its feeds directory and SIGHUP, until its summary line;
#  - nftables: `nft -f` of an inet table whose output chain drops `ip daddr @feed`, an
#    interval set holding the list; the update is one `nft -f` transaction;
#  - ipset: `ipset restore` of a hash:net set (maxelem 2,000,000) that an iptables OUTPUT
#    rule drops; the update is one `ipset restore` of its del and add lines.
# The list: ENTRIES IPv4 /32s, every other address from 1.0.0.0 (never adjacent: no side
# merges them); the update replaces 1 % of them (ENTRIES / 100 removed, as many added from
# 60.0.0.0). Figures: load seconds, update seconds; the kernel's memory for the list (the
# growth of SUnreclaim + VmallocUsed + Percpu in /proc/meminfo: every side's tables are
# there) and the user-space memory (ours: the running tool's RSS once loaded, what it
# holds; nft and ipset, whose processes end: the command's peak RSS, /usr/bin/time's). Checked every round: during the update a
# process sends a datagram every millisecond to a listed address that stays listed, and
# a listener there counts the bytes that arrive (must be 0: no gap); after it, one
# datagram each to an added address (refused), a removed one and an unlisted one (both
# let out). Any disagreement is printed as MISMATCH and the script exits 1. With
# PLOT=FILE.svg the rounds are drawn there (tests/bench/plot.py). nftables, ipset and the
# traffic live in a private network namespace; ours' programs are the host's (attached
# to the root cgroup), so while its rounds run the whole host refuses the list (public
# addresses from 1.0.0.0 and 60.0.0.0). As root; needs nft, ipset and iptables
# (scripts/setup.sh --test).
# An update still running after UPDATE_LIMIT seconds (default 120) is stopped and said
# (nft's is one transaction: nothing of it applied); its figure is then the limit. SIDES
# (default "ours nftables ipset") picks sides.
# usage: tests/bench/blocklist_vs_peers.sh EBPFSHIELD_BIN [ROUNDS]   (ENTRIES, UPDATE_LIMIT, SIDES)
set -euo pipefail
[ $# -ge 1 ] || {
    echo "usage: $0 EBPFSHIELD_BIN [ROUNDS]" >&2
    exit 2
}
BIN=$(realpath "$1") ROUNDS=${2:-3}
ENTRIES=${ENTRIES:-1000000} UPDATE_LIMIT=${UPDATE_LIMIT:-120}
CHANGE=$((ENTRIES / 100))
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/bench_lib.sh
. "$here/bench_lib.sh"
e2e=$(cd "$here/../e2e" && pwd)
need nft ipset iptables /usr/bin/time
NS=ebs-blocklist-$$
WORK=$(mktemp -d)
MISMATCHES=0
TOOL=
cleanup() {
    [ -z "$TOOL" ] || kill -INT "$TOOL" 2>/dev/null || true
    local pid
    for pid in $(jobs -p); do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf -- "$WORK"
}
trap cleanup EXIT
in_ns() { ip netns exec "$NS" "$@"; }

ip netns add "$NS"
ip -n "$NS" link set lo up
# KEEP stays listed, GONE is removed and NEW added by the update, CLEAN never listed: all
# local, so that what is let out arrives.
KEEP=1.0.0.0 GONE=1.0.0.2 NEW=60.0.0.0 CLEAN=10.9.9.9
for a in $KEEP $GONE $NEW $CLEAN; do ip -n "$NS" addr add "$a/32" dev lo; done
python3 - "$WORK" "$ENTRIES" "$CHANGE" <<'PY'
import sys
work, n, change = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def dotted(a):
    return "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)
listed = [dotted((1 << 24) + 2 * i) for i in range(n)]
gone = listed[1:1 + change]                        # GONE (1.0.0.2) first among them
new = [dotted((60 << 24) + 2 * i) for i in range(change)]
after = [listed[0]] + listed[1 + change:] + new
def write(name, text):
    with open(f"{work}/{name}", "w") as f:
        f.write(text)
def chunks(addrs):
    return ",\n".join(", ".join(addrs[i:i + 1000]) for i in range(0, len(addrs), 1000))
write("list.txt", "\n".join(listed) + "\n")
write("list.new.txt", "\n".join(after) + "\n")
write("load.nft", "table inet ebsbench {\n set feed {\n  type ipv4_addr\n  flags interval\n"
      f"  elements = {{\n{chunks(listed)}\n  }}\n }}\n chain out {{\n"
      "  type filter hook output priority 0;\n  ip daddr @feed drop\n }\n}\n")
write("update.nft", f"delete element inet ebsbench feed {{ {chunks(gone)} }}\n"
      f"add element inet ebsbench feed {{ {chunks(new)} }}\n")
write("load.ipset", "create feed hash:net family inet maxelem 2000000\n"
      + "".join(f"add feed {a}\n" for a in listed))
write("update.ipset", "".join(f"del feed {a}\n" for a in gone)
      + "".join(f"add feed {a}\n" for a in new))
PY

kernel_kib() { awk '/^(SUnreclaim|VmallocUsed|Percpu):/ {s += $2} END {print s}' /proc/meminfo; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}'; }
# sends ADDR: "let-out" or "refused" for one datagram to ADDR:9.
sends() {
    in_ns python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b"x", (sys.argv[1], 9)); print("let-out")
except PermissionError:
    print("refused")' "$1"
}

# ours: the tool, running with a one-address feed.
ours_start() {
    mkdir -p "$WORK/feeds"
    rm -f "$WORK/feeds/"*
    echo 10.200.0.1 >"$WORK/feeds/seed.txt"
    ip netns exec "$NS" "$BIN" --feeds "$WORK/feeds" --block deny >"$WORK/out" 2>"$WORK/err" &
    TOOL=$!
    for _ in $(seq 600); do
        grep -q 'The program is running' "$WORK/out" && return 0
        kill -0 "$TOOL" 2>/dev/null || break
        sleep 0.1
    done
    cat "$WORK/err" >&2
    echo "$0: the tool did not start" >&2
    exit 1
}
summaries() { grep -cE '(^| )feeds: ' "$WORK/err" || true; }
# ours_apply FILE CIDRS: FILE becomes the feed's list, SIGHUP, until the summary says CIDRS.
ours_apply() {
    local before
    before=$(summaries)
    cp "$1" "$WORK/feeds/.list.new"
    mv "$WORK/feeds/.list.new" "$WORK/feeds/list.txt"
    kill -HUP "$TOOL"
    local deadline=$((SECONDS + 120))
    until [ "$(summaries)" -gt "$before" ]; do
        [ $SECONDS -lt $deadline ] || {
            tail -5 "$WORK/err" >&2
            echo "$0: no summary 120 s after SIGHUP" >&2
            exit 1
        }
        sleep 0.005
    done
    grep -E '(^| )feeds: ' "$WORK/err" | tail -1 | grep -q "; $2 IPv4 and 0 IPv6 CIDRs to check" ||
        mismatch ours "$(grep -E '(^| )feeds: ' "$WORK/err" | tail -1)"
}

# load SIDE: the list into SIDE (ours: the tool started before, not timed); the user
# memory it took (KiB) into $WORK/rss.
load() {
    case $1 in
    ours)
        ours_apply "$WORK/list.txt" $((ENTRIES + 1))
        # What it holds (its peak is compiling at start-up: about 100 MiB, the list or not)
        awk '/^VmRSS:/ {print $2}' "/proc/$TOOL/status" >"$WORK/rss"
        ;;
    nftables) in_ns /usr/bin/time -f %M -o "$WORK/rss" nft -f "$WORK/load.nft" ;;
    ipset)
        in_ns /usr/bin/time -f %M -o "$WORK/rss" ipset restore <"$WORK/load.ipset"
        in_ns iptables -A OUTPUT -m set --match-set feed dst -j DROP
        ;;
    esac
}
update() {
    case $1 in
    ours) ours_apply "$WORK/list.new.txt" $((ENTRIES + 1)) ;;
    nftables) # nft 1.0.6 takes minutes to update a large interval set: given UPDATE_LIMIT s
        timeout "$UPDATE_LIMIT" ip netns exec "$NS" nft -f "$WORK/update.nft" || {
            [ $? -eq 124 ] || mismatch nftables "nft -f of the update failed"
            UNFINISHED=1 # (one transaction: the kernel's set is as before)
        } ;;
    ipset) in_ns ipset restore <"$WORK/update.ipset" ;;
    esac
}
clear_side() {
    case $1 in
    ours)
        kill -INT "$TOOL"
        wait "$TOOL" || mismatch ours "the tool exited with $?"
        TOOL=
        ;;
    nftables) in_ns nft delete table inet ebsbench ;;
    ipset)
        in_ns nft flush ruleset # iptables-nft's tables and hooks too, as in other rounds
        in_ns ipset destroy feed
        ;;
    esac
    sleep 2 # what the kernel frees in the background
}

round() {
    local side=$1 k0 k1 t0 load_s update_s user
    [ "$side" != ours ] || ours_start
    k0=$(kernel_kib)
    t0=$(now)
    load "$side"
    load_s=$(since "$t0")
    user=$(tail -1 "$WORK/rss")
    sleep 1
    k1=$(kernel_kib)
    [ "$(sends $KEEP)" = refused ] || mismatch "$side" "a listed address let out after the load"
    [ "$(sends $GONE)" = refused ] || mismatch "$side" "a listed address let out after the load"
    # The update, under a datagram a millisecond to KEEP, its bytes counted where they land.
    rm -f "$WORK/stop" "$WORK/bytes"
    ip netns exec "$NS" python3 "$e2e/byte_counter.py" "$WORK/bytes" "udp:$KEEP:9" &
    local counter=$!
    for _ in $(seq 500); do
        [ -s "$WORK/bytes" ] && break
        kill -0 "$counter" 2>/dev/null || break
        sleep 0.01
    done
    [ -s "$WORK/bytes" ] || {
        echo "$0: the byte counter did not start" >&2
        exit 1
    }
    ip netns exec "$NS" python3 "$e2e/hammer.py" "$WORK/stop" "$KEEP" 9 >"$WORK/hammer" &
    local hammer=$!
    sleep 0.2
    t0=$(now)
    UNFINISHED=
    update "$side"
    update_s=$(since "$t0")
    sleep 0.2
    touch "$WORK/stop"
    wait "$hammer"
    kill "$counter"
    wait "$counter" 2>/dev/null || true
    local sent refused
    read -r sent refused <"$WORK/hammer"
    [ "$(cat "$WORK/bytes")" = 0 ] && [ "$sent" = 0 ] && [ "$refused" -gt 0 ] ||
        mismatch "$side" "during the update $sent of $((sent + refused)) datagrams to a listed address let out, $(cat "$WORK/bytes") byte(s) arrived"
    if [ -z "$UNFINISHED" ]; then
        [ "$(sends $NEW)" = refused ] || mismatch "$side" "an added address let out after the update"
        [ "$(sends $GONE)" = let-out ] || mismatch "$side" "a removed address refused after the update"
    else
        echo "$side: the update did not finish in $UPDATE_LIMIT s (stopped; its figure is the limit)"
        [ "$(sends $NEW)" = let-out ] && [ "$(sends $GONE)" = refused ] ||
            mismatch "$side" "the stopped update was partly applied"
    fi
    [ "$(sends $CLEAN)" = let-out ] || mismatch "$side" "an unlisted address refused"
    clear_side "$side"
    printf '%-8s load %6.2f s  1%% update %5.2f s  kernel %7d KiB  user %7d KiB  (update: %d datagrams refused, 0 let out)\n' \
        "$side" "$load_s" "$update_s" $((k1 - k0)) "$user" "$refused"
    echo "$side $load_s $update_s $((k1 - k0)) $user" >>"$WORK/figures"
}

read -r -a SIDES <<<"${SIDES:-ours nftables ipset}"
echo "blocklist_vs_peers: $ENTRIES IPv4 /32s, updates of $CHANGE out and $CHANGE in, $ROUNDS round(s), kernel $(uname -r), $(nproc) CPU(s), $(nft --version), $(ipset version | head -1)"
: >"$WORK/figures"
for r in $(seq 0 $((ROUNDS - 1))); do
    for i in $(seq 0 $((${#SIDES[@]} - 1))); do
        round "${SIDES[$(((i + r) % ${#SIDES[@]}))]}"
    done
done
echo "median    load s  update s  kernel KiB  user KiB"
for side in "${SIDES[@]}"; do
    awk -v s="$side" '$1 == s' "$WORK/figures" | python3 -c 'import statistics, sys
rows = [l.split() for l in sys.stdin]
m = [statistics.median(float(r[i]) for r in rows) for i in range(1, 5)]
print("%-8s %7.2f %9.2f %11d %9d" % (sys.argv[1], m[0], m[1], m[2], m[3]))' "$side"
done
if [ -n "${PLOT:-}" ]; then
    "$here/plot.py" "$WORK/figures" "$PLOT" \
        "Blocklist of $ENTRIES addresses: ours, nftables, ipset ($(uname -r), $(date +%F))" \
        "load (s)" "1% update (s)" "kernel memory (KiB)" "user memory (KiB)"
fi
[ "$MISMATCHES" -eq 0 ] || exit 1
