#!/usr/bin/env bash
# Benchmark (figures, not a test): domain feeds of 100,000 and 1,000,000 names.
#  - Feeds: random but realistic names (fixed seed: 1 to 4 labels under a common top-level
#    domain, labels of 1 to 30 letters and digits, some with a '-'), written as plain
#    names, hosts lines and AdBlock rules mixed in one file; the 100,000 are the first of
#    the 1,000,000. The baseline is a feed of one name (a directory without a usable feed
#    is refused by the tool, and one name gets the name check attached, as a large feed
#    does).
#  - Load: RUNS (default 5) starts of each feed, alternating, under --block print: seconds from launch
#    to "The program is running", and its stages from the tool's own lines (stamped as
#    they arrive): to the "feeds: N domain names" note (reading and parsing the feed), the
#    compile, and from the compile to the running line (the domain table filled, the
#    programs attached). N must equal the names written, and the kernel's table must hold
#    N keys (counted once per feed with bpftool).
#  - Kernel memory: the domain table's memlock (bpftool, the kernel's own accounting),
#    and what one name adds over the baseline.
#  - Per query: with kernel.bpf_stats_enabled=1 (restored after), QUERIES queries for
#    names no feed lists, then LISTED for listed names (and names under them), each
#    answered by dnsmasq, then QUERIES datagrams to a UDP echo server on a port that is
#    not a DNS port ("other"); the guard_egress program's run time and run count over each
#    phase. Each exchange is two runs: a query and its answer, which the program lets go
#    at once as it does an echoed datagram; so the check of one query is the exchange less
#    half an "other" exchange. Every query must be answered, every listed one printed as
#    a hit, and no other. The guard_sendmsg4 program's cost (it runs for each datagram
#    sent to an address: here the answers) is printed too.
#  - Reload: the tool started with the 1,000,000 names, the feed replaced by the 100,000
#    (all of them among the 1,000,000) and SIGHUP, then back: seconds from SIGHUP to the
#    tool's note of the new set; the kernel's table must then hold that many keys.
#  - Resolver: dnsperf at dnsmasq for DURATION seconds, without the tool (A), with it and
#    the 1,000,000-name feed under --block deny (B), and with it and the 1-name feed (C),
#    ROUNDS rounds A B C (default 3; 0: none); queries/s B/A and C/A per round and their
#    medians. Every query sent must be completed, none lost.
# QUERIES (20000), LISTED (1000) and DURATION (10) may be set in the environment.
# Anything that differs from what was expected is printed as MISMATCH. Runs in a private
# network namespace, as root; needs bpftool, dnsmasq and dnsperf (Debian packages). The
# tool loads kernel programs: run one such benchmark at a time.
# usage: tests/bench/domain_feed.sh EBPFSHIELD_BIN [RUNS] [ROUNDS]
set -euo pipefail
if [ "${IN_NETNS:-}" != 1 ]; then
    [ $# -ge 1 ] || { echo "usage: $0 EBPFSHIELD_BIN [RUNS] [ROUNDS]" >&2; exit 2; }
    for tool in bpftool dnsmasq dnsperf; do
        command -v "$tool" >/dev/null || { echo "$0: $tool is missing (apt-get install $tool)" >&2; exit 2; }
    done
    ns=ebpfshield-bench-$$
    ip netns add "$ns"
    trap 'ip netns del "$ns"' EXIT
    ip -n "$ns" link set lo up
    ip netns exec "$ns" env IN_NETNS=1 bash "$0" "$(realpath "$1")" "${2:-5}" "${3:-3}" \
        "$(dirname "$(realpath "$0")")/../../src/threatfeed/domain_set.h"
    exit
fi
BIN=$1 RUNS=$2 ROUNDS=$3 SET_HEADER=$4
QUERIES=${QUERIES:-20000} LISTED=${LISTED:-1000} DURATION=${DURATION:-10}
SIZES="1 100000 1000000"
PY=/usr/bin/python3
# dnsmasq on one CPU, the clients on the other where there are two.
SERVER_CPU=0 CLIENT_CPU=$(($(nproc) > 1 ? 1 : 0))
WORK=$(mktemp -d)
TOOL=
STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
cleanup() {
    if [ -n "$TOOL" ]; then
        kill -INT "$TOOL" 2>/dev/null && wait "$TOOL" 2>/dev/null
    fi
    [ -s "$WORK/dnsmasq.pid" ] && kill "$(cat "$WORK/dnsmasq.pid")" 2>/dev/null
    [ -n "${ECHO:-}" ] && kill "$ECHO" 2>/dev/null
    sysctl -q kernel.bpf_stats_enabled="$STATS_WAS"
    rm -rf "$WORK"
}
trap cleanup EXIT

# The feeds and the query names. The unlisted names are of the same shapes, and no
# suffix of one is in the 1,000,000.
"$PY" - "$WORK" <<'EOF'
import os, random, sys
work = sys.argv[1]
rnd = random.Random(20261205)
tlds = ["com"] * 30 + ["net"] * 8 + ["org"] * 6 + [
    "info", "io", "xyz", "top", "ru", "de", "cn", "co.uk", "com.br", "online", "site",
    "club", "biz", "us", "fr", "nl", "pl", "in", "com.au", "app"]
words = ["ads", "track", "cdn", "api", "static", "mail", "login", "secure", "update", "img",
         "m", "www", "pixel", "metrics", "stat", "click", "go", "srv", "node", "edge"]
alnum, letters = "abcdefghijklmnopqrstuvwxyz0123456789", "abcdefghijklmnopqrstuvwxyz"

def label(lo, hi):
    k = rnd.randint(lo, hi)
    s = rnd.choice(letters) + "".join(rnd.choice(alnum) for _ in range(k - 1))
    if k > 6 and rnd.random() < 0.2:
        i = rnd.randint(2, k - 3)
        s = s[:i] + "-" + s[i + 1:]
    return s

def name():
    parts = [label(4, 18), rnd.choice(tlds)]
    r = rnd.random()
    if r < 0.45:
        parts.insert(0, rnd.choice(words) if rnd.random() < 0.5 else label(1, 12))
    if r < 0.15:
        parts.insert(0, label(2, 30))
    return ".".join(parts)

names, seen = [], set()
while len(names) < 1000000:
    n = name()
    if n not in seen:
        seen.add(n)
        names.append(n)

def write_feed(path, count):
    syntax = random.Random(7)
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as f:
        f.write("# benchmark feed: plain names, hosts lines and AdBlock rules\n")
        for n in names[:count]:
            s = syntax.random()
            f.write(n + "\n" if s < 0.5 else "0.0.0.0 " + n + "\n" if s < 0.8 else "||" + n + "^\n")

write_feed(work + "/feeds-1/names.txt", 0)
with open(work + "/feeds-1/names.txt", "a") as f:
    f.write("baseline.example\n")
write_feed(work + "/feeds-100000/names.txt", 100000)
write_feed(work + "/feeds-1000000/names.txt", 1000000)

def listed_above(n):
    labels = n.split(".")
    return any(".".join(labels[i:]) in seen for i in range(len(labels)))

unlisted = []
while len(unlisted) < 10000:
    n = name()
    if not listed_above(n):
        unlisted.append(n)
with open(work + "/unlisted.txt", "w") as f:
    f.write("".join(n + "\n" for n in unlisted))
with open(work + "/dnsperf.txt", "w") as f:
    f.write("".join(n + " A\n" for n in unlisted))
# Listed in every feed but the baseline: the first 100,000's, half of them as a name under.
with open(work + "/listed.txt", "w") as f:
    for i in range(1000):
        n = names[rnd.randrange(100000)]
        f.write(("www." if i % 2 else "") + n + "\n")
EOF
chmod 755 "$WORK" "$WORK"/feeds-*

# A DNS server that answers every name, cached.
taskset -c "$SERVER_CPU" dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 \
    --bind-interfaces --address=/#/127.0.0.1 --cache-size=20000 --pid-file="$WORK/dnsmasq.pid"

# A UDP echo server on a port that is not a DNS port: the cost of the program for a
# datagram it lets go at once (the "other" phase; an answer from dnsmasq is one too).
ECHO_PORT=9053
taskset -c "$SERVER_CPU" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)' "$ECHO_PORT" &
ECHO=$!

