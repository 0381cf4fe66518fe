# The guard under pressure, tried as an attacker would: --block dump on a burst of victims
# and on a process whose leader has exited (each core read back whole by readelf, 0600);
# one user's hanging gcores holding up no other user's dump; a victim's pid reused by a
# root process while its dump waits; suspended and dump-queued victims that stay stopped
# against SIGCONT and an accomplice tracer; floods that cost the flooder alone (counted
# exactly); a second enforcing instance refused; a reader of
# stdout that never reads; SIGINT in every state (compiling, idle, stdout stalled, a gcore
# that hangs) ends the tool within SIGINT_LIMIT seconds and leaves nothing in the kernel.
# Needs root, an isolated network (a netns or the test VM) and EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
DUMP_BURST=${DUMP_BURST:-8}
LIMIT=${SIGINT_LIMIT:-1}

mkdir "$WORK/feeds"
printf '# guard test feed\n127.0.0.2\n' >"$WORK/feeds/guard.txt"
COUNT=$WORK/bytes
"$PY" "$here/byte_counter.py" "$COUNT" tcp:127.0.0.2:9100 &
EXTRA_PIDS=$!
for _ in $(seq 100); do [ -s "$COUNT" ] && break; sleep 0.1; done
check "byte counter listening" [ -s "$COUNT" ]

# victim NAME MODE: one victim to the feed address in the background; pid in VPID.
victim_bg() {
    (
        "$PY" "$here/victim.py" "$2" 127.0.0.2 9100 >"$WORK/$1.victim" 2>&1 &
        echo $! >"$WORK/$1.pid"
        wait $!
        echo $? >"$WORK/$1.rc"
    ) 2>/dev/null &
    for _ in $(seq 50); do [ -s "$WORK/$1.pid" ] && break; sleep 0.05; done
    VPID=$(cat "$WORK/$1.pid")
}

wait_rc() { # wait_rc NAME: the victim's exit status once it has one (30 s at most)
    for _ in $(seq 300); do [ -s "$WORK/$1.rc" ] && break; sleep 0.1; done
    cat "$WORK/$1.rc" 2>/dev/null
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# interrupt NAME: SIGINT; the tool must be gone within LIMIT s (30 s at most are waited).
interrupt() {
    local t0 ms
    t0=$(now_ms)
    kill -INT "$TOOL_PID"
    while kill -0 "$TOOL_PID" 2>/dev/null && [ $(($(now_ms) - t0)) -lt 30000 ]; do
        sleep 0.02
    done
    ms=$(($(now_ms) - t0))
    check "$1: gone $ms ms after SIGINT (limit $LIMIT s)" [ "$ms" -le $((LIMIT * 1000)) ]
    kill -KILL "$TOOL_PID" 2>/dev/null
    wait "$TOOL_PID" 2>/dev/null
    TOOL_PID=
    check "$1: no guard program left after SIGINT ($(guard_programs))" [ "$(guard_programs)" -eq 0 ]
}

# core_whole FILE: readelf reads every program header and finds no segment past the end.
core_whole() {
    local out
    out=$(readelf -lW "$1" 2>&1) || return 1
    echo "$out" | grep -q 'Elf file type is CORE' && ! echo "$out" | grep -qi 'error\|warning'
}

# 1. SIGINT while the programs compile: the tool dies at once, nothing stays attached.
"$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block kill >"$WORK/early.out" 2>"$WORK/early.err" &
TOOL_PID=$!
# Once it says it compiles: before its main() runs, the SIGINT that bash leaves ignored in
# a background job would be lost (under qemu the libraries take seconds to load).
for _ in $(seq 600); do grep -q 'compiling the' "$WORK/early.err" && break; sleep 0.05; done
interrupt "compiling"
check "compiling: interrupted before running" not grep -q 'The program is running' "$WORK/early.out"

# 2. dump: a burst, and a process whose leader has exited; a second instance is refused.
DUMPS=$PRIVATE/dumps
before=$(cat "$COUNT")
start_tool dump --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS" && {
    "$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block deny >"$WORK/second.out" 2>"$WORK/second.err"
    rc=$?
    check "second enforcing instance refused (exit $rc)" [ "$rc" -eq 1 ]
    check "second instance says why: $(head -c 160 "$WORK/second.err")" \
        grep -q "another ebpfshield-bcc (pid $TOOL_PID) already refuses feed addresses" "$WORK/second.err"
    for i in $(seq "$DUMP_BURST"); do victim_bg "dump-$i" tcp; done
    victim_bg dump-leaderless leaderless
    for name in $(seq -f 'dump-%g' "$DUMP_BURST") dump-leaderless; do
        rc=$(wait_rc "$name")
        pid=$(cat "$WORK/$name.pid")
        [ "$name" = dump-leaderless ] && LEADERLESS_PID=$pid
        check "$name: killed after its dump (exit $rc)" [ "$rc" = 137 ]
        expect_count "$OUT" "^Client:python3 \(pid:$pid\) eBPFShield took a dump in ${DUMPS//./\\.}/ \(ip-blacklist:127\.0\.0\.2\)\$" \
            1 "$name: dump line"
    done
    cores=$(ls "$DUMPS" | grep -c '^ebpfshield-')
    check "dump: $cores cores for $((DUMP_BURST + 1)) victims" [ "$cores" -eq $((DUMP_BURST + 1)) ]
    for core in "$DUMPS"/ebpfshield-*; do
        check "dump: $(basename "$core") read whole by readelf" core_whole "$core"
        check "dump: $(basename "$core") is 0600 ($(stat -c %a "$core"))" [ "$(stat -c %a "$core")" = 600 ]
    done
    sleep 0.5
    check "dump: no byte arrived (counter $(cat "$COUNT"), was $before)" [ "$(cat "$COUNT")" -eq "$before" ]
    stop_tool dump
}
rm -rf "$DUMPS"

