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
# - routed through us: a container namespace (10.24.0.2, fd00:25::2) behind a second
#   veth pair sends toward the peer's listed addresses by sendto (UDP, TCP, IPv6: refused
#   in the call by the guard's cgroup hooks, which see every namespace) and by a packet
#   socket (IPv4, IPv6), as root and as nobody with only CAP_NET_RAW: 0 bytes reach the
#   peer's listener, one line per listed destination names the sender and the
#   container's interface, the exit totals count every frame; a second container on a
#   bridge port whose own forwarding switch is off (Docker's wiring; the kernel routes
#   from the bridge) gets no frame through either; the same senders reach
#   the clean addresses (so the attacks work, and it is the tool that stops them); the
#   host's own address, listed, still gets the container's frames;
# - leaving (the TC egress program, where the kernel has TCX links: natively): frames the
#   host's own packet socket writes toward the listed peer (IPv4, IPv6), and a container's
#   datagrams to a clean address that DNAT rewrites to a listed one after the XDP check:
#   0 bytes arrive, a line each names the sender and the interface, the exit totals count
#   all 13 (in the VM, Linux 6.1 without TCX links, the same through clsact filters,
#   which a reaper process removes after any exit of the tool, SIGKILL included);
# - SIGHUP while sources ping: a source added to the feeds is dropped, taken out again is
#   answered again; a source listed all along gets no reply throughout;
# - --block print: the listed source's pings are answered, its line says "let in"; the
#   container's datagram to the listed address arrives, its line says "let through";
# - the allow-list wins (natively); a feed of 1,000,000 addresses: the listed source among
#   them dropped, the clean one not (natively);
# - JSON: the event's ECS fields; a tunnel (no Ethernet header) refused by name, left out
#   by `all`; `all` follows interfaces that come later (the container's, deleted and made
#   again: linked, its frames dropped; a new bridge: left out); a named interface deleted
#   and made again is linked again (deny, also in the VM);
# - --persist: after SIGKILL the XDP links stay and drop (and natively the egress link); the next start (another feed)
#   takes over the one it links, its program now the one that runs, and removes the
#   other; --unload leaves no program; natively, a run without --persist takes a pinned
#   link over and leaves nothing at its exit;
# - SIGKILL of the tool leaves no XDP program, and the listed source is answered again.
# Needs root, an isolated network (a netns or the test VM), python3, ping and
# EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

PEER=ebs-peer-$$
NAT=ebsnat$$
CONT=ebs-cont-$$
CONT2=ebs-cont2-$$
IF=ebsin$$
IFC=ebsfw$$
BR=ebsbr$$
PORT=ebsbp$$
fwd4=$(sysctl -n net.ipv4.ip_forward)
fwd6=$(sysctl -n net.ipv6.conf.all.forwarding)
trap 'ip netns del "$PEER" 2>/dev/null; ip netns del "$CONT" 2>/dev/null; nft delete table ip "$NAT" 2>/dev/null
      ip netns del "$CONT2" 2>/dev/null; ip link del "$BR" 2>/dev/null
      sysctl -qw net.ipv4.ip_forward="$fwd4" net.ipv6.conf.all.forwarding="$fwd6"; cleanup_all' EXIT
ip link set lo up
ip netns add "$PEER"
ip -n "$PEER" link set lo up
ip link add "$IF" type veth peer name eth0 netns "$PEER"
ip addr add 192.0.2.1/24 dev "$IF"
ip addr add fd00:24::1/64 dev "$IF" nodad
ip link set "$IF" up
for a in 192.0.2.7/24 192.0.2.8/24 192.0.2.17/24; do ip -n "$PEER" addr add "$a" dev eth0; done
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

