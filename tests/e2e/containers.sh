#!/usr/bin/env bash
# ebpf_monitor across network namespaces, as on a container host: the tool runs in one
# namespace (the "host"); "containers" are namespaces made after it started. Checked:
# - a container wired to the host by a veth pair queries the host's resolver: 10 of 10
#   queries and answers printed with the container's client;
# - queries longer than the veth's MTU (fragmented) printed once, whole, both ways;
# - a query written on a packet socket (AF_PACKET), in a container and in the host's
#   namespace: printed with its writer; with PACKET_QDISC_BYPASS: not (the kernel's limit);
# - a container with its own resolver on 127.0.0.11 (Docker's embedded DNS) is seen;
# - two containers sending from the identical tuple 127.0.0.11:40001 -> 127.0.0.11:53 at
#   the same time: each line names its own process, never the other's;
# - an unprivileged user in its own user+network namespace sending from the host client's
#   tuple (127.0.0.1:40002 -> 127.0.0.1:53) every ms cannot take the host client's lines;
# - a socket connected by one process and used by its child (fork), or by a second thread:
#   the line names the one that sent; a TCP connection of root's handed to a child that
#   became nobody: the child's query and answer name the child (both namespaces' paths);
# - three queries in one UDP GSO send: three lines;
# - a process named "a UID=0 GID=0" cannot forge fields of its line;
# - 200 namespaces made, queried from and deleted leave no fd or memory in the tool;
# - --netns host prints the host's namespace only; --context ends each line with the
#   namespace's cookie, the socket's cgroup and the container it names; -t is the
#   packet's time, not the time the line is written.
# Needs root, an isolated network (a netns or the test VM), EBPFSHIELD_BIN, EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/monitor_lib.sh"

CLIENT="$(dirname "$(realpath "$0")")/ns_client.py"
NS=ebs-c$$
NAMESPACES=
cleanup_namespaces() {
    local n
    for n in $NAMESPACES; do ip netns del "$n" 2>/dev/null; done
}
trap 'cleanup_namespaces; cleanup_all' EXIT

add_ns() { # add_ns NAME: a namespace with its loopback up
    ip netns add "$1" && ip -n "$1" link set lo up && NAMESPACES="$NAMESPACES $1"
}

# dnsmasq LISTEN-ADDRESS [NETNS]: answers NAME.test with 10.0.0.1 (started in NETNS).
serve() {
    local where=()
    [ -n "${2:-}" ] && where=(ip netns exec "$2")
    "${where[@]}" dnsmasq --no-resolv --no-hosts --listen-address="$1" --bind-interfaces \
        --address=/test/10.0.0.1 --edns-packet-max=4096 \
        --pid-file="$WORK/dnsmasq.$1.${2:-host}.pid" || exit 1
    EXTRA_PIDS="${EXTRA_PIDS:-} $(cat "$WORK/dnsmasq.$1.${2:-host}.pid")"
}

ip link set lo up
serve 127.0.0.1
start_tool ns --feature ebpf_monitor || finish

# 1. A container behind a veth pair, querying the host's resolver.
add_ns "$NS-veth" || exit 1
ip link add "h$$" type veth peer name eth0 netns "$NS-veth"
ip addr add 10.200.0.1/24 dev "h$$" && ip link set "h$$" up
ip -n "$NS-veth" addr add 10.200.0.2/24 dev eth0 && ip -n "$NS-veth" link set eth0 up
serve 10.200.0.1
ifindex=$(ip netns exec "$NS-veth" cat /sys/class/net/eth0/ifindex)
for i in $(seq 10); do
    run_client "veth$i" ip netns exec "$NS-veth" dig +tries=1 @10.200.0.1 "v$i.test" A
    re="^COMM=dig PID=$CLIENT_PID TGID=[0-9]+ DEV=$ifindex PROTO=UDP SRC=10\.200\.0\.2 DST=10\.200\.0\.1 SPT=[0-9]+ DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=v$i\.test\. DNS_TYPE=A$"
    expect_count "$OUT" "$re" 1 "veth: query $i of 10 with the container's dig (pid $CLIENT_PID)"
    re="^COMM=dig PID=$CLIENT_PID TGID=[0-9]+ DEV=$ifindex PROTO=UDP SRC=10\.200\.0\.1 DST=10\.200\.0\.2 SPT=53 DPT=[0-9]+ UID=0 GID=0 DNS_QR=1 DNS_NAME=v$i\.test\. DNS_TYPE=A DNS_DATA=10\.0\.0\.1$"
    expect_count "$OUT" "$re" 1 "veth: answer $i of 10 to the container's dig"
