#!/bin/bash
# The Debian package under a real systemd (PID 1 of a Debian 12 root booted on Debian's
# kernel: tests/vm/systemd.sh), as a sysadmin meets it: `apt install ./the.deb`,
# `systemctl enable --now ebpfshield-bcc` with the unit's whole sandbox in kprobe mode,
# feed hits (an address and a domain) refused and arriving in the journal as JSON, the
# Prometheus endpoint, `systemctl reload`, the feed updater's service against a local
# HTTP server, fired by its timer (it SIGHUPs the service), the monitor as the service
# and `systemctl stop` leaving nothing in the kernel, `--block suspend` (the victim frozen;
# with ProtectControlGroups=yes a SIGCONT resumes it, why the unit leaves that out) and
# `--block dump` (gcore under the sandbox), an upgrade (`apt install
# --reinstall`: postinst restarts the service) under --persist with a hammer that counts
# the datagrams let out, and `apt purge` of the enabled guard running under --persist:
# stopped, its pins removed, nothing left in the kernel, the files as found.
# usage: service_systemd.sh DEB   (root, in the booted root; EBPFSHIELD_IN_VM=1)
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"
DEB=${1:?usage: service_systemd.sh DEB}
[ "${EBPFSHIELD_IN_VM:-}" = 1 ] || {
    echo "service_systemd.sh installs a package and starts services: run it in tests/vm/systemd.sh" >&2
    exit 2
}
export DEBIAN_FRONTEND=noninteractive SYSTEMD_PAGER='' SYSTEMD_COLORS=0
UNIT=ebpfshield-bcc
FEEDS=/var/lib/ebpfshield/feeds
ENVF=/etc/ebpfshield/ebpfshield-bcc.env
PY=/usr/bin/python3
TOOL_START_TIMEOUT=${TOOL_START_TIMEOUT:-300}

journal() { journalctl -u "$UNIT" -o cat --no-pager 2>/dev/null; }
# mark: the journal's length now; since: its lines after the mark.
mark() { MARK=$(journal | wc -l); }
since() { journal | tail -n +$((MARK + 1)) 2>/dev/null; }
# wait_journal REGEX [SECONDS]: a line after the mark matches.
wait_journal() {
    local t0=$SECONDS
    while [ $((SECONDS - t0)) -lt "${2:-30}" ]; do
        since | grep -qE -- "$1" && return 0
        sleep 0.5
    done
    return 1
}
main_pid() { systemctl show -p MainPID --value "$UNIT"; }
# started WHAT: the service reached its running line (after the mark), in kprobe mode.
started() {
    if wait_journal '^The program is running\. Press Ctrl-C to abort\.$' "$TOOL_START_TIMEOUT"; then
        pass "$1: running (pid $(main_pid))"
        check "$1: attach mode kprobe" wait_journal '^attach mode: kprobe' 1 ||
            since | grep '^attach mode'
    else
        fail "$1: no running line in the journal within $TOOL_START_TIMEOUT s"
        systemctl status --no-pager "$UNIT" | tail -20
        since | tail -20
        return 1
    fi
}
# json_event PATH=VALUE...: a JSON line after the mark has these values (ecs_query.py).
json_event() { [ "$(since | "$PY" "$here/ecs_query.py" count /dev/stdin "$@")" -gt 0 ]; }
# connect ADDR PORT: what a TCP connect says (ok, or the errno's name).
connect() {
    "$PY" -c '
import errno, socket, sys
s = socket.socket()
s.settimeout(5)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    s.sendall(b"hello")
    print("ok")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e)))' "$1" "$2"
}
bytes_in() { cat "$WORK/count"; }
# The bytes the witness should have: 5 for each connect that got through.
BYTES=0
connect_ok() {
    local r
    r=$(connect "$1" "$2")
    [ "$r" = ok ] && BYTES=$((BYTES + 5))
    [ "$r" = ok ]
}
# Files a purge must leave as found (logs, apt's and systemd's own state aside).
snapshot() {
    find /etc /usr /var/lib /var/log /var/cache -xdev \
        \( -path /var/lib/apt -o -path /var/lib/dpkg -o -path /var/cache/apt \
        -o -path /var/cache/debconf -o -path /var/log/journal -o -path /var/lib/systemd/timers \
        -o -path /var/lib/systemd/random-seed -o -path /var/lib/systemd/deb-systemd-\* \
        -o -path /var/log/apt -o -path /var/cache/man -o -path /var/lib/ebpfshield-e2e.\* \) \
        -prune -o -printf '%M %u:%g %p\n' | grep -vE ' /var/log/(dpkg\.log|alternatives\.log)$' |
        LC_ALL=C sort
}