# 2b. The cores' total budget: 2 MiB of cores already there, --dump-total 1: the victim
# is killed without a core, and stderr says why.
install -d -m 700 "$DUMPS"
head -c 2097152 /dev/zero >"$DUMPS/ebpfshield-earlier"
start_tool total --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS" --dump-total 1 && {
    victim_bg total tcp
    check "total: the victim killed without a core (exit $(wait_rc total))" [ "$(wait_rc total)" = 137 ]
    check "total: its line says it was killed" \
        grep -qE "^Client:python3 \(pid:$VPID\) was killed by eBPFShield \(ip-blacklist:127\.0\.0\.2\) \$" "$OUT"
    # The worker says why once the process is killed: the line may come after its end.
    check "total: stderr says why" wait_line "$ERR" "pid $VPID was killed without a core: the cores in the dump directory take 2 MiB of the 1 MiB --dump-total allows" 10
    check "total: no other core ($(ls "$DUMPS" | xargs))" [ "$(ls "$DUMPS")" = ebpfshield-earlier ]
    stop_tool total
}
rm -rf "$DUMPS"

# 2b'. One user's share, a quarter of the total: 16 MiB of cores of uid 65534 there,
# --dump-total 64: that user's victim is killed without a core, stderr saying why, and so
# is a victim of uid 165540, one of that user's subordinate uids (/etc/subuid, seen by the
# tool alone in a mount namespace of its own): a container of nobody's counts as nobody;
# a root victim's core is taken (named for root, and root's, as every core).
# Dump accounting is user space alone (dump.c), the same on every kernel: natively only,
# which spares the emulated VM a tool start (about 40 s there).
if [ "${EXPECT_MODE:-}" = kprobe ]; then
    echo "note: share: run natively only (user space alone)"
else
    install -d -m 700 "$DUMPS"
    head -c 16777216 /dev/urandom >"$DUMPS/ebpfshield-u65534-1.1" # blocks, not holes
    cp -a /etc "$WORK/etc" # the host's /etc stays as it is
    echo nobody:165536:65536 >"$WORK/etc/subuid"
    launch share out unshare -m --propagation private \
        sh -c 'mount --bind "$0" /etc && exec "$@"' "$WORK/etc" \
        "$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS" --dump-total 64 && {
        # 65534 itself, then 165540: one of its subordinate uids, charged to it.
        for uid in 65534 165540; do
            setpriv --reuid=$uid --regid=$uid --clear-groups "$PY" "$here/victim.py" tcp 127.0.0.2 9100 \
                >/dev/null 2>&1 &
            pid=$!
            wait "$pid"
            rc=$?
            check "share: uid $uid's victim killed without a core (exit $rc)" [ "$rc" = 137 ]
            check "share: stderr says why, charging it to uid 65534" wait_line "$ERR" "pid $pid was killed without a core: the cores of uid 65534 take 16 MiB of the 16 MiB one user may have \(a quarter of --dump-total\)" 10
        done
        victim_bg share-root tcp
        check "share: a root victim is dumped (exit $(wait_rc share-root))" [ "$(wait_rc share-root)" = 137 ]
        expect_count "$OUT" "^Client:python3 \(pid:$VPID\) eBPFShield took a dump in ${DUMPS//./\\.}/ " 1 \
            "share: the root victim's dump line"
        check "share: 2 cores, the new one root's ($(ls -n "$DUMPS" | awk 'NR > 1 { print $3, $9 }' | xargs))" \
            [ "$(ls "$DUMPS" | grep -c '^ebpfshield-')" -eq 2 -a "$(stat -c %u "$DUMPS"/ebpfshield-u0-*."$VPID")" = 0 ]
        stop_tool share
    }
    rm -rf "$DUMPS"