stamp() { while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done >"$1"; }
# at FILE PATTERN: the stamp (seconds) of FILE's first line matching PATTERN.
at() { awk -v p="$2" '{ l = $0; sub(/^[^ ]* /, "", l) } l ~ p { print $1; exit }' "$1"; }

# start_tool FEEDS BLOCK: starts the tool, waits for its running line; sets TOOL and T0.
start_tool() {
    rm -f "$WORK/out" "$WORK/err"
    T0=$EPOCHREALTIME
    "$BIN" --feeds "$1" --block "$2" > >(stamp "$WORK/out") 2> >(stamp "$WORK/err") &
    TOOL=$!
    until grep -q 'The program is running' "$WORK/out" 2>/dev/null; do
        if ! kill -0 "$TOOL" 2>/dev/null; then
            echo "MISMATCH ($1): the tool exited before running:"
            sleep 0.2
            tail -3 "$WORK/err"
            TOOL=
            exit 1
        fi
        sleep 0.005
    done
}

stop_tool() {
    local rc=0
    kill -INT "$TOOL"
    wait "$TOOL" || rc=$?
    TOOL=
    [ "$rc" -eq 0 ] || echo "MISMATCH: the tool exited $rc on SIGINT"
    sleep 0.2 # the stampers write the last lines
}

