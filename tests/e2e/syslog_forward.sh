#!/usr/bin/env bash
# Forwarding end to end: the tool's --syslog --output json events go through syslog(3) to
# a real rsyslogd (A, "the host's": imuxsock) that forwards them over TCP, RFC 5424,
# octet-counted, to a second rsyslogd (B, "the collector": imtcp) writing them to a file.
# Both run on the loopback of the private network namespace of tests/native/run.sh, with
# the configs of tests/e2e/rsyslog/ (the README's); /dev/log is A's socket only inside a
# private mount namespace (the host's /dev and /dev/log are never touched).
# Proved first with logger (also across a stop and start of the collector), then with N
# sequential dig queries at dnsmasq: every query and answer event of those N names must
# arrive at B once, in the order sent, as JSON with the name sent, APP-NAME
# ebpfshield-bcc and facility daemon; then a feed hit (ipintelligence, a connect to a
# documentation address) must arrive with facility authpriv.
# Needs root, rsyslogd, logger, dig, dnsmasq, ss, taskset, python3; EBPFSHIELD_BIN /
# EXPECT_MODE. SYSLOG_FWD_QUERIES sets N (default 300, at least 200).

# Into a private mount namespace first: /dev/log is bound there only.
if [ -z "${SYSLOG_FWD_PRIVATE_MNT:-}" ]; then
    SYSLOG_FWD_PRIVATE_MNT=1 exec unshare -m --propagation private bash "$0" "$@"
fi
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

N=${SYSLOG_FWD_QUERIES:-300}
PORT=10514
ANSWER=10.20.30.40
FEED_ADDR=198.51.100.7 # documentation range (RFC 5737), unreachable here: no route
A_PID=
B_PID=
DEV_MOUNTS=

fwd_cleanup() {
    local p
    # Every process first (dnsmasq holds files of the private /dev), then the mounts.
    for p in $TOOL_PID ${EXTRA_PIDS:-}; do kill -KILL "$p" 2>/dev/null; done
    for p in $A_PID $B_PID; do kill -TERM "$p" 2>/dev/null; done
    for p in $TOOL_PID ${EXTRA_PIDS:-} $A_PID $B_PID; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    TOOL_PID=
    EXTRA_PIDS=
    # The namespace's mounts go with it; unmounted anyway, innermost first.
    if [ -n "$DEV_MOUNTS" ]; then
        umount /dev/log 2>/dev/null
        [ "$DEV_MOUNTS" = overlay ] && { umount -R /dev && umount -R "$DEVD/orig" && umount "$DEVD/ovl" ||
            echo "syslog_forward: a private mount is left (it goes with this namespace)"; }
    fi
    # Never rm -r here: $DEVD/orig may still be the real /dev. rmdir fails on a mount.
    rm -f "$SOCK"
    rmdir "$DEVD/orig" "$DEVD/ovl" "$DEVD" 2>/dev/null
    cleanup_all
}
trap fwd_cleanup EXIT

for cmd in rsyslogd logger dig dnsmasq ss taskset python3 unshare; do
    check "$cmd is installed" sh -c 'command -v "$0" >/dev/null' "$cmd" || {
        finish
        exit 1
    }
done

# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_for() {
    local t=$1
    shift
    for _ in $(seq $((t * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# B's file and its line count.
BLOG=$WORK/collector/ebpfshield-bcc.log
blog_lines() { [ -f "$BLOG" ] && wc -l <"$BLOG" || echo 0; }

# Waits until B's file holds MARKER, then until it stops growing (2 s unchanged).
wait_drained() {
    local marker=$1 size=-1 now
    wait_for 60 grep -qF -- "$marker" "$BLOG" 2>/dev/null || return 1
    for _ in $(seq 60); do
        now=$(stat -c %s "$BLOG")
        [ "$now" = "$size" ] && return 0
        size=$now
        sleep 2
    done
    return 1
}

show_rsyslog_logs() {
    local f
    for f in "$WORK"/a.stderr "$WORK"/b.stderr "$WORK"/collector/other.log; do
        [ -s "$f" ] && sed "s|^|  $(basename "$f"): |" "$f" | tail -10
    done
}

# /dev/log -> A's socket, in this mount namespace only. Where the host has no /dev/log
# (nothing may be created in its /dev), /dev becomes an overlay of itself here first.
DEVD=$(mktemp -d)
SOCK=$DEVD/log
private_dev_log() {
    if [ ! -e /dev/log ]; then # none, or a dangling symlink
        mkdir "$DEVD/orig" "$DEVD/ovl" &&
            mount --rbind /dev "$DEVD/orig" &&
            mount -t tmpfs -o mode=700 tmpfs "$DEVD/ovl" &&
            mkdir "$DEVD/ovl/upper" "$DEVD/ovl/work" &&
            mount -t overlay overlay \
                -o "lowerdir=$DEVD/orig,upperdir=$DEVD/ovl/upper,workdir=$DEVD/ovl/work" /dev &&
            DEV_MOUNTS=overlay &&
            for sub in pts shm mqueue hugepages; do
                if mountpoint -q "$DEVD/orig/$sub"; then mount --rbind "$DEVD/orig/$sub" "/dev/$sub" || return 1; fi
            done &&
            rm -f /dev/log && touch /dev/log || return 1
    fi
    mount --bind "$SOCK" /dev/log && DEV_MOUNTS=${DEV_MOUNTS:-bind} &&
        [ "$(stat -L -c %i /dev/log)" = "$(stat -c %i "$SOCK")" ]
}

# Configs from tests/e2e/rsyslog/, paths filled in.
mkdir -m 700 "$WORK/a" "$WORK/b" "$WORK/collector"
sed -e "s|@WORKDIR@|$WORK/a|; s|@SOCKET@|$SOCK|; s|@COLLECTOR@|127.0.0.1|; s|@PORT@|$PORT|" \
    "$HERE/rsyslog/host.conf" >"$WORK/host.conf"
sed -e "s|@WORKDIR@|$WORK/b|; s|@ADDRESS@|127.0.0.1|; s|@PORT@|$PORT|; s|@LOGDIR@|$WORK/collector|" \
    "$HERE/rsyslog/collector.conf" >"$WORK/collector.conf"
check "the configs have every value filled in" not grep -qE '@[A-Z]+@' "$WORK/host.conf" "$WORK/collector.conf"

# B, the collector, then A, each in the foreground with its own pid file.
start_b() {
    rsyslogd -n -f "$WORK/collector.conf" -i "$WORK/b.pid" >>"$WORK/b.stderr" 2>&1 &
    B_PID=$!
}
b_listens() { kill -0 "$B_PID" 2>/dev/null && [ -n "$(ss -Hltn "sport = :$PORT")" ]; }
start_b
check "collector (rsyslogd B) listens on 127.0.0.1:$PORT" wait_for 30 b_listens || {
    show_rsyslog_logs
    finish
    exit 1
}
rsyslogd -n -f "$WORK/host.conf" -i "$WORK/a.pid" >"$WORK/a.stderr" 2>&1 &
A_PID=$!
a_listens() { kill -0 "$A_PID" 2>/dev/null && [ -S "$SOCK" ] && ss -Hxa | grep -qF " $SOCK "; }
check "host rsyslogd (A) listens on its socket" wait_for 30 a_listens || {
    show_rsyslog_logs
    finish
    exit 1
}
check "/dev/log is A's socket in this mount namespace only" private_dev_log || {
    finish
    exit 1
}

# 1. The path with logger: a unique marker, as the tool sends (daemon.info).
MARK="ebpfshield-fwd-logger-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
logger -t ebpfshield-bcc -p daemon.info --id=$$ "$MARK"
if check "logger: the marker arrives at the collector" wait_drained "$MARK"; then
    check "logger: as RFC 5424 with PRI 30 (daemon.info) and APP-NAME ebpfshield-bcc" \
        grep -qE "^<30>1 [^ ]+ [^ ]+ ebpfshield-bcc $$ - - +$MARK\$" "$BLOG" ||
        grep -F "$MARK" "$BLOG" | sed 's/^/  collector: /'
else
    show_rsyslog_logs
fi

# 2. The collector away for a while: A keeps what comes meanwhile and sends it, in order,
# once B is back (200 messages: all in memory; the disk takes over past queue.size).
OUTAGE="ebpfshield-fwd-outage-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
kill -TERM "$B_PID"
wait "$B_PID"
for i in $(seq -f %03g 1 200); do
    logger -t ebpfshield-bcc -p daemon.info "$OUTAGE-$i"
done
start_b
check "outage: the collector is back" wait_for 30 b_listens
if check "outage: the last message arrives" wait_drained "$OUTAGE-200"; then
    got=$(grep -oE -- "$OUTAGE-[0-9]{3}\$" "$BLOG" | sed 's/.*-//' | tr '\n' ' ')
    want=$(seq -f %03g 1 200 | tr '\n' ' ')
    check "outage: all 200 arrived once, in order ($(echo "$got" | wc -w) arrived)" [ "$got" = "$want" ]
else
    show_rsyslog_logs
fi

# 3. The tool's DNS events.
check "the tool has --syslog" sh -c '"$0" --help 2>&1 | grep -q -- --syslog' "$EBPFSHIELD_BIN" || {
    finish
    exit 1
}
printf 'nameserver 127.0.0.1\n' >"$WORK/resolv.conf"
# dig and dnsmasq on one CPU: the kernel hands events to user space through one perf
# buffer per CPU, so a query and its answer recorded on two CPUs can be read in either
# order before they reach syslog(3); this test is about what happens after.
taskset -c 0 dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
    --address=/fwd.test/$ANSWER --pid-file="$WORK/dnsmasq.pid" || {
    fail "dnsmasq does not start"
    finish
    exit 1
}
EXTRA_PIDS=$(cat "$WORK/dnsmasq.pid")

START_LINES=$(blog_lines)
start_tool syslog --feature ebpf_monitor --output json --syslog || {
    show_rsyslog_logs
    finish
    exit 1
}
TOOL=$TOOL_PID
bad_digs=0
: >"$WORK/sent"
for i in $(seq -f %04g 1 "$N"); do
    name=q$i.fwd.test
    echo "$name" >>"$WORK/sent"
    got=$(taskset -c 0 dig @127.0.0.1 +tries=1 +time=5 +short "$name" A)
    [ "$got" = "$ANSWER" ] || bad_digs=$((bad_digs + 1))
done
check "dig: $N queries answered $ANSWER ($bad_digs not)" [ "$bad_digs" -eq 0 ]
stop_tool syslog
check "with --syslog, stdout holds only the running line" \
    [ "$(grep -cvxF 'The program is running. Press Ctrl-C to abort.' "$OUT")" -eq 0 ]
# Everything the tool sent was in A's socket before this marker.
END="ebpfshield-fwd-end-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
logger -t ebpfshield-bcc -p daemon.info "$END"
check "the end marker arrives and the collector's file stops growing" wait_drained "$END" ||
    show_rsyslog_logs

# Every query and answer event of the names sent, once each, in the order sent, intact.
# The expectation comes from $WORK/sent: per name, its query, then its answer.
tail -n +"$((START_LINES + 1))" "$BLOG" >"$WORK/dns.lines"
check "DNS events: all arrived, in order, intact" python3 - "$WORK/dns.lines" "$WORK/sent" \
    "$TOOL" "$ANSWER" "$MARK" "$END" <<'EOF'
import json, re, sys

lines_file, sent_file, tool_pid, answer, *markers = sys.argv[1:]
HEADER = re.compile(r'<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\])(?: (.*))?$')


def field(obj, dotted):
    """ECS field: nested objects ({"dns":{"question":{"name":..}}}) or a dotted key."""
    if dotted in obj:
        return obj[dotted]
    for part in dotted.split('.'):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


names = [l.strip() for l in open(sent_file) if l.strip()]
expected = [(kind, n) for n in names for kind in ('query', 'answer')]
index = {e: i for i, e in enumerate(expected)}
seen, order, malformed, dup, unrelated, late = set(), [], [], 0, [], 0
high = -1
for raw in open(lines_file, encoding='utf-8', errors='replace'):
    raw = raw.rstrip('\n')
    if any(m in raw for m in markers):
        continue
    m = HEADER.match(raw)
    if not m:
        malformed.append(('no RFC 5424 header', raw))
        continue
    pri, _ts, _host, app, procid, _msgid, _sd, body = m.groups()
    pri = int(pri)
    if app != 'ebpfshield-bcc' or procid != tool_pid:
        malformed.append((f'APP-NAME {app} PROCID {procid}, want ebpfshield-bcc {tool_pid}', raw))
        continue
    if pri >> 3 != 3:
        malformed.append((f'PRI {pri}: facility {pri >> 3}, want 3 (daemon)', raw))
        continue
    try:
        ev = json.loads((body or '').lstrip('\ufeff'))
    except ValueError as e:
        malformed.append((f'body is not JSON: {e}', raw))
        continue
    if not isinstance(ev, dict):
        malformed.append(('body is not a JSON object', raw))
        continue
    name, dtype = field(ev, 'dns.question.name'), field(ev, 'dns.type')
    kind = {'query': 'query', 'answer': 'answer', 'response': 'answer'}.get(dtype)
    if not isinstance(name, str) or kind is None:
        malformed.append((f'dns.question.name {name!r}, dns.type {dtype!r}', raw))
        continue
    if (kind, name) not in index:
        unrelated.append(raw)
        continue
    if kind == 'answer' and answer not in json.dumps(ev):
        malformed.append((f'answer without {answer}', raw))
        continue
    i = index[(kind, name)]
    if (kind, name) in seen:
        dup += 1
        continue
    seen.add((kind, name))
    if not order:
        print(f'  first event as the collector wrote it: {raw}')
    if i < high:
        late += 1
    high = max(high, i)
    order.append(i)

missing = [e for e in expected if e not in seen]
print(f'expected {len(expected)}, arrived {len(seen)}, out of order {late}, '
      f'malformed {len(malformed)}, duplicated {dup}, other events {len(unrelated)}')
for why, raw in malformed[:5]:
    print(f'  malformed ({why}): {raw[:300]}')
for kind, name in missing[:5]:
    print(f'  missing: {kind} {name}')
for raw in unrelated[:5]:
    print(f'  other event: {raw[:300]}')
sys.exit(0 if not missing and not late and not malformed and not dup and not unrelated else 1)
EOF

# 4. A feed hit: facility authpriv (10). A documentation address only, never a real one.
mkdir "$WORK/feeds"
printf '# syslog_forward test feed\n%s\n' "$FEED_ADDR" >"$WORK/feeds/test.txt"
START_LINES=$(blog_lines)
if start_tool syslog_hit --feeds "$WORK/feeds" --block print --output json --syslog; then
    TOOL=$TOOL_PID
    # No route here: the connect fails (ENETUNREACH) after the guard has seen it.
    python3 -c 'import socket, sys
s = socket.socket()
try:
    s.connect((sys.argv[1], 80))
except OSError:
    pass' "$FEED_ADDR"
    sleep 1 # the hit's line is written by the tool's writer thread
    stop_tool syslog_hit
    END="ebpfshield-fwd-end-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    logger -t ebpfshield-bcc -p daemon.info "$END"
    check "hit: the end marker arrives and the collector's file stops growing" wait_drained "$END"
    tail -n +"$((START_LINES + 1))" "$BLOG" | grep -vF "$END" >"$WORK/hit.lines"
    check "hit: one event, facility authpriv, JSON naming $FEED_ADDR" python3 - \
        "$WORK/hit.lines" "$TOOL" "$FEED_ADDR" <<'EOF'
import json, re, sys

lines_file, tool_pid, addr = sys.argv[1:]
lines = [l.rstrip('\n') for l in open(lines_file, encoding='utf-8', errors='replace')]
ok = 0
for raw in lines:
    m = re.match(r'<(\d{1,3})>1 \S+ \S+ (\S+) (\S+) \S+ (?:-|\[.*?\]) (.*)$', raw)
    try:
        ev = json.loads(m.group(4)) if m else None
    except ValueError:
        ev = None
    good = (m and int(m.group(1)) >> 3 == 10 and m.group(2) == 'ebpfshield-bcc'
            and m.group(3) == tool_pid and isinstance(ev, dict) and addr in json.dumps(ev))
    ok += bool(good)
    print(f'  {"ok" if good else "BAD"}: {raw[:300]}')
print(f'expected 1, arrived {len(lines)}, as expected {ok}')
sys.exit(0 if len(lines) == 1 and ok == 1 else 1)
EOF
fi

check "rsyslogd A still running" kill -0 "$A_PID"
check "rsyslogd B still running" kill -0 "$B_PID"
finish