fi

# 2c. An unprivileged user (65534) whose gcores hang (held by a file, as a process whose
# memory cannot be read would hold them) holds up its own dumps alone: a root victim is
# dumped meanwhile. Its next victim, killed and reaped by its parent with a root process
# forked onto its pid within ms (pid_reuse.py), is never taken for that process: its line
# says it exited, the root process runs on, neither stopped nor dumped.
mkdir -p "$WORK/hold-bin" "$DUMPS"
chmod 700 "$DUMPS"
HOLD=$WORK/hold
cat >"$WORK/hold-bin/gcore" <<EOF
#!/bin/sh
if [ "\$(stat -c %u /proc/\$3)" = 65534 ]; then
    while [ -e "$HOLD" ]; do sleep 0.05; done
fi
exec $(command -v gcore) "\$@"
EOF
chmod 755 "$WORK/hold-bin/gcore"
touch "$HOLD"
PATH="$WORK/hold-bin:$PATH" start_tool reuse --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS" && {
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$here/victim.py" tcp 127.0.0.2 9100 \
        >/dev/null 2>&1 &
    DECOY=$!
    for _ in $(seq 100); do [ "$(ps -o stat= -p "$DECOY" 2>/dev/null | cut -c1)" = T ] && break; sleep 0.05; done
    check "reuse: the decoy is stopped, its gcore held" [ "$(ps -o stat= -p "$DECOY" | cut -c1)" = T ]
    victim_bg reuse-root tcp
    check "reuse: a root victim is dumped while the decoy's gcore hangs (exit $(wait_rc reuse-root))" \
        [ "$(wait_rc reuse-root)" = 137 ]
    expect_count "$OUT" "^Client:python3 \(pid:$VPID\) eBPFShield took a dump in ${DUMPS//./\\.}/ " 1 \
        "reuse: the root victim's dump line"
    VICTIM= SLEEPER=
    "$PY" "$here/pid_reuse.py" 65534 127.0.0.2 9100 >"$WORK/reuse.pids" # no /dev/fd in the VM
    read -r VICTIM SLEEPER <"$WORK/reuse.pids"
    check "reuse: a root process took the reaped victim's pid (${VICTIM:-none} -> ${SLEEPER:-none})" \
        [ "${VICTIM:-x}" = "${SLEEPER:-y}" ]
    rm -f "$HOLD"
    wait "$DECOY"
    rc=$?
    check "reuse: the decoy dumped and killed once released (exit $rc)" [ "$rc" = 137 ]
    check "reuse: the decoy's core named for its user, 65534, and root's ($(ls -n "$DUMPS" | awk 'NR > 1 { print $3, $9 }' | xargs))" \
        [ "$(stat -c %u "$DUMPS"/ebpfshield-u65534-*."$DECOY")" = 0 ]
    expect_count "$OUT" "^Client:python3 \(pid:$VICTIM\) exited before eBPFShield could act \(ip-blacklist:127\.0\.0\.2\) \$" 1 \
        "reuse: the reaped victim's line says it exited"
    sleep 1
    check "reuse: the root process on its pid runs on ($(ps -o stat= -p "$SLEEPER"))" \
        [ "$(ps -o stat= -p "$SLEEPER" | cut -c1)" = S ]
    check "reuse: no core of the root process ($(ls "$DUMPS" | xargs))" [ ! -e "$(echo "$DUMPS"/ebpfshield-*."$SLEEPER")" ]
    check "reuse: 2 cores (decoy, root victim): $(ls "$DUMPS" | xargs)" [ "$(ls "$DUMPS" | grep -c '^ebpfshield-')" -eq 2 ]
    kill "$SLEEPER" 2>/dev/null
    stop_tool reuse
}
rm -rf "$DUMPS" "$HOLD"