done
check "veth: no line names the host's dnsmasq" not grep -q '^COMM=dnsmasq' "$OUT"

# 1b. Queries longer than the veth's MTU (3,000 bytes of EDNS padding) cross it in three
# fragments: each printed once, whole, with its client, from the host's namespace (the socket
# filter sees only fragments: the egress hook ships a datagram over 576 bytes whole) and
# from the container's. (Before: the host's query was a truncated first fragment, skipped.)
serve 10.200.0.2 "$NS-veth"
run_client frag_out python3 "$CLIENT" big 10.200.0.2 big-out.test 3000
expect_count "$OUT" "^COMM=python3 PID=$CLIENT_PID TGID=[0-9]+ DEV=h$$ PROTO=UDP SRC=10\.200\.0\.1 DST=10\.200\.0\.2 SPT=[0-9]+ DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=big-out\.test\. DNS_TYPE=A$" \
    1 "fragments: the host's 3,000-byte query, once, whole"
expect_count "$OUT" "^COMM=python3 PID=$CLIENT_PID .* DNS_QR=1 DNS_NAME=big-out\.test\. DNS_TYPE=A DNS_DATA=10\.0\.0\.1$" \
    1 "fragments: its answer"
run_client frag_in ip netns exec "$NS-veth" python3 "$CLIENT" big 10.200.0.1 big-in.test 3000
expect_count "$OUT" "^COMM=python3 PID=$CLIENT_PID TGID=[0-9]+ DEV=$ifindex PROTO=UDP SRC=10\.200\.0\.2 DST=10\.200\.0\.1 SPT=[0-9]+ DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=big-in\.test\. DNS_TYPE=A$" \
    1 "fragments: the container's 3,000-byte query, once, whole"
check "fragments: nothing skipped" not grep -q 'skipped' "$ERR"

# 1c. A query written on a packet socket (AF_PACKET: no socket hook runs for it; root in a
# container may write one) as an Ethernet frame over the veth to the host's resolver: a
# line with its writer (before: 0 lines, no count), the same in the tool's own namespace
# over lo (where the stack drops a frame to 127.0.0.1 it must route in), and behind a
# VLAN tag. With PACKET_QDISC_BYPASS the frame goes straight to the driver, past every
# tracepoint, traffic-control program and tap: seen by a kprobe in kprobe mode; answered
# and unseen in tracepoint mode (the kernel's limit there, docs/security.md).
host_mac=$(cat "/sys/class/net/h$$/address")
packet_query() { # packet_query LABEL NETNS IFACE MAC SRC PORT DST [bypass|vlan]
    local label=$1 where=()
    [ -n "$2" ] && where=(ip netns exec "$2")
    shift 2
    "${where[@]}" python3 "$CLIENT" packet "$1" "$2" "$3" "$4" "$5" "$label.test" "${@:6}" \
        >"$WORK/$label.out"
    PACKET_PID=$(head -1 "$WORK/$label.out")
}
packet_query pkt-ns "$NS-veth" eth0 "$host_mac" 10.200.0.2 40077 10.200.0.1
check "packet socket: the host's resolver answered the container's frame" \
    grep -qx answered "$WORK/pkt-ns.out"
expect_count "$OUT" "^COMM=python3 PID=$PACKET_PID TGID=$PACKET_PID DEV=$ifindex PROTO=UDP SRC=10\.200\.0\.2 DST=10\.200\.0\.1 SPT=40077 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=pkt-ns\.test\. DNS_TYPE=A$" \
    1 "packet socket: the container's query, with its writer (pid $PACKET_PID)"
packet_query pkt-host "" lo 00:00:00:00:00:00 127.0.0.1 40078 127.0.0.1
expect_count "$OUT" "^COMM=python3 PID=$PACKET_PID TGID=$PACKET_PID DEV=lo PROTO=UDP SRC=127\.0\.0\.1 DST=127\.0\.0\.1 SPT=40078 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=pkt-host\.test\. DNS_TYPE=A$" \
    1 "packet socket: the tool's namespace's query, with its writer (pid $PACKET_PID)"
