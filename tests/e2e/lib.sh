# Shared helpers of the end-to-end scenarios (sourced). They drive the real tool, real
# DNS servers and clients, and assert on the lines it prints.
# Environment: EBPFSHIELD_BIN (the binary), EXPECT_MODE (kprobe|tracepoint),
# TOOL_START_TIMEOUT (s, default 300: one libbcc compile takes ~50 s under qemu TCG).

set -u
PASSES=0
FAILS=0
TOOL_PID=
WORK=$(mktemp -d)
# For dump directories: every directory above them must be root's and closed to others
# (not /tmp).
PRIVATE=$(mktemp -d /var/lib/ebpfshield-e2e.XXXXXX)
trap 'cleanup_all' EXIT

cleanup_all() {
    [ -n "$TOOL_PID" ] && kill -KILL "$TOOL_PID" 2>/dev/null
    [ -n "${EXTRA_PIDS:-}" ] && kill -KILL $EXTRA_PIDS 2>/dev/null
    rm -rf "$WORK" "$PRIVATE"
}

pass() { PASSES=$((PASSES + 1)); echo "PASS: $*"; }
fail() {
    FAILS=$((FAILS + 1))
    echo "FAIL: $*"
    # A suite of scenarios (vm_all.sh) lists them all again at its end.
    [ -z "${FAIL_LOG:-}" ] || echo "${FAIL_TAG:-$0}: FAIL: $*" >>"$FAIL_LOG"
}
not() { ! "$@"; }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; return 1; fi
}

# launch NAME WHERE CMD...: runs CMD (the tool, or what execs it) in the background with
# output in $WORK/NAME.{out,err} (OUT, ERR, TOOL_PID) and waits for its running line in
# WHERE: "out", "err" or "out err". Then checks the attach mode, the compile lines and
# that libbcc's noise is filtered. Returns 1 (after a FAIL) if CMD exits or never gets
# there.
launch() {
    local name=$1 where=$2 w files=()
    shift 2
    OUT=$WORK/$name.out
    ERR=$WORK/$name.err
    for w in $where; do files+=("$WORK/$name.$w"); done
    "$@" >"$OUT" 2>"$ERR" &
    TOOL_PID=$!
    local t0=$SECONDS
    while [ $((SECONDS - t0)) -lt "${TOOL_START_TIMEOUT:-300}" ]; do
        if grep -qx 'The program is running. Press Ctrl-C to abort.' "${files[@]}" 2>/dev/null; then
            pass "$name: running after $((SECONDS - t0)) s (running line in $where)"
            check "$name: attach mode $EXPECT_MODE" grep -q "^attach mode: $EXPECT_MODE" "$ERR"
            check "$name: says what it compiled and how long it took" \
                grep -qE '^[a-z ]+ compiled in [0-9]+\.[0-9] s$' "$ERR"
            # libbcc's lines that say nothing to act on are filtered out (--debug shows them).
            check "$name: no libbcc noise on stderr" \
                not grep -qE '^(sha1 socket not available|WARNING: cannot get prog tag)' "$ERR"
            return 0
        fi
        if ! kill -0 "$TOOL_PID" 2>/dev/null; then
            wait "$TOOL_PID"
            fail "$name: tool exited (status $?) before running"
            sed 's/^/  stderr: /' "$ERR" | grep -v 'sha1 socket\|prog tag' | head -40
            TOOL_PID=
            return 1
        fi
        sleep 0.2
    done
    fail "$name: no running line in $where within ${TOOL_START_TIMEOUT:-300} s"
    sed 's/^/  stderr: /' "$ERR" | tail -20
    return 1
}

# start_tool NAME ARGS...: the tool with ARGS, its running line on standard output.
start_tool() {
    local name=$1
    shift
    launch "$name" out "$EBPFSHIELD_BIN" "$@"
}

