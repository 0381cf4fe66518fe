#!/usr/bin/env bash
# Inside the test VM (Debian's stock kernel, kprobes): the monitor (under attack, and across
# network namespaces), ipintelligence,
# guard (and its signal from sys_exit on demand), persist, domains, feeds, capabilities and
# inbound scenarios in kprobe mode, one VM boot for all of them.
# usage (from the host): tests/vm/run.sh tests/e2e/vm_all.sh EBPFSHIELD_BIN
here=$(dirname "$0")
export EBPFSHIELD_BIN=$1 EXPECT_MODE=kprobe GUARD_BURST=20 DUMP_BURST=3 SIGINT_LIMIT=${SIGINT_LIMIT_VM:-15}
# Debian's kernel runs 32-bit programs: guard.sh's 32-bit victims must run; the large
# reload of feeds.sh is smaller under emulation.
export REQUIRE_32BIT=1 FEEDS_BIG=${FEEDS_BIG_VM:-100000}
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
for scenario in monitor monitor_attack containers ipintel guard guard_states persist domains feeds capabilities inbound; do
    echo "== $scenario (kprobe mode, kernel $(uname -r))"
    run_scenario "$scenario" "$scenario.sh"
done
echo "== guard, its signal from sys_exit attached on demand (kernel $(uname -r))"
run_scenario "guard on demand" guard.sh SIGNAL_FROM=exit-on-demand
# The failed checks again at the end, where a log cut in the middle still shows them.
if [ $status -ne 0 ]; then
    echo "== failed checks, scenario by scenario"
    cat "$FAIL_LOG"
fi
rm -f "$FAIL_LOG"
exit $status
