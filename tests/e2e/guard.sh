#!/usr/bin/env bash
# The guard end to end, tried as an attacker would: a listener counts every byte that
# reaches the feed addresses (IPv4 127.0.0.2, IPv6 fd00:bad::1) while victims send there
# by every path (and a hammer running from before the start: every refusal from the first
# one on has its line or, past 10 a second, its count on stderr): TCP connect, TCP Fast Open, IPv4-mapped, NAT64 (well-known and
# local prefix), 6to4 and IPv4-compatible
# IPv6, native IPv6, a socket bound to the feed address sending to 0.0.0.0, unconnected
# UDP sendto and connected UDP, also as an unprivileged user, in a burst, from a process
# whose leader thread has exited, while the tool itself is stopped, and from sockets
# connected before the tool started. print lets the bytes through (the control), deny
# refuses and the victim goes on, kill refuses and kills; after SIGKILL of the tool
# nothing of it stays in the kernel.
# Needs root, an isolated network (a netns or the test VM) and EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
BURST=${GUARD_BURST:-200}
PY=/usr/bin/python3 # Debian's, reachable by any user (a root-only pyenv shim is not)

sysctl -qw net.ipv6.conf.lo.disable_ipv6=0 2>/dev/null
ip -6 addr add fd00:bad::1/128 dev lo nodad 2>/dev/null
# 127.0.0.2 as NAT64 (well-known prefix), 6to4 and IPv4-compatible IPv6 addresses: each
# reaches the listed IPv4 host through a translator or tunnel, so each is refused too.
# 2001:db8:64::7f00:2: the same through a local NAT64 prefix (--nat64-prefix).
for a in 64:ff9b::7f00:2 2002:7f00:2::1 ::7f00:2 2001:db8:64::7f00:2; do
    ip -6 addr add "$a/128" dev lo nodad
done
# Ping sockets (ICMP SOCK_DGRAM) for every group: the unconnected ping victims.
sysctl -qw net.ipv4.ping_group_range="0 2147483647"
cc -O2 -o "$WORK/ring_victim" "$here/ring_victim.c" || fail "building ring_victim.c"
# 32-bit victims where the kernel runs 32-bit programs (Debian's does; this machine's
# 6.18 has IA32 emulation off): REQUIRE_32BIT=1 (the VM) makes it a failure not to.
cc -m32 -static -nostdlib -ffreestanding -fno-pic -fno-stack-protector -O1 \
    -o "$WORK/victim32" "$here/victim32.c" || fail "building victim32.c"
if "$WORK/victim32" check 2>/dev/null; then
    M32=yes
elif [ "${REQUIRE_32BIT:-}" = 1 ]; then
    fail "32-bit victims: this kernel does not run victim32"
else
    echo "note: no 32-bit victims here: this kernel does not run 32-bit programs"
fi
mkdir "$WORK/feeds"
printf '# guard test feed\n127.0.0.2\nfd00:bad::/64\n' >"$WORK/feeds/guard.txt"
COUNT=$WORK/bytes
"$PY" "$here/byte_counter.py" "$COUNT" tcp:127.0.0.2:9100 tcp:fd00:bad::1:9100 \
    udp:127.0.0.2:9101 udp:fd00:bad::1:9101 tcp:64:ff9b::7f00:2:9100 \
    tcp:2002:7f00:2::1:9100 udp:::7f00:2:9101 tcp:2001:db8:64::7f00:2:9100 &
EXTRA_PIDS=$!
for _ in $(seq 100); do [ -s "$COUNT" ] && break; sleep 0.1; done
check "byte counter listening" [ -s "$COUNT" ]

# Every path to a feed address: MODE ADDR PORT, and the address as the tool prints it.
PATHS=("tcp 127.0.0.2 9100 127.0.0.2" "tcp ::ffff:127.0.0.2 9100 127.0.0.2"
       "tcp fd00:bad::1 9100 fd00:bad::1" "tfo 127.0.0.2 9100 127.0.0.2"
       "tfo fd00:bad::1 9100 fd00:bad::1" "udp 127.0.0.2 9101 127.0.0.2"
       "udp ::ffff:127.0.0.2 9101 127.0.0.2" "udp fd00:bad::1 9101 fd00:bad::1"
       "udpconn 127.0.0.2 9101 127.0.0.2" "udpconn fd00:bad::1 9101 fd00:bad::1"
       "tcp 64:ff9b::7f00:2 9100 64:ff9b::7f00:2" "tcp 2002:7f00:2::1 9100 2002:7f00:2::1"
       "udp ::7f00:2 9101 ::127.0.0.2" "tcp 2001:db8:64::7f00:2 9100 2001:db8:64::7f00:2"
       "tcpbound 127.0.0.2 9100 127.0.0.2"
       "udpbound 127.0.0.2 9101 127.0.0.2")
