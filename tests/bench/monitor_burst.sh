#!/usr/bin/env bash
# Benchmark (not a test): ebpf_monitor under a burst of pipelined queries. One client keeps
# WINDOW queries in flight to dnsmasq (one A record per answer) on one UDP socket; the
# tool's lines are counted against what the client sent and received, and its own loss
# counter is read as the tool prints it. Any mismatch is printed as MISMATCH. Runs in a
# private network namespace, as root:
#   tests/bench/monitor_burst.sh build/ebpfshield-bcc [QUERIES] [WINDOW] [NAMESPACES]
# With NAMESPACES (N > 0), the queries come from N other namespaces at once ("containers",
# each with its own dnsmasq on 127.0.0.1 and one client sending QUERIES / N): the path of
# the socket hooks rather than the socket filter's.
set -euo pipefail
bin=$(realpath "$1")
queries=${2:-100000}
window=${3:-64}
spaces=${4:-0}
ns=ebpfshield-bench-$$
client=$(cd "$(dirname "$0")" && pwd)/dns_pipeline_client.py
work=$(mktemp -d)
cleanup() {
    for i in $(seq "$spaces"); do
        [ -f "$work/dnsmasq.$i.pid" ] && kill "$(cat "$work/dnsmasq.$i.pid")" 2>/dev/null
        ip netns del "$ns-$i" 2>/dev/null
    done
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
for i in $(seq "$spaces"); do
    ip netns add "$ns-$i"
    ip -n "$ns-$i" link set lo up
    ip netns exec "$ns-$i" dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 \
        --bind-interfaces --address=/a.example.test/10.1.2.3 --cache-size=1000 \
        --dns-forward-max=5000 --pid-file="$work/dnsmasq.$i.pid"
done
ip netns exec "$ns" bash -s "$bin" "$queries" "$window" "$work" "$spaces" "$ns" "$client" <<'INNER'
set -euo pipefail
bin=$1 queries=$2 window=$3 work=$4 spaces=$5 ns=$6 client=$7
dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
    --address=/a.example.test/10.1.2.3 --cache-size=1000 --dns-forward-max=5000 \
    --pid-file="$work/dnsmasq.pid"
"$bin" --feature ebpf_monitor >"$work/out" 2>"$work/err" &
tool=$!
until grep -q 'The program is running' "$work/out"; do sleep 0.2; done
read -r ut0 st0 < <(awk '{print $14, $15}' "/proc/$tool/stat")
if [ "$spaces" -eq 0 ]; then
    /usr/bin/python3 "$client" "$queries" "$window" >"$work/client"
else
    t0=$(date +%s.%N)
    clients=()
    for i in $(seq "$spaces"); do
        ip netns exec "$ns-$i" /usr/bin/python3 "$client" $((queries / spaces)) \
            "$window" >"$work/client.$i" &
        clients+=($!)
    done
    wait "${clients[@]}"
    t1=$(date +%s.%N)
    cat "$work"/client.[0-9]* | awk -v t0="$t0" -v t1="$t1" \
        '{s += $1; a += $2} END {printf "%d %d %.3f\n", s, a, t1 - t0}' >"$work/client"
fi
read -r sent answered secs <"$work/client"
# Wait until the tool has printed everything it is going to (no growth for 2 s).
prev=-1
while [ "$(wc -l <"$work/out")" -ne "$prev" ]; do prev=$(wc -l <"$work/out"); sleep 2; done
read -r ut1 st1 < <(awk '{print $14, $15}' "/proc/$tool/stat")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$tool/status")
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$tool/status")
kill -INT "$tool"
wait "$tool"
kill "$(cat "$work/dnsmasq.pid")"
unattributed=$(sed -nE 's/^ebpfshield-bcc: ([0-9]+) DNS packet\(s\) whose process the kernel could not tell in all$/\1/p' "$work/err")
q=$(grep -c ' DNS_QR=0 DNS_NAME=a\.example\.test\. DNS_TYPE=A$' "$work/out" || true)
a=$(grep -c ' DNS_QR=1 DNS_NAME=a\.example\.test\. DNS_TYPE=A DNS_DATA=10\.1\.2\.3$' "$work/out" || true)
other=$(($(wc -l <"$work/out") - 1 - q - a))
# The tool's own counters, as it prints them at exit (see src/runtime.c, line_writer.c).
lost=$(sed -nE 's/^ebpfshield-bcc: ([0-9]+) event\(s\) lost in all$/\1/p' "$work/err")
dropped=$(sed -nE 's/^ebpfshield-bcc: ([0-9]+) DNS packet\(s\) dropped in the kernel: .*, in all$/\1/p' "$work/err")
unwritten=$(sed -nE 's/^ebpfshield-bcc: ([0-9]+) line\(s\) .*not written.*/\1/p' "$work/err" | tail -1)
hz=$(getconf CLK_TCK)
lines=$((q + a))
cpu=$(awk -v t=$((ut1 + st1 - ut0 - st0)) -v hz="$hz" 'BEGIN {printf "%.2f", t / hz}')
echo "client: $sent queries sent, $answered answered in $secs s ($(awk -v n="$sent" -v s="$secs" 'BEGIN {printf "%.0f", n / s}') queries/s, $window in flight, from $spaces other namespace(s))"
echo "lines: $q query lines of $sent expected, $a answer lines of $answered expected, $other other"
echo "tool: ${dropped:-0} packet(s) dropped in the kernel (its counter; perf's own: ${lost:-0}), ${unwritten:-0} line(s) not written, ${unattributed:-0} packet(s) unattributed"
echo "tool CPU: $cpu s in all, $(awk -v c="$cpu" -v l="$lines" 'BEGIN {printf "%.3f", l ? c * 10000 / l : 0}') s per 10,000 lines; RSS $((rss / 1024)) MiB, peak (VmHWM) $((hwm / 1024)) MiB"
missing=$((sent - q + answered - a))
if [ "$missing" -ne "${dropped:-0}" ] || [ "$other" -ne 0 ] || [ "$missing" -lt 0 ]; then
    echo "MISMATCH: $missing line(s) missing, the tool counted ${dropped:-0} dropped, $other unexpected line(s)"
fi
grep -v 'sha1 socket\|prog tag\|^attach mode\|compil' "$work/err" | sed 's/^/stderr: /' | head -8
INNER
