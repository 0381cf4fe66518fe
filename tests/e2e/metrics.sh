#!/usr/bin/env bash
# --metrics end to end, against a real Prometheus: the guard (--block deny) refuses 5
# connections to a feed address and 1 DNS query for a feed name, the monitor sees dig's
# queries and answers from dnsmasq (NOERROR and NXDOMAIN); /metrics must say exactly what
# the lines say (a query with its QR bit set counted as the query its line shows),
# `promtool check metrics` must accept it, and Prometheus (scraping every
# second) must return the same figures through its HTTP API. Attacks: 300 idle
# connections, a client that sends half a request and stalls, and 8 threads asking as
# fast as they can, while a hit must still get its line at once and /metrics must still
# answer afterwards. Bad values exit 2; with the port already taken (another user can take
# one first) the guard runs all the same and listens once the port is free. The Grafana
# dashboard of docs/grafana/ runs its queries against what Prometheus scraped.
# Needs root, an isolated network (a netns or the test VM), EBPFSHIELD_BIN / EXPECT_MODE,
# and Debian's prometheus package (scripts/setup.sh --test).
. "$(dirname "$0")/lib.sh"

PORT=19464  # the tool's
PROM=19090  # Prometheus's
LISTED=198.51.100.7
mkdir "$WORK/feeds"
printf '%s\nevil.example\n' "$LISTED" >"$WORK/feeds/test.txt"
dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
    --address=/a.example.test/10.1.2.3 --address=/nx.example.test/ \
    --pid-file="$WORK/dnsmasq.pid" || exit 1
EXTRA_PIDS=$(cat "$WORK/dnsmasq.pid")

# scrape: the tool's /metrics into $WORK/metrics.txt.
scrape() { curl -s --max-time 5 -o "$WORK/metrics.txt" "http://127.0.0.1:$PORT/metrics"; }
# value NAME{LABELS}: that sample's value in $WORK/metrics.txt (empty: none).
value() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/metrics.txt"; }
# refused N: N connections to the listed address from one python, each refused (EPERM).
refused() {
    python3 - "$LISTED" "$1" <<'EOF'
import errno, socket, sys, time
refused = 0
for _ in range(int(sys.argv[2])):
    s = socket.socket()
    try:
        s.connect((sys.argv[1], 80))
    except OSError as e:
        refused += e.errno == errno.EPERM
    s.close()
    time.sleep(0.15)  # under the 10 lines a second of a process
sys.exit(0 if refused == int(sys.argv[2]) else 1)
EOF
}
# promql QUERY: the value Prometheus's HTTP API gives for an instant query (empty: none).
promql() {
    curl -s --max-time 5 "http://127.0.0.1:$PROM/api/v1/query" --data-urlencode "query=$1" |
        python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else "")' 2>/dev/null
}
# prom_equals QUERY WANT: Prometheus gives WANT within 30 s (a few scrapes).
prom_equals() {
    local got t0=$SECONDS
    while [ $((SECONDS - t0)) -lt 30 ]; do
        got=$(promql "$1")
        [ "$got" = "$2" ] && break
        sleep 1
    done
    check "prometheus: $1 = $2 (got '${got:-none}')" [ "$got" = "$2" ]
}

# --- bad values and a port already taken --------------------------------------------
# refused_value RC VALUE: exit status 2, and stderr names the value.
refused_value() { [ "$1" -eq 2 ] && grep -qF "invalid value '$2' for --metrics" "$WORK/bad.err"; }
for bad in 0 70000 127.0.0.1: localhost:9 '[::1]' 1.2.3.4:9x; do
    timeout 60 "$EBPFSHIELD_BIN" --metrics "$bad" --feeds "$WORK/feeds" >"$WORK/bad.out" 2>"$WORK/bad.err"
    rc=$?
    check "--metrics '$bad': exit 2 (got $rc), value named" refused_value "$rc" "$bad"