PAYLOAD=7 # bytes each victim sends

bytes() { cat "$COUNT"; }

# run_victim NAME CMD...: runs CMD to its end; its pid in VPID, its exit status in VRC and
# what it printed in $WORK/NAME.victim.
run_victim() {
    local name=$1
    shift
    # In a subshell whose stderr is dropped: bash would report each killed victim there.
    (
        "$@" >"$WORK/$name.victim" 2>&1 &
        echo $! >"$WORK/$name.pid"
        wait $!
        echo $? >"$WORK/$name.rc"
    ) 2>/dev/null
    VPID=$(cat "$WORK/$name.pid")
    VRC=$(cat "$WORK/$name.rc")
}

# victim NAME MODE ADDR PORT [RUNNER...]: run_victim of victim.py MODE ADDR PORT, under
# RUNNER.
victim() {
    local name=$1 mode=$2 addr=$3 port=$4
    shift 4
    run_victim "$name" "$@" "$PY" "$here/victim.py" "$mode" "$addr" "$port"
}

# The guard, with --signal-from SIGNAL_FROM when the test asks for one (default: auto).
# Every run knows the local NAT64 prefix of 2001:db8:64::7f00:2.
guard_tool() {
    start_tool "$@" --nat64-prefix 2001:db8:64::/96 ${SIGNAL_FROM:+--signal-from "${SIGNAL_FROM:-}"}
}

# said GOT WANT: a victim said what it should. Killed from the syscall exit attached on
# demand, a victim may first report its refusal: the signal comes a few ms late.
said() { [ "$1" = "$2" ] || [ "${SIGNAL_FROM:-}$2:$1" = "exit-on-demand:error 1" ]; }

# killed_or_late RC OUTPUT_FILE: the victim was killed; or, its signal from sys_exit
# attached on demand, it exited first having reported its refusal.
killed_or_late() {
    [ "$1" -eq 137 ] ||
        { [ "${SIGNAL_FROM:-}" = exit-on-demand ] && [ "$1" -eq 0 ] && [ "$(cat "$2")" = "error 1" ]; }
}

# exit_programs: programs on the raw_syscalls:sys_exit tracepoint.
exit_programs() { bpftool perf 2>/dev/null | grep -c ' tracepoint  sys_exit$'; }


