#!/usr/bin/env bash
# --persist and --unload, tried as an attacker would: a hammer sends a datagram to a feed
# address every millisecond while the guard is SIGKILLed, stays down 2 s, starts again
# (adopting the pinned programs in place) and is stopped with SIGTERM; a listener counts
# what arrived: nothing may. Then --unload says what it removed, nothing of the tool is
# left (bpftool) and the datagrams arrive. A victim's connect while the tool is down is
# refused (and killed where the refusing hook itself signals); a start without --persist
# takes the pinned programs over and leaves nothing at its exit; --unload beside a running
# guard is refused; a print-only run says the pins still refuse; something else pinned at
# a link's name is replaced; a pin directory that is not root's alone, or a bpffs others
# may write to, is not used.
# Needs root, an isolated network (a netns or the test VM), bpftool and EBPFSHIELD_BIN /
# EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
PINS=/sys/fs/bpf/ebpfshield-bcc

ip addr add 127.0.0.2/32 dev lo 2>/dev/null
mkdir "$WORK/feeds"
printf '127.0.0.2\n' >"$WORK/feeds/persist.txt"
COUNT=$WORK/bytes
"$PY" "$here/byte_counter.py" "$COUNT" udp:127.0.0.2:9101 tcp:127.0.0.2:9100 &
EXTRA_PIDS=$!
for _ in $(seq 100); do [ -s "$COUNT" ] && break; sleep 0.1; done
check "byte counter listening" [ -s "$COUNT" ]
bytes() { cat "$COUNT"; }

# stop_persisted SIGNAL: the tool exits 0 on SIGNAL, its programs stay.
stop_persisted() {
    kill -"$1" "$TOOL_PID"
    wait "$TOOL_PID"
    local rc=$?
    TOOL_PID=
    check "persist: exit 0 after SIG$1 (got $rc)" [ "$rc" -eq 0 ]
}

before=$(bytes)
if start_tool first --feeds "$WORK/feeds" --block deny --persist; then
    "$PY" "$here/hammer.py" "$WORK/hammer.stop" 127.0.0.2 9101 >"$WORK/hammer.out" &
    HAMMER=$!
    sleep 0.5
    kill -KILL "$TOOL_PID"
    wait "$TOOL_PID" 2>/dev/null
    TOOL_PID=
    check "persist: after SIGKILL the programs stay ($(guard_programs))" [ "$(guard_programs)" -gt 0 ]
    sleep 2
    if start_tool second --feeds "$WORK/feeds" --block deny --persist; then
        check "persist: the second run says it adopts the pinned programs" \
            grep -q 'an earlier --persist run left its programs attached' "$ERR"
        sleep 0.5
        stop_persisted TERM
    fi
    sleep 0.5
    touch "$WORK/hammer.stop"
    wait "$HAMMER"
    read -r sent refused <"$WORK/hammer.out"
    check "persist: across SIGKILL, 2 s down, a restart and SIGTERM, the hammer had 0 datagrams let out ($sent) and $refused refused" \
        [ "$sent" -eq 0 -a "$refused" -gt 1000 ]
    check "persist: 0 bytes arrived (counter $(bytes), was $before)" [ "$(bytes)" -eq "$before" ]
    check "persist: after SIGTERM the programs stay ($(guard_programs))" [ "$(guard_programs)" -gt 0 ]

    "$EBPFSHIELD_BIN" --unload >"$WORK/unload.out" 2>"$WORK/unload.err"
    check "unload: exit 0 ($?)" [ "$?" -eq 0 ]
    for pin in connect4 connect6 sendmsg4 sendmsg6 egress ingress answer_steps; do
        check "unload: says it removed $pin" grep -qx "removed $PINS/$pin" "$WORK/unload.err"
    done
    nothing_attached unload
    check "unload: no pin directory left" [ ! -e "$PINS" ]
    "$PY" -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.2", 9101))'
    for _ in $(seq 20); do [ "$(bytes)" -gt "$before" ] && break; sleep 0.1; done
    check "unload: a datagram arrives again (counter $(bytes), was $before)" [ "$(bytes)" -eq $((before + 1)) ]
    "$EBPFSHIELD_BIN" --unload 2>"$WORK/unload2.err"
    check "unload again: exit 0, nothing to unload ($(cat "$WORK/unload2.err"))" \
        grep -q 'nothing pinned' "$WORK/unload2.err"
fi