# The container: routed through this namespace to the peer. wire_container makes its
# veth pair (again: deleting our end deletes the container's too).
ip netns add "$CONT"
ip -n "$CONT" link set lo up
wire_container() {
    ip link add "$IFC" type veth peer name eth0 netns "$CONT"
    ip addr add 10.24.0.1/24 dev "$IFC"
    ip addr add fd00:25::1/64 dev "$IFC" nodad
    ip link set "$IFC" up
    # IPv6 forwards by all.forwarding alone: the interface's own switch off changes nothing
    # for the kernel, and must change nothing for the program's lookup either.
    sysctl -qw "net.ipv6.conf.$IFC.forwarding=0"
    ip -n "$CONT" addr add 10.24.0.2/24 dev eth0
    ip -n "$CONT" addr add fd00:25::2/64 dev eth0 nodad
    ip -n "$CONT" link set eth0 up
    ip -n "$CONT" route add default via 10.24.0.1
    ip -n "$CONT" -6 route add default via fd00:25::1
    mac_cont=$(ip netns exec "$CONT" cat /sys/class/net/eth0/address)
    mac_fw=$(cat "/sys/class/net/$IFC/address")
    ip neigh replace fd00:25::2 lladdr "$mac_cont" dev "$IFC" nud permanent
    ip -n "$CONT" neigh replace fd00:25::1 lladdr "$mac_fw" dev eth0 nud permanent
}
wire_container
ip -n "$PEER" route add 10.24.0.0/24 via 192.0.2.1
ip -n "$PEER" -6 route add fd00:25::/64 via fd00:24::1
sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

# A second container wired as Docker does: a veth port in a bridge that holds the
# gateway. The port forwards nothing itself (its own switch off): the kernel routes the
# container's packets from the bridge, and so must the program's lookup.
ip netns add "$CONT2"
ip link add "$BR" type bridge
ip addr add 10.26.0.1/24 dev "$BR"
ip link set "$BR" up
ip link add "$PORT" type veth peer name eth0 netns "$CONT2"
ip link set "$PORT" master "$BR"
ip link set "$PORT" up
sysctl -qw "net.ipv4.conf.$PORT.forwarding=0"
ip -n "$CONT2" addr add 10.26.0.2/24 dev eth0
ip -n "$CONT2" link set eth0 up
ip -n "$CONT2" route add default via 10.26.0.1
ip -n "$PEER" route add 10.26.0.0/24 via 192.0.2.1
mac_c2=$(ip netns exec "$CONT2" cat /sys/class/net/eth0/address)
mac_br=$(cat "/sys/class/net/$BR/address")
# cont2_frames DADDR COUNT: UDP frames from the second container's packet socket.
cont2_frames() {
    ip netns exec "$CONT2" "$PY" "$here/inbound_peer.py" frames eth0 "$mac_br" "$mac_c2" \
        10.26.0.2 "$1" 9310 "$2"
}

mkdir "$WORK/feeds"
# 10.24.0.1 is ours (toward the container): a feed listing the host's own address must
# not cut it off.
printf '# test feed\n192.0.2.7\nfd00:24::7\n203.0.113.7\n203.0.113.9\n10.24.0.1\n192.0.2.17\n' \
    >"$WORK/feeds/inbound.txt"
COUNT=$WORK/count
"$PY" "$here/byte_counter.py" "$COUNT" tcp:192.0.2.1:9300 udp:192.0.2.1:9301 \
    >/dev/null 2>&1 &
EXTRA_PIDS=$!
# What the container gets through to the peer: to its listed addresses, to its clean ones.
FWD_LISTED=$WORK/fwd_listed FWD_CLEAN=$WORK/fwd_clean
ip netns exec "$PEER" "$PY" "$here/byte_counter.py" "$FWD_LISTED" tcp:192.0.2.7:9310 \
    udp:192.0.2.7:9310 udp:fd00:24::7:9310 >/dev/null 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
ip netns exec "$PEER" "$PY" "$here/byte_counter.py" "$FWD_CLEAN" udp:192.0.2.8:9310 \
    udp:fd00:24::8:9310 >/dev/null 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
OWN=$WORK/own
"$PY" "$here/byte_counter.py" "$OWN" udp:10.24.0.1:9311 >/dev/null 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
# What leaves the host toward the listed peer past the socket hooks and the XDP check.
LEFT=$WORK/left
ip netns exec "$PEER" "$PY" "$here/byte_counter.py" "$LEFT" udp:192.0.2.7:9320 \
    udp:fd00:24::7:9320 udp:192.0.2.17:9320 >/dev/null 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