# bpf_id KIND NAME: the id of the tool's kernel map or program (KIND map or prog) NAME.
bpf_id() {
    local fd id
    for fd in /proc/"$TOOL"/fdinfo/*; do
        id=$(awk -v k="$1_id:" '$1 == k { print $2 }' "$fd" 2>/dev/null) || continue
        [ -n "$id" ] || continue
        if bpftool -j "$1" show id "$id" 2>/dev/null | grep -q "\"name\":\"$2\""; then
            echo "$id"
            return
        fi
    done
}

# prog_stats ID: "run_time_ns run_cnt" of a program.
prog_stats() {
    bpftool -j prog show id "$1" | "$PY" -c '
import json, sys
p = json.load(sys.stdin)
print(p.get("run_time_ns", 0), p.get("run_cnt", 0))'
}

# ask NAMES_FILE [PORT]: one query at a time for each name to port 53 (or PORT), answered
# or not within a second; prints "sent answered".
ask() {
    taskset -c "$CLIENT_CPU" "$PY" - "$1" "${2:-53}" <<'EOF'
import random, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", int(sys.argv[2])))
s.settimeout(1)
sent = answered = 0
for line in open(sys.argv[1]):
    qid = random.getrandbits(16)
    wire = b"".join(bytes([len(l)]) + l.encode() for l in line.split()[0].split(".")) + b"\0"
    s.send(struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + wire + struct.pack("!HH", 1, 1))
    sent += 1
    try:
        while struct.unpack("!H", s.recv(512)[:2])[0] != qid:
            pass
        answered += 1
    except socket.timeout:
        pass
print(sent, answered)
EOF
}

# hits: the hit lines the tool has printed, once their count stays the same for 0.5 s.
hits() {
    local n prev=-1
    while :; do
        n=$(grep -c 'bad domain' "$WORK/out" || true)
        [ "$n" -eq "$prev" ] && break
        prev=$n
        sleep 0.5
    done
    echo "$n"
}

# query_phase SIZE PHASE FILE EXPECTED_HITS [PORT]: queries, the program's cost, the hits.
query_phase() {
    local ns0 c0 ns1 c1 sns0 sc0 sns1 sc1 sent answered h0 h1
    h0=$(hits)
    read -r ns0 c0 < <(prog_stats "$EGRESS")
    read -r sns0 sc0 < <(prog_stats "$SENDMSG4")
    read -r sent answered < <(ask "$3" "${5:-53}")
    read -r ns1 c1 < <(prog_stats "$EGRESS")
    read -r sns1 sc1 < <(prog_stats "$SENDMSG4")
    h1=$(hits)
    [ "$answered" -eq "$sent" ] || echo "MISMATCH ($1 $2): $sent queries sent, $answered answered"
    [ $((h1 - h0)) -eq "$4" ] || echo "MISMATCH ($1 $2): $((h1 - h0)) hit line(s), $4 expected"
    echo "$1 $2 $sent $((ns1 - ns0)) $((c1 - c0)) $((sns1 - sns0)) $((sc1 - sc0))" >>"$WORK/query"
}

# load_round SIZE: one start of the tool with the feed of SIZE names, its figures.
load_round() {
    local size=$1 feeds=$WORK/feeds-$1 t_names t_c0 t_c1 t_run names map memlock keys
    start_tool "$feeds" print
    t_run=$(at "$WORK/out" 'The program is running')
    t_names=$(at "$WORK/err" '^feeds: [0-9]+ domain names')
    t_c0=$(at "$WORK/err" '^compiling the connect program')
    t_c1=$(at "$WORK/err" 'compiled in')
    names=$(sed -nE 's/^[^ ]* feeds: ([0-9]+) domain names to check.*/\1/p' "$WORK/err")
    [ "$names" = "$size" ] || echo "MISMATCH ($size): the tool says ${names:-no} domain names, $size written"
    map=$(bpf_id map domains)
    EGRESS=$(bpf_id prog guard_egress)
    SENDMSG4=$(bpf_id prog guard_sendmsg4)
    memlock=$(bpftool -j map show id "$map" | sed -nE 's/.*"bytes_memlock":([0-9]+).*/\1/p')
    [ -n "$memlock" ] && [ -n "$EGRESS" ] && [ -n "$SENDMSG4" ] ||
        echo "MISMATCH ($size): domains, guard_egress or guard_sendmsg4 not found"
    if [ ! -e "$WORK/counted-$size" ]; then
        keys=$(bpftool map dump id "$map" | grep -c '"key"' || true)
        echo "$size $keys" >"$WORK/counted-$size"
        [ "$keys" -eq "$size" ] || echo "MISMATCH ($size): the kernel's table holds $keys keys, $size expected"
    fi
    query_phase "$size" unlisted "$WORK/unlisted-q.txt" 0
    query_phase "$size" listed "$WORK/listed.txt" $((size > 1 ? LISTED : 0))
    query_phase "$size" other "$WORK/unlisted-q.txt" 0 "$ECHO_PORT"
    stop_tool
    awk -v t0="$T0" -v n="$t_names" -v c0="$t_c0" -v c1="$t_c1" -v r="$t_run" -v m="$memlock" \
        -v s="$size" 'BEGIN { printf "%s %.4f %.4f %.4f %.4f %s\n", s, r - t0, n - t0, c1 - c0, r - c1, m }' \
        >>"$WORK/load"
}

