#!/usr/bin/env bash
# Benchmark (figures, not a test): start-up time and memory of each feature, natively.
# For ebpf_monitor and ebpf_ipintelligence (a feed of FEED_SIZE addresses), RUNS starts
# each: seconds from launch to "The program is running", the peak resident set then
# (VmHWM: the compile is the peak) and the resident set after IDLE seconds of running
# (VmRSS, steady). Every run must reach its running line and exit 0 on SIGINT; anything
# else is printed as MISMATCH. Runs in a private network namespace, as root.
# usage: tests/bench/footprint.sh EBPFSHIELD_BIN [RUNS] [FEED_SIZE]
set -euo pipefail
if [ "${IN_NETNS:-}" != 1 ]; then
    [ $# -ge 1 ] || { echo "usage: $0 EBPFSHIELD_BIN [RUNS] [FEED_SIZE]" >&2; exit 2; }
    ns=ebpfshield-bench-$$
    ip netns add "$ns"
    trap 'ip netns del "$ns"' EXIT
    ip -n "$ns" link set lo up
    ip netns exec "$ns" env IN_NETNS=1 bash "$0" "$(realpath "$1")" "${2:-5}" "${3:-10000}"
    exit
fi
BIN=$1 RUNS=$2 FEED_SIZE=$3 IDLE=${IDLE:-5}
WORK=$(mktemp -d)
TOOL=
cleanup() {
    [ -n "$TOOL" ] && kill -KILL "$TOOL" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir "$WORK/feeds"
/usr/bin/python3 -c "
for i in range($FEED_SIZE):
    print('10.%d.%d.%d' % (i >> 16 & 255, i >> 8 & 255, i & 255))" >"$WORK/feeds/bench.txt"

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# one_run LABEL ARGS...: one start; appends "startup_s peak_kb steady_kb" to $WORK/LABEL.
one_run() {
    local label=$1 t0 t1 peak steady rc=0
    shift
    t0=$(date +%s%N)
    "$BIN" "$@" >"$WORK/out" 2>"$WORK/err" &
    TOOL=$!
    until grep -q 'The program is running' "$WORK/out" 2>/dev/null; do
        if ! kill -0 "$TOOL" 2>/dev/null; then
            echo "MISMATCH ($label): the tool exited before running:"
            tail -3 "$WORK/err"
            TOOL=
            return 1
        fi
        sleep 0.02
    done
    t1=$(date +%s%N)
    peak=$(status_kb "$TOOL" VmHWM)
    sleep "$IDLE"
    steady=$(status_kb "$TOOL" VmRSS)
    kill -INT "$TOOL"
    wait "$TOOL" || rc=$?
    TOOL=
    [ "$rc" -eq 0 ] || echo "MISMATCH ($label): exit status $rc after SIGINT"
    echo "$(((t1 - t0) / 1000000)) $peak $steady" >>"$WORK/$label"
}

# report LABEL: the median and range of each figure over the runs.
report() {
    sort -n "$WORK/$1" | awk -v label="$1" -v runs="$RUNS" '
        { s[NR] = $1; p[NR] = $2; r[NR] = $3 }
        function med(a,   n, i, t, j) {
            n = NR; for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        END {
            if (NR != runs) printf "MISMATCH (%s): %d of %d runs completed\n", label, NR, runs
            printf "%-22s start-up %.2f s (%.2f-%.2f), peak RSS %.1f MiB, steady RSS %.1f MiB (median of %d)\n",
                label, med(s) / 1000, s[1] / 1000, s[NR] / 1000, med(p) / 1024, med(r) / 1024, NR }'
}

echo "kernel $(uname -r), $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "$RUNS runs per feature; steady RSS read after ${IDLE} s of running; feed of $FEED_SIZE addresses"
for _ in $(seq "$RUNS"); do
    one_run ebpf_monitor --feature ebpf_monitor || true
    one_run ebpf_ipintelligence --feeds "$WORK/feeds" --block kill || true
done
grep -h '^attach mode\|mode' "$WORK/err" | head -1 || true
report ebpf_monitor
report ebpf_ipintelligence