done
# nobody takes the port first.
setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
print("listening", flush=True)
time.sleep(30)' "$PORT" >"$WORK/holder.out" 2>&1 &
holder=$!
wait_line "$WORK/holder.out" '^listening$' 10 || cat "$WORK/holder.out"
start_tool taken --feeds "$WORK/feeds" --metrics "$PORT" && {
    check "port taken: says so, and that it tries again" grep -q \
        "cannot listen on 127.0.0.1:$PORT: Address already in use; the tool runs without it and tries again every 10 s" \
        "$ERR"
    kill "$holder" 2>/dev/null
    wait "$holder" 2>/dev/null
    check "port taken: listening once the port is free" \
        wait_line "$ERR" "^metrics: http://127.0.0.1:$PORT/metrics\$" 30
    check "port taken: then served" curl -sf --max-time 5 -o /dev/null "http://127.0.0.1:$PORT/metrics"
    stop_tool taken
}
kill "$holder" 2>/dev/null

# --- the guard, scraped by Prometheus ------------------------------------------------
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: ebpfshield
    static_configs:
      - targets: ['127.0.0.1:$PORT']
EOF
check "promtool accepts the Prometheus configuration" \
    promtool check config "$WORK/prometheus.yml" >/dev/null
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
    --web.listen-address="127.0.0.1:$PROM" >"$WORK/prometheus.log" 2>&1 &
prom_pid=$!
EXTRA_PIDS="$EXTRA_PIDS $prom_pid"

if start_tool guard --feeds "$WORK/feeds" --block deny --metrics "127.0.0.1:$PORT"; then
    check "guard: says where the metrics are" grep -qx "metrics: http://127.0.0.1:$PORT/metrics" "$ERR"
    check "guard: 5 connections refused" refused 5
    dig +tries=1 +timeout=1 @127.0.0.1 www.evil.example A >/dev/null
    expect_count "$OUT" "^Client:python3 \(pid:[0-9]+\) was denied by eBPFShield \(ip-blacklist:$LISTED\) \$" \
        5 "guard: 5 address lines"
    expect_count "$OUT" "domain-blacklist:www\.evil\.example" 1 "guard: 1 domain line"
    sleep 1.5 # the next publication
    scrape
    check "guard: promtool check metrics" promtool check metrics <"$WORK/metrics.txt"
    check "guard: 5 address hits ($(value 'ebpfshield_feed_hits_total{kind="address",action="deny"}'))" \
        [ "$(value 'ebpfshield_feed_hits_total{kind="address",action="deny"}')" = 5 ]
    check "guard: 1 domain hit" [ "$(value 'ebpfshield_feed_hits_total{kind="domain",action="deny"}')" = 1 ]
    check "guard: feed entries 1 IPv4, 1 name" [ "$(value 'ebpfshield_feed_entries{family="ipv4"}')$(value 'ebpfshield_feed_entries{family="domain"}')" = 11 ]
    check "guard: nothing lost" [ "$(value ebpfshield_events_lost_total)" = 0 ]
    check "guard: info names the feature" \
        [ "$(value 'ebpfshield_info{version="'"$("$EBPFSHIELD_BIN" --version | cut -d' ' -f2)"'",feature="ebpf_ipintelligence"}')" = 1 ]
    prom_equals 'up{job="ebpfshield"}' 1
    prom_equals 'sum(ebpfshield_feed_hits_total{kind="address"})' 5
    prom_equals 'ebpfshield_feed_hits_total{kind="domain",action="deny"}' 1
    # SIGHUP: a reload, counted.
    kill -HUP "$TOOL_PID"
    wait_line "$ERR" '^feeds: 1 file' 30 >/dev/null
    prom_equals 'ebpfshield_reloads_total{result="success"}' 1

    # Attacks on the listener: idle connections, a stalled half request, a flood of GETs.
    python3 - "$PORT" >"$WORK/attack.log" 2>&1 <<'EOF' &
import socket, sys, threading, time
port = int(sys.argv[1])
idle = []
for _ in range(300):
    try:
        idle.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError:
        pass