# The per-query names: QUERIES unlisted (the 10,000 repeated), LISTED listed.
awk -v n="$QUERIES" '{ a[NR] = $0 } END { for (i = 0; i < n; i++) print a[i % NR + 1] }' \
    "$WORK/unlisted.txt" >"$WORK/unlisted-q.txt"
awk -v n="$LISTED" 'NR <= n' "$WORK/listed.txt" >"$WORK/listed-q.txt"
mv "$WORK/listed-q.txt" "$WORK/listed.txt"
LISTED=$(wc -l <"$WORK/listed.txt")

echo "kernel $(uname -r), $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
for size in $SIZES; do
    echo "feed of $size name(s): $(grep -vc '^#' "$WORK/feeds-$size/names.txt") lines," \
        "$(wc -c <"$WORK/feeds-$size/names.txt") bytes"
done
echo "$RUNS starts of each feed, alternating, --block print; per start $QUERIES unlisted and" \
    "$LISTED listed queries, one at a time (kernel.bpf_stats_enabled=1 meanwhile)"
sysctl -q kernel.bpf_stats_enabled=1
for _ in $(seq "$RUNS"); do
    for size in $SIZES; do
        load_round "$size"
    done
done

# The medians, and the ranges of the start-up.
"$PY" - "$WORK/load" "$WORK/query" "$RUNS" "$SET_HEADER" <<'EOF'
import re, statistics as st, sys
load, query, runs, header = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = {}
for line in open(load):
    s, *v = line.split()
    rows.setdefault(int(s), []).append([float(x) for x in v])
def med(rs, i):
    return st.median(r[i] for r in rs)
print("\nload (median of %d starts; start-up min-max):" % runs)
print("%-9s %9s %13s %12s %9s %15s %16s" % ("names", "start-up", "(min-max)", "to the note", "compile",
      "compile->run", "start-up-compile"))
