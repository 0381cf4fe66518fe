#!/usr/bin/env bash
# Benchmark (figures, not a test): a reload of 1,000,000 CIDRs and back, and what the
# event loop does meanwhile, for one binary or two side by side (NEW and OLD alternating,
# ROUNDS rounds each).
#  - The tool runs under --block deny with a feed of one address (127.0.0.6); the feed
#    directory then gains a file of CIDRS addresses (241.0.0.0 + 4i: reserved, never
#    adjacent, one /32 each) and SIGHUP; then the file goes and SIGHUP again.
#  - Each reload: milliseconds from SIGHUP to the tool's summary of the new set (stderr
#    lines stamped as they arrive). The summary must give the counts written.
#  - 100 ms after the first SIGHUP, a victim connects to 127.0.0.6: milliseconds from its
#    refused connect to the hit's line on stderr (a loop that waits for the reload shows
#    it here).
#  - Checked apart from what the tool says: after the reload, SAMPLE listed addresses are
#    refused (EPERM) and SAMPLE neighbours (+1, not listed) are not; after the reload back,
#    none of the listed sample is refused. The victim must be refused and its line come.
# Anything else is printed as MISMATCH. Runs in a private network namespace, as root; the
# tool loads kernel programs: run one such benchmark at a time.
# usage: tests/bench/reload.sh NEW_BIN [OLD_BIN [ROUNDS]]   (CIDRS, SAMPLE in the environment)
set -euo pipefail
if [ "${IN_NETNS:-}" != 1 ]; then
    [ $# -ge 1 ] || { echo "usage: $0 NEW_BIN [OLD_BIN [ROUNDS]]" >&2; exit 2; }
    ns=ebpfshield-bench-$$
    ip netns add "$ns"
    trap 'ip netns del "$ns"' EXIT
    ip -n "$ns" link set lo up
    old=${2:+$(realpath "$2")}
    ip netns exec "$ns" env IN_NETNS=1 bash "$0" "$(realpath "$1")" "$old" "${3:-3}"
    exit
fi
NEW=$1 OLD=$2 ROUNDS=$3
CIDRS=${CIDRS:-1000000} SAMPLE=${SAMPLE:-20}
WORK=$(mktemp -d)
TOOL=
cleanup() {
    [ -z "$TOOL" ] || kill -INT "$TOOL" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
python3 - "$WORK/big.txt" "$CIDRS" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        a = (241 << 24) + 4 * i
        f.write("%d.%d.%d.%d\n" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255))
PY
# connects.py [at EPOCH] ADDR...: one connect to port 9 of each ADDR; prints, per
# address, the errno (0: connected) and the time of the call.
cat >"$WORK/connects.py" <<'PY'
import errno, socket, sys, time
args = sys.argv[1:]
if args[0] == "at":
    time.sleep(max(0, float(args[1]) - time.time()))
    args = args[2:]
for a in args:
    s = socket.socket()
    s.settimeout(2)
    t = time.time()
    try:
        s.connect((a, 9))
        e = 0
    except socket.timeout:
        e = -1
    except OSError as x:
        e = x.errno
    s.close()
    print(a, e, "%.6f" % t)
PY
stamp() { while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done >"$1"; }
summaries() { grep -c ' feeds: ' "$WORK/err" || true; }

start_tool() {
    mkdir -p "$WORK/feeds"
    rm -f "$WORK/feeds/big.txt"
    echo 127.0.0.6 >"$WORK/feeds/a.txt"
    "$1" --feeds "$WORK/feeds" --block deny > >(stamp "$WORK/out") 2> >(stamp "$WORK/err") &
    TOOL=$!
    for _ in $(seq 600); do grep -q 'The program is running' "$WORK/out" "$WORK/err" 2>/dev/null && return; sleep 0.1; done
    echo "MISMATCH: the tool did not start"
    exit 1
}
stop_tool() {
    kill -INT "$TOOL"
    wait "$TOOL" || echo "MISMATCH: the tool exited with $?"
    TOOL=
    grep -q 'lost' "$WORK/err" && echo "MISMATCH: $(grep lost "$WORK/err" | head -1)"
    return 0
}

# reload LABEL V4: SIGHUP; waits for the summary, which must say V4 IPv4 CIDRs; prints and
# returns (in MS) the milliseconds to it.
reload() {
    local before t0 t1
    before=$(summaries)
    t0=$EPOCHREALTIME
    kill -HUP "$TOOL"
    until [ "$(summaries)" -gt "$before" ]; do sleep 0.005; done
    t1=$(grep ' feeds: ' "$WORK/err" | tail -1 | cut -d' ' -f1)
    grep ' feeds: ' "$WORK/err" | tail -1 | grep -q "; $2 IPv4 and 0 IPv6 CIDRs to check" ||
        echo "MISMATCH ($1): $(grep ' feeds: ' "$WORK/err" | tail -1)"
    MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
}

# sample_check LABEL WANT_LISTED: SAMPLE addresses of the big file refused (or not), and
# their neighbours never.
sample_check() {
    local addrs=() a
    for _ in $(seq "$SAMPLE"); do
        a=$(((241 << 24) + 4 * (RANDOM * 32768 + RANDOM) % (4 * CIDRS)))
        a=$((a - a % 4))
        addrs+=("$((a >> 24)).$(((a >> 16) & 255)).$(((a >> 8) & 255)).$((a & 255))")
        a=$((a + 1))
        addrs+=("$((a >> 24)).$(((a >> 16) & 255)).$(((a >> 8) & 255)).$((a & 255))")
    done
    python3 "$WORK/connects.py" "${addrs[@]}" >"$WORK/sample"
    local refused_listed refused_other
    refused_listed=$(awk 'NR % 2 == 1 && $2 == 1' "$WORK/sample" | wc -l)
    refused_other=$(awk 'NR % 2 == 0 && $2 == 1' "$WORK/sample" | wc -l)
    [ "$refused_other" -eq 0 ] || echo "MISMATCH ($1): $refused_other unlisted neighbours refused"
    if [ "$2" = yes ] && [ "$refused_listed" -ne "$SAMPLE" ]; then
        echo "MISMATCH ($1): $refused_listed of $SAMPLE listed addresses refused"
    elif [ "$2" = no ] && [ "$refused_listed" -ne 0 ]; then
        echo "MISMATCH ($1): $refused_listed addresses of the removed file still refused"
    fi
}

# round LABEL BIN: one tool run, a reload to the big file and back.
round() {
    start_tool "$2"
    cp "$WORK/big.txt" "$WORK/feeds/.big.new"
    mv "$WORK/feeds/.big.new" "$WORK/feeds/big.txt"
    local at victim line
    at=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.6f", t + 0.1 }')
    python3 "$WORK/connects.py" at "$at" 127.0.0.6 >"$WORK/victim" &
    victim=$!
    reload "$1" $((CIDRS + 1))
    local up=$MS
    wait "$victim"
    read -r _ verr vt <"$WORK/victim"
    [ "$verr" = 1 ] || echo "MISMATCH ($1): the victim's connect gave errno $verr, not EPERM"
    for _ in $(seq 100); do grep -q "connected to 127.0.0.6" "$WORK/err" && break; sleep 0.05; done
    line=$(grep "connected to 127.0.0.6" "$WORK/err" | head -1 | cut -d' ' -f1)
    [ -n "$line" ] || echo "MISMATCH ($1): no line for the victim"
    sample_check "$1 with the big file" yes
    rm "$WORK/feeds/big.txt"
    reload "$1" 1
    sample_check "$1 after it went" no
    stop_tool
    awk -v l="$1" -v up="$up" -v down="$MS" -v a="$vt" -v b="${line:-0}" 'BEGIN {
        printf "%-4s reload to %d CIDRs %5d ms, back %5d ms; a hit 100 ms into it: its line after %5.0f ms\n",
            l, '"$CIDRS"', up, down, (b - a) * 1000 }' | tee -a "$WORK/figures"
}

for _ in $(seq "$ROUNDS"); do
    round new "$NEW"
    [ -z "$OLD" ] || round old "$OLD"
done
echo
# median COLUMN LABEL: the median of one figure over LABEL's rounds.
median() {
    awk -v l="$2" -v c="$1" '$1 == l { print $c }' "$WORK/figures" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
for l in new old; do
    n=$(awk -v l="$l" '$1 == l' "$WORK/figures" | wc -l)
    [ "$n" -gt 0 ] || continue
    # fields: LABEL reload to N CIDRs UP ms, back DOWN ms; ... after LINE ms
    echo "$l median of $n: reload $(median 6 "$l") ms, back $(median 9 "$l") ms, the hit's line after $(median 20 "$l") ms"
done