# stop_tool NAME [SIGNAL]: SIGINT (Ctrl-C) or SIGNAL, then the tool must exit 0 within
# 30 s and leave no kprobe or guard program behind, and no event lost.
stop_tool() {
    local name=$1 sig=${2:-INT} rc
    kill -"$sig" "$TOOL_PID"
    for _ in $(seq 300); do kill -0 "$TOOL_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$TOOL_PID" 2>/dev/null; then
        fail "$name: still running 30 s after SIG$sig"
        kill -KILL "$TOOL_PID"
    fi
    wait "$TOOL_PID"
    rc=$?
    TOOL_PID=
    check "$name: exit status 0 after SIG$sig (got $rc)" [ "$rc" -eq 0 ] ||
        sed 's/^/  stderr: /' "$ERR" | grep -v 'sha1 socket\|prog tag' | tail -20
    local ev
    for ev in /sys/kernel/debug/tracing/kprobe_events /sys/kernel/tracing/kprobe_events; do
        if [ -r "$ev" ]; then
            check "$name: no kprobe left in $ev" [ -z "$(grep -i bcc "$ev")" ]
            break
        fi
    done
    check "$name: no guard or monitor program left in the kernel" \
        sh -c '! bpftool prog show 2>/dev/null | grep -Eq " name (guard|answer|monitor)_"'
    # Scenarios that send malformed packets on purpose count their warnings themselves;
    # ALLOW_LOST=1: a flood's own packets may be dropped (the scenario checks the others').
    if [ -z "${ALLOW_LOST:-}" ] && grep -qE 'lost|skipped a connect' "$ERR"; then
        fail "$name: lost or skipped events"
        grep -E 'lost|skipped' "$ERR" | head -5
    fi
}

# wait_line FILE REGEX [TIMEOUT]: true once a line of FILE matches the ERE.
wait_line() {
    local t0=$SECONDS
    while [ $((SECONDS - t0)) -lt "${3:-30}" ]; do
        grep -qE -- "$2" "$1" && return 0
        sleep 0.2
    done
    return 1
}

# expect_count FILE REGEX N DESCRIPTION: exactly N lines match (waits for them first).
expect_count() {
    [ "$3" -gt 0 ] && wait_line "$1" "$2" "${LINE_TIMEOUT:-30}"
    sleep 0.5 # a duplicate would arrive with the original
    local n
    n=$(grep -cE -- "$2" "$1")
    if [ "$n" -eq "$3" ]; then
        pass "$4"
    else
        fail "$4: $n line(s) match, want $3: $2"
        sed 's/^/  output: /' "$1" | tail -20
    fi
}

# expect_only FILE REGEX...: every line of FILE matches one of the EREs.
expect_only() {
    local file=$1
    shift
    local extra
    extra=$(grep -vxF 'The program is running. Press Ctrl-C to abort.' "$file" |
        grep -vE "$(IFS='|'; echo "$*")")
    if [ -z "$extra" ]; then
        pass "no unexpected line in $(basename "$file")"
    else
        fail "unexpected lines in $(basename "$file")"
        printf '  %s\n' "$extra" | head -20
    fi
}

finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}

# guard_programs: how many of the guard's programs the kernel holds (by name, whatever
# the cgroup mounts of this namespace).
# flood_count PID ERRFILE: the hits of PID the guard counted on stderr rather than printed
# one by one (under print and deny, past 10 a second).
flood_count() {
    grep -oE "(\(pid $1\): |pid $1 (ended|is running): )[0-9]+ more hit" "$2" |
        grep -oE '[0-9]+ more' | awk '{s += $1} END {print s + 0}'
}

guard_programs() { bpftool prog show 2>/dev/null | grep -Ec ' name ((guard|answer)_|lsm__|inbound_check|leaving_check)'; }

PROGS=' name (guard_|monitor_|dns_matching|tracepoint__|raw_tracepoint|trace_(tcp|udp)|tcp_v4|inbound_check|leaving_check|lsm__)'
MAPS=' name (proc_ports|proc_names|dns_events|events|feeds_v4|feeds_v6|pending_signal|domains|dns_streams|sock_owners|socket_owners|socket_counts|send_slots|domain_[a-z]+|pending_domain|inbound_[a-z]+|held_procs)'
# nothing_attached NAME: no program or map of the tool in the kernel (the kernel frees a
# socket filter's program and the maps after an RCU grace period: up to 5 s).
nothing_attached() {
    local progs maps
    for _ in $(seq 50); do
        progs=$(bpftool prog show) && maps=$(bpftool map show) || {
            fail "$1: bpftool cannot list programs and maps"
            return 1
        }
        progs=$(grep -E "$PROGS" <<<"$progs")
        maps=$(grep -E "$MAPS" <<<"$maps")
        [ -z "$progs$maps" ] && break
        sleep 0.1
    done
    check "$1: no program of the tool left in the kernel" [ -z "$progs" ] || echo "  $progs"
    check "$1: no map of the tool left in the kernel" [ -z "$maps" ] || echo "  $maps"
}