for s, rs in sorted(rows.items()):
    if len(rs) != runs:
        print("MISMATCH (%d): %d of %d starts measured" % (s, len(rs), runs))
    print("%-9d %8.3fs %5.3f-%5.3fs %11.3fs %8.3fs %14.3fs %15.3fs" % (
        s, med(rs, 0), min(r[0] for r in rs), max(r[0] for r in rs), med(rs, 1), med(rs, 2),
        med(rs, 3), st.median(r[0] - r[2] for r in rs)))
base = rows[1]
for s in sorted(rows):
    if s > 1:
        print("%d names over the 1-name feed: start-up +%.3f s, to the note +%.3f s, compile->run +%.3f s"
              % (s, med(rows[s], 0) - med(base, 0), med(rows[s], 1) - med(base, 1),
                 med(rows[s], 3) - med(base, 3)))
print("\nkernel memory of the domain table (memlock, bpftool):")
b = med(base, 4)
per = {}
for s, rs in sorted(rows.items()):
    m = med(rs, 4)
    extra = ""
    if s > 1:
        per[s] = (m - b) / (s - 1)
        extra = ", %.1f bytes per name over the 1-name feed" % per[s]
    print("%-9d %12d bytes (%.1f MiB)%s" % (s, m, m / 2**20, extra))
cap = re.search(r"#define DOMAIN_SET_MAX \(1u << (\d+)\)", open(header).read())
if cap and per:
    n = 1 << int(cap.group(1))
    p = per[max(per)]
    print("at DOMAIN_SET_MAX (%d names): %.1f MiB; during a reload at the cap (%d keys): %.1f MiB"
          % (n, (b + p * n) / 2**20, 2 * n, (b + p * 2 * n) / 2**20))
q = {}
for line in open(query):
    s, phase, sent, ns, cnt, sns, scnt = line.split()
    q.setdefault((int(s), phase), []).append((int(sent), int(ns), int(cnt), int(sns), int(scnt)))
print("\nguard_egress (median of %d starts; a query or an echoed datagram is two runs, there and"
      " back):" % runs)
res = {}
for (s, phase), v in sorted(q.items()):
    per_run = st.median(r[1] / r[2] for r in v if r[2])
    per_query = st.median(r[1] / r[0] for r in v)
    runs_per_q = st.median(r[2] / r[0] for r in v)
    res[(s, phase)] = per_query
    print("%-9d %-8s %6.0f ns per run, %6.0f ns per exchange (%.2f runs per exchange)" % (
        s, phase, per_run, per_query, runs_per_q))
print("guard_sendmsg4 (the answer: dnsmasq and the echo server send to an address), per exchange:")
for (s, phase), v in sorted(q.items()):
    print("%-9d %-8s %6.0f ns (%.2f runs per exchange)" % (
        s, phase, st.median(r[3] / r[0] for r in v), st.median(r[4] / r[0] for r in v)))
print("the check of one query, the exchange less one run of an echoed datagram (an answer is let"
      " go as one is):")
for s in sorted({s for s, _ in res}):
    if (s, "other") in res:
        print("%-9d %s" % (s, ", ".join("%s %.0f ns" % (phase, res[(s, phase)] - res[(s, "other")] / 2)
                                       for phase in ("unlisted", "listed") if (s, phase) in res)))
for phase in ("unlisted", "listed", "other"):
    if (1, phase) in res and (1000000, phase) in res:
        print("1000000 names less 1 name, %s: %+.0f ns per exchange" % (
            phase, res[(1000000, phase)] - res[(1, phase)]))
EOF
sysctl -q kernel.bpf_stats_enabled="$STATS_WAS"
for size in $SIZES; do
    read -r _ keys <"$WORK/counted-$size"
    echo "kernel table after the first start of the $size-name feed: $keys keys (bpftool map dump)"
done