# kill while the tool is down: refused; killed where the refusing hook signals (tracepoint
# mode here); in kprobe mode the signal comes from a kretprobe, gone with the tool.
if start_tool kill --feeds "$WORK/feeds" --block kill --persist; then
    in_hook=$(grep -c 'by the hook that refuses it' "$ERR")
    kill -KILL "$TOOL_PID"
    wait "$TOOL_PID" 2>/dev/null
    TOOL_PID=
    before=$(bytes)
    "$PY" "$here/victim.py" tcp 127.0.0.2 9100 >"$WORK/down.victim" 2>&1 &
    victim=$!
    wait "$victim"
    rc=$?
    if [ "$in_hook" -eq 1 ]; then
        check "down: the victim is killed by the pinned hook (exit $rc)" [ "$rc" -eq 137 ]
    else
        check "down: the victim is refused (exit $rc, $(cat "$WORK/down.victim"))" \
            [ "$rc" -eq 0 -a "$(cat "$WORK/down.victim")" = "error 1" ]
    fi
    sleep 0.5
    check "down: no byte arrived (counter $(bytes), was $before)" [ "$(bytes)" -eq "$before" ]
    # A start without --persist takes the programs over, and they go when it ends.
    if start_tool takeover --feeds "$WORK/feeds" --block kill; then
        check "takeover: says so" grep -q 'without --persist they go when this run ends' "$ERR"
        check "takeover: no pin left while it runs" [ ! -e "$PINS" ]
        stop_tool takeover
        nothing_attached takeover
    fi
fi

# --unload beside a running enforcing instance: refused, nothing removed.
if start_tool running --feeds "$WORK/feeds" --block deny --persist; then
    "$EBPFSHIELD_BIN" --unload >"$WORK/busy.out" 2>"$WORK/busy.err"
    check "unload beside a running guard: exit 1 ($?)" [ "$?" -eq 1 ]
    check "unload beside a running guard: says to stop it first" grep -q 'stop it first' "$WORK/busy.err"
    check "unload beside a running guard: the pins stay" [ -e "$PINS/connect4" ]
    # A print-only run beside the pins says that they still refuse.
    stop_persisted INT
    if start_tool print --feeds "$WORK/feeds" --block print; then
        check "print beside pins: says they still refuse" grep -q 'still refuse feed hits' "$ERR"
        check "print beside pins: leaves them" [ -e "$PINS/connect4" ]
        stop_persisted INT
    fi
    # Something else pinned at a link's name: unpinned, said, linked anew.
    rm "$PINS/connect4"
    bpftool map create "$PINS/connect4" type array key 4 value 4 entries 1 name ebs_squat
    if start_tool squat --feeds "$WORK/feeds" --block deny --persist; then
        check "squatted pin: said and replaced" grep -q "$PINS/connect4: not a link this run can take over" "$ERR"
        "$PY" -c 'import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.2", 9101)); print("sent")
except OSError as e:
    print("error", e.errno)' >"$WORK/squat.victim"
        check "squatted pin: still refused ($(cat "$WORK/squat.victim"))" grep -qx 'error 1' "$WORK/squat.victim"
        stop_persisted INT
    fi
    "$EBPFSHIELD_BIN" --unload 2>/dev/null
    nothing_attached squat
fi

# A pin directory that is not root's 0700 is neither adopted nor used: without --persist
# the run says so and goes on; with it, the run refuses. A bpffs root others may write
# to is refused for --persist.
mkdir -p "$PINS"
chown 65534 "$PINS"
if start_tool foreign --feeds "$WORK/feeds" --block deny; then
    check "foreign pin directory: left alone, said" grep -q "refusing $PINS: it must be root's, mode 0700; left alone" "$ERR"
    stop_tool foreign
fi
timeout 60 "$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block deny --persist >"$WORK/foreign.out" 2>"$WORK/foreign.err"
check "foreign pin directory with --persist: exit 1 ($?)" [ "$?" -eq 1 ]
check "foreign pin directory with --persist: says why" grep -q "refusing $PINS: it must be root's, mode 0700" "$WORK/foreign.err"
rmdir "$PINS"
mode=$(stat -c %a /sys/fs/bpf)
chmod 1777 /sys/fs/bpf
timeout 60 "$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block deny --persist >"$WORK/open.out" 2>"$WORK/open.err"
check "bpffs writable by others with --persist: exit 1 ($?)" [ "$?" -eq 1 ]
check "bpffs writable by others with --persist: says why" grep -q 'is writable by others' "$WORK/open.err"
chmod "$mode" /sys/fs/bpf
nothing_attached foreign

finish
