#!/usr/bin/env bash
# Inside the test VM (Debian's stock kernel, kprobes): the monitor (under attack, and across
# network namespaces), ipintelligence,
# guard (and its signal from sys_exit on demand), persist, domains, feeds and capabilities
# scenarios in kprobe mode, one VM boot for all of them.
# usage (from the host): tests/vm/run.sh tests/e2e/vm_all.sh EBPFSHIELD_BIN
here=$(dirname "$0")
export EBPFSHIELD_BIN=$1 EXPECT_MODE=kprobe GUARD_BURST=20 DUMP_BURST=3 SIGINT_LIMIT=${SIGINT_LIMIT_VM:-15}
# Debian's kernel runs 32-bit programs: guard.sh's 32-bit victims must run; the large
# reload of feeds.sh is smaller under emulation.
export REQUIRE_32BIT=1 FEEDS_BIG=${FEEDS_BIG_VM:-100000}
status=0
for scenario in monitor monitor_attack containers ipintel guard guard_states persist domains feeds capabilities; do
    echo "== $scenario (kprobe mode, kernel $(uname -r))"
    t0=$SECONDS
    bash "$here/$scenario.sh" || status=1
    echo "== $scenario took $((SECONDS - t0)) s" # the suite's time, scenario by scenario
done
echo "== guard, its signal from sys_exit attached on demand (kernel $(uname -r))"
t0=$SECONDS
SIGNAL_FROM=exit-on-demand bash "$here/guard.sh" || status=1
echo "== guard on demand took $((SECONDS - t0)) s"
exit $status
