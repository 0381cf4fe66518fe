#!/usr/bin/env bash
# Inside the test VM (Debian's stock kernel, kprobes): the named scenarios of tests/e2e in
# kprobe mode, one VM boot for all of them; guard_on_demand is guard.sh with its signal
# from sys_exit attached on demand (ctest's vm_kprobe lists them all).
# usage (from the host): tests/vm/run.sh tests/e2e/vm_all.sh EBPFSHIELD_BIN SCENARIO...
here=$(dirname "$0")
export EBPFSHIELD_BIN=$1 EXPECT_MODE=kprobe GUARD_BURST=20 DUMP_BURST=3 SIGINT_LIMIT=${SIGINT_LIMIT_VM:-15}
# Debian's kernel runs 32-bit programs and BPF LSM programs: guard.sh's 32-bit victims
# must run and guard_states.sh's SIGCONTs be refused in the kernel; the large reload of
# feeds.sh is smaller under emulation.
export REQUIRE_32BIT=1 REQUIRE_LSM=1 FEEDS_BIG=${FEEDS_BIG_VM:-100000}
status=0
# lib.sh's fail() adds each failed check here, for the summary at the end.
export FAIL_LOG
FAIL_LOG=$(mktemp)
# run_scenario NAME SCRIPT [ENV=VALUE...]: one scenario, timed.
run_scenario() {
    local name=$1 script=$2 t0=$SECONDS
    shift 2
    FAIL_TAG=$name env "$@" bash "$here/$script" || status=1
    echo "== $name took $((SECONDS - t0)) s" # the suite's time, scenario by scenario
}
shift
[ $# -gt 0 ] || {
    echo "usage: vm_all.sh EBPFSHIELD_BIN SCENARIO..." >&2
    exit 2
}
for scenario in "$@"; do
    echo "== $scenario (kprobe mode, kernel $(uname -r))"
    if [ "$scenario" = guard_on_demand ]; then
        run_scenario "$scenario" guard.sh SIGNAL_FROM=exit-on-demand
    else
        run_scenario "$scenario" "$scenario.sh"
    fi
done
# The failed checks again at the end, where a log cut in the middle still shows them.
if [ $status -ne 0 ]; then
    echo "== failed checks, scenario by scenario"
    cat "$FAIL_LOG"
fi
rm -f "$FAIL_LOG"
exit $status
