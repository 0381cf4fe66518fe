#!/usr/bin/env bash
# Benchmark (figures, not a test): the monitor's throughput ceiling, the highest DNS rate at
# which ebpfshield-bcc --feature ebpf_monitor loses none of MESSAGES messages. The load is
# tests/bench/dns_blaster.c (a query and its answer from templates, sent with sendmmsg between
# a client socket and a responder on 127.0.0.1:53 in one process, paced to each RATE;
# 0: as fast as it goes), pinned to CPU 1 in a private network namespace: without an
# observer it makes about 900,000 messages/s here, far past what is asked of the tool.
# For each rate, ascending: a fresh tool (text lines to a file; FORMAT=json for JSON),
# the load, the tool's query and answer lines counted against what the load's sockets
# sent and received (each kind apart; a JSON line only whole, from its first field to its
# closing brace),
# the tool's own exit count of what it lost or left unwritten, and its CPU (user + system)
# over the run. Any disagreement (a line neither printed nor counted lost, a message the
# load did not deliver) is printed as MISMATCH and the script exits 1. The ceiling is the
# highest rate reached with 0 lost, every slower rate lossless too.
# As root; needs gcc. KEEP=1 keeps the work directory (the tool's lines and stderr).
# usage: tests/bench/monitor_ceiling.sh EBPFSHIELD_BIN [RATE...]   (MESSAGES, FORMAT, KEEP)
set -euo pipefail
[ $# -ge 1 ] || {
    echo "usage: $0 EBPFSHIELD_BIN [RATE...]" >&2
    exit 2
}
BIN=$(realpath "$1")
shift
RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(100000 200000 250000 300000 400000 500000 0)
MESSAGES=${MESSAGES:-1000000} FORMAT=${FORMAT:-text}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/bench_lib.sh
. "$here/bench_lib.sh"
NS=ebs-ceiling-$$
WORK=$(mktemp -d)
MISMATCHES=0
HZ=$(getconf CLK_TCK)
cleanup() {
    local pid
    for pid in $(jobs -p); do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
for rate in "${RATES[@]}"; do
    [[ $rate =~ ^[0-9]+$ ]] || {
        echo "$0: a rate is messages a second (0: as fast as the load goes), not '$rate'" >&2
        exit 2
    }
done
case $FORMAT in text | json) ;; *)
    echo "$0: FORMAT is text or json, not '$FORMAT'" >&2
    exit 2
    ;;
esac
cc -O2 -Wall -o "$WORK/dns_blaster" "$here/dns_blaster.c"
ip netns add "$NS"
ip -n "$NS" link set lo up