# 3. A gcore that hangs: SIGINT cancels it, the stopped victim is killed without a core.
mkdir "$WORK/hang-bin"
printf '#!/bin/sh\nexec sleep 600\n' >"$WORK/hang-bin/gcore"
chmod 755 "$WORK/hang-bin/gcore"
PATH="$WORK/hang-bin:$PATH" start_tool hang --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS" && {
    victim_bg hang tcp
    for _ in $(seq 100); do [ "$(ps -o stat= -p "$VPID" 2>/dev/null | cut -c1)" = T ] && break; sleep 0.05; done
    check "hang: the victim is stopped while gcore runs" [ "$(ps -o stat= -p "$VPID" | cut -c1)" = T ]
    interrupt "hang"
    check "hang: the victim killed without a core (exit $(wait_rc hang))" [ "$(wait_rc hang)" = 137 ]
    check "hang: its line says it was killed" \
        grep -qE "^Client:python3 \(pid:$VPID\) was killed by eBPFShield \(ip-blacklist:127\.0\.0\.2\) \$" "$OUT"
    check "hang: stderr says why" grep -q "pid $VPID was killed without a core: dumping was cancelled" "$ERR"
    check "hang: no gcore left" not pgrep -f "$WORK/hang-bin" >/dev/null
}

# 3b. Actions that stick: a suspended victim stays stopped whatever its user does, a
# sibling sending it SIGCONT as fast as it can (refused in the kernel where BPF LSM
# programs run, until the freeze), or a tracer (its parent, PTRACE_TRACEME) that
# continues it without the SIGSTOP: each is frozen in a cgroup of its own under
# ebpfshield.hold (its ticks stop at the refusal). A dump-queued victim too, behind a
# decoy whose gcore is held, until its core is taken; then its cgroup is gone.
chmod 711 "$WORK"
install -d -o 65534 -g 65534 -m 700 "$WORK/nobody"
CG2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
if [ -z "$CG2" ]; then # under `ip netns exec` (a sysfs of its own): the one hierarchy, here
    CG2=$WORK/cgroup2
    mkdir "$CG2" && mount -t cgroup2 cgroup2 "$CG2" && MOUNTED_CG2=$CG2