# --- the machine ------------------------------------------------------------------------
check "PID 1 is systemd" [ "$(readlink -f /proc/1/exe)" = /usr/lib/systemd/systemd ]
state=$(systemctl is-system-running --wait 2>&1)
check "boot finished: $state" [ "$state" = running ] || systemctl --failed --no-pager
echo "kernel $(uname -r), $(systemctl --version | head -1)"

# Witnesses: a listener counting the bytes that reach the feed addresses, a DNS server
# logging every query that reaches it, a web server holding the updater's feed.
"$PY" "$here/byte_counter.py" "$WORK/count" tcp:127.0.0.77:8080 udp:127.0.0.77:9101 \
    tcp:127.0.0.80:8080 tcp:127.0.0.81:8080 &
EXTRA_PIDS=$!
dnsmasq --keep-in-foreground --no-resolv --no-hosts --listen-address=127.0.0.1 \
    --bind-interfaces --log-queries --log-facility="$WORK/dnsmasq.log" \
    --address=/bad.example/127.0.0.78 --address=/good.example/127.0.0.79 &
EXTRA_PIDS="$EXTRA_PIDS $!"
mkdir -p "$WORK/www"
echo 127.0.0.81 >"$WORK/www/local.txt"
(cd "$WORK/www" && exec "$PY" -m http.server --bind 127.0.0.1 8000 >/dev/null 2>&1) &
EXTRA_PIDS="$EXTRA_PIDS $!"
for _ in $(seq 50); do [ -s "$WORK/count" ] && break; sleep 0.1; done
check "witnesses up: good.example resolves through dnsmasq" \
    [ "$(dig +short +time=2 @127.0.0.1 good.example)" = 127.0.0.79 ]
check "before the guard, a connect to 127.0.0.80 gets through" connect_ok 127.0.0.80 8080
check "witness: it counted those 5 bytes" [ "$(bytes_in)" = "$BYTES" ]
check "dnsmasq logs the queries that reach it" grep -q 'query\[A\] good.example' "$WORK/dnsmasq.log"

before=$(snapshot)

# --- install ----------------------------------------------------------------------------
mkdir -p "$WORK/deb" && cp "$DEB" "$WORK/deb/" && chmod -R a+rX "$WORK"
deb=$WORK/deb/$(basename "$DEB")
if apt install -y "$deb" >"$WORK/apt.log" 2>&1; then
    pass "apt install ./$(basename "$DEB")"
else
    fail "apt install ./$(basename "$DEB")"
    tail -20 "$WORK/apt.log"
fi
check "installed but not enabled" [ "$(systemctl is-enabled "$UNIT" 2>&1)" = disabled ]
# --man=no: this root has no man-db; the page is checked where man would find it.
check "the units pass systemd-analyze verify" systemd-analyze verify --man=no \
    "/lib/systemd/system/$UNIT.service" /lib/systemd/system/ebpfshield-feeds.service \
    /lib/systemd/system/ebpfshield-feeds.timer