for _ in $(seq 50); do [ -s "$COUNT" ] && [ -s "$OWN" ] && [ -s "$FWD_LISTED" ] && [ -s "$FWD_CLEAN" ] && [ -s "$LEFT" ] && break; sleep 0.1; done
# The TC egress program is linked where the kernel has TCX links (Linux 6.6; natively),
# else (the VM's 6.1) it goes in a clsact filter: the start says which per interface.
EG=', TC egress'
[ "${EXPECT_MODE:-}" = kprobe ] && EG=', TC egress filter'
# no_filter: no filter of the tool on $IF's egress, no clsact qdisc left there (the VM's).
no_filter() { ! tc filter show dev "$IF" egress | grep -q ebpfshield_leaving && ! tc qdisc show dev "$IF" | grep -q clsact; }
# host_frames SADDR DADDR COUNT [TAG...]: UDP frames to port 9320 from this namespace's own
# packet socket on $IF (behind the VLAN tags).
host_frames() { "$PY" "$here/inbound_peer.py" frames "$IF" "$mac_peer" "$mac_here" "$1" "$2" 9320 "${@:3}"; }

# replies FROM TO: how many of 3 pings from FROM (in the peer) to TO were answered.
replies() {
    ip netns exec "$PEER" ping -n -q -c 3 -i 0.2 -W 1 -I "$1" "$2" 2>/dev/null |
        sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
peer() { ip netns exec "$PEER" "$PY" "$here/inbound_peer.py" "$@"; }
tagged_frames() { peer frames eth0 "$mac_here" "$mac_peer" "$1" 203.0.113.1 9302 "${@:2}"; }
cont() { ip netns exec "$CONT" "$PY" "$here/inbound_peer.py" "$@"; }
# cont_frames [nobody] DADDR COUNT: UDP frames from the container's packet socket.
cont_frames() {
    local from=10.24.0.2
    local as=()
    if [ "$1" = nobody ]; then
        as=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+net_raw
            --ambient-caps=-all,+net_raw --bounding-set=-all,+net_raw)
        shift
    fi
    case $1 in *:*) from=fd00:25::2 ;; esac
    ip netns exec "$CONT" "${as[@]}" "$PY" "$here/inbound_peer.py" frames eth0 "$mac_fw" \
        "$mac_cont" "$from" "$1" 9310 "$2"
}
# forward_line SENDER DEST VERB: the regex of a routed packet's line.
# reload: SIGHUP, and its outcome: a new summary of the feeds within 30 s.
reload() {
    local n
    n=$(grep -c '^feeds: ' "$ERR")
    kill -HUP "$TOOL_PID"
    wait_lines "$ERR" '^feeds: ' $((n + 1)) 30
}
# wait_lines FILE REGEX N SECONDS: until N lines of FILE match.
wait_lines() {
    local t0=$SECONDS
    while [ $((SECONDS - t0)) -lt "$4" ]; do
        [ "$(grep -cE -- "$2" "$1")" -ge "$3" ] && return 0
        sleep 0.2
    done
    return 1
}
# leaving_line SENDER DEST: the regex of a line about packets leaving $IF under deny.
leaving_line() {
    echo "^Outgoing:${1//./\\.}->${2//./\\.} dropped 1 packet\\(s\\) on $IF \\(ip-blacklist:${2//./\\.}\\)\$"
}
forward_line() {
    echo "^Forwarded:${1//./\\.}->${2//./\\.} $3 1 packet\\(s\\) from $IFC in netns $CONT \\(ip-blacklist:${2//./\\.}\\)\$"
}
counted() { cat "$COUNT"; }
has_xdp() { ip link show "$IF" | grep -q ' xdp'; }
# line SOURCE VERB IFNAME: the regex of a source's line.
line() { echo "^Inbound:${1//./\\.} $2 1 packet\\(s\\) on ${3//./\\.} \\(ip-blacklist:${1//./\\.}\\)\$"; }