fi
sticky_start() { # sticky_start NAME MODE [DELAY]: a sticky_victim.py as nobody, which
    local dir=$WORK/nobody # connects after DELAY s (0.3); its pid in SPID
    STICKY_CONNECT_AFTER=${3:-0.3} setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$here/sticky_victim.py" "$2" \
        127.0.0.2 9100 "$dir/$1.ticks" "$dir/$1.pid" >/dev/null 2>&1 &
    for _ in $(seq 100); do [ -s "$dir/$1.pid" ] && break; sleep 0.05; done
    SPID=$(cat "$dir/$1.pid")
}
ticks() { cat "$WORK/nobody/$1.ticks" 2>/dev/null; }
held_cgroups() { find "$CG2/ebpfshield.hold" -mindepth 1 -maxdepth 1 -type d -printf '%f ' 2>/dev/null; }
# stays_stopped NAME PID: its ticks do not move over a second, it is frozen in its cgroup.
stays_stopped() {
    local t1 t2
    sleep 0.5
    t1=$(ticks "$1")
    sleep 1
    t2=$(ticks "$1")
    check "$1: no tick after the refusal (${t1:-none} then ${t2:-none})" [ "${t1:-x}" = "${t2:-y}" ]
    check "$1: held in $(grep '^0::' "/proc/$2/cgroup")" grep -q "^0::/ebpfshield.hold/$2\." "/proc/$2/cgroup"
    check "$1: its cgroup is frozen" grep -qx 'frozen 1' "$CG2/$(grep '^0::' "/proc/$2/cgroup" | cut -d/ -f2-)/cgroup.events"
}
# The kernel's hold (BPF LSM), where it runs: the start says whether.
lsm_holds() { grep -q '^guard: a stopped process is held in the kernel until it is frozen (BPF LSM)' "$ERR"; }
# storm NAME PID SECONDS: sigcont_storm.py as nobody; its counts go to $WORK/nobody/NAME.storm.
storm() {
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$here/sigcont_storm.py" "$2" "$3" \
        "$WORK/nobody/$1.storm" &
}
storm_counts() { # storm_counts NAME: once the storm has ended
    for _ in $(seq 200); do [ -s "$WORK/nobody/$1.storm" ] && break; sleep 0.05; done
    cat "$WORK/nobody/$1.storm"
}
# held_in_kernel PID: where the kernel holds stopped processes, PID (under a storm of its
# user's SIGCONTs from before its refusal) did not get to its next syscall (no .after
# file), root's SIGCONT is taken, and so is its user's once it is frozen (the freezer holds
# it then, and job control works again once root thaws it), and its user's SIGCONT to a
# process not held. Where it does not (some kernels refuse BPF LSM programs), the start says
# why and the window is shown: whether the victim ran between its refusal and its freeze.
held_in_kernel() {
    local after=$WORK/nobody/sigcont.ticks.after counts
    counts=$(storm_counts sigcont)
    if lsm_holds; then
        check "sticky: it did not get to its next syscall after its refusal (no $after; storm: $counts)" \
            [ ! -e "$after" ]
        check "sticky: root's SIGCONT is taken" kill -CONT "$1"
        check "sticky: frozen, its user's SIGCONT is taken again (the freezer holds it)" \
            setpriv --reuid=65534 --regid=65534 --clear-groups kill -CONT "$1"
        setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30 &
        check "sticky: its user's SIGCONT to a process not held is taken" \
            setpriv --reuid=65534 --regid=65534 --clear-groups kill -CONT $!
        kill $!
    else
        check "sticky: the start says why a SIGCONT can resume it before its freeze" \
            grep -qE '^guard: a SIGCONT can resume a stopped process until it is frozen, a few ms: .+' "$ERR"
        [ "${REQUIRE_LSM:-}" != 1 ] || fail "sticky: this kernel runs no BPF LSM program"
        echo "note: the kernel's limit: with $counts SIGCONTs, the victim" \
            "$([ -e "$after" ] && echo ran || echo did not run) between its refusal and its freeze"
    fi
}
start_tool sticky --feeds "$WORK/feeds" --block suspend && {
    sticky_start sigcont plain 2 # its storm under way before the refusal
    storm sigcont "$SPID" 4
    expect_count "$OUT" "^Client:python3 \(pid:$SPID\) was suspended \(ip-blacklist:127\.0\.0\.2\) \$" 1 \
        "sticky: the SIGCONT victim's line"
    stays_stopped sigcont "$SPID"
    held_in_kernel "$SPID"
    stays_stopped sigcont "$SPID"
    SIGCONT_PID=$SPID
    sticky_start traced traced
    expect_count "$OUT" "^Client:python3 \(pid:$SPID\) was suspended \(ip-blacklist:127\.0\.0\.2\) \$" 1 \
        "sticky: the traced victim's line"
    stays_stopped traced "$SPID"
    stop_tool sticky
    check "sticky: the suspended stay held after the tool exits" [ -d "$CG2/ebpfshield.hold" ]
    kill -KILL "$SIGCONT_PID" "$SPID"
    sleep 0.5
}
# dump: the decoy holds nobody's dump thread; the victim behind it gets SIGCONTs.
touch "$HOLD"
mkdir -p "$DUMPS" && chmod 700 "$DUMPS"
PATH="$WORK/hold-bin:$PATH" start_tool sticky-dump --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS" && {
    check "sticky-dump: a start clears the cgroups of killed victims ($(held_cgroups))" [ -z "$(held_cgroups)" ]
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$here/victim.py" tcp 127.0.0.2 9100 \
        >/dev/null 2>&1 &
    DECOY=$!
    for _ in $(seq 100); do grep -q "^0::/ebpfshield.hold/$DECOY\." "/proc/$DECOY/cgroup" 2>/dev/null && break; sleep 0.05; done
    sticky_start queued plain
    storm queued "$SPID" 3
    stays_stopped queued "$SPID"
    if lsm_holds; then # held until its core is taken
        check "sticky-dump: its user's SIGCONTs refused while it waits ($(storm_counts queued))" \
            grep -qE '^sent [0-9]+ refused [1-9]' "$WORK/nobody/queued.storm"
    fi
    rm -f "$HOLD"
    wait "$DECOY"
    expect_count "$OUT" "^Client:python3 \(pid:$SPID\) eBPFShield took a dump in ${DUMPS//./\\.}/ " 1 \
        "sticky-dump: the queued victim dumped once released"
    for _ in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    check "sticky-dump: the queued victim killed" not kill -0 "$SPID" 2>/dev/null
    check "sticky-dump: its core read whole by readelf" core_whole "$(ls "$DUMPS"/ebpfshield-*."$SPID")"
    check "sticky-dump: its cgroup removed ($(held_cgroups))" [ -z "$(held_cgroups)" ]
    stop_tool sticky-dump
    check "sticky-dump: nothing held left after the tool exits" [ ! -e "$CG2/ebpfshield.hold" ]
}
rm -rf "$DUMPS" "$HOLD"
[ -n "${MOUNTED_CG2:-}" ] && umount "$MOUNTED_CG2"

