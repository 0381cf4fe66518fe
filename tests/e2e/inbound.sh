#!/usr/bin/env bash
# --inbound end to end: a peer namespace wired to ours by a veth pair holds listed
# sources (192.0.2.7, fd00:24::7; 203.0.113.7 and .9 behind VLAN tags) and clean ones
# (192.0.2.8, fd00:24::8, 203.0.113.8); the tool's XDP program watches our end.
# - --block deny: the listed source's pings get 0 replies (IPv4, IPv6) and its TCP
#   connects and UDP datagrams reach no listener here (a listener counts the bytes that
#   arrive), the clean source's all work; VLAN-tagged frames (802.1Q, and 802.1ad outside
#   it), written by a packet socket in the peer (no VLAN device needed: this machine's
#   kernel has none), are dropped and said with their outer VLAN; one line per source; a
#   UDP flood of 2,000 datagrams is counted exactly at exit, still one line; the tool's
#   exit leaves no XDP program on the interface;
# - --block print: the listed source's pings are answered, its line says "let in";
# - JSON: the event's ECS fields; a tunnel (no Ethernet header) refused by name, left out
#   by `all`;
# - SIGKILL of the tool leaves no XDP program, and the listed source is answered again.
# Needs root, an isolated network (a netns or the test VM), python3, ping and
# EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

PEER=ebs-peer-$$
IF=ebsin$$
trap 'ip netns del "$PEER" 2>/dev/null; cleanup_all' EXIT
ip link set lo up
ip netns add "$PEER"
ip -n "$PEER" link set lo up
ip link add "$IF" type veth peer name eth0 netns "$PEER"
ip addr add 192.0.2.1/24 dev "$IF"
ip addr add fd00:24::1/64 dev "$IF" nodad
ip link set "$IF" up
for a in 192.0.2.7/24 192.0.2.8/24; do ip -n "$PEER" addr add "$a" dev eth0; done
for a in fd00:24::7/64 fd00:24::8/64; do ip -n "$PEER" addr add "$a" dev eth0 nodad; done
ip -n "$PEER" link set eth0 up
# Neighbours known both ways: no neighbour discovery from a listed source (dropped too)
# stands between a ping and its reply.
mac_peer=$(ip netns exec "$PEER" cat /sys/class/net/eth0/address)
mac_here=$(cat "/sys/class/net/$IF/address")
for a in fd00:24::7 fd00:24::8; do
    ip neigh replace "$a" lladdr "$mac_peer" dev "$IF" nud permanent
done
ip -n "$PEER" neigh replace fd00:24::1 lladdr "$mac_here" dev eth0 nud permanent

mkdir "$WORK/feeds"
printf '# test feed\n192.0.2.7\nfd00:24::7\n203.0.113.7\n203.0.113.9\n' >"$WORK/feeds/inbound.txt"
COUNT=$WORK/count
"$PY" "$here/byte_counter.py" "$COUNT" tcp:192.0.2.1:9300 udp:192.0.2.1:9301 \
    >/dev/null 2>&1 &
EXTRA_PIDS=$!
for _ in $(seq 50); do [ -s "$COUNT" ] && break; sleep 0.1; done

