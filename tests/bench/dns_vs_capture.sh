#!/usr/bin/env bash
# Benchmark (figures, not a test): what it costs to see a host's DNS, ours against a packet
# capture, side by side in one run, rounds alternating (none, ours, ours-json, tcpdump,
# tshark; each round begins one side later):
#  - ours: ebpfshield-bcc --feature ebpf_monitor, its lines to a file (text; ours-json:
#    --output json), every message with its process;
#  - tcpdump: tcpdump -i lo -w /dev/null 'udp port 53' (the packets, no decoding);
#  - tshark: tshark -i lo -f 'udp port 53' -T fields -e dns.qry.name, to a file (each
#    message's name; no process: a capture cannot tell one).
# A round: a client keeps WINDOW queries in flight to dnsmasq (answering from its own
# records) in a private network namespace until MESSAGES / 2 queries are answered:
# MESSAGES DNS messages. Figures: the observer's CPU seconds (user + system, its helper
# processes included: tshark's dumpcap) from ready to done, per 100,000 messages; and the
# machine's busy CPU seconds in the round (/proc/stat: what the kernel spends on the
# observer's behalf in the senders' context counts there), against none's. Counted against
# the client: ours' query and answer lines, tcpdump's packets captured (its count at exit),
# tshark's lines with the name (ours' rows add what the tool says it lost or left
# unwritten at exit). Any disagreement is printed as MISMATCH, and the script
# then exits 1. With PLOT=FILE.svg in the environment, the rounds are drawn there
# (tests/bench/plot.py). As root; needs dnsmasq, tcpdump and tshark (scripts/setup.sh
# --test).
# usage: tests/bench/dns_vs_capture.sh EBPFSHIELD_BIN [ROUNDS]   (MESSAGES, WINDOW)
set -euo pipefail
[ $# -ge 1 ] || {
    echo "usage: $0 EBPFSHIELD_BIN [ROUNDS]" >&2
    exit 2
}
BIN=$(realpath "$1") ROUNDS=${2:-3}
MESSAGES=${MESSAGES:-200000} WINDOW=${WINDOW:-64}
QUERIES=$((MESSAGES / 2))
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/bench_lib.sh
. "$here/bench_lib.sh"
PY=/usr/bin/python3
NS=ebs-dnscap-$$
WORK=$(mktemp -d)
MISMATCHES=0
HZ=$(getconf CLK_TCK)
cleanup() {
    local pid
    for pid in $(jobs -p); do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -f "$WORK/dnsmasq.pid" ] && kill "$(cat "$WORK/dnsmasq.pid")" 2>/dev/null
    ip netns del "$NS" 2>/dev/null || true
    rm -rf -- "$WORK"
}
trap cleanup EXIT
need dnsmasq tcpdump tshark

ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
    --address=/a.example.test/10.1.2.3 --cache-size=1000 --dns-forward-max=5000 \
    --pid-file="$WORK/dnsmasq.pid" --user=root