half = socket.create_connection(("127.0.0.1", port), timeout=2)
half.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
stop = time.time() + 12
def flood():
    while time.time() < stop:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                while s.recv(65536):
                    pass
        except OSError:
            pass
threads = [threading.Thread(target=flood) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("idle connections opened:", len(idle))
EOF
    attack=$!
    sleep 2
    check "attack: a connection refused meanwhile" refused 1
    expect_count "$OUT" "^Client:python3 \(pid:[0-9]+\) was denied" 6 "attack: the hit's line"
    check "attack: the line came while the flood still ran" kill -0 "$attack"
    wait "$attack"
    sed 's/^/  /' "$WORK/attack.log"
    scrape
    check "attack: /metrics answers afterwards, with the 6th hit" \
        [ "$(value 'ebpfshield_feed_hits_total{kind="address",action="deny"}')" = 6 ]
    stop_tool guard
    check "guard: nothing listens on $PORT after the exit" \
        not curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/metrics"
fi

# --- the monitor ---------------------------------------------------------------------
if start_tool monitor --feature ebpf_monitor --metrics "$PORT"; then
    for name in a.example.test a.example.test nx.example.test; do
        dig +tries=1 +timeout=2 @127.0.0.1 "$name" A >/dev/null
    done
    expect_count "$OUT" "^COMM=dig .*DNS_QR=0 " 3 "monitor: 3 query lines"
    # A query to port 53 with its QR bit set counts as the query it is, as its line does.
    python3 -c 'import socket, struct
q = struct.pack(">HHHHHH", 7, 0x8100, 1, 0, 0, 0) + b"\x01a\x04test\x00\x00\x01\x00\x01"
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(q, ("127.0.0.1", 53))'
    expect_count "$OUT" "^COMM=python3 .*DNS_QR=0 DNS_NAME=a\.test\. " 1 "monitor: the forged query's line"
    sleep 1.5
    scrape
    check "monitor: promtool check metrics" promtool check metrics <"$WORK/metrics.txt"
    check "monitor: 4 queries" [ "$(value 'ebpfshield_dns_messages_total{type="query"}')" = 4 ]
    check "monitor: 2 NOERROR answers" \
        [ "$(value 'ebpfshield_dns_messages_total{type="answer",rcode="NOERROR"}')" = 2 ]
    check "monitor: 1 NXDOMAIN answer" \
        [ "$(value 'ebpfshield_dns_messages_total{type="answer",rcode="NXDOMAIN"}')" = 1 ]
    prom_equals 'ebpfshield_dns_messages_total{type="answer",rcode="NXDOMAIN"}' 1
    # The Grafana dashboard of docs/: each query valid in this Prometheus, each metric it
    # names one the tool exported here, the DNS panel showing the monitor's messages.
    dash=$(dirname "$0")/../../docs/grafana/ebpfshield-bcc.json
    check "grafana dashboard: its queries run, on metrics the tool exports" \
        python3 - "$dash" "$PROM" <<'EOF'
import json, re, sys, urllib.parse, urllib.request
dash, port = json.load(open(sys.argv[1])), sys.argv[2]
def api(path, **q):
    url = "http://127.0.0.1:%s/api/v1/%s?%s" % (port, path, urllib.parse.urlencode(q))
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)
known = set(api("label/__name__/values")["data"])
bad = 0
for panel in dash["panels"]:
    for t in panel["targets"]:
        expr = t["expr"].replace("$instance", ".*").replace("$job", ".*")
        r = api("query", query=expr)
        names = set(re.findall(r"ebpfshield_[a-z_]+", expr)) - known
        empty = "dns_messages_total" in expr and not r["data"]["result"]
        if r["status"] != "success" or names or empty:
            bad += 1
            print("  %s: %s %s%s" % (panel["title"], r["status"], " ".join(sorted(names)),
                                     " (no result)" if empty else ""))
sys.exit(bad > 0)
EOF
    stop_tool monitor
fi
kill "$prom_pid" && wait "$prom_pid" # quietly, before the cleanup's SIGKILL
finish
