#!/usr/bin/env bash
# The capabilities the tool asks for are the ones it needs (README, src/capabilities.c):
# root with exactly the documented set (its bounding set cut down with setpriv) starts and
# really works: the monitor prints a dig of another user; --block kill refuses a connection
# to a feed address and the kernel kills the process (with --inbound's XDP program linked
# to a veth: the same set); --block dump takes a core of another
# user's process and kills it. With any one capability of a set removed, the tool exits 1
# before it compiles anything, with one line naming exactly that capability, and leaves
# nothing in the kernel. Where tracefs is not mounted the tool asks for CAP_SYS_ADMIN,
# mounts it, and unmounts it at exit; where it was mounted it stays. Where no cgroup2 is
# mounted, ebpf_ipintelligence asks for CAP_SYS_ADMIN; under a small RLIMIT_MEMLOCK the
# monitor asks for CAP_IPC_LOCK, and with it works.
# The feeds hold documentation ranges only: the guard sees every network namespace.
# Needs root, an isolated network (a netns or the test VM), setpriv, capsh, prlimit,
# bpftool, dnsmasq, dig, curl, gcore and EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/monitor_lib.sh"

REAL_BIN=$EBPFSHIELD_BIN
for tool in setpriv capsh prlimit bpftool dnsmasq dig curl gcore unshare nsenter; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done
[ "$FAILS" -eq 0 ] || { finish; exit 1; }

MONITOR_CAPS=cap_bpf,cap_perfmon,cap_net_raw,cap_net_admin
GUARD_CAPS=cap_bpf,cap_perfmon,cap_net_admin
DUMP_CAPS=cap_bpf,cap_perfmon,cap_net_admin,cap_sys_ptrace,cap_kill
# Debian's kernels (the VM's) set kernel.perf_event_paranoid to 3, where its patch lets
# only CAP_SYS_ADMIN call perf_event_open: every set needs it, and it stands in for
# CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN (so removing one of those alone changes nothing).
PERF_LOCKED=0
if [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -gt 2 ]; then
    PERF_LOCKED=1
    MONITOR_CAPS+=,cap_sys_admin GUARD_CAPS+=,cap_sys_admin DUMP_CAPS+=,cap_sys_admin
    echo "NOTE: kernel.perf_event_paranoid > 2: CAP_SYS_ADMIN is in every set"
fi

# As on a host: tracefs and cgroup2 mounted (`ip netns exec` gave us a fresh /sys without
# them; this mount namespace is ours alone; the VM has them already).
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing ||
    fail "mounting tracefs"
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail "mounting cgroup2"

# The tool behind setpriv: root, but with only $CAPS in its bounding set, hence in its
# effective set after exec; $NS_PID: in that process's mount namespace. It execs, so the
# tool keeps the pid start_tool records.
cat >"$WORK/with-caps" <<'EOF'
#!/bin/sh
set -- setpriv --bounding-set=-all,+$(echo "$CAPS" | sed 's/cap_//g; s/,/,+/g') --inh-caps=-all \
    "$REAL_BIN" "$@"
[ -n "${MEMLOCK:-}" ] && set -- prlimit --memlock="$MEMLOCK:$MEMLOCK" "$@"
[ -n "${NS_PID:-}" ] && set -- nsenter -t "$NS_PID" -m -r -w -- "$@"
exec "$@"
EOF
chmod 755 "$WORK/with-caps"
export REAL_BIN CAPS NS_PID= MEMLOCK=
EBPFSHIELD_BIN=$WORK/with-caps

# The effective set of a running pid, as capsh names it ("cap_bpf,cap_perfmon,...").
effective() {
    capsh --decode="$(awk '/^CapEff:/ {print $2}' "/proc/$1/status")" | sed 's/.*=//'
}

# Same list of names, in any order.
same_caps() {
    [ "$(tr ',' '\n' <<<"$1" | sort | xargs)" = "$(tr ',' '\n' <<<"$2" | sort | xargs)" ]
}

# start_with NAME CAPS ARGS...: start_tool with exactly CAPS, and checks that they are
# what the tool holds.
start_with() {
    local name=$1
    CAPS=$2
    shift 2
    start_tool "$name" "$@" || return 1
    local eff
    eff=$(effective "$TOOL_PID")
    check "$name: holds exactly $CAPS (has $eff)" same_caps "$eff" "$CAPS"
}