check "the man page is installed" sh -c 'ls /usr/share/man/man8/ebpfshield-bcc.8* >/dev/null'
echo "systemd-analyze security $UNIT:"
systemd-analyze security --no-pager "$UNIT" | sed 's/^/  | /'

# --- enable --now: an address and a domain refused, JSON in the journal -----------------
printf '%s\n' 127.0.0.77 bad.example >"$FEEDS/local-test.txt"
mkdir -p /etc/ebpfshield
echo 'EBPFSHIELD_OPTS="--block deny --output json --metrics 127.0.0.1:9464"' >"$ENVF"
mark
systemctl enable --now "$UNIT" >/dev/null 2>&1
check "systemctl enable --now: enabled" [ "$(systemctl is-enabled "$UNIT")" = enabled ]
started "enable --now"
pid=$(main_pid)
check "sandbox: no new privileges" grep -qE '^NoNewPrivs:[[:space:]]+1' "/proc/$pid/status"
check "sandbox: the capability bounding set is the unit's (0x000000c000283026 = BPF PERFMON NET_ADMIN NET_RAW DAC_READ_SEARCH SYS_ADMIN KILL SYS_PTRACE DAC_OVERRIDE)" \
    grep -qE '^CapBnd:[[:space:]]+000000c000283026$' "/proc/$pid/status" ||
    grep -E '^Cap' "/proc/$pid/status"
check "sandbox: / is read-only for the service (ProtectSystem=strict)" \
    grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / / ro[, ]' "/proc/$pid/mountinfo"

check "address: connect to 127.0.0.77 refused (EPERM)" [ "$(connect 127.0.0.77 8080)" = EPERM ]
dig +time=2 +tries=1 @127.0.0.1 bad.example >"$WORK/dig-bad" 2>&1
check "domain: dig got no answer for bad.example" not grep -q 127.0.0.78 "$WORK/dig-bad" ||
    cat "$WORK/dig-bad"
check "domain: good.example still resolves" \
    [ "$(dig +short +time=2 @127.0.0.1 good.example)" = 127.0.0.79 ]
check "domain: the query for bad.example never reached dnsmasq (which logged good.example's)" \
    [ "$(grep -c 'query\[A\] bad.example' "$WORK/dnsmasq.log")" = 0 -a \
    "$(grep -c 'query\[A\] good.example' "$WORK/dnsmasq.log")" -ge 2 ]
sleep 1
check "journal: the address hit as JSON (destination.ip 127.0.0.77, process python3)" \
    json_event destination.ip=127.0.0.77 process.name=python3
check "journal: the domain hit as JSON (dns.question.name bad.example)" \
    json_event dns.question.name=bad.example threat.indicator.type=domain-name
check "journal: events name the host" json_event host.name="$(uname -n)" agent.type=ebpfshield-bcc
echo "journal lines seen (journalctl -u $UNIT -o cat):"
since | grep -E '^\{.*"(destination":\{"ip":"127\.0\.0\.77"|question":\{"name":"bad\.example")' |
    head -2 | sed 's/^/  | /'