start_tool deny --feeds "$WORK/feeds" --block deny --inbound "$IF,$IFC,$PORT" && {
    check "deny: the interface and its XDP mode said" grep -qE "^inbound: $IF \((native|generic) XDP$EG\)$" "$ERR"
    check "deny: the container's interface too" grep -qE "^inbound: $IFC \((native|generic) XDP$EG\)$" "$ERR"
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

    # From the container toward listed addresses: its sockets' sends are refused in the
    # call (cgroup hooks see every namespace); its packet sockets' frames are routed
    # through us: 5 as root and 5 as nobody with CAP_NET_RAW, IPv4 and IPv6 each.
    cont udp 10.24.0.2 192.0.2.7 9310 5
    check "forwarded: the container's TCP connect to the listed address fails" \
        not cont tcp 10.24.0.2 192.0.2.7 9310
    cont udp fd00:25::2 fd00:24::7 9310 5
    expect_count "$OUT" '^Client:python3 \(pid:[0-9]+\) was denied by eBPFShield \(ip-blacklist:(192\.0\.2|fd00:24:)' \
        3 "forwarded: the container's three socket senders refused in the call, one line each"
    for to in 192.0.2.7 fd00:24::7; do
        check "forwarded: 5 frames to $to from the container's packet socket as root (sent)" \
            cont_frames "$to" 5
        check "forwarded: 5 as nobody with only CAP_NET_RAW (sent)" cont_frames nobody "$to" 5
    done
    # The container's own sockets may not reach it (the guard refuses them); its frames do.
    ip netns exec "$CONT" "$PY" "$here/inbound_peer.py" frames eth0 "$mac_fw" "$mac_cont" \
        10.24.0.2 10.24.0.1 9311 3
    check "forwarded: our own address, though listed, gets the container's frames (3 bytes)" \
        wait_line "$OWN" '^3$' 5
    cont udp 10.24.0.2 192.0.2.8 9310 1
    cont udp fd00:25::2 fd00:24::8 9310 1
    for to in 192.0.2.8 fd00:24::8; do cont_frames "$to" 1 && cont_frames nobody "$to" 1; done
    check "forwarded: 5 frames to 192.0.2.7 from the bridged container (sent)" \
        cont2_frames 192.0.2.7 5
    cont2_frames 192.0.2.8 1
    check "forwarded: the same senders reach the clean addresses (7 bytes)" \
        wait_line "$FWD_CLEAN" '^7$' 5
    check "forwarded: no byte reached the listed addresses ($(cat "$FWD_LISTED") counted)" \
        [ "$(cat "$FWD_LISTED")" = 0 ]
    expect_count "$OUT" "$(forward_line 10.24.0.2 192.0.2.7 dropped)" 1 \
        "forwarded: one line for the listed IPv4 destination, sender and interface named"
    expect_count "$OUT" "$(forward_line fd00:25::2 fd00:24::7 dropped)" 1 \
        "forwarded: one line for the listed IPv6 destination"
    expect_count "$OUT" "^Forwarded:10\\.26\\.0\\.2->192\\.0\\.2\\.7 dropped 1 packet\\(s\\) from $PORT in netns $CONT2 " 1 \
        "forwarded: one line for the bridged container, its bridge port and namespace named"
    expect_count "$OUT" '^Forwarded:.*(192\.0\.2\.8|fd00:24::8)' 0 \
        "forwarded: no line for the clean destinations"

    # Leaving: what no socket hook sees and the XDP check let through. The host's own packet
    # socket writes 5 frames toward each listed peer address; the container sends 3
    # datagrams to a clean 192.0.2.99, which DNAT rewrites to the listed 192.0.2.17 after
    # the XDP check (and the socket hooks) passed it.
    nft -f - <<EOF
table ip $NAT {
    chain pre { type nat hook prerouting priority -100; ip daddr 192.0.2.99 udp dport 9320 dnat to 192.0.2.17; }
}
EOF
    refused4=$(host_frames 192.0.2.1 192.0.2.7 5)
    refused6=$(host_frames fd00:24::1 fd00:24::7 5)
    # Behind a VLAN tag (the tag in the frame, as a packet socket writes it).
    refused42=$(host_frames 192.0.2.1 203.0.113.7 3 42)
    clean42=$(host_frames 192.0.2.1 203.0.113.8 3 42) # not listed
    check "leaving: the container's 3 datagrams to 192.0.2.99, DNAT to 192.0.2.17 (sent)" \
        cont udp 10.24.0.2 192.0.2.99 9320 3
    sleep 1
    if [ "$EG" = ', TC egress filter' ]; then
        check "leaving: no TCX links on this kernel: clsact filters, said at start" \
            grep -q '^egress: this kernel has no TCX links (Linux 6.6): the egress program goes in clsact filters, which a reaper process removes once the tool is gone$' "$ERR"
    fi
    check "leaving: our packet socket's 5 frames toward 192.0.2.7 refused (ENOBUFS): $refused4" \
        [ "$refused4" = "5 of 5 refused" ]
    check "leaving: 5 toward fd00:24::7: $refused6" [ "$refused6" = "5 of 5 refused" ]
    check "leaving: 3 toward 203.0.113.7 behind VLAN 42: $refused42" [ "$refused42" = "3 of 3 refused" ]
    check "leaving: the same toward the clean 203.0.113.8 go out (${clean42:-0 refused})" [ -z "$clean42" ]
    expect_count "$OUT" "^Outgoing:192\\.0\\.2\\.1->203\\.0\\.113\\.7 dropped 1 packet\\(s\\) on $IF\\.42 " 1 \
        "leaving: one line toward 203.0.113.7, its VLAN named"
    check "leaving: no byte reached the listed addresses ($(cat "$LEFT") counted)" [ "$(cat "$LEFT")" = 0 ]
    expect_count "$OUT" "$(leaving_line 192.0.2.1 192.0.2.7)" 1 \
        "leaving: one line toward 192.0.2.7, the sender and the interface named"
    expect_count "$OUT" "$(leaving_line fd00:24::1 fd00:24::7)" 1 "leaving: one toward fd00:24::7"
    expect_count "$OUT" "$(leaving_line 10.24.0.2 192.0.2.17)" 1 \
        "leaving: one toward 192.0.2.17 (DNAT), the container named"
    nft delete table ip "$NAT"

    # The container restarted: its interface deleted, then made again under its name.
    ip link del "$IFC"
    check "follow: the deleted interface said gone" wait_line "$ERR" "^inbound: $IFC gone\$" 5
    wire_container
    check "follow: the interface made again is linked again" \
        wait_lines "$ERR" "^inbound: $IFC \\((native|generic) XDP$EG\\)\$" 2 5
    check "follow: 5 frames toward the listed address from the new one (sent)" \
        cont_frames 192.0.2.7 5
    sleep 1
    check "follow: still no byte reached the listed addresses ($(cat "$FWD_LISTED"))" \
        [ "$(cat "$FWD_LISTED")" = 0 ]
    expect_count "$OUT" "$(forward_line 10.24.0.2 192.0.2.7 dropped)" 2 \
        "follow: a line again for the listed IPv4 destination (a new interface)"

    # SIGHUP while sources ping: 192.0.2.8 listed, then taken out again; 192.0.2.7 listed
    # all along, its pings never answered meanwhile.
    ip netns exec "$PEER" ping -n -q -c 1000 -i 0.1 -W 1 -I 192.0.2.7 192.0.2.1 \
        >"$WORK/ping_gap" 2>&1 &
    gap=$!
    printf '192.0.2.8\n' >"$WORK/feeds/added.txt"
    check "reload: 192.0.2.8 added (SIGHUP)" reload
    check "reload: 0 of 3 pings from the newly listed source answered" \
        [ "$(replies 192.0.2.8 192.0.2.1)" = 0 ]
    rm "$WORK/feeds/added.txt"
    check "reload: taken out again (SIGHUP)" reload
    check "reload: 3 of 3 answered again (no stale drop)" [ "$(replies 192.0.2.8 192.0.2.1)" = 3 ]
    kill -INT "$gap"
    wait "$gap"
    check "reload: the listed source's pings unanswered throughout ($(grep -o '[0-9]* received' "$WORK/ping_gap"))" \
        grep -qE '^[1-9][0-9]* packets transmitted, 0 received' "$WORK/ping_gap"
    stop_tool deny
    # Exactly what the listed sources sent over UDP: 5 + 2,000 datagrams, 2 x 10 frames.
    # Its lines, counted apart: one per listed address so far, and again for any that sent
    # on a minute after its first (192.0.2.7 pings through the reloads: in the slow VM
    # that can be more than a minute on).
    lines=$(grep -cE '^(Inbound|Forwarded|Outgoing):' "$OUT")
    check "deny: exit totals count every UDP datagram from them (2025) and the $lines lines" \
        grep -qE "^ebpfshield-bcc: [0-9]+ packet\\(s\\) from or toward feed addresses dropped at the interfaces of --inbound \\(from them: tcp [0-9]+, udp 2025, icmp [0-9]+, other 0; routed toward them: [0-9]+; sent out toward them: [0-9]+\\), $lines line\\(s\\) about them, 0 held back" "$ERR" ||
        grep 'from or toward feed addresses' "$ERR" | sed 's/^/  stderr: /'
    check "deny: exit totals count every routed frame (30) and every one sent out (16)" \
        grep -q "routed toward them: 30; sent out toward them: 16), " "$ERR"
    check "deny: no egress filter or clsact qdisc left on $IF after exit" no_filter
    check "deny: no XDP program left on $IF after exit" not has_xdp
}