# behind a VLAN 0 tag (priority only), which the receiving stack strips: still seen
packet_query pkt-vlan "$NS-veth" eth0 "$host_mac" 10.200.0.2 40076 10.200.0.1 vlan
check "packet socket: the host's resolver answered the tagged frame" \
    grep -qx answered "$WORK/pkt-vlan.out"
expect_count "$OUT" "^COMM=python3 PID=$PACKET_PID TGID=$PACKET_PID DEV=$ifindex PROTO=UDP SRC=10\.200\.0\.2 DST=10\.200\.0\.1 SPT=40076 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=pkt-vlan\.test\. DNS_TYPE=A$" \
    1 "packet socket: the tagged frame's query, with its writer (pid $PACKET_PID)"
packet_query pkt-bypass "$NS-veth" eth0 "$host_mac" 10.200.0.2 40079 10.200.0.1 bypass
check "packet socket: the host's resolver answered the bypassing frame" \
    grep -qx answered "$WORK/pkt-bypass.out"
if [ "$EXPECT_MODE" = kprobe ]; then
    expect_count "$OUT" "^COMM=python3 PID=$PACKET_PID TGID=$PACKET_PID DEV=$ifindex PROTO=UDP .* DNS_QR=0 DNS_NAME=pkt-bypass\.test\. DNS_TYPE=A$" \
        1 "packet socket: PACKET_QDISC_BYPASS seen by the kprobe on __dev_direct_xmit"
else
    expect_count "$OUT" "DNS_QR=0 DNS_NAME=pkt-bypass\.test\." 0 \
        "packet socket: PACKET_QDISC_BYPASS passes every hook tracepoint mode has (the kernel's limit)"
fi

# 2. Containers with their own resolver on 127.0.0.11; two of them send from the same
# tuple at the same time.
for c in a b; do
    add_ns "$NS-$c" || exit 1
    ip netns exec "$NS-$c" ip addr add 127.0.0.11/8 dev lo 2>/dev/null
    serve 127.0.0.11 "$NS-$c"
done
ip netns exec "$NS-a" python3 "$CLIENT" bound 127.0.0.11 40001 a.test 20 >"$WORK/a.pid" &
client_a=$!
ip netns exec "$NS-b" python3 "$CLIENT" bound 127.0.0.11 40001 b.test 20 >"$WORK/b.pid" &
client_b=$!
wait $client_a
check "same tuple: client a got its 20 answers" [ $? -eq 0 ]
wait $client_b
check "same tuple: client b got its 20 answers" [ $? -eq 0 ]
for c in a b; do
    pid=$(cat "$WORK/$c.pid")
    tuple="DEV=1 PROTO=UDP SRC=127\.0\.0\.11 DST=127\.0\.0\.11"
    expect_count "$OUT" "^COMM=python3 PID=$pid TGID=$pid $tuple SPT=40001 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=$c\.test\. DNS_TYPE=A$" 20 \
        "same tuple: 20 queries of container $c with its own client (pid $pid)"
    expect_count "$OUT" "^COMM=python3 PID=$pid TGID=$pid $tuple SPT=53 DPT=40001 UID=0 GID=0 DNS_QR=1 DNS_NAME=$c\.test\. DNS_TYPE=A DNS_DATA=10\.0\.0\.1$" 20 \
        "same tuple: 20 answers to container $c's client"
    expect_count "$OUT" "DNS_NAME=$c\.test\." 40 "same tuple: no other line for $c.test"
done

# 3. Nobody, in a user and network namespace of its own, sends from the tuple the host's
# client uses while that client queries: every host line stays the host client's.
# (In the VM the test runs chrooted, where the kernel refuses unprivileged user
# namespaces: there root makes the namespace and nobody floods from it.)
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if "${as_nobody[@]}" unshare -Urn true 2>/dev/null; then
    "${as_nobody[@]}" unshare -Urn sh -c \
        'ip link set lo up && exec python3 "$0" flood 127.0.0.1 40002 4' "$CLIENT" \
        >"$WORK/flood.out" 2>&1 &
else
    echo "NOTE: no unprivileged user namespace here: nobody floods from a namespace root made"
    add_ns "$NS-nobody" || exit 1
    ip netns exec "$NS-nobody" "${as_nobody[@]}" python3 "$CLIENT" flood 127.0.0.1 40002 4 \
        >"$WORK/flood.out" 2>&1 &