# refused NAME CAPS MISSING ARGS...: with CAPS, the tool exits 1 within 30 s and says, in
# one line, that exactly MISSING is missing; nothing of it is left in the kernel.
refused() {
    local name=$1 missing=$3 rc
    CAPS=$2
    shift 3
    timeout 30 "$EBPFSHIELD_BIN" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    rc=$?
    check "$name: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
    local line named
    line=$(grep 'missing capabilit' "$WORK/$name.err")
    check "$name: one line says what is missing" [ "$(grep -c 'missing capabilit' "$WORK/$name.err")" -eq 1 ]
    named=$(grep -oE 'CAP_[A-Z_]+' <<<"$line" | sort -u | xargs)
    check "$name: names exactly $missing (named: ${named:-none})" [ "$named" = "$missing" ] ||
        sed 's/^/  stderr: /' "$WORK/$name.err" | head -5
    check "$name: the line is the documented one" grep -qE \
        "^ebpfshield-bcc: missing capability: $missing \\([a-z][^()]+\\); it must run as root or be granted it\$" \
        "$WORK/$name.err"
    check "$name: nothing compiled" not grep -q 'compil' "$WORK/$name.err"
    nothing_attached "$name"
}

# each_removed NAME SET MORE ARGS...: refused for SET less each of its capabilities in turn.
each_removed() {
    local name=$1 set=$2 cap rest
    shift 2
    for cap in ${set//,/ }; do
        if [ "$PERF_LOCKED" = 1 ] && [[ $cap =~ ^cap_(bpf|perfmon|net_admin)$ ]]; then
            continue # held through CAP_SYS_ADMIN
        fi
        rest=$(tr ',' '\n' <<<"$set" | grep -vx "$cap" | paste -sd,)
        refused "$name-no-$cap" "$rest" "${cap^^}" "$@"
    done
}

# --- ebpf_monitor: a dig of nobody and one of root, printed with their pids.
dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
    --address=/a.example.test/10.1.2.3 --pid-file="$WORK/dnsmasq.pid" || exit 1
EXTRA_PIDS=$(cat "$WORK/dnsmasq.pid")

if start_with monitor "$MONITOR_CAPS" --feature ebpf_monitor; then
    run_client dig_root dig @127.0.0.1 a.example.test A
    expect_exchange monitor_dig_root dig "$CLIENT_PID" '[0-9]+' UDP 127.0.0.1 53 a.example.test A 10.1.2.3
    run_client dig_nobody setpriv --reuid=65534 --regid=65534 --clear-groups dig @127.0.0.1 a.example.test A
    expect_count "$OUT" "^COMM=dig PID=$CLIENT_PID TGID=[0-9]+ DEV=lo PROTO=UDP .* UID=65534 GID=65534 DNS_QR=1 DNS_NAME=a\\.example\\.test\\. DNS_TYPE=A DNS_DATA=10\\.1\\.2\\.3\$" \
        1 "monitor: nobody's dig answer line"
    stop_tool monitor
    nothing_attached monitor
fi
each_removed monitor "$MONITOR_CAPS" --feature ebpf_monitor
# Under a 1 MiB RLIMIT_MEMLOCK the monitor's perf buffer (4 MiB per CPU) cannot be locked
# ("mmap: Operation not permitted") unless CAP_IPC_LOCK.
MEMLOCK=1048576
refused memlock "$MONITOR_CAPS" CAP_IPC_LOCK --feature ebpf_monitor
check "memlock: says why" grep -q 'CAP_IPC_LOCK (to lock the perf buffer, larger than RLIMIT_MEMLOCK allows)' "$WORK/memlock.err"
if start_with memlock_ipc "$MONITOR_CAPS,cap_ipc_lock" --feature ebpf_monitor; then
    run_client dig_memlock dig @127.0.0.1 a.example.test A
    expect_exchange memlock_dig dig "$CLIENT_PID" '[0-9]+' UDP 127.0.0.1 53 a.example.test A 10.1.2.3
    stop_tool memlock_ipc
    nothing_attached memlock_ipc
fi
MEMLOCK=
check "tracefs mounted before the runs is still mounted" grep -q ' /sys/kernel/tracing tracefs ' /proc/self/mounts

# --- ebpf_ipintelligence: a feed of documentation ranges; a listener on one of them, on lo.
mkdir "$WORK/feeds"
printf '# documentation ranges only\n198.51.100.0/24\n2001:db8::/32\n' >"$WORK/feeds/test.txt"
ip addr add 198.51.100.7/32 dev lo
python3 -m http.server --bind 198.51.100.7 8080 --directory "$WORK/feeds" >/dev/null 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
URL=http://198.51.100.7:8080/test.txt
for _ in $(seq 100); do curl -s -o /dev/null "$URL" && break; sleep 0.2; done
check "the listener answers before the guard runs" curl -s -o /dev/null "$URL"

# victim NAME: curl as nobody to $URL, to completion; its pid in VICTIM, status in VICTIM_RC.
victim() {
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        curl -s -o /dev/null --max-time 60 "$URL" >/dev/null 2>&1 &
    VICTIM=$!
    wait "$VICTIM"
    VICTIM_RC=$?
}

# The guard's set covers --inbound's XDP links too: the kill run links one to a veth.
VETH=ebscap$$
ip link add "$VETH" type veth peer name "${VETH}p" && ip link set "$VETH" up &&
    ip link set "${VETH}p" up || fail "making the veth pair $VETH"
if start_with kill "$GUARD_CAPS" --feeds "$WORK/feeds" --block kill --inbound "$VETH"; then
    eg=', TC egress' # the egress program too: a TCX link, or a clsact filter (the VM's 6.1)
    [ "${EXPECT_MODE:-}" = kprobe ] && eg=', TC egress filter'
    check "kill: --inbound linked with the guard's set" grep -qE "^inbound: $VETH \((native|generic) XDP$eg\)$" "$ERR"
    victim
    check "kill: nobody's curl killed (exit $VICTIM_RC, want 137)" [ "$VICTIM_RC" -eq 137 ]
    expect_count "$OUT" "^Client:curl \\(pid:$VICTIM\\) was killed by eBPFShield \\(ip-blacklist:198\\.51\\.100\\.7\\) \$" \
        1 "kill: line"
    stop_tool kill
    nothing_attached kill
fi
each_removed kill "$GUARD_CAPS" --feeds "$WORK/feeds" --block kill --inbound "$VETH"
ip link del "$VETH"

# Side by side: the guard's perf buffers take root's share of the perf allowance
# (kernel.perf_event_mlock_kb per CPU, one for all of a user's processes). Under a
# RLIMIT_MEMLOCK that the monitor's buffers fit in with that share and not without it,
# the monitor started beside the guard asks for CAP_IPC_LOCK before anything else (it
# used to count the share as its own and fail at mmap), and with it starts and works.
share_kb=$(cat /proc/sys/kernel/perf_event_mlock_kb)
side_memlock=$(($(nproc) * (1025 - share_kb / 4) * 4096))
CAPS=$GUARD_CAPS "$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block kill >"$WORK/side.out" 2>"$WORK/side.err" &
side=$!
for _ in $(seq 600); do grep -q 'The program is running' "$WORK/side.out" && break; sleep 0.5; done
check "side by side: the guard runs" grep -q 'The program is running' "$WORK/side.out"
CAPS=$MONITOR_CAPS MEMLOCK=$side_memlock timeout 60 "$EBPFSHIELD_BIN" --feature ebpf_monitor \
    >"$WORK/side_monitor.out" 2>"$WORK/side_monitor.err"
check "side by side: the monitor without CAP_IPC_LOCK exits 1 ($?)" [ "$?" -eq 1 ]
check "side by side: it names CAP_IPC_LOCK, nothing else, before compiling" grep -qx \
    "ebpfshield-bcc: missing capability: CAP_IPC_LOCK (to lock the perf buffer, larger than RLIMIT_MEMLOCK allows); it must run as root or be granted it" \
    "$WORK/side_monitor.err"
CAPS=$MONITOR_CAPS,cap_ipc_lock MEMLOCK=$side_memlock "$EBPFSHIELD_BIN" --feature ebpf_monitor \
    >"$WORK/side_ipc.out" 2>"$WORK/side_ipc.err" &
side_monitor=$!
for _ in $(seq 600); do grep -q 'The program is running' "$WORK/side_ipc.out" && break; sleep 0.5; done
dig @127.0.0.1 a.example.test A >/dev/null
for _ in $(seq 50); do grep -q 'DNS_NAME=a\.example\.test\. DNS_TYPE=A DNS_DATA=10\.1\.2\.3' "$WORK/side_ipc.out" && break; sleep 0.2; done
check "side by side: with CAP_IPC_LOCK the monitor runs beside the guard and prints the answer" \
    grep -q 'DNS_NAME=a\.example\.test\. DNS_TYPE=A DNS_DATA=10\.1\.2\.3' "$WORK/side_ipc.out"
kill -INT "$side_monitor" "$side"
wait "$side_monitor"
check "side by side: the monitor exits 0 ($?)" [ "$?" -eq 0 ]
wait "$side"
check "side by side: the guard exits 0 ($?)" [ "$?" -eq 0 ]
nothing_attached side_by_side

DUMPS=$PRIVATE/dumps
if start_with dump "$DUMP_CAPS" --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS"; then
    victim
    check "dump: nobody's curl killed after the dump (exit $VICTIM_RC, want 137)" [ "$VICTIM_RC" -eq 137 ]
    expect_count "$OUT" "^Client:curl \\(pid:$VICTIM\\) eBPFShield took a dump in ${DUMPS//./\\.}/ \\(ip-blacklist:198\\.51\\.100\\.7\\)\$" \
        1 "dump: line"
    core=$(ls "$DUMPS"/ebpfshield-*."$VICTIM" 2>/dev/null)
    check "dump: core ${core:-missing} is an ELF core" sh -c "[ -s '$core' ] && head -c 4 '$core' | grep -q ELF"
    # The hold of stopped processes (BPF LSM) needs no capability beyond the set.
    if [ "${REQUIRE_LSM:-}" = 1 ]; then
        check "dump: with its set, stopped processes held in the kernel (BPF LSM)" \
            grep -q '^guard: a stopped process is held in the kernel until it is frozen (BPF LSM)' "$ERR"
    fi
    stop_tool dump
    nothing_attached dump
fi
each_removed dump "$DUMP_CAPS" --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS"

# --- Without tracefs (and cgroup2), in a private mount namespace held by a sleeper.
unshare -m --propagation private sleep 600 &
holder=$!
EXTRA_PIDS="$EXTRA_PIDS $holder"
for _ in $(seq 50); do [ "$(readlink /proc/$holder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break; sleep 0.1; done
# -r -w: setns into a mount namespace resets the root and the working directory, and the
# VM runs the tests chrooted.
in_ns() { nsenter -t "$holder" -m -r -w -- "$@"; }
tracefs_in_ns() { in_ns grep -q ' /sys/kernel/tracing tracefs ' /proc/self/mounts; }
in_ns umount /sys/kernel/tracing
# debugfs carries tracefs too (/sys/kernel/debug/tracing, as in the VM): gone as well.
if in_ns mountpoint -q /sys/kernel/debug; then in_ns umount -R /sys/kernel/debug; fi
check "no tracefs in the private namespace" not tracefs_in_ns
NS_PID=$holder

# (With perf_event_paranoid > 2 the sets hold CAP_SYS_ADMIN already: nothing to refuse.)
if [ "$PERF_LOCKED" = 0 ]; then
    refused no_tracefs "$MONITOR_CAPS" CAP_SYS_ADMIN --feature ebpf_monitor
    check "no_tracefs: says why" grep -q 'CAP_SYS_ADMIN (to mount tracefs at /sys/kernel/tracing: no tracing directory is readable)' "$WORK/no_tracefs.err"
fi
if start_with tracefs "${MONITOR_CAPS%,cap_sys_admin},cap_sys_admin" --feature ebpf_monitor; then
    check "tracefs: mounted by the tool while it runs" tracefs_in_ns
    run_client dig_tracefs dig @127.0.0.1 a.example.test A
    expect_exchange tracefs_dig dig "$CLIENT_PID" '[0-9]+' UDP 127.0.0.1 53 a.example.test A 10.1.2.3
    stop_tool tracefs
    check "tracefs: unmounted at exit" not tracefs_in_ns
    nothing_attached tracefs
fi
check "tracefs: still mounted outside the private namespace" grep -q ' /sys/kernel/tracing tracefs ' /proc/self/mounts

in_ns mount -t tracefs tracefs /sys/kernel/tracing
in_ns umount /sys/fs/cgroup
if [ "$PERF_LOCKED" = 0 ]; then
    refused no_cgroup2 "$GUARD_CAPS" CAP_SYS_ADMIN --feeds "$WORK/feeds" --block kill
    check "no_cgroup2: says why" grep -q 'CAP_SYS_ADMIN (to mount a cgroup2 hierarchy for the cgroup programs: none is mounted)' "$WORK/no_cgroup2.err"
fi
if start_with tracefs_kept "${GUARD_CAPS%,cap_sys_admin},cap_sys_admin" --feeds "$WORK/feeds" --block kill; then
    victim
    check "tracefs_kept: nobody's curl killed (exit $VICTIM_RC, want 137)" [ "$VICTIM_RC" -eq 137 ]
    stop_tool tracefs_kept
    check "tracefs_kept: tracefs mounted before the tool is still mounted after it" tracefs_in_ns
    nothing_attached tracefs_kept
fi
finish