# round SIDE: the client's queries under SIDE's observer; "SIDE cpu_per_100k busy_s" into
# figures.
round() {
    local side=$1 obs=0 pids='' b0 b1 c0 c1 sent answered seen want
    rm -f "$WORK/obs.out" "$WORK/obs.err"
    : >"$WORK/obs.out"
    : >"$WORK/obs.err"
    case $side in
    ours | ours-json)
        local json=()
        [ "$side" = ours ] || json=(--output json)
        ip netns exec "$NS" "$BIN" --feature ebpf_monitor "${json[@]}" >"$WORK/obs.out" 2>"$WORK/obs.err" &
        obs=$!
        ;;
    tcpdump)
        ip netns exec "$NS" tcpdump -i lo -n -w /dev/null 'udp port 53' >"$WORK/obs.out" 2>"$WORK/obs.err" &
        obs=$!
        ;;
    tshark)
        ip netns exec "$NS" tshark -i lo -n -l -f 'udp port 53' -T fields -e dns.qry.name \
            >"$WORK/obs.out" 2>"$WORK/obs.err" &
        obs=$!
        ;;
    esac
    case $side in
    ours) ready "$WORK/obs.out" 'The program is running' "$obs" "$WORK/obs.err" ;;
    ours-json) ready "$WORK/obs.err" 'The program is running' "$obs" "$WORK/obs.err" ;; # (stdout: events only)
    tcpdump) ready "$WORK/obs.err" 'listening on lo' "$obs" "$WORK/obs.err" ;;
    tshark) ready "$WORK/obs.err" "^Capturing on" "$obs" "$WORK/obs.err" ;;
    esac
    if [ "$obs" -ne 0 ]; then
        sleep 1 # tshark's dumpcap, and anything the observer starts with, at rest
        pids="$obs $(pgrep -P "$obs" | tr '\n' ' ' || true)"
    fi
    # shellcheck disable=SC2086 # a list of pids
    c0=$(cpu_of $pids)
    b0=$(busy)
    ip netns exec "$NS" "$PY" "$here/dns_pipeline_client.py" "$QUERIES" "$WINDOW" >"$WORK/client"
    case $side in
    none) ;;
    tcpdump) sleep 2 ;; # what it has read but not yet counted (its output: /dev/null)
    *) settled "$WORK/obs.out" ;;
    esac
    # shellcheck disable=SC2086
    c1=$(cpu_of $pids)
    b1=$(busy)
    read -r sent answered _ <"$WORK/client"
    if [ "$obs" -ne 0 ]; then
        kill -INT "$obs"
        wait "$obs" || true
    fi
    want=$((sent + answered))
    if [ "$sent" -ne "$QUERIES" ] || [ "$answered" -ne "$QUERIES" ]; then
        mismatch "$side" "the client sent $sent and got $answered answers of $QUERIES"
    fi
    case $side in
    ours) seen=$(grep -cE ' DNS_NAME=a\.example\.test\. DNS_TYPE=A( |$)' "$WORK/obs.out" || true) ;;
    ours-json) seen=$(grep -c '"name":"a.example.test"' "$WORK/obs.out" || true) ;;
    tcpdump) seen=$(sed -nE 's/^([0-9]+) packets? captured$/\1/p' "$WORK/obs.err") ;;
    tshark) seen=$(grep -cx 'a\.example\.test' "$WORK/obs.out" || true) ;;
    none) seen=$want ;;
    esac
    local own='' # the tool's own count of what it lost, said at its exit
    case $side in
    ours | ours-json)
        own="; the tool says $(tool_losses "$WORK/obs.err")"
        ;;
    esac
    [ "${seen:-0}" -eq "$want" ] || mismatch "$side" "saw ${seen:-0} of the $want messages$own"
    local cpu per busy_s
    cpu=$(awk -v t=$((c1 - c0)) -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}')
    per=$(awk -v c="$cpu" -v m="$want" 'BEGIN {printf "%.3f", m ? c * 100000 / m : 0}')
    busy_s=$(awk -v t=$((b1 - b0)) -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}')
    [ "$side" != none ] || per=0
    printf '%-10s observer %6.2f CPU s (%6.3f per 100,000 messages), machine busy %6.2f s (messages: %d expected, %d seen%s)\n' \
        "$side" "$cpu" "$per" "$busy_s" "$want" "${seen:-0}" "$own"
    echo "$side $per $busy_s" >>"$WORK/figures"
}

SIDES=(none ours ours-json tcpdump tshark)
echo "dns_vs_capture: $MESSAGES messages a round ($WINDOW queries in flight), $ROUNDS round(s), kernel $(uname -r), $(nproc) CPU(s), tshark $(tshark --version 2>/dev/null | sed -n '1s/.* \([0-9][0-9.]*\).*/\1/p'), tcpdump $(tcpdump --version 2>&1 | sed -n '1s/.* \([0-9][0-9.]*\)$/\1/p')"
round none >/dev/null # warm-up: dnsmasq's cache, the client's first run
: >"$WORK/figures"
for r in $(seq 0 $((ROUNDS - 1))); do
    for i in $(seq 0 $((${#SIDES[@]} - 1))); do
        round "${SIDES[$(((i + r) % ${#SIDES[@]}))]}"
    done
done
echo "median      CPU s per 100,000 messages   machine busy s per round"
for side in "${SIDES[@]}"; do
    awk -v s="$side" '$1 == s {print $2, $3}' "$WORK/figures" | sort -n | awk -v s="$side" '
        {c[NR] = $1} END {printf "%-10s %8.3f\n", s, c[int((NR + 1) / 2)]}'
done
for side in "${SIDES[@]}"; do
    printf '%-10s busy %s\n' "$side" "$(awk -v s="$side" '$1 == s {print $3}' "$WORK/figures" | sort -n | awk '{b[NR] = $1} END {print b[int((NR + 1) / 2)]}')"
done
if [ -n "${PLOT:-}" ]; then
    awk '{print $1, $2}' "$WORK/figures" >"$WORK/plot1"
    "$PY" "$here/plot.py" "$WORK/plot1" "$PLOT" "DNS visibility: CPU s per 100,000 messages" \
        "CPU s per 100k messages"
fi
[ "$MISMATCHES" -eq 0 ] || exit 1