fi
flooder=$!
sleep 0.5
python3 "$CLIENT" bound 127.0.0.1 40002 host.test 20 >"$WORK/host.pid"
check "planting: the host client got its 20 answers" [ $? -eq 0 ]
wait $flooder
check "planting: nobody sent $(head -1 "$WORK/flood.out") queries meanwhile" \
    [ "$(head -1 "$WORK/flood.out")" -gt 100 ] 2>/dev/null
pid=$(cat "$WORK/host.pid")
expect_count "$OUT" "^COMM=python3 PID=$pid TGID=$pid DEV=lo PROTO=UDP SRC=127\.0\.0\.1 DST=127\.0\.0\.1 SPT=40002 DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=host\.test\. DNS_TYPE=A$" 20 \
    "planting: 20 host queries with the host's client (pid $pid)"
expect_count "$OUT" "^COMM=python3 PID=$pid TGID=$pid DEV=lo PROTO=UDP SRC=127\.0\.0\.1 DST=127\.0\.0\.1 SPT=53 DPT=40002 UID=0 GID=0 DNS_QR=1 DNS_NAME=host\.test\. DNS_TYPE=A DNS_DATA=10\.0\.0\.1$" 20 \
    "planting: 20 answers to the host's client"
expect_count "$OUT" "DNS_NAME=host\.test\." 40 "planting: no host.test line names anyone else"
check "planting: nobody's own queries are printed as nobody's" \
    grep -qE "^COMM=python3 PID=[0-9]+ TGID=[0-9]+ DEV=1 PROTO=UDP .* UID=65534 GID=65534 DNS_QR=0 DNS_NAME=planted\.test\." "$OUT"

# 4. A socket shared: connected by one process, sent on by its child, or by a thread.
python3 "$CLIENT" forked child.test >"$WORK/forked.out"
child=$(awk '$1 == "child" {print $2}' "$WORK/forked.out")
expect_count "$OUT" "^COMM=python3 PID=$child TGID=$child DEV=lo PROTO=UDP .* DNS_QR=0 DNS_NAME=child\.test\. DNS_TYPE=A$" 1 \
    "fork: the query names the child that sent it (pid $child)"
expect_count "$OUT" "^COMM=python3 PID=$child TGID=$child DEV=lo PROTO=UDP .* DNS_QR=1 DNS_NAME=child\.test\. " 1 \
    "fork: its answer names the child too"
python3 "$CLIENT" thread thread.test >"$WORK/thread.out"
tid=$(awk '$1 == "thread" {print $2}' "$WORK/thread.out")
expect_count "$OUT" "^COMM=python3 PID=[0-9]+ TGID=$tid DEV=lo PROTO=UDP .* DNS_QR=0 DNS_NAME=thread\.test\. DNS_TYPE=A$" 1 \
    "thread: the query names the thread that sent it (tid $tid)"

# 4a. A TCP connection made by root and handed to a child that became nobody: the child's
# query and its answer name the child (uid 65534), root's the parent; in the tool's
# namespace (the socket filter's flows) and in a container's (the socket hooks'); also
# when the child's segment leaves outside its send call (TCP_CORK).
handover() { # handover LABEL DEV ADDR [NETNS [cork]]
    local where=() parent child
    [ -n "${4:-}" ] && where=(ip netns exec "$4")
    "${where[@]}" python3 "$CLIENT" tcp_handover "$3" "$1.test" ${5:+"$5"} >"$WORK/$1.out"
    check "tcp handover ($1): both exchanges answered" [ $? -eq 0 ]
    parent=$(awk '$1 == "parent" {print $2}' "$WORK/$1.out")
    child=$(awk '$1 == "child" {print $2}' "$WORK/$1.out")
    expect_count "$OUT" "^COMM=python3 PID=$parent TGID=$parent DEV=$2 PROTO=TCP .* UID=0 GID=0 DNS_QR=0 DNS_NAME=parent-$1\.test\. DNS_TYPE=A$" 1 \
        "tcp handover ($1): root's query names root's process (pid $parent)"
    expect_count "$OUT" "^COMM=python3 PID=$child TGID=$child DEV=$2 PROTO=TCP .* UID=65534 GID=65534 DNS_QR=0 DNS_NAME=child-$1\.test\. DNS_TYPE=A$" 1 \
        "tcp handover ($1): the child's query names the child (pid $child, nobody)"
    expect_count "$OUT" "^COMM=python3 PID=$child TGID=$child DEV=$2 PROTO=TCP .* UID=65534 GID=65534 DNS_QR=1 DNS_NAME=child-$1\.test\. " 1 \
        "tcp handover ($1): its answer names the child too"
}
handover tcphost lo 127.0.0.1
handover tcpns 1 127.0.0.11 "$NS-a"
# the child's query under TCP_CORK leaves as the cork comes off (in setsockopt, outside
# any send call): it names the socket's last writer, the child
handover tcpcork 1 127.0.0.11 "$NS-a" cork