# print and JSON differ from deny in user space alone, the same on every kernel: natively
# only, which spares the emulated VM two tool starts (about 80 s there).
if [ "${EXPECT_MODE:-}" = kprobe ]; then
    echo "note: print and json: run natively only (user space alone)"
else
    start_tool print --feeds "$WORK/feeds" --block print --inbound "$IF,$IFC" && {
        check "print: 3 of 3 pings from the listed source answered" [ "$(replies 192.0.2.7 192.0.2.1)" = 3 ]
        expect_count "$OUT" "$(line 192.0.2.7 'let in' "$IF")" 1 "print: one line, let in"
        before=$(cat "$FWD_LISTED")
        cont udp 10.24.0.2 192.0.2.7 9310 1
        check "print: the container's datagram to the listed address arrives" \
            wait_line "$FWD_LISTED" "^$((before + 1))\$" 5
        expect_count "$OUT" "$(forward_line 10.24.0.2 192.0.2.7 'let through')" 1 \
            "print: one line, let through"
        # (the first packet toward it leaving $IF is the host's reply to its pings)
        expect_count "$OUT" "^Outgoing:192\\.0\\.2\\.1->192\\.0\\.2\\.7 let out 1 packet\\(s\\) on $IF " 1 \
            "print: packets toward it leaving $IF: one line, let out"
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
    # The allow-list wins over the feeds here too (the same tries, the allowed cut out).
    printf '192.0.2.7\n' >"$WORK/allow.txt"
    start_tool allow --feeds "$WORK/feeds" --allow "$WORK/allow.txt" --block deny --inbound "$IF" && {
        check "allow: 3 of 3 pings from the allowed listed source answered" [ "$(replies 192.0.2.7 192.0.2.1)" = 3 ]
        check "allow: 0 of 3 from the listed IPv6 source, not allowed" [ "$(replies fd00:24::7 fd00:24::1)" = 0 ]
        expect_count "$OUT" '^Inbound:192\.0\.2\.7 ' 0 "allow: no line for the allowed source"
        stop_tool allow
    }
    # A feed of 1,000,000 addresses (every other one from 1.0.0.0), the listed source
    # among them: loaded whole, dropped as with one.
    mkdir "$WORK/big"
    "$PY" -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("192.0.2.7\n")
    for i in range(999999):
        a = (1 << 24) + 2 * i
        f.write("%d.%d.%d.%d\n" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255))' \
        "$WORK/big/million.txt"
    start_tool million --feeds "$WORK/big" --block deny --inbound "$IF" && {
        check "million: 1,000,000 IPv4 entries loaded" grep -q ' 1000000 IPv4 and 0 IPv6 entries' "$ERR"
        check "million: 0 of 3 pings from the listed source answered" [ "$(replies 192.0.2.7 192.0.2.1)" = 0 ]
        check "million: 3 of 3 from the clean one" [ "$(replies 192.0.2.8 192.0.2.1)" = 3 ]
        stop_tool million
    }
    # A tunnel's packets start at their IP header: named, it is refused; all leaves it out.
    ip tuntap add dev "tun$$" mode tun && ip link set "tun$$" up
    timeout 120 "$EBPFSHIELD_BIN" --feeds "$WORK/feeds" --block deny --inbound "tun$$" \
        >"$WORK/tun.out" 2>"$WORK/tun.err"
    check "tun: named, refused (exit $?)" grep -q "^ebpfshield-bcc: --inbound: tun$$ carries no Ethernet header" "$WORK/tun.err"
    start_tool all --feeds "$WORK/feeds" --block deny --inbound all && {
        check "all: $IF linked" grep -qE "^inbound: $IF \((native|generic) XDP$EG\)$" "$ERR"
        check "all: the tunnel said and left out" grep -q "^ebpfshield-bcc: --inbound all: tun$$ carries no Ethernet header: not checked$" "$ERR"
        check "all: $IFC linked" grep -qE "^inbound: $IFC \((native|generic) XDP$EG\)$" "$ERR"
        check "all: $PORT linked, its bridge left out" grep -qE "^inbound: $PORT \((native|generic) XDP$EG\)$" "$ERR"
        check "all: nothing else linked (lo left out)" [ "$(grep -c '^inbound: ' "$ERR")" = 3 ]
        check "all: 0 of 3 pings from the listed source answered" [ "$(replies 192.0.2.7 192.0.2.1)" = 0 ]
        # Interfaces that come later: a container's (deleted and made again), and a bridge
        # (on top of its ports: left out).
        ip link del "$IFC"
        check "all: the container's interface said gone" wait_line "$ERR" "^inbound: $IFC gone\$" 5
        ip link add "ebsnb$$" type bridge && ip link set "ebsnb$$" up
        wire_container
        check "all: the container's interface linked when it comes back" \
            wait_lines "$ERR" "^inbound: $IFC \\((native|generic) XDP$EG\\)\$" 2 5
        before=$(cat "$FWD_LISTED")
        cont_frames 192.0.2.7 3
        sleep 1
        check "all: no byte of its frames reached the listed address" [ "$(cat "$FWD_LISTED")" = "$before" ]
        clean=$(cat "$FWD_CLEAN")
        cont_frames 192.0.2.8 1
        check "all: its frame to the clean address arrives" wait_line "$FWD_CLEAN" "^$((clean + 1))\$" 5
        check "all: the new bridge not linked" not grep -q "^inbound: ebsnb$$ " "$ERR"
        ip link del "ebsnb$$"
        stop_tool all
    }
    ip link del "tun$$"