# 3c. Floods cost the flooder: two processes of nobody send to the feed address as fast
# as they can for 3 s under deny, while a root process sends every 250 ms. Every one of
# root's refusals has its line; each flooder's lines plus the counts stderr gives for it
# ("N more hit(s)") are exactly the refusals it counted itself (EPERM), at most 10 lines a
# second; no sample lost.
start_tool flood --feeds "$WORK/feeds" --block deny && {
    STOP=$WORK/nobody/flood.stop
    for i in 1 2; do
        setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$here/hammer.py" "$STOP" \
            127.0.0.2 9101 0 >"$WORK/nobody/flood-$i.out" &
        eval "FLOOD_$i=\$!"
    done
    "$PY" "$here/hammer.py" "$WORK/flood.root-stop" 127.0.0.2 9101 0.25 >"$WORK/flood.root" &
    ROOT_HAMMER=$!
    sleep 3
    touch "$STOP" "$WORK/flood.root-stop"
    wait "$FLOOD_1" "$FLOOD_2" "$ROOT_HAMMER"
    sleep 1
    read -r _ root_refused <"$WORK/flood.root"
    expect_count "$OUT" "^Client:python3 \(pid:$ROOT_HAMMER\) was denied by eBPFShield \(ip-blacklist:127\.0\.0\.2\) \$" \
        "${root_refused:-0}" "flood: each of root's ${root_refused:-0} refusals has its line"
    for i in 1 2; do
        pid=$(eval echo "\$FLOOD_$i")
        read -r _ refused <"$WORK/nobody/flood-$i.out"
        lines=$(grep -cE "^Client:python3 \(pid:$pid\) was denied" "$OUT")
        counted=$(flood_count "$pid" "$ERR")
        check "flood: flooder $i: $lines lines + $counted counted = its ${refused:-?} refusals" \
            [ $((lines + counted)) -eq "${refused:--1}" ]
        check "flood: flooder $i: $lines lines in 3 s (at most 10 a second)" [ "$lines" -le 50 ]
    done
    check "flood: no sample lost ($(grep -i lost "$ERR" | head -1))" not grep -qi 'lost' "$ERR"
    stop_tool flood
    check "flood: the total said at exit" grep -qE 'more hit\(s\) of floods counted, not printed one by one' "$ERR"
}

# 4. Nobody reads stdout: kills go on, the tool says it drops lines, SIGINT still works.
mkfifo "$WORK/stall"
exec 7<>"$WORK/stall" # a reader that never reads
OUT=$WORK/stall.first ERR=$WORK/stall.err
"$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block kill --verbose >"$WORK/stall" 2>"$ERR" &
TOOL_PID=$!
read -r -t "${TOOL_START_TIMEOUT:-300}" -u 7 first
check "stall: running ($first)" [ "$first" = 'The program is running. Press Ctrl-C to abort.' ]
# Some 4,000 verbose lines (connections refused by a closed port): far beyond the pipe.
"$PY" -c '
import socket
for _ in range(4000):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", 9))
    except OSError:
        pass
    s.close()'
victim_bg stalled tcp
check "stall: victim killed while stdout is stalled (exit $(wait_rc stalled))" [ "$(wait_rc stalled)" = 137 ]
interrupt "stall"
check "stall: at exit the tool says what it could not write: $(grep 'not being read' "$ERR")" \
    grep -qE '^ebpfshield-bcc: standard output is not being read: [0-9]+ line\(s\) not written$' "$ERR"
exec 7>&-
finish