# each_path PHASE EXPECT_RC EXPECT_OUTPUT LINE_REGEX: every path once; the victim must exit
# EXPECT_RC having printed EXPECT_OUTPUT, and the tool print LINE_REGEX (%PID% and %IP%
# filled in) exactly once. With the signal from sys_exit attached on demand, a victim
# that exits within the few ms the signal takes may instead exit 0 having reported its
# refusal, and its line says so.
each_path() {
    local phase=$1 want_rc=$2 want_out=$3 line=$4 p re
    for p in "${PATHS[@]}"; do
        set -- $p
        victim "$phase-$1-$2" "$1" "$2" "$3"
        re=$line
        if [ "${SIGNAL_FROM:-}" = exit-on-demand ] && [ "$want_rc" -eq 137 ] && [ "$VRC" -eq 0 ] &&
            [ "$(cat "$WORK/$phase-$1-$2.victim")" = "error 1" ]; then
            echo "  ($phase: $1 to $2 exited before its signal came)"
            re=${line/was killed by eBPFShield/exited before eBPFShield could act}
        else
            check "$phase: $1 to $2: victim exit $want_rc (got $VRC)" [ "$VRC" -eq "$want_rc" ]
            check "$phase: $1 to $2: victim says '$want_out'" \
                said "$(cat "$WORK/$phase-$1-$2.victim")" "$want_out"
        fi
        re=${re//%PID%/$VPID}
        re=${re//%IP%/${4//./\\.}}
        expect_count "$OUT" "$re" 1 "$phase: $1 to $2: line"
    done
}

# victims32 deny|kill: the 32-bit victims, connecting by socketcall(2) and by the direct
# i386 call (where the kernel runs them): under deny refused with EPERM and going on, under
# kill killed before anything more; a line each. With the signal from sys_exit attached on
# demand, the victim may report its refusal and go on for the few ms the signal takes
# (killed later, or exited first: its line then says so), but never send.
victims32() {
    local phase=$1 mode said verb
    for mode in socketcall direct; do
        [ -n "${M32:-}" ] || break
        run_victim "m32-$phase-$mode" "$WORK/victim32" "$mode"
        said=$(tr '\n' ' ' <"$WORK/m32-$phase-$mode.victim")
        verb="was killed by eBPFShield"
        if [ "$phase" = deny ]; then
            verb="was denied by eBPFShield"
            check "deny: 32-bit $mode: refused with EPERM, goes on (exit $VRC, said '$said')" \
                [ "$VRC" -eq 0 -a "$said" = "error 1 alive " ]
        elif [ "${SIGNAL_FROM:-}" = exit-on-demand ] && [ "$said" = "error 1 alive " ]; then
            echo "  (kill: 32-bit $mode went on for the few ms its signal took; exit $VRC)"
            [ "$VRC" -eq 0 ] && verb="exited before eBPFShield could act"
            check "kill: 32-bit $mode: refused, then killed or ended, never sent (exit $VRC)" \
                [ "$VRC" -eq 137 -o "$VRC" -eq 0 ]
        else
            check "kill: 32-bit $mode: victim killed before it went on (exit $VRC, said '$said')" \
                [ "$VRC" -eq 137 -a "${said#*alive}" = "$said" -a "${said#*sent}" = "$said" ]
        fi
        expect_count "$OUT" "^Client:victim32 \(pid:$VPID\) $verb \(ip-blacklist:127\.0\.0\.2\) \$" \
            1 "$phase: 32-bit $mode: line"
    done
}

# egress_paths PHASE: the datagrams only the egress check sees, here unconnected ping
# sockets' echo requests to both feed addresses: dropped (no echo reply), no line and no
# action (the egress program cannot know who made a packet: docs/security.md), counted.
egress_paths() {
    local phase=$1 a said
    for a in 127.0.0.2 fd00:bad::1; do
        victim "$phase-ping-$a" ping "$a" 0
        said=$(cat "$WORK/$phase-ping-$a.victim")
        check "$phase: unconnected ping to $a: dropped, the process untouched (exit $VRC, said '$said')" \
            dropped_unanswered "$VRC" "$said"
        expect_count "$OUT" "\(pid:$VPID\)" 0 "$phase: unconnected ping to $a: no line"
    done
}
# dropped_unanswered RC SAID: a ping victim went on (exit 0) with no echo reply.
dropped_unanswered() { [ "$1" -eq 0 ] && { [ "$2" = "error 1" ] || [ "$2" = "sent no reply" ]; }; }
# egress_counted PHASE AT_LEAST: the tool's exit line counts the egress drops.
egress_counted() {
    local n
    n=$(sed -nE 's/^ebpfshield-bcc: ([0-9]+) packet\(s\) to feed addresses dropped at egress with no line.*/\1/p' "$ERR")
    check "$1: the egress drops counted at exit (${n:-none}, at least $2)" [ "${n:-0}" -ge "$2" ]
}

# print and deny send no signal: run once, with the default --signal-from.
if [ -z "${SIGNAL_FROM:-}" ]; then
# print (the control): the bytes get through and every hit is reported.
before=$(bytes)
guard_tool print --feeds "$WORK/feeds" --block print && {
    each_path print 0 sent '^Client:python3 \(pid:%PID%\) touched a bad IP \(ip-blacklist:%IP%\)$'
    want=$((before + ${#PATHS[@]} * PAYLOAD))
    for _ in $(seq 50); do [ "$(bytes)" -ge "$want" ] && break; sleep 0.1; done
    check "print: all $((${#PATHS[@]} * PAYLOAD)) bytes arrived (counter $(bytes), want $want)" \
        [ "$(bytes)" -eq "$want" ]
    stop_tool print
}

# deny: refused with EPERM (errno 1), nothing arrives, the victim goes on.
# A hammer sends to the feed address every millisecond from before the start: every
# refusal, from the first one after the programs attach, has its line or (past 10 a
# second) is counted on stderr, exactly (the perf buffer is open before any refusing
# program is attached).
before=$(bytes)
"$PY" "$here/hammer.py" "$WORK/hammer.stop" 127.0.0.2 9101 >"$WORK/hammer.out" &
HAMMER=$!
guard_tool deny --feeds "$WORK/feeds" --block deny && {
    sleep 0.5
    touch "$WORK/hammer.stop"
    wait "$HAMMER"
    read -r hammer_sent hammer_refused <"$WORK/hammer.out"
    check "deny: the hammer ran before the start ($hammer_sent sent) and was refused after it ($hammer_refused)" \
        [ "$hammer_sent" -gt 0 -a "$hammer_refused" -gt 0 ]
    sleep 1 # the count of its end
    lines=$(grep -cE "^Client:python3 \(pid:$HAMMER\) was denied by eBPFShield \(ip-blacklist:127\.0\.0\.2\) $" "$OUT")
    counted=$(flood_count "$HAMMER" "$ERR")
    check "deny: each of the hammer's $hammer_refused refusals, the first one included: $lines lines + $counted counted" \
        [ "$lines" -ge 1 -a $((lines + counted)) -eq "$hammer_refused" ]
    sleep 0.5 # the counter has counted what the hammer sent before the start
    before=$(bytes)
    each_path deny 0 'error 1' '^Client:python3 \(pid:%PID%\) was denied by eBPFShield \(ip-blacklist:%IP%\) $'
    victims32 deny
    egress_paths deny
    sleep 0.5
    check "deny: no byte arrived (counter $(bytes), was $before)" [ "$(bytes)" -eq "$before" ]
    stop_tool deny
    egress_counted deny 2
}
fi

# kill: refused and killed before the victim runs another instruction.
before=$(bytes)
# Sockets connected before the tool starts send only once it runs: dropped at egress.
EARLY=()
for p in "tcp 127.0.0.2 9100" "udpconn 127.0.0.2 9101" "udpconn fd00:bad::1 9101"; do
    set -- $p
    "$PY" "$here/victim.py" "$1" "$2" "$3" "$WORK/go" >"$WORK/early-$1-$2.victim" 2>&1 &
    EARLY+=($!)
done
guard_tool kill --feeds "$WORK/feeds" --block kill && {
    touch "$WORK/go"
    wait "${EARLY[@]}"
    # TCP queues the bytes (send succeeds) but none leaves; a datagram is refused at once.
    # Dropped at egress, they get no line (egress_paths says why): counted at exit.
    for p in "udpconn 127.0.0.2" "udpconn fd00:bad::1"; do
        set -- $p
        check "kill: $1 to $2 connected before the start: refused ($(cat "$WORK/early-$1-$2.victim"))" \
            [ "$(cat "$WORK/early-$1-$2.victim")" = "error 1" ]
    done
    sleep 0.5
    check "kill: early sockets: no byte arrived (counter $(bytes), was $before)" \
        [ "$(bytes)" -eq "$before" ]
    each_path kill 137 '' '^Client:python3 \(pid:%PID%\) was killed by eBPFShield \(ip-blacklist:%IP%\) $'
    # A copy that uid 65534 can reach ($WORK is private: traversable, not listable).
    chmod 711 "$WORK"
    install -d -m 755 "$WORK/pub"
    install -m 644 "$here/victim.py" "$WORK/pub/victim.py"
    here=$WORK/pub victim unpriv tcp 127.0.0.2 9100 setpriv --reuid=65534 --regid=65534 --clear-groups
    check "kill: unprivileged victim killed (exit $VRC)" killed_or_late "$VRC" "$WORK/unpriv.victim"

    # io_uring connects, made inline, by an io-wq worker (IOSQE_ASYNC) and by the ring's
    # SQPOLL thread: neither of the last two returns from a syscall. The process is killed
    # (a worker's signal goes to its process); the line may name the kernel thread.
    for mode in inline async sqpoll; do
        run_victim "ring-$mode" "$WORK/ring_victim" "$mode" 127.0.0.2 9100
        said=$(tr '\n' ' ' <"$WORK/ring-$mode.victim")
        check "kill: io_uring $mode: victim killed before it went on (exit $VRC, said '$said')" \
            [ "$VRC" -eq 137 -a "${said#*alive}" = "$said" ]
        expect_count "$OUT" "^Client:(ring_victim|iou-(wrk|sqp)-$VPID) \(pid:$VPID\) was killed by eBPFShield \(ip-blacklist:127\.0\.0\.2\) \$" \
            1 "kill: io_uring $mode: line"
    done

    victims32 kill
    egress_paths kill

    # A burst, all at once.
    pids=()
    for i in $(seq "$BURST"); do
        victim "burst-$i" tcp 127.0.0.2 9100 &
        pids+=($!)
    done
    wait "${pids[@]}"
    killed=0
    for i in $(seq "$BURST"); do
        killed_or_late "$(cat "$WORK/burst-$i.rc")" "$WORK/burst-$i.victim" && killed=$((killed + 1))
    done
    check "kill: burst: $killed of $BURST victims killed" [ "$killed" -eq "$BURST" ]

    # A process whose leader has exited (state Z) connects from another thread.
    victim leaderless leaderless 127.0.0.2 9100
    check "kill: process with an exited leader killed (exit $VRC, $(cat "$WORK/leaderless.victim"))" \
        killed_or_late "$VRC" "$WORK/leaderless.victim"

    # No program on every syscall of the host unless asked for (--signal-from exit): on
    # demand, the syscall-exit tracepoint comes with a refusal and goes a second after.
    sleep 1.5
    want=$([ "${SIGNAL_FROM:-}" = exit ] && echo 1 || echo 0)
    check "kill: sys_exit programs while no signal waits: $want ($(exit_programs))" \
        [ "$(exit_programs)" -eq "$want" ]
    if [ "${SIGNAL_FROM:-}" = exit-on-demand ]; then
        # A victim that lives on after its refusal is killed all the same: sys_exit came
        # (on demand, nothing else sends the signal).
        run_victim late "$PY" -c 'import socket, time
try:
    socket.create_connection(("127.0.0.2", 9100))
except OSError:
    pass
t = time.monotonic()
while time.monotonic() - t < 10:
    time.sleep(0.001)
print("alive")'
        check "kill: on demand, a victim that lives on is killed (exit $VRC, said '$(cat "$WORK/late.victim")')" \
            [ "$VRC" -eq 137 ]
        expect_count "$OUT" "^Client:python3 \(pid:$VPID\) was killed by eBPFShield \(ip-blacklist:127\.0\.0\.2\) \$" \
            1 "kill: on demand, its line"
        for _ in $(seq 40); do [ "$(exit_programs)" -eq 0 ] && break; sleep 0.1; done
        check "kill: on demand, sys_exit detached again ($(exit_programs))" \
            [ "$(exit_programs)" -eq 0 ]
    fi

    # The tool stopped (nobody reads its events): the kernel still refuses and kills; on
    # demand it refuses, and the signal waits for the tool to attach sys_exit (a victim
    # that exits first gets a line saying so).
    kill -STOP "$TOOL_PID"
    victim stalled udp fd00:bad::1 9101
    stalled=$([ "${SIGNAL_FROM:-}" = exit-on-demand ] && echo "0 exited before eBPFShield could act" ||
        echo "137 was killed by eBPFShield")
    check "kill: victim refused while the tool is stopped (exit $VRC, ${stalled%% *} expected)" \
        [ "$VRC" -eq "${stalled%% *}" ]
    kill -CONT "$TOOL_PID"
    expect_count "$OUT" "^Client:python3 \(pid:$VPID\) ${stalled#* } \(ip-blacklist:fd00:bad::1\) \$" \
        1 "kill: the stalled victim's line arrives once the tool runs again"
    sleep 0.5
    check "kill: no byte arrived (counter $(bytes), was $before)" [ "$(bytes)" -eq "$before" ]

    # SIGKILL of the tool: the kernel drops its links and the guard is gone.
    running=$(guard_programs)
    check "kill: the kernel holds the guard's 9 or more programs (answer_step held by its program array) while the tool runs ($running)" \
        [ "$running" -ge 9 ]
    kill -KILL "$TOOL_PID"
    wait "$TOOL_PID" 2>/dev/null
    TOOL_PID=
    for _ in $(seq 50); do [ "$(guard_programs)" -eq 0 ] && break; sleep 0.1; done
    check "kill: no guard program left after SIGKILL of the tool ($(guard_programs))" \
        [ "$(guard_programs)" -eq 0 ]
    victim after tcp 127.0.0.2 9100
    check "kill: after the tool is gone a victim is not killed (exit $VRC)" [ "$VRC" -eq 0 ]
    check "kill: after the tool is gone a victim is not refused" \
        [ "$(cat "$WORK/after.victim")" = sent ]
}
finish