fi

# --persist: the XDP links stay after SIGKILL and keep dropping while no tool runs; the
# next start takes over the one it links again and removes the other; --unload removes
# the rest.
PINS=/sys/fs/bpf/ebpfshield-bcc
has_xdp_on() { ip link show "$1" | grep -q ' xdp'; }
if start_tool persist --feeds "$WORK/feeds" --block deny --persist --inbound "$IF,$IFC"; then
    kill -KILL "$TOOL_PID"
    wait "$TOOL_PID" 2>/dev/null
    TOOL_PID=
    check "persist: the XDP programs stay after SIGKILL" has_xdp
    check "persist: the links pinned, by namespace and interface" \
        [ -e "$PINS/inbound_$(stat -Lc %i /proc/self/ns/net)_$(cat "/sys/class/net/$IF/ifindex")" ]
    check "persist: 0 of 3 pings from the listed source answered while no tool runs" \
        [ "$(replies 192.0.2.7 192.0.2.1)" = 0 ]
    check "persist: $IFC's too" has_xdp_on "$IFC"
    if [ "$EG" = ', TC egress' ]; then
        check "persist: the egress link pinned too" \
            [ -e "$PINS/inbound_$(stat -Lc %i /proc/self/ns/net)_$(cat "/sys/class/net/$IF/ifindex")_out" ]
    else
        check "persist: the egress filter stays" not no_filter
    fi
    before=$(cat "$LEFT")
    host_frames 192.0.2.1 192.0.2.7 3 >/dev/null
    sleep 1
    check "persist: and it drops while no tool runs ($(cat "$LEFT"), was $before)" [ "$(cat "$LEFT")" = "$before" ]
    # The next run lists 192.0.2.8 instead: its program, not the old one, must be the one
    # that runs on $IF.
    mkdir -p "$WORK/feeds2"
    printf '192.0.2.8\n' >"$WORK/feeds2/other.txt"
    if start_tool persist2 --feeds "$WORK/feeds2" --block deny --persist --inbound "$IF"; then
        check "persist: the next start takes $IF's link over" grep -qx "inbound: $IF (taken over$EG)" "$ERR"
        check "persist: and removes $IFC's, not linked now" \
            grep -qE "^removed $PINS/inbound_[0-9]+_$(cat "/sys/class/net/$IFC/ifindex")\$" "$ERR"
        for _ in $(seq 50); do has_xdp_on "$IFC" || break; sleep 0.1; done
        check "persist: no program left on $IFC" not has_xdp_on "$IFC"
        check "persist: the new run's feed on $IF: 192.0.2.8 dropped" [ "$(replies 192.0.2.8 192.0.2.1)" = 0 ]
        check "persist: and 192.0.2.7, listed no more, answered" [ "$(replies 192.0.2.7 192.0.2.1)" = 3 ]
        kill -TERM "$TOOL_PID"
        wait "$TOOL_PID"
        check "persist: exit 0 after SIGTERM ($?)" [ "$?" -eq 0 ]
        TOOL_PID=
    fi
    check "persist: $IF's program stays after SIGTERM" has_xdp
    "$EBPFSHIELD_BIN" --unload >"$WORK/unload.out" 2>"$WORK/unload.err"
    check "unload: says it removed $IF's link" grep -q "^removed $PINS/inbound_" "$WORK/unload.err"
    for _ in $(seq 50); do has_xdp || has_xdp_on "$IFC" || [ "$(guard_programs)" -ne 0 ] || break; sleep 0.1; done
    check "unload: no XDP program left on $IF" not has_xdp
    check "unload: none on $IFC" not has_xdp_on "$IFC"
    check "unload: no guard program left ($(guard_programs))" [ "$(guard_programs)" -eq 0 ]
    check "unload: no egress filter or clsact qdisc left on $IF" no_filter
    check "unload: the formerly listed source is answered again" [ "$(replies 192.0.2.8 192.0.2.1)" = 3 ]
fi
# A run without --persist takes the links over and leaves nothing at its exit (user space
# alone: natively).
if [ "${EXPECT_MODE:-}" != kprobe ] &&
    start_tool keep --feeds "$WORK/feeds" --block deny --persist --inbound "$IF"; then
    kill -KILL "$TOOL_PID"
    wait "$TOOL_PID" 2>/dev/null
    TOOL_PID=
    if start_tool release --feeds "$WORK/feeds" --block deny --inbound "$IF"; then
        check "release: takes the link over" grep -qx "inbound: $IF (taken over$EG)" "$ERR"
        check "release: 0 of 3 from the listed source answered" [ "$(replies 192.0.2.7 192.0.2.1)" = 0 ]
        stop_tool release
    fi
    for _ in $(seq 50); do has_xdp || break; sleep 0.1; done
    check "release: no XDP program left after its exit" not has_xdp
    check "release: no pin left" [ ! -e "$PINS" ]
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
    check "killed: no egress filter or clsact qdisc left on $IF (the reaper's work in the VM)" no_filter
    answered=$(replies 192.0.2.7 192.0.2.1)
    check "killed: the listed source is answered again ($answered of 3)" [ "$answered" = 3 ]
}

finish