# 4b. Three queries in one UDP GSO send (UDP_SEGMENT), in the tool's namespace and in a
# container's: three query lines each, as the resolver gets three queries.
run_client gso_host python3 "$CLIENT" gso 127.0.0.1 g1.test g2.test g3.test
run_client gso_ns ip netns exec "$NS-a" python3 "$CLIENT" gso 127.0.0.11 n1.test n2.test n3.test
for i in 1 2 3; do
    expect_count "$OUT" "^COMM=python3 PID=[0-9]+ TGID=[0-9]+ DEV=lo PROTO=UDP .* DNS_QR=0 DNS_NAME=g$i\\.test\\. DNS_TYPE=A$" 1 \
        "gso: query $i of 3 in the tool's namespace"
    expect_count "$OUT" "^COMM=python3 PID=[0-9]+ TGID=[0-9]+ DEV=1 PROTO=UDP .* DNS_QR=0 DNS_NAME=n$i\\.test\\. DNS_TYPE=A$" 1 \
        "gso: query $i of 3 in a container's"
done

# 5. A process name that reads as more fields: escaped, so that UID= is the real one.
python3 -c 'import socket, sys
open("/proc/self/comm", "w").write("a UID=0 GID=0")
sys.path.insert(0, sys.argv[1])
from ns_client import connected, query
s = connected()
s.send(query("forged.test"))
s.recv(4096)' "$(dirname "$CLIENT")" &
forger=$!
wait $forger
expect_count "$OUT" "^COMM=a\\\\x20UID\\\\x3d0\\\\x20GID\\\\x3d0 PID=$forger TGID=$forger DEV=lo PROTO=UDP .* UID=0 GID=0 DNS_QR=0 DNS_NAME=forged\\.test\\. DNS_TYPE=A$" 1 \
    "forged comm: the name's space and = escaped"

# 6. 200 namespaces made, queried from and deleted: each query printed, and the tool keeps
# no fd and no memory for them (its fds counted, its RSS compared, before and after).
fds_before=$(ls "/proc/$TOOL_PID/fd" | wc -l)
rss_before=$(awk '/^VmRSS/ {print $2}' "/proc/$TOOL_PID/status")
query='\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x04gone\x04test\x00\x00\x01\x00\x01'
for i in $(seq 200); do
    ip netns add "$NS-gone" && ip -n "$NS-gone" link set lo up &&
        ip netns exec "$NS-gone" bash -c 'printf "$0" >/dev/udp/127.0.0.1/53' "$query"
    ip netns del "$NS-gone"
done
expect_count "$OUT" "^COMM=bash PID=[0-9]+ TGID=[0-9]+ DEV=1 PROTO=UDP SRC=127\.0\.0\.1 DST=127\.0\.0\.1 SPT=[0-9]+ DPT=53 UID=0 GID=0 DNS_QR=0 DNS_NAME=gone\.test\. DNS_TYPE=A$" 200 \
    "200 namespaces: each one's query printed"
fds_after=$(ls "/proc/$TOOL_PID/fd" | wc -l)
rss_after=$(awk '/^VmRSS/ {print $2}' "/proc/$TOOL_PID/status")
check "200 namespaces: no fd kept ($fds_before before, $fds_after after)" [ "$fds_after" -le "$fds_before" ]
check "200 namespaces: RSS $((rss_before / 1024)) MiB before, $((rss_after / 1024)) MiB after (less than 2 MiB more)" \
    [ $((rss_after - rss_before)) -lt 2048 ]

expect_only "$OUT" '^COMM=(dig|python3|bash|a\\x20UID\\x3d0\\x20GID\\x3d0) PID=[0-9]+ TGID=[0-9]+ DEV=[0-9a-z]+ '
stop_tool ns

