#!/bin/bash
# Smoke test of the VM harness: run it as
#   tests/vm/run.sh tests/vm/smoke.sh
# Inside the guest it checks the kernel, kprobes through tracefs, the
# writable overlay and output share, and name resolution through a dnsmasq
# on 127.0.0.1:53. Prints one PASS/FAIL line per check; exits 1 if any
# check failed.

set -u

if [[ ${EBPFSHIELD_IN_VM:-} != 1 ]]; then
	echo "smoke.sh: must run inside the test VM: tests/vm/run.sh ${BASH_SOURCE[0]}" >&2
	exit 2
fi

failures=0
pass() { echo "PASS: $*"; }
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
# check DESCRIPTION COMMAND...: PASS if COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

TRACING=/sys/kernel/tracing
KVER=$(uname -r)

# --- kernel -----------------------------------------------------------------
if [[ $KVER == "${EBPFSHIELD_VM_KERNEL:-}" ]]; then
	pass "uname -r is the guest kernel $KVER"
else
	fail "uname -r is '$KVER', expected the guest kernel '${EBPFSHIELD_VM_KERNEL:-}'"
fi
check "running as root" test "$(id -u)" = 0
check "cwd is the caller's ($PWD)" test -d "$PWD"
check "/lib/modules/$KVER/build resolves (kernel headers for libbcc)" \
	test -f "/lib/modules/$KVER/build/Makefile" -a -d "/lib/modules/$KVER/build/include"
check "/sys/kernel/btf/vmlinux exists" test -e /sys/kernel/btf/vmlinux
check "cgroup2 is mounted at /sys/fs/cgroup" test -e /sys/fs/cgroup/cgroup.controllers

# --- kprobes through tracefs -----------------------------------------------
if [[ -e $TRACING/kprobe_events ]]; then
	pass "$TRACING/kprobe_events exists"
else
	fail "$TRACING/kprobe_events does not exist"
fi
if echo 'p:ebpfshield_smoke tcp_v4_connect' >>"$TRACING/kprobe_events" 2>/dev/null; then
	pass "created kprobe p:ebpfshield_smoke tcp_v4_connect"
	if grep -q 'ebpfshield_smoke' "$TRACING/kprobe_events"; then
		pass "kprobe ebpfshield_smoke is listed in kprobe_events"
	else
		fail "kprobe ebpfshield_smoke is not listed in kprobe_events"
	fi
	# Make it fire: a TCP connect to a closed loopback port still enters
	# tcp_v4_connect.
	: >"$TRACING/trace"
	echo 1 >"$TRACING/events/kprobes/ebpfshield_smoke/enable"
	(: <>/dev/tcp/127.0.0.1/9) 2>/dev/null
	echo 0 >"$TRACING/events/kprobes/ebpfshield_smoke/enable"
	if grep -q 'ebpfshield_smoke:' "$TRACING/trace"; then
		pass "kprobe ebpfshield_smoke fired on a TCP connect"
	else
		fail "kprobe ebpfshield_smoke did not fire on a TCP connect"
	fi
	if echo '-:ebpfshield_smoke' >>"$TRACING/kprobe_events" &&
		! grep -q 'ebpfshield_smoke' "$TRACING/kprobe_events"; then
		pass "removed kprobe ebpfshield_smoke"
	else
		fail "could not remove kprobe ebpfshield_smoke"
	fi
else
	fail "cannot create a kprobe on tcp_v4_connect"
fi

# --- filesystems --------------------------------------------------------------
if echo ok >/usr/ebpfshield-smoke && [[ $(</usr/ebpfshield-smoke) == ok ]]; then
	pass "the root overlay is writable (/usr)"
else
	fail "the root overlay is not writable"
fi
if [[ -n ${EBPFSHIELD_VM_OUT:-} ]] && echo ok >"$EBPFSHIELD_VM_OUT/smoke.out"; then
	pass "EBPFSHIELD_VM_OUT ($EBPFSHIELD_VM_OUT) is writable"
else
	fail "EBPFSHIELD_VM_OUT (${EBPFSHIELD_VM_OUT:-unset}) is not writable"
fi
tmp=$(mktemp) && check "mktemp works (TMPDIR=${TMPDIR:-})" test -f "$tmp" && rm -f "$tmp"

# --- name resolution through dnsmasq on 127.0.0.1:53 -------------------------
if grep -qx 'nameserver 127.0.0.1' /etc/resolv.conf; then
	pass "/etc/resolv.conf points at 127.0.0.1"
else
	fail "/etc/resolv.conf does not point at 127.0.0.1: $(tr '\n' ' ' </etc/resolv.conf)"
fi

dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=127.0.0.1 --bind-interfaces --port=53 --pid-file= \
	--address=/a.example.test/10.1.2.3 &
dnsmasq_pid=$!
answer=
for _ in $(seq 50); do
	answer=$(dig @127.0.0.1 +short +time=1 +tries=1 a.example.test 2>/dev/null)
	[[ -n $answer ]] && break
	kill -0 "$dnsmasq_pid" 2>/dev/null || break
	sleep 0.2
done
if [[ $answer == 10.1.2.3 ]]; then
	pass "dig @127.0.0.1 +short a.example.test -> $answer"
else
	fail "dig @127.0.0.1 +short a.example.test -> '$answer', expected 10.1.2.3"
fi
resolved=$(getent ahosts a.example.test | awk 'NR == 1 { print $1 }')
if [[ $resolved == 10.1.2.3 ]]; then
	pass "getent ahosts a.example.test -> $resolved (through /etc/resolv.conf)"
else
	fail "getent ahosts a.example.test -> '$resolved', expected 10.1.2.3"
fi
kill "$dnsmasq_pid" 2>/dev/null
wait "$dnsmasq_pid" 2>/dev/null

# --- result ------------------------------------------------------------------
if ((failures)); then
	echo "smoke: $failures check(s) FAILED"
	exit 1
fi
echo "smoke: all checks passed"