# replies FROM TO: how many of 3 pings from FROM (in the peer) to TO were answered.
replies() {
    ip netns exec "$PEER" ping -n -q -c 3 -i 0.2 -W 1 -I "$1" "$2" 2>/dev/null |
        sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
peer() { ip netns exec "$PEER" "$PY" "$here/inbound_peer.py" "$@"; }
tagged_frames() { peer tagged eth0 "$mac_here" "$mac_peer" "$@"; }
counted() { cat "$COUNT"; }
has_xdp() { ip link show "$IF" | grep -q ' xdp'; }
# line SOURCE VERB IFNAME: the regex of a source's line.
line() { echo "^Inbound:${1//./\\.} $2 1 packet\\(s\\) on ${3//./\\.} \\(ip-blacklist:${1//./\\.}\\)\$"; }

start_tool deny --feeds "$WORK/feeds" --block deny --inbound "$IF" && {
    check "deny: the interface and its XDP mode said" grep -qE "^inbound: $IF \((native|generic) XDP\)$" "$ERR"
    check "deny: an XDP program on $IF" has_xdp
    check "deny: 0 of 3 pings from the listed source answered" [ "$(replies 192.0.2.7 192.0.2.1)" = 0 ]
    check "deny: 3 of 3 from the clean one" [ "$(replies 192.0.2.8 192.0.2.1)" = 3 ]
    check "deny: IPv6, 0 of 3 from the listed source" [ "$(replies fd00:24::7 fd00:24::1)" = 0 ]
    check "deny: IPv6, 3 of 3 from the clean one" [ "$(replies fd00:24::8 fd00:24::1)" = 3 ]
    before=$(counted)
    check "deny: the listed source's TCP connect fails" not peer tcp 192.0.2.7 192.0.2.1 9300
    peer udp 192.0.2.7 192.0.2.1 9301 5
    tagged_frames 203.0.113.7 10 42
    tagged_frames 203.0.113.9 10 100 42
    tagged_frames 203.0.113.8 10 42 # not listed
    sleep 1
    check "deny: no byte of the listed source arrived ($(counted) counted, was $before)" [ "$(counted)" = "$before" ]
    check "deny: the clean source's TCP connect works" peer tcp 192.0.2.8 192.0.2.1 9300
    check "deny: and its byte arrived" wait_line "$COUNT" "^$((before + 1))\$" 5
    peer udp 192.0.2.7 192.0.2.1 9301 2000
    sleep 1
    expect_count "$OUT" "$(line 192.0.2.7 dropped "$IF")" 1 "deny: one line for the listed IPv4 source"
    expect_count "$OUT" "$(line fd00:24::7 dropped "$IF")" 1 "deny: one line for the listed IPv6 source"
    expect_count "$OUT" "$(line 203.0.113.7 dropped "$IF.42")" 1 \
        "deny: one line for the listed source behind VLAN 42"
    expect_count "$OUT" "$(line 203.0.113.9 dropped "$IF.100")" 1 \
        "deny: one line for the listed source behind 802.1ad 100 and 802.1Q 42 (the outer VLAN)"
    expect_count "$OUT" '^Inbound:(192\.0\.2\.8|fd00:24::8|203\.0\.113\.8) ' 0 \
        "deny: no line for the clean sources"
    stop_tool deny
    # Exactly what the listed sources sent over UDP: 5 + 2,000 datagrams, 2 x 10 frames.
    check "deny: exit totals count every UDP datagram (2025)" \
        grep -qE '^ebpfshield-bcc: [0-9]+ packet\(s\) from feed addresses dropped at the interfaces of --inbound \(tcp [0-9]+, udp 2025, icmp [0-9]+, other 0\), 4 line\(s\) about them, 0 held back' "$ERR"
    check "deny: no XDP program left on $IF after exit" not has_xdp
}

# print and JSON differ from deny in user space alone, the same on every kernel: natively
# only, which spares the emulated VM two tool starts (about 80 s there).
if [ "${EXPECT_MODE:-}" = kprobe ]; then
    echo "note: print and json: run natively only (user space alone)"
else
    start_tool print --feeds "$WORK/feeds" --block print --inbound "$IF" && {
        check "print: 3 of 3 pings from the listed source answered" [ "$(replies 192.0.2.7 192.0.2.1)" = 3 ]
        expect_count "$OUT" "$(line 192.0.2.7 'let in' "$IF")" 1 "print: one line, let in"
        stop_tool print
    }
    launch json "out err" "$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block deny --inbound "$IF" --output json && {
        replies 192.0.2.7 192.0.2.1 >/dev/null
        wait_line "$OUT" 'inbound-dropped' 10
        check "json: the event's ECS fields" "$PY" "$here/inbound_json.py" "$OUT" "$IF"
        check "json: every line valid against ecs_events.schema.json" \
            "$PY" "$here/check_events.py" "$here/ecs_events.schema.json" "$OUT" >/dev/null
        stop_tool json
    }
    # A tunnel's packets start at their IP header: named, it is refused; all leaves it out.
    ip tuntap add dev "tun$$" mode tun && ip link set "tun$$" up
    timeout 120 "$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block deny --inbound "tun$$" \
        >"$WORK/tun.out" 2>"$WORK/tun.err"
    check "tun: named, refused (exit $?)" grep -q "^ebpfshield-bcc: --inbound: tun$$ carries no Ethernet header" "$WORK/tun.err"
    start_tool all --feeds "$WORK/feeds" --block deny --inbound all && {
        check "all: $IF linked" grep -qE "^inbound: $IF \((native|generic) XDP\)$" "$ERR"
        check "all: the tunnel said and left out" grep -q "^ebpfshield-bcc: --inbound all: tun$$ carries no Ethernet header: not checked$" "$ERR"
        check "all: nothing else linked (lo left out)" [ "$(grep -c '^inbound: ' "$ERR")" = 1 ]
        check "all: 0 of 3 pings from the listed source answered" [ "$(replies 192.0.2.7 192.0.2.1)" = 0 ]
        stop_tool all
    }
    ip link del "tun$$"
fi

start_tool killed --feeds "$WORK/feeds" --block deny --inbound "$IF" && {
    kill -KILL "$TOOL_PID"
    wait "$TOOL_PID" 2>/dev/null
    TOOL_PID=
    # The kernel lets the programs go as the process's files close, and frees them after
    # an RCU grace period (guard.sh waits the same 5 s).
    for _ in $(seq 50); do has_xdp || [ "$(guard_programs)" -ne 0 ] || break; sleep 0.1; done
    check "killed: no XDP program left on $IF after SIGKILL" not has_xdp
    check "killed: no guard program left ($(guard_programs))" [ "$(guard_programs)" -eq 0 ]
    answered=$(replies 192.0.2.7 192.0.2.1)
    check "killed: the listed source is answered again ($answered of 3)" [ "$answered" = 3 ]
}

finish
