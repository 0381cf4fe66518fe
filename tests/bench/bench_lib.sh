# shellcheck shell=bash
# Helpers of the benchmark scripts (sourced): CPU counted from /proc, files waited on.

# cpu_of PID...: the processes' user + system clock ticks so far.
cpu_of() {
    local pid total=0
    for pid in "$@"; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
# busy: the machine's busy clock ticks so far (all but idle and iowait).
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# settled FILE: waits until FILE stops growing (1 s without a new line).
settled() {
    local prev=-1
    while [ "$(wc -l <"$1")" -ne "$prev" ]; do
        prev=$(wc -l <"$1")
        sleep 1
    done
}
# ready FILE REGEX PID ERRFILE: until FILE has a line matching REGEX (60 s) while PID
# lives; else ERRFILE is shown and the script exits 1.
ready() {
    for _ in $(seq 600); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.1
    done
    cat "$4" >&2
    echo "$0: the observer did not get ready" >&2
    exit 1
}
# tool_losses ERRFILE: what ebpfshield-bcc said at exit it lost and left unwritten, as
# "N lost, M not written": lost is the kernel's count of DNS packets it could not hand
# over (counted where perf_event_output failed), else perf's count of lost records (which
# a ring reports only at its next write).
tool_losses() {
    local lost unwritten
    lost=$(sed -nE 's/.* ([0-9]+) DNS packet\(s\) dropped in the kernel: .*, in all$/\1/p' "$1" | tail -1)
    [ -n "$lost" ] || lost=$(sed -nE 's/.* ([0-9]+) event\(s\) lost in all.*/\1/p' "$1" | tail -1)
    unwritten=$(sed -nE 's/.*: ([0-9]+) line\(s\) not written.*/\1/p' "$1" | tail -1)
    echo "${lost:-0} lost, ${unwritten:-0} not written"
}
# need COMMAND...: exits 2, naming the first one missing.
need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || {
            echo "$0: $tool is missing (scripts/setup.sh --test)" >&2
            exit 2
        }
    done
}
# mismatch WHAT WHY: a MISMATCH line, counted in MISMATCHES (the script's exit status).
mismatch() {
    echo "MISMATCH ($1): $2"
    MISMATCHES=$((MISMATCHES + 1))
}