# 7. --netns host --context: the container's queries are not printed, the host's are,
# each line ending with its namespace, its socket's cgroup and the container that cgroup
# names (a Docker-like scope made here; a process outside any: CONTAINER=-).
cg=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
if [ -z "$cg" ]; then
    mkdir "$WORK/cgroup2" && mount -t cgroup2 none "$WORK/cgroup2" && cg=$WORK/cgroup2
fi
id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
scope=ebs-test-$$.slice/docker-$id.scope
mkdir -p "$cg/$scope"
netns=$(python3 -c 'import socket, struct
s = socket.socket()
print(struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, 71, 8))[0])')
start_tool host_only --feature ebpf_monitor --netns host --context -t || finish
run_client host_only_c ip netns exec "$NS-veth" dig +tries=1 @10.200.0.1 c.test A
run_client host_only_d sh -c 'echo $$ >"$0/cgroup.procs" && exec dig +tries=1 @127.0.0.1 d.test A' \
    "$cg/$scope"
tail="NETNS=$netns CGROUP=/${scope//./\\.} CONTAINER=docker:$id"
expect_count "$OUT" "^[^ ]+ COMM=dig PID=$CLIENT_PID .* DNS_QR=0 DNS_NAME=d\\.test\\. DNS_TYPE=A $tail\$" 1 \
    "--context: the query ends with the namespace, the scope and the container's id"
expect_count "$OUT" "^[^ ]+ COMM=dig PID=$CLIENT_PID .* DNS_QR=1 DNS_NAME=d\\.test\\. DNS_TYPE=A DNS_DATA=10\\.0\\.0\\.1 $tail\$" 1 \
    "--context: so does its answer"
# A user's cgroup named like Docker's (what a delegated subtree allows): no container.
mkdir "$cg/ebs-test-$$.slice/docker-${id%?}0.scope"
chown 65534 "$cg/ebs-test-$$.slice/docker-${id%?}0.scope"
run_client host_only_u sh -c 'echo $$ >"$0/cgroup.procs" && exec dig +tries=1 @127.0.0.1 u.test A' \
    "$cg/ebs-test-$$.slice/docker-${id%?}0.scope"
expect_count "$OUT" "^[^ ]+ COMM=dig PID=$CLIENT_PID .* DNS_QR=0 DNS_NAME=u\\.test\\. .* CONTAINER=-\$" 1 \
    "--context: a user's cgroup named like a container's names none"
run_client host_only_h dig +tries=1 @127.0.0.1 h.test A
expect_count "$OUT" "^[^ ]+ COMM=dig PID=$CLIENT_PID .* DNS_QR=1 DNS_NAME=h\\.test\\. .* NETNS=$netns CGROUP=[^ ]+ CONTAINER=-\$" 1 \
    "--netns host: the host's query is printed, in no container"
expect_count "$OUT" "DNS_NAME=c\\.test\\." 0 "--netns host: the container's is not"
# The packet's time: the tool is stopped for 1.5 s while a query goes out; its line still
# carries when the kernel saw the packet (between the client's clock readings before and
# after its send, give or take the line's millisecond).
kill -STOP "$TOOL_PID"
python3 -c 'import socket, sys, time
sys.path.insert(0, sys.argv[1])
from ns_client import connected, query
s = connected()
before = time.time()
s.send(query("late.test"))
print(before, time.time())
s.recv(4096)' "$(dirname "$CLIENT")" >"$WORK/late.times"
sleep 1.5
kill -CONT "$TOOL_PID"
wait_line "$OUT" ' DNS_QR=0 DNS_NAME=late\.test\. '
verdict=$(grep -E ' DNS_QR=0 DNS_NAME=late\.test\. ' "$OUT" | head -1 | python3 -c 'import datetime, sys
stamp = sys.stdin.read().split(" ", 1)[0]
before, after = map(float, open(sys.argv[1]).read().split())
at = datetime.datetime.fromisoformat(stamp).timestamp()
ok = before - 0.001 <= at <= after + 0.001
print("ok" if ok else "bad", round((at - before) * 1000, 1))' "$WORK/late.times")
check "-t: the line of a query sent while the tool was stopped has the packet's time (${verdict#* } ms after the send began)" \
    [ "${verdict%% *}" = ok ]
stop_tool host_only
rmdir "$cg/$scope" "$cg/ebs-test-$$.slice/docker-${id%?}0.scope" "$cg/ebs-test-$$.slice"
[ "$cg" != "$WORK/cgroup2" ] || umount "$cg"
finish
