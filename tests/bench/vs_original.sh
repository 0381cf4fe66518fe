#!/usr/bin/env bash
# Benchmark (not a test): the original eBPFShield (Python/BCC) and this port side by side,
# `--feature ebpf_monitor`, in one boot of the test VM (tests/vm/run.sh: Debian's 6.1
# kernel in qemu, TCG). For each tool in turn (original first), with a fresh dnsmasq on
# 127.0.0.1:53, the guest (vs_original_guest.sh) measures the start-up until "The program
# is running", sends BENCH_SEQUENTIAL queries one at a time and then BENCH_PIPELINED
# queries with BENCH_WINDOW in flight, waits until the tool's output stops growing, reads
# its CPU time and peak RSS, and counts its lines of each kind against what the client
# sent and got answered. This script prints a Markdown table with ratios on stdout (the
# VM's progress goes to stderr); every difference from the expected counts is printed as
# a line starting MISMATCH:, never hidden. As root:
#   tests/bench/vs_original.sh ORIGINAL_DIR [PORT_BINARY]
# ORIGINAL_DIR: a checkout of eBPFShield (its main.py; not downloaded here). PORT_BINARY:
# default build/ebpfshield-bcc of this repository (copied, so a rebuild during the run
# does not matter). Needs the original's Python modules (python3-bpfcc, python3-dnslib,
# python3-argcomplete), dnsmasq, flock and what run.sh needs.
# Environment: BENCH_SEQUENTIAL (3000), BENCH_PIPELINED (20000), BENCH_WINDOW (32),
# BENCH_QUIET (5: seconds without output growth), BENCH_START_TIMEOUT (900),
# BENCH_DRAIN_MAX (1800), BENCH_STOP_TIMEOUT (120: SIGINT to SIGKILL), BENCH_KEEP=DIR
# (keep the tools' outputs and results there), BENCH_LOCK (/run/ebpfshield-vm.lock, in
# root's /run, not a world-writable directory: one VM at a time), EBPFSHIELD_VM_TIMEOUT
# (3600) and run.sh's.
# Exit status: 0 when both tools ran through (mismatches or not), 2 when something is
# missing, else non-zero (a tool never started or died, or the VM failed: run.sh's status).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
say() { echo "vs_original: $*" >&2; }
die() {
    say "$2"
    exit "$1"
}