check "witness: 0 bytes reached 127.0.0.77" [ "$(bytes_in)" = "$BYTES" ]
m=$(curl -s --max-time 5 http://127.0.0.1:9464/metrics)
check "metrics: the address and domain hits counted" \
    [ "$(grep -cE '^ebpfshield_feed_hits_total\{kind="(address|domain)",action="deny"\} [1-9]' <<<"$m")" = 2 ] ||
    grep feed_hits <<<"$m"

# --- systemctl reload: a feed added -----------------------------------------------------
check "under the guard, before the reload, 127.0.0.80 gets through" connect_ok 127.0.0.80 8080
echo 127.0.0.80 >>"$FEEDS/local-test.txt"
mark
systemctl reload "$UNIT"
# example.txt's 2 addresses and local-test.txt's, now 2
check "systemctl reload: the feeds reloaded" wait_journal '^feeds: 2 file\(s\), 4 IPv4 ' 60
check "reload: same process" [ "$(main_pid)" = "$pid" ]
check "reload: 127.0.0.80 now refused" [ "$(connect 127.0.0.80 8080)" = EPERM ]

# --- the feed updater, fired by its timer -----------------------------------------------
echo "local.txt http://127.0.0.1:8000/local.txt" >/etc/ebpfshield/feeds.list
echo "EBPFSHIELD_FEED_LIST=/etc/ebpfshield/feeds.list" >>"$ENVF"
systemctl enable --now ebpfshield-feeds.timer >/dev/null 2>&1
check "the feeds timer is scheduled" \
    sh -c 'systemctl list-timers --no-pager ebpfshield-feeds.timer | grep -q ebpfshield-feeds.service'
# The daily timer, told to fire 2 s after it is restarted.
dropin=/etc/systemd/system/ebpfshield-feeds.timer.d
mkdir -p "$dropin"
printf '[Timer]\nOnActiveSec=2s\nAccuracySec=1s\nRandomizedDelaySec=0\n' >"$dropin/soon.conf"
systemctl daemon-reload
check "before the updater, 127.0.0.81 gets through" connect_ok 127.0.0.81 8080
t0=$(systemctl show -p ExecMainStartTimestampMonotonic --value ebpfshield-feeds.service)
mark
systemctl restart ebpfshield-feeds.timer
fired=
for _ in $(seq 120); do
    r=$(systemctl show -p Result,ActiveState,ExecMainStartTimestampMonotonic ebpfshield-feeds.service)
    if grep -q 'ActiveState=inactive' <<<"$r" && ! grep -qx "ExecMainStartTimestampMonotonic=$t0" <<<"$r"; then
        fired=1
        break
    fi
    sleep 0.5
done
grep -q 'Result=success' <<<"$r" || fired=
check "the timer fired ebpfshield-feeds.service, which succeeded" [ -n "$fired" ] ||
    journalctl -u ebpfshield-feeds -o cat --no-pager | tail -20
rm -r "$dropin"
systemctl daemon-reload
check "updater: the feed was written" [ -s "$FEEDS/local.txt" ] || ls -l "$FEEDS"
check "updater: the service was told to reload" wait_journal '^feeds: 3 file\(s\), 5 IPv4 ' 60
check "updater: 127.0.0.81 now refused" [ "$(connect 127.0.0.81 8080)" = EPERM ]

# --- the monitor as the service ---------------------------------------------------------
echo 'EBPFSHIELD_OPTS="--feature ebpf_monitor --output json"' >"$ENVF"
mark
systemctl restart "$UNIT"
started "monitor"
dig +short +time=2 @127.0.0.1 good.example >/dev/null
sleep 1
check "monitor: the query in the journal as JSON" \
    json_event dns.question.name=good.example dns.type=query process.name=dig
check "monitor: the answer in the journal as JSON" \
    json_event dns.question.name=good.example dns.type=answer
systemctl stop "$UNIT"
check "systemctl stop: inactive" [ "$(systemctl is-active "$UNIT")" = inactive ]
nothing_attached "after systemctl stop"

# --- suspend and dump under the unit's sandbox -----------------------------------------
# victim: nobody's process connecting to a feed address (tests/e2e/victim.py); its pid.
victim() {
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$here/victim.py" tcp 127.0.0.77 8080 \
        >"$WORK/victim.out" 2>&1 &
    VICTIM=$!
}
state() { sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null; }
# stopped PID: the process is stopped (T) within 30 s.
stopped() {
    for _ in $(seq 300); do
        [ "$(state "$1")" = T ] && return 0
        sleep 0.1
    done
    return 1
}
# ended PID: waits (in this shell: PID is its child) up to 120 s for it to end; its
# exit status in EXIT ("running" if it did not end).
ended() {
    EXIT=running
    for _ in $(seq 1200); do
        if ! kill -0 "$1" 2>/dev/null || [ "$(state "$1")" = Z ]; then
            wait "$1"
            EXIT=$?
            return
        fi
        sleep 0.1
    done
}
# held PID: within 10 s the tool has moved it into its hold (the kernel's SIGSTOP comes
# first, the move from the tool's event loop after).
held() {
    for _ in $(seq 100); do
        grep -q "^0::/ebpfshield\.hold/$1\." "/proc/$1/cgroup" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
# held_alive PID: it lives, and has printed nothing (victim.py prints once connect returns).
held_alive() { kill -0 "$1" 2>/dev/null && [ "$(state "$1")" != Z ] && [ ! -s "$WORK/victim.out" ]; }
# frozen PID: its cgroup (under /sys/fs/cgroup) says frozen.
frozen() { grep -qx 'frozen 1' "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")/cgroup.events"; }
echo 'EBPFSHIELD_OPTS="--block suspend --output json"' >"$ENVF"
mark
systemctl start "$UNIT"
started "--block suspend"
victim
check "suspend: nobody's victim is stopped (T)" stopped "$VICTIM"
check "suspend: held in a cgroup of its own, /ebpfshield.hold/$VICTIM.*" held "$VICTIM" ||
    cat "/proc/$VICTIM/cgroup"
check "suspend: its cgroup is frozen" frozen "$VICTIM"
kill -CONT "$VICTIM"
sleep 1
check "suspend: a SIGCONT does not resume it (alive, nothing printed: its connect has not returned)" \
    held_alive "$VICTIM"
wait_journal 'process-suspended' 10
check "journal: the suspension as JSON (process-suspended, its pid)" \
    json_event event.action=process-suspended process.pid="$VICTIM" destination.ip=127.0.0.77
kill -KILL "$VICTIM"
ended "$VICTIM"
check "suspend: SIGKILL still ends it (exit $EXIT)" [ "$EXIT" = 137 ]

# Why the unit leaves ProtectControlGroups out: with it, nothing holds a stopped process.
dropin=/etc/systemd/system/$UNIT.service.d
mkdir -p "$dropin"
printf '[Service]\nProtectControlGroups=yes\n' >"$dropin/protect-cgroups.conf"
systemctl daemon-reload
mark
systemctl restart "$UNIT"
started "--block suspend, ProtectControlGroups=yes"
check "ProtectControlGroups=yes: start-up says stopped processes are not frozen" \
    wait_journal 'cannot make the cgroup ebpfshield\.hold \(Read-only file system\): stopped processes are not frozen' 5 ||
    since | grep -i cgroup
victim
check "ProtectControlGroups=yes: the victim is stopped (T)" stopped "$VICTIM"
kill -CONT "$VICTIM"
ended "$VICTIM"
check "ProtectControlGroups=yes: a SIGCONT resumes it, which runs to its end (exit $EXIT: $(cat "$WORK/victim.out"))" \
    [ "$EXIT" = 0 ]
rm -r "$dropin"
systemctl daemon-reload

# dump: gcore (gdb, the package's Recommends) under the unit's seccomp filter and
# MemoryDenyWriteExecute, which its children inherit.
DUMPS=/var/lib/ebpfshield/dumps
sed -i 's/^EBPFSHIELD_OPTS=.*/EBPFSHIELD_OPTS="--block dump --output json"/' "$ENVF"
mark
systemctl restart "$UNIT"
started "--block dump"
victim
ended "$VICTIM"
check "dump: the victim killed after its core (exit $EXIT)" [ "$EXIT" = 137 ]
core=$(find "$DUMPS" -maxdepth 1 -name "ebpfshield-u65534-*.$VICTIM" -print -quit)
check "dump: its core in $DUMPS, named for nobody and the pid (${core##*/})" [ -n "$core" ]
check "dump: the core is root's, 0600" [ "$(stat -c '%u %a' "${core:-/nonexistent}")" = "0 600" ]
check "dump: an ELF core file (e_type 4) of python3" "$PY" -c '
import sys
data = open(sys.argv[1], "rb").read(1 << 20)
sys.exit(not (data[:4] == b"\x7fELF" and int.from_bytes(data[16:18], "little") == 4
              and b"python3" in data))' "${core:-/nonexistent}"
wait_journal 'process-dumped' 10
check "journal: the dump as JSON (process-dumped, its pid)" \
    json_event event.action=process-dumped process.pid="$VICTIM" destination.ip=127.0.0.77
rm -f -- "$core" # the core is the admin's: a purge keeps a non-empty dumps/
systemctl stop "$UNIT"

# --- an upgrade under --persist: not one datagram out -----------------------------------
sed -i 's/^EBPFSHIELD_OPTS=.*/EBPFSHIELD_OPTS="--block deny --persist --output json"/' "$ENVF"
mark
systemctl start "$UNIT"
started "start with --persist"
"$PY" "$here/hammer.py" "$WORK/hammer.stop" 127.0.0.77 9101 >"$WORK/hammer.out" &
hammer=$!
sleep 1
pid=$(main_pid)
mark
if apt install -y --reinstall "$deb" >"$WORK/apt.log" 2>&1; then
    pass "apt install --reinstall (an upgrade's maintainer scripts)"
else
    fail "apt install --reinstall"
    tail -20 "$WORK/apt.log"
fi
started "restarted by postinst"
check "upgrade: a new process ($pid before, $(main_pid) now)" [ "$(main_pid)" != "$pid" ]
check "upgrade: the new start found the pins and swapped its programs in" \
    wait_journal 'an earlier --persist run left its programs attached' 1
sleep 1
touch "$WORK/hammer.stop"
wait "$hammer"
read -r sent refused <"$WORK/hammer.out"
check "upgrade: the hammer had 0 of its datagrams let out ($sent sent, $refused refused)" \
    [ "$sent" = 0 -a "$refused" -gt 100 ]
check "witness: not one byte to 127.0.0.77" [ "$(bytes_in)" = "$BYTES" ]
check "--persist: the pins are there" [ -e /sys/fs/bpf/ebpfshield-bcc/connect4 ]
check "the timer left its stamp (Persistent=)" [ -e /var/lib/systemd/timers/stamp-ebpfshield-feeds.timer ]

# --- purge, the guard enabled and running under --persist -----------------------------
rm -f "$FEEDS/local-test.txt" "$FEEDS/local.txt" "$ENVF" /etc/ebpfshield/feeds.list
rmdir /etc/ebpfshield
if apt purge -y ebpfshield-bcc >"$WORK/purge.log" 2>&1; then
    pass "apt purge ebpfshield-bcc"
else
    fail "apt purge ebpfshield-bcc"
    tail -20 "$WORK/purge.log"
fi
check "purge: the service stopped" not pgrep -x ebpfshield-bcc
nothing_attached "after apt purge (prerm: systemctl stop, then --unload)"
check "purge: no pin left" [ ! -e /sys/fs/bpf/ebpfshield-bcc ]
check "purge: 127.0.0.77 reachable again" connect_ok 127.0.0.77 8080
check "witness: those bytes arrived" [ "$(bytes_in)" = "$BYTES" ]
check "purge: no timer stamp left" [ ! -e /var/lib/systemd/timers/stamp-ebpfshield-feeds.timer ]
after=$(snapshot)
check "purge: the files as found" [ "$before" = "$after" ] ||
    diff <(echo "$before") <(echo "$after") | head -20
check "purge: no run directory left" [ ! -e /run/ebpfshield-bcc ]
units=$(systemctl list-unit-files --no-legend --no-pager 'ebpfshield-bcc*' 'ebpfshield-feeds*' 2>&1)
check "purge: systemd knows no unit of the package" [ -z "$units" ] || echo "  $units"
finish