# reload_to SIZE: the reload feed becomes that of SIZE names, SIGHUP; prints the seconds
# until the tool's note of the new set (read, parsed, and the kernel's table synced: new
# keys in, then old ones out) and checks the note and the kernel's table.
reload_to() {
    local before t0 t1 names keys
    before=$(grep -c ' feeds: [0-9]* domain names' "$WORK/err" || true)
    cp "$WORK/feeds-$1/names.txt" "$WORK/feeds-reload/new.tmp"
    mv "$WORK/feeds-reload/new.tmp" "$WORK/feeds-reload/names.txt"
    t0=$EPOCHREALTIME
    kill -HUP "$TOOL"
    until [ "$(grep -c ' feeds: [0-9]* domain names' "$WORK/err" || true)" -gt "$before" ]; do
        kill -0 "$TOOL" || { echo "MISMATCH: the tool exited on SIGHUP"; exit 1; }
        sleep 0.005
    done
    t1=$(grep ' feeds: [0-9]* domain names' "$WORK/err" | tail -1 | cut -d' ' -f1)
    names=$(grep ' feeds: [0-9]* domain names' "$WORK/err" | tail -1 | sed -E 's/.* feeds: ([0-9]+) .*/\1/')
    keys=$(bpftool map dump id "$(bpf_id map domains)" | grep -c '"key"' || true)
    awk -v a="$t0" -v b="$t1" -v n="$1" -v k="$keys" \
        'BEGIN { printf "reload to %d names: %.3f s from SIGHUP to the note; the kernel table holds %d keys\n", n, b - a, k }'
    [ "$names" = "$1" ] || echo "MISMATCH (reload to $1): the tool says $names domain names"
    [ "$keys" -eq "$1" ] || echo "MISMATCH (reload to $1): the kernel's table holds $keys keys"
}

echo
mkdir "$WORK/feeds-reload"
cp "$WORK/feeds-1000000/names.txt" "$WORK/feeds-reload/names.txt"
start_tool "$WORK/feeds-reload" print
reload_to 100000  # 900,000 keys out
reload_to 1000000 # 900,000 keys in
stop_tool

# dnsperf_round LABEL: DURATION seconds of dnsperf; appends the queries/s to $WORK/qps-LABEL.
dnsperf_round() {
    taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -d "$WORK/dnsperf.txt" -l "$DURATION" -c 1 -q 64 \
        >"$WORK/dnsperf.out" 2>&1 || true
    local sent completed lost qps
    sent=$(awk '/Queries sent:/ { print $3 }' "$WORK/dnsperf.out")
    completed=$(awk '/Queries completed:/ { print $3 }' "$WORK/dnsperf.out")
    lost=$(awk '/Queries lost:/ { print $3 }' "$WORK/dnsperf.out")
    qps=$(awk '/Queries per second:/ { printf "%.0f", $4 }' "$WORK/dnsperf.out")
    printf '%-40s %8s queries/s (sent %s, completed %s, lost %s)\n' "$1" "${qps:-?}" "${sent:-?}" \
        "${completed:-?}" "${lost:-?}"
    if [ -z "$sent" ] || [ "$sent" != "$completed" ] || [ "${lost:-1}" != 0 ]; then
        echo "MISMATCH ($1): dnsperf sent ${sent:-?}, completed ${completed:-?}, lost ${lost:-?}"
    fi
    echo "${qps:-0}" >>"$WORK/qps-$2"
}

[ "$ROUNDS" -gt 0 ] || exit 0
echo
echo "resolver: dnsperf at dnsmasq, $DURATION s a round, 64 in flight; $ROUNDS rounds of: without" \
    "the tool (A), with it and 1,000,000 names under --block deny (B), with it and 1 name (C)"
for _ in $(seq "$ROUNDS"); do
    dnsperf_round "A without the tool" a
    for leg in b c; do
        if [ "$leg" = b ]; then size=1000000; else size=1; fi
        start_tool "$WORK/feeds-$size" deny
        dnsperf_round "$(echo "$leg" | tr bc BC) with the tool, $size name(s), deny" "$leg"
        hit=$(grep -c 'bad domain\|denied' "$WORK/out" || true)
        [ "$hit" -eq 0 ] || echo "MISMATCH: $hit hit line(s) for names no feed lists"
        stop_tool
    done
done
paste "$WORK/qps-a" "$WORK/qps-b" "$WORK/qps-c" | awk '
    function med(r, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
        return n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2 }
    { b[NR] = $2 / $1; c[NR] = $3 / $1
      printf "round %d: B/A %.3f (%d / %d), C/A %.3f (%d / %d)\n", NR, b[NR], $2, $1, c[NR], $3, $1 }
    END { n = NR
          printf "queries/s with the tool and 1,000,000 names / without: median %.3f of %d rounds\n", med(b, n), n
          printf "queries/s with the tool and 1 name / without: median %.3f of %d rounds\n", med(c, n), n }'