[[ $# -ge 1 && $# -le 2 ]] || die 2 "usage: $0 ORIGINAL_DIR [PORT_BINARY]"
[[ -f $1/main.py ]] || die 2 "$1/main.py not found: give the path of an eBPFShield checkout"
orig=$(cd "$1" && pwd -P)
bin=${2:-$root/build/ebpfshield-bcc}
[[ -x $bin ]] || die 2 "$bin is not an executable: build the port first (or give its path)"
[[ $(id -u) == 0 ]] || die 2 "run as root (qemu reads /boot/vmlinuz-*, the tools need root in the guest)"

# The original runs on Debian's python3 (the guest's PATH has no pyenv shims).
missing=()
for m in bcc:python3-bpfcc dnslib:python3-dnslib argcomplete:python3-argcomplete; do
    /usr/bin/python3 -c "import ${m%%:*}" 2>/dev/null || missing+=("${m#*:}")
done
command -v dnsmasq >/dev/null || missing+=(dnsmasq)
command -v flock >/dev/null || missing+=(util-linux)
((${#missing[@]} == 0)) || die 2 "missing ${missing[*]}: install with: apt-get install -y ${missing[*]}"

out=$(mktemp -d "${TMPDIR:-/tmp}/vs_original.XXXXXXXX")
cleanup() {
    if [[ -n ${BENCH_KEEP:-} ]]; then
        mkdir -p "$BENCH_KEEP"
        cp "$out"/*.txt "$out"/*.out "$out"/*.err "$out"/*.client "$out"/guest.log "$BENCH_KEEP"/ 2>/dev/null || true
        say "outputs kept in $BENCH_KEEP"
    fi
    rm -rf "$out"
}
trap cleanup EXIT
cp "$bin" "$out/ebpfshield-bcc"

lock=${BENCH_LOCK:-/run/ebpfshield-vm.lock}
export EBPFSHIELD_VM_OUT=$out EBPFSHIELD_VM_TIMEOUT=${EBPFSHIELD_VM_TIMEOUT:-3600}
export EBPFSHIELD_VM_ENV="BENCH_SEQUENTIAL BENCH_PIPELINED BENCH_WINDOW BENCH_QUIET BENCH_START_TIMEOUT BENCH_DRAIN_MAX BENCH_STOP_TIMEOUT"
say "waiting for $lock (one VM at a time), then booting the VM (timeout ${EBPFSHIELD_VM_TIMEOUT} s)"
exec 9>>"$lock"
flock 9
t0=$SECONDS
set +e
"$root/tests/vm/run.sh" "$here/vs_original_guest.sh" "$orig" "$out/ebpfshield-bcc" 9>&- |
    tee "$out/guest.log" >&2 9>&-
vm_rc=${PIPESTATUS[0]}
set -e
exec 9>&-
run_s=$((SECONDS - t0))

# --- results -------------------------------------------------------------------------
declare -A O=() P=()
# load FILE ARRAY: key=value lines (a value may hold "=").
load() {
    local -n into=$2
    local line
    [[ -f $1 ]] || return 0
    # shellcheck disable=SC2034 # into is the caller's array
    while IFS= read -r line; do into[${line%%=*}]=${line#*=}; done <"$1"
}
load "$out/result-original.txt" O
load "$out/result-port.txt" P

thousands() {
    local n=$1 r=
    while ((${#n} > 3)); do
        r=,${n: -3}$r
        n=${n:0:${#n}-3}
    done
    echo "$n$r"
}
calc() { awk "BEGIN {printf $1}"; }
ok() { local -n r=$1; [[ ${r[status]:-} == ok ]]; }
sum() { # ARRAY KEY KEY
    local -n r=$1
    local a=${r[$2]} b=${r[$3]}
    echo $((a + b))
}
# expected: query lines = queries sent, answer lines = queries answered.
sent() { sum "$1" sequential_sent pipelined_sent; }
answered() { sum "$1" sequential_answered pipelined_answered; }
printed() { sum "$1" q_lines a_lines; }
expected() { echo $(($(sent "$1") + $(answered "$1"))); }
# Tool-reported loss: the port's "N event(s) lost in all"; the original's libbcc
# "Possibly lost N samples" (summed).
lost() {
    local f=$out/$1.err
    [[ -f $f ]] || { echo 0; return; }
    sed -nE 's/^ebpfshield-bcc: ([0-9]+) event\(s\) lost in all$/\1/p; s/^Possibly lost ([0-9]+) samples$/\1/p' "$f" |
        awk '{s += $1} END {print s + 0}'
}

cell() { # ARRAY WHAT
    local -n r=$1
    ok "$1" || { echo "failed"; return; }
    case $2 in
    startup) calc "\"%.0f s\", ${r[startup_s]}" ;;
    lines) echo "$(thousands "$(printed "$1")") of $(thousands "$(expected "$1")")" ;;
    cpu) calc "\"%.1f\", ${r[cpu_s]}" ;;
    rss) calc "\"%.0f MiB\", ${r[vmhwm_kb]} / 1024" ;;
    esac
}
ratio() { # WHAT
    if ! ok O || ! ok P; then
        echo "—"
        return
    fi
    case $1 in
    startup) calc "\"%.2f\", ${P[startup_s]} / ${O[startup_s]}" ;;
    lines) echo "—" ;;
    cpu)
        local lo lp
        lo=$(printed O) lp=$(printed P)
        if ((lo > 0 && lp > 0)) && [[ ${O[cpu_s]} != 0.00 ]]; then
            echo "per printed line: $(calc "\"%.2f\", (${P[cpu_s]} / $lp) / (${O[cpu_s]} / $lo)")"
        else
            echo "—"
        fi
        ;;
    rss) calc "\"%.2f\", ${P[vmhwm_kb]} / ${O[vmhwm_kb]}" ;;
    esac
}

table() {
    echo '| | original | port | port / original |'
    echo '|---|---|---|---|'
    echo "| start-up to \"The program is running\" | $(cell O startup) | $(cell P startup) | $(ratio startup) |"
    echo "| lines printed of expected | $(cell O lines) | $(cell P lines) | $(ratio lines) |"
    echo "| CPU seconds (during the load) | $(cell O cpu) | $(cell P cpu) | $(ratio cpu) |"
    echo "| peak RSS (VmHWM) | $(cell O rss) | $(cell P rss) | $(ratio rss) |"
}

about() {
    local any=O cpu
    ok O || any=P
    local -n r=$any
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); guest kernel ${r[kernel]:-?} in qemu (TCG) -smp ${EBPFSHIELD_VM_SMP:-2} -m ${EBPFSHIELD_VM_MEM:-4096}; host CPU $cpu ($(nproc) cores);" \
        "port $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?') ($bin, sha256 $(sha256sum "$out/ebpfshield-bcc" | cut -c1-12)), original $(git -C "$orig" describe --always --dirty 2>/dev/null || echo '?');" \
        "load ${BENCH_SEQUENTIAL:-3000} sequential + ${BENCH_PIPELINED:-20000} pipelined A queries (${BENCH_WINDOW:-32} in flight) for bench.example.test; VM run ${run_s} s."
}

details() { # NAME ARRAY
    local name=$1
    local -n r=$2
    echo
    if ! ok "$2"; then
        echo "- $name: FAILED to run (see the VM output above); exit status ${r[exit]:-?}; last stderr lines:"
        if [[ -s $out/$name.err ]]; then
            tail -n 10 "$out/$name.err" | sed 's/^/    /'
        else
            echo "    (none)"
        fi
        return
    fi
    local sq=${r[sequential_q_lines]} sa=${r[sequential_a_lines]} q=${r[q_lines]} a=${r[a_lines]}
    echo "- $name (${r[exe]}): running after ${r[startup_s]} s;" \
        "sequential: $(thousands "${r[sequential_sent]}") sent, $(thousands "${r[sequential_answered]}") answered in ${r[sequential_s]} s," \
        "$(thousands "$sq") query + $(thousands "$sa") answer lines, CPU ${r[cpu_sequential_s]} s;" \
        "pipelined: $(thousands "${r[pipelined_sent]}") sent, $(thousands "${r[pipelined_answered]}") answered in ${r[pipelined_s]} s," \
        "$(thousands $((q - sq))) query + $(thousands $((a - sa))) answer lines;" \
        "VmRSS at the end $(calc "\"%.0f\", ${r[vmrss_kb]} / 1024") MiB; exit status ${r[exit]}, ${r[stop_s]} s after SIGINT$(
            [[ ${r[killed]} == 1 ]] && echo " (SIGKILL)"); stderr: $(grep -c '' "$out/$name.err") line(s)"
    echo "  - first query line:  \`${r[first_query]:-none}\`"
    echo "  - first answer line: \`${r[first_answer]:-none}\`"
    local line
    tail -n 3 "$out/$name.err" | while IFS= read -r line; do echo "  - stderr: \`$line\`"; done
}

# mismatch NAME ARRAY: one MISMATCH line per count that is not what it should be.
mismatches() {
    local name=$1 n
    local -n r=$2
    ok "$2" || return 0
    for phase in sequential pipelined; do
        [[ ${r[${phase}_answered]} == "${r[${phase}_sent]}" ]] ||
            echo "MISMATCH: $name: the client got $(thousands "${r[${phase}_answered]}") answers to $(thousands "${r[${phase}_sent]}") $phase queries"
    done
    compare "$name" query "${r[q_lines]}" "$(sent "$2")" "queries sent"
    compare "$name" answer "${r[a_lines]}" "$(answered "$2")" "answers received"
    [[ ${r[running_lines]} == 1 ]] || echo "MISMATCH: $name: \"The program is running\" printed ${r[running_lines]} times"
    [[ ${r[other_lines]} == 0 ]] ||
        echo "MISMATCH: $name: $(thousands "${r[other_lines]}") other line(s), the first: \`${r[first_other]}\`"
    n=$(lost "$name")
    ((n == 0)) || echo "MISMATCH: $name: its stderr reports $(thousands "$n") lost event(s)," \
        "for $(thousands $(($(expected "$2") - $(printed "$2")))) line(s) missing"
    [[ ${r[drain_capped]:-0} == 0 ]] || echo "MISMATCH: $name: still printing after BENCH_DRAIN_MAX; counted what it had printed"
    [[ ${r[killed]} == 0 ]] || echo "MISMATCH: $name: did not exit on SIGINT within BENCH_STOP_TIMEOUT; killed with SIGKILL"
}
compare() { # NAME KIND GOT WANT WHAT
    (($3 == $4)) && return
    if (($3 < $4)); then
        echo "MISMATCH: $1: $(thousands "$3") $2 lines of $(thousands "$4") expected ($5): $(thousands $(($4 - $3))) missing"
    else
        echo "MISMATCH: $1: $(thousands "$3") $2 lines of $(thousands "$4") expected ($5): $(thousands $(($3 - $4))) too many"
    fi
}

table
about
details original O
details port P
echo
mismatches original O
mismatches port P
if ((vm_rc != 0)); then
    say "the VM run failed (tests/vm/run.sh exited $vm_rc)"
    exit "$vm_rc"
fi
ok O && ok P || exit 1