# run RATE: one rate under a fresh tool; "rate achieved lost cpu_per_100k" into figures.
run() {
    local rate=$1 obs c0 c1 sent received seconds seen lost want ready_in=out
    # A line of each query and of each answer (text: DNS_QR=0|1; JSON: the event.action).
    local json=() query=' DNS_QR=0 DNS_NAME=a\.example\.test\. DNS_TYPE=A( |$)'
    local answer=' DNS_QR=1 DNS_NAME=a\.example\.test\. DNS_TYPE=A( |$)'
    if [ "$FORMAT" = json ]; then
        json=(--output json) ready_in=err
        query='^\{"@timestamp":"[^"]*","event":\{"kind":"event","module":"ebpfshield","action":"dns-query".*"name":"a\.example\.test".*\}$'
        answer='^\{"@timestamp":"[^"]*","event":\{"kind":"event","module":"ebpfshield","action":"dns-response".*"name":"a\.example\.test".*\}$'
    fi
    : >"$WORK/obs.out"
    : >"$WORK/obs.err"
    ip netns exec "$NS" "$BIN" --feature ebpf_monitor "${json[@]}" >"$WORK/obs.out" 2>"$WORK/obs.err" &
    obs=$!
    ready "$WORK/obs.$ready_in" 'The program is running' "$obs" "$WORK/obs.err"
    c0=$(cpu_of "$obs")
    ip netns exec "$NS" taskset -c 1 "$WORK/dns_blaster" "$MESSAGES" "$rate" >"$WORK/load"
    settled "$WORK/obs.out"
    c1=$(cpu_of "$obs")
    kill -INT "$obs"
    local status=0
    wait "$obs" || status=$?
    [ "$status" -eq 0 ] || mismatch "$rate/s" "the tool exited with $status after SIGINT"
    read -r _ sent _ received _ seconds <"$WORK/load"
    local queries answers
    queries=$(grep -cE "$query" "$WORK/obs.out" || true)
    answers=$(grep -cE "$answer" "$WORK/obs.out" || true)
    seen=$((queries + answers))
    # (each kind at most half: duplicated lines cannot hide lost ones of the same count)
    [ "$queries" -le $((sent / 2)) ] && [ "$answers" -le $((sent / 2)) ] ||
        mismatch "$rate/s" "$queries query and $answers answer lines for $((sent / 2)) of each"
    lost=$(tool_losses "$WORK/obs.err")
    want=$((MESSAGES - MESSAGES % 32)) # whole turns of 16 queries and 16 answers
    [ "$sent" -eq "$want" ] && [ "$received" -eq "$sent" ] || # (the message when either fails)
        mismatch "$rate/s" "the load sent $sent and received $received messages"
    local counted=$((seen + ${lost%% *}))
    [ "$counted" -eq "$sent" ] ||
        mismatch "$rate/s" "$seen lines and ${lost%% *} counted lost, of $sent messages sent"
    local achieved cpu per
    achieved=$(awk -v n="$sent" -v s="$seconds" 'BEGIN {printf "%d", (s > 0 ? n / s : 0)}')
    cpu=$(awk -v t=$((c1 - c0)) -v hz="$HZ" 'BEGIN {printf "%.2f", t / hz}')
    per=$(awk -v c="$cpu" -v m="$sent" 'BEGIN {printf "%.3f", m ? c * 100000 / m : 0}')
    printf '%-9s asked %7s msg/s, made %7d msg/s: %d sent, %d lines (%s); tool %.2f CPU s (%.3f per 100,000)\n' \
        "$FORMAT" "$([ "$rate" -eq 0 ] && echo max || echo "$rate")" "$achieved" "$sent" "$seen" "$lost" "$cpu" "$per"
    echo "$rate $achieved $((sent - seen)) $per" >>"$WORK/figures"
}

echo "monitor_ceiling: $MESSAGES messages a rate, $FORMAT lines, kernel $(uname -r), $(nproc) CPU(s), load pinned to CPU 1"
ip netns exec "$NS" taskset -c 1 "$WORK/dns_blaster" "$MESSAGES" 0 >"$WORK/load"
read -r _ sent _ received _ seconds <"$WORK/load"
bare=$(awk -v n="$sent" -v s="$seconds" 'BEGIN {printf "%d", (s > 0 ? n / s : 0)}')
echo "no observer: the load made $bare msg/s ($sent sent, $received received)"
: >"$WORK/figures"
for rate in "${RATES[@]}"; do run "$rate"; done
# The ceiling: the highest rate made while every rate up to it lost nothing; when that is
# the as-fast-as-it-goes run, the load (slowed by the tool's kernel programs, which run in
# its context) was the limit, not the tool.
sort -n -k2 "$WORK/figures" | awk -v bare="$bare" '
    $3 != 0 { broken = 1 }
    !broken { best = $2; cpu = $4; at_max = ($1 == 0 || $2 < 0.98 * $1) }
    END { if (!best) { print "ceiling: none of the rates was lossless"; exit }
          printf "ceiling: %d messages/s with 0 lost (the tool: %s CPU s per 100,000 messages there)\n", best, cpu
          if (at_max) printf "  that is the load at its fastest under the tool (%d msg/s without it): nothing was lost even there\n", bare }'
[ "$MISMATCHES" -eq 0 ] || exit 1
