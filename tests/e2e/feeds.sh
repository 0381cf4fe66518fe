#!/usr/bin/env bash
# Feeds end to end, against real listeners that count every connection and byte: SIGHUP
# reloads add and remove feeds while a "hammer" connects to a listed address in a loop
# (the kernel's tries are synced new-first, so not one connect may get through); a reload
# that fails (a feed others could write, a missing allow-list) keeps the old set; the
# allow-list wins over a feed, for TCP connect and UDP sendto; the feed formats (DROP, Tor
# exit list, abuse.ch CSV, IPv6, a root-owned symlink) each block what they list, IPv4-
# mapped IPv6 too; entries wider than a /8 are skipped and block nothing; feeds that
# another user could change stop the tool before it compiles anything. Every hit must say
# which feed file lists it.
# The guard's programs hang on the root cgroup: they see the connects of every network
# namespace. So no feed here lists an address the host may use (127.0.0.1, real networks):
# only loopback addresses of this scenario's own, documentation and reserved ranges.
# Needs root, an isolated network (a netns or the test VM) and EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
umask 022
PORT=9200
B=$EBPFSHIELD_BIN
RELOADS=${FEEDS_RELOADS:-21} # under the hammer
BIG=${FEEDS_BIG:-1000000}    # CIDRs of the large reload

ip link set lo up 2>/dev/null
sysctl -qw net.ipv6.conf.lo.disable_ipv6=0 2>/dev/null
ip -6 addr add 2001:db8::5/128 dev lo nodad 2>/dev/null

# The witness: every endpoint's accepted connections (datagrams for UDP) and bytes, as
# "CONNS BYTES" in $WORK/count/<endpoint with : as _>, rewritten after each event.
cat >"$WORK/listener.py" <<'EOF'
import os, selectors, signal, socket, sys
signal.alarm(3600)
out_dir, specs = sys.argv[1], sys.argv[2:]
sel = selectors.DefaultSelector()
counts = {}
def record(name):
    tmp = os.path.join(out_dir, "." + name)
    with open(tmp, "w") as f:
        f.write("%d %d\n" % tuple(counts[name]))
    os.replace(tmp, os.path.join(out_dir, name))
for spec in specs:
    proto, rest = spec.split(":", 1)
    addr, port = rest.rsplit(":", 1)
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    if kind == socket.SOCK_STREAM:
        s.listen(512)
    s.setblocking(False)
    name = spec.replace(":", "_")
    counts[name] = [0, 0]
    record(name)
    sel.register(s, selectors.EVENT_READ, ("listen" if proto == "tcp" else "udp", name))
open(os.path.join(out_dir, "ready"), "w").close()
while True:
    for key, _ in sel.select():
        s, (kind, name) = key.fileobj, key.data
        if kind == "listen":
            try:
                conn, _ = s.accept()
            except OSError:
                continue
            conn.setblocking(False)
            counts[name][0] += 1
            record(name)
            sel.register(conn, selectors.EVENT_READ, ("conn", name))
            continue
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if kind == "conn" and not data:
            sel.unregister(s)
            s.close()
            continue
        if kind == "udp":
            counts[name][0] += 1
        counts[name][1] += len(data)
        record(name)
EOF

# The hammer: connects to ADDR:PORT and sends in a loop until STOP exists, keeping
# "REFUSED CONNECTED OTHER [errnos]" in OUT (REFUSED: EPERM). A connect let through the
# connect hook in a gap of the tries but dropped at egress after it shows as a timeout.
cat >"$WORK/hammer.py" <<'EOF'
import errno, os, signal, socket, sys, time
signal.alarm(1800)
addr, port, stop, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
pause = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
refused = connected = other = 0
errs = set()
def record():
    with open(out + ".tmp", "w") as f:
        f.write("%d %d %d %s\n" % (refused, connected, other, sorted(map(str, errs))))
    os.replace(out + ".tmp", out)
while not os.path.exists(stop):
    for _ in range(100):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)  # a SYN dropped at egress: counted as other, without a 2-minute wait
        try:
            s.connect((addr, port))
            s.sendall(b"HAMMER")
            connected += 1
        except socket.timeout:
            other += 1
            errs.add("timeout")
        except OSError as e:
            if e.errno == errno.EPERM:
                refused += 1
            else:
                other += 1
                errs.add(e.errno)
        finally:
            s.close()
        if pause:
            time.sleep(pause)
    record()
record()
EOF

mkdir "$WORK/count"
ENDPOINTS=()
for a in 127.0.0.1 127.0.0.5 127.0.0.6 127.0.0.10 127.0.0.11 127.0.0.12 127.0.0.13 \
    127.0.0.14 127.0.0.23 127.0.0.24 2001:db8::5 ::1; do
    ENDPOINTS+=("tcp:$a:$PORT")
done
ENDPOINTS+=(udp:127.0.0.23:9 udp:127.0.0.24:9)
python3 "$WORK/listener.py" "$WORK/count" "${ENDPOINTS[@]}" 2>"$WORK/listener.err" &
EXTRA_PIDS=$!
for _ in $(seq 100); do [ -e "$WORK/count/ready" ] && break; sleep 0.1; done
check "listeners on ${#ENDPOINTS[@]} endpoints (IPv6 2001:db8::5 and ::1 on lo too)" \
    [ -e "$WORK/count/ready" ] || sed 's/^/  listener: /' "$WORK/listener.err"

# seen ENDPOINT: "CONNS BYTES" that reached it.
seen() { cat "$WORK/count/${1//:/_}" 2>/dev/null; }
# expect_seen ENDPOINT "CONNS BYTES" DESCRIPTION: waits (5 s at most) for the exact counts.
expect_seen() {
    for _ in $(seq 50); do [ "$(seen "$1")" = "$2" ] && break; sleep 0.1; done
    check "$3: $1 saw $2 (connections bytes), got $(seen "$1")" [ "$(seen "$1")" = "$2" ]
}

# re TEXT: TEXT as an ERE matching itself.
# shellcheck disable=SC2001,SC2016 # a bracket expression, not a variable
re() { sed 's/[][\.*^$()+?{}|]/\\&/g' <<<"$1"; }

# probe NAME MODE ADDR [PORT]: one victim.py (7 bytes after a TCP connect, or a UDP
# sendto); its pid in VPID, what it said ("sent" or "error ERRNO") in VOUT.
probe() {
    python3 "$here/victim.py" "$2" "$3" "${4:-$PORT}" >"$WORK/$1.probe" 2>&1 &
    VPID=$!
    wait "$VPID"
    VOUT=$(cat "$WORK/$1.probe")
}

# refused NAME MODE ADDR PORT SHOWN_IP FEED: refused with EPERM, the stdout line and the
# stderr line that names FEED, once each.
refused() {
    probe "$1" "$2" "$3" "${4:-$PORT}"
    check "$1: $2 to $3 refused with EPERM (victim says '$VOUT')" [ "$VOUT" = "error 1" ]
    expect_count "$OUT" "^Client:python3 \\(pid:$VPID\\) was denied by eBPFShield \\(ip-blacklist:$(re "$5")\\) \$" \
        1 "$1: denied line for $5"
    expect_count "$ERR" "^ebpfshield-bcc: python3 \\(pid $VPID\\) connected to $(re "$5"), listed in $(re "$6")\$" \
        1 "$1: hit line names $6"
}

# let_through NAME MODE ADDR PORT: the victim's bytes go out, and no line is about it.
let_through() {
    probe "$1" "$2" "$3" "${4:-$PORT}"
    check "$1: $2 to $3 lets the bytes through (victim says '$VOUT')" [ "$VOUT" = sent ]
    expect_count "$OUT" "\\(pid:$VPID\\)" 0 "$1: no line for the allowed victim"
}

# hup_counts: the summaries and failures so far, before a SIGHUP.
hup_counts() {
    HUP_SUMMARIES=$(grep -c '^feeds: ' "$ERR")
    HUP_FAILURES=$(grep -c 'reload failed' "$ERR")
}

# hup_wait [SECONDS]: waits (30 s at most) for the outcome of the SIGHUP sent after
# hup_counts: RELOAD=ok with the new summary line in SUMMARY (printed once the tries are
# synced), or RELOAD=failed with the warning in FAILURE.
hup_wait() {
    local s0=$HUP_SUMMARIES f0=$HUP_FAILURES t0=$SECONDS
    RELOAD=none SUMMARY='' FAILURE=''
    while [ $((SECONDS - t0)) -lt "${1:-30}" ]; do
        if [ "$(grep -c 'reload failed' "$ERR")" -gt "$f0" ]; then
            RELOAD=failed FAILURE=$(grep 'reload failed' "$ERR" | tail -1)
            return
        fi
        if [ "$(grep -c '^feeds: ' "$ERR")" -gt "$s0" ]; then
            sleep 0.2
            if [ "$(grep -c 'reload failed' "$ERR")" -gt "$f0" ]; then
                RELOAD=failed FAILURE=$(grep 'reload failed' "$ERR" | tail -1)
            else
                RELOAD=ok SUMMARY=$(grep '^feeds: ' "$ERR" | tail -1)
            fi
            return
        fi
        sleep 0.05
    done
}

# hup: SIGHUP and its outcome.
hup() {
    hup_counts
    kill -HUP "$TOOL_PID"
    hup_wait
}

# summary FILES V4 V6 ALLOWED CIDRS4 CIDRS6: the summary line those counts make.
summary() {
    echo "feeds: $1 file(s), $2 IPv4 and $3 IPv6 entries, $4 allowed; $5 IPv4 and $6 IPv6 CIDRs to check"
}

same() { [ "$1" = "$2" ]; }
failed_with() { [ "$RELOAD" = failed ] && grep -qxE -- "$1" <<<"$FAILURE"; }

# reloaded DESCRIPTION FILES V4 V6 ALLOWED CIDRS4 CIDRS6: the last hup reloaded, and its
# summary says these counts.
reloaded() {
    local what=$1
    shift
    check "$what ($RELOAD: $SUMMARY$FAILURE)" same "$RELOAD: $SUMMARY" "ok: $(summary "$@")"
}

# reload_failed DESCRIPTION REGEX: the last hup failed with a warning matching the ERE.
reload_failed() {
    check "$1 ($RELOAD: $FAILURE$SUMMARY)" failed_with "$2"
}

# put FILE LINES...: writes FILE whole at once (a dot-file, then renamed over it).
put() {
    local f=$1
    shift
    printf '%s\n' "$@" >"$(dirname "$f")/.$(basename "$f").new"
    mv "$(dirname "$f")/.$(basename "$f").new" "$f"
}

alive() { kill -0 "$TOOL_PID" 2>/dev/null && grep -qF "$(basename "$B")" "/proc/$TOOL_PID/cmdline"; }

# --- Feeds another user could change: the tool stops before it compiles anything.
# refused_start NAME REGEX ARGS...: exit 1 within 10 s, REGEX on stderr, no attach mode.
refused_start() {
    local name=$1 want=$2 t0=$SECONDS rc
    shift 2
    timeout 120 "$B" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    rc=$?
    check "$name: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
    check "$name: says /$want/" grep -qE -- "$want" "$WORK/$name.err" ||
        sed 's/^/  stderr: /' "$WORK/$name.err" | head -5
    check "$name: refused before compiling ($((SECONDS - t0)) s, no attach mode)" \
        sh -c "[ $((SECONDS - t0)) -lt 10 ] && ! grep -q '^attach mode' '$WORK/$name.err'"
}
mkdir -m 777 "$WORK/open"
chmod 777 "$WORK/open" # whatever the umask
put "$WORK/open/ok.txt" 127.0.0.20
refused_start open_dir \
    "^ebpfshield-bcc: refusing feeds $(re "$WORK/open"): $(re "$WORK/open") is writable by group or others \\(mode 777\\)\$" \
    --feeds "$WORK/open" --block deny
mkdir "$WORK/theirs" "$WORK/linked"
put "$WORK/theirs/evil.list" 127.0.0.21
chown 65534:65534 "$WORK/theirs/evil.list"
put "$WORK/linked/ok.txt" 127.0.0.20
ln -s "$WORK/theirs/evil.list" "$WORK/linked/evil.txt"
refused_start symlink_to_nobody \
    "^ebpfshield-bcc: refusing feed $(re "$WORK/linked/evil.txt"): $(re "$WORK/theirs/evil.list") belongs to uid 65534\$" \
    --feeds "$WORK/linked" --block deny

# --- Reloads: add, under the hammer, remove, fail.
F=$WORK/feeds
mkdir "$F"
put "$F/a.txt" '# the first feed' 127.0.0.5
start_tool reload --feeds "$F" --block deny && {
    check "reload: a.txt loaded" grep -qxF "loaded 1 entries (1 v4, 0 v6) from $F/a.txt, 0 lines skipped" "$ERR"
    check "reload: start summary" grep -qxF "$(summary 1 1 0 0 1 0)" "$ERR"
    let_through reload-before-b tcp 127.0.0.6
    expect_seen tcp:127.0.0.6:$PORT "1 7" "reload: 127.0.0.6 not listed yet"

    python3 "$WORK/hammer.py" 127.0.0.5 "$PORT" "$WORK/hammer.stop" "$WORK/hammer.count" \
        "${FEEDS_HAMMER_PAUSE:-0}" 2>"$WORK/hammer.err" &
    HAMMER=$!
    EXTRA_PIDS="$EXTRA_PIDS $HAMMER"
    for _ in $(seq 100); do [ -s "$WORK/hammer.count" ] && break; sleep 0.1; done
    read -r h_refused h_connected _ <"$WORK/hammer.count"
    check "reload: the hammer is refused before the first reload ($h_refused refused, $h_connected connected)" \
        [ "${h_refused:-0}" -gt 0 ]

    put "$F/b.txt" 127.0.0.6
    hup
    reloaded "reload: adding b.txt reloads" 2 2 0 0 2 0
    check "reload: b.txt loaded" grep -qxF "loaded 1 entries (1 v4, 0 v6) from $F/b.txt, 0 lines skipped" "$ERR"
    refused reload-added tcp 127.0.0.6 "$PORT" 127.0.0.6 b.txt
    expect_seen tcp:127.0.0.6:$PORT "1 7" "reload: nothing more reached 127.0.0.6"
    check "reload: the same tool runs on (pid $TOOL_PID)" alive

    # Each variant moves 127.0.0.5 to another CIDR of the tries (127.0.0.5/32 of a.txt,
    # 127.0.0.4/30 of b.txt, 127.0.0.4/31 of b.txt): the CIDR that holds the hammer's
    # address is put in and another taken out on every reload. 512 other CIDRs, new ones
    # each time, make each sync take a while: a gap in it would be milliseconds long.
    variants=(127.0.0.6 127.0.0.4-127.0.0.12 127.0.0.4/31)
    cidrs=(514 515 513) # .5/32 .6/32; .4/30 .8/30 .12/32; .4/31; and the 512
    bad=0
    for i in $(seq "$RELOADS"); do
        v=$((i % 3))
        # Through a file: the test VM has no /dev/fd for a process substitution.
        for k in 0 1 2 3; do seq -f "240.0.$((4 * v + k)).%g" 0 2 254; done >"$WORK/more.txt"
        mapfile -t more <"$WORK/more.txt"
        put "$F/b.txt" "# variant $v of reload $i" "${variants[$v]}" "${more[@]}"
        hup
        if [ "$RELOAD" != ok ] || [ "$SUMMARY" != "$(summary 2 514 0 0 "${cidrs[$v]}" 0)" ]; then
            bad=$((bad + 1))
            echo "  reload $i (b.txt ${variants[$v]}): $RELOAD: $SUMMARY$FAILURE"
        fi
    done
    check "reload: $RELOADS reloads under the hammer, each with its summary ($bad wrong)" [ "$bad" -eq 0 ]
    touch "$WORK/hammer.stop"
    wait "$HAMMER"
    read -r h_refused h_connected h_other h_errnos <"$WORK/hammer.count"
    check "reload: the hammer was refused all along ($h_refused refused)" [ "$h_refused" -gt 0 ]
    check "reload: not one hammer connect got through ($h_connected)" [ "$h_connected" -eq 0 ]
    check "reload: no other error for the hammer ($h_other, errnos $h_errnos)" [ "$h_other" -eq 0 ]
    expect_seen tcp:127.0.0.5:$PORT "0 0" "reload: nothing was unprotected meanwhile"
    check "reload: no reload failed" not grep -q 'reload failed' "$ERR"
    check "reload: the same tool runs on after $RELOADS reloads" alive
    check "reload: the hammer's hits name a.txt" \
        grep -q "^ebpfshield-bcc: python3 (pid $HAMMER) connected to 127\\.0\\.0\\.5, listed in a\\.txt\$" "$ERR"
    check "reload: ... and b.txt while a range of b.txt covers 127.0.0.5" \
        grep -q "^ebpfshield-bcc: python3 (pid $HAMMER) connected to 127\\.0\\.0\\.5, listed in b\\.txt\$" "$ERR"

    # Removed: a.txt goes, 127.0.0.5 is let through; b.txt's 127.0.0.6 stays refused.
    rm "$F/a.txt"
    put "$F/b.txt" 127.0.0.6
    hup
    reloaded "reload: removing a.txt reloads" 1 1 0 0 1 0
    let_through reload-removed tcp 127.0.0.5
    expect_seen tcp:127.0.0.5:$PORT "1 7" "reload: 127.0.0.5 reached once a.txt is gone"
    refused reload-kept tcp 127.0.0.6 "$PORT" 127.0.0.6 b.txt

    # Failed: a.txt back and b.txt writable by others: the whole new set is refused, the
    # old one (b.txt's 127.0.0.6 alone) stays in the kernel.
    put "$F/a.txt" 127.0.0.5
    chmod 666 "$F/b.txt"
    hup
    reload_failed "reload: refused with b.txt writable by others" \
        "ebpfshield-bcc: reload failed, the feeds in use stay: refusing feed $(re "$F/b.txt"): $(re "$F/b.txt") is writable by group or others \\(mode 666\\)"
    let_through reload-failed-a tcp 127.0.0.5
    expect_seen tcp:127.0.0.5:$PORT "2 14" "reload: the failed reload added nothing"
    refused reload-failed-b tcp 127.0.0.6 "$PORT" 127.0.0.6 b.txt
    check "reload: the same tool runs on after the failed reload" alive
    chmod 644 "$F/b.txt"
    hup
    reloaded "reload: works again once b.txt is 0644" 2 2 0 0 2 0
    refused reload-again-a tcp 127.0.0.5 "$PORT" 127.0.0.5 a.txt
    refused reload-again-b tcp 127.0.0.6 "$PORT" 127.0.0.6 b.txt
    expect_seen tcp:127.0.0.5:$PORT "2 14" "reload: nothing more reached 127.0.0.5"
    expect_seen tcp:127.0.0.6:$PORT "1 7" "reload: nothing more reached 127.0.0.6"
    expect_only "$OUT" '^Client:python3 \(pid:[0-9]+\) was denied by eBPFShield \(ip-blacklist:127\.0\.0\.[56]\) $'
    stop_tool reload
}

# --- A large reload ($BIG CIDRs) and back, under the hammer: the reload runs in a thread
# while the loop goes on reading events (a hit made during the reload has its line before
# the reload's summary), not one hammer connect gets through, no event is lost. The
# addresses: 241.0.0.0 + 4i (reserved, never adjacent: one /32 each).
FB=$WORK/feeds-big
mkdir "$FB"
put "$FB/a.txt" 127.0.0.5 127.0.0.6
start_tool bigreload --feeds "$FB" --block deny && {
    python3 "$WORK/hammer.py" 127.0.0.5 "$PORT" "$WORK/hammer-big.stop" "$WORK/hammer-big.count" \
        0 2>"$WORK/hammer-big.err" &
    HAMMER=$!
    EXTRA_PIDS="$EXTRA_PIDS $HAMMER"
    python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        a = (241 << 24) + 4 * i
        f.write("%d.%d.%d.%d\n" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255))
' "$FB/.big.new" "$BIG"
    mv "$FB/.big.new" "$FB/big.txt"
    hup_counts
    mark=$(wc -l <"$ERR")
    kill -HUP "$TOOL_PID"
    t0=$(date +%s%N)
    sleep 0.1
    refused bigreload-during tcp 127.0.0.6 "$PORT" 127.0.0.6 a.txt
    hup_wait 300
    reloaded "bigreload: to $BIG more CIDRs in $((($(date +%s%N) - t0) / 1000000)) ms (to the summary)" \
        2 $((BIG + 2)) 0 0 $((BIG + 2)) 0
    # The hammer's hits have lines (10 a second) while the reload runs: the loop reads on.
    summary_at=$(grep -n '^feeds: ' "$ERR" | tail -1 | cut -d: -f1)
    during=$(awk -v from="$mark" -v to="$summary_at" -v pid="$HAMMER" \
        'NR > from && NR < to && index($0, "python3 (pid " pid ") connected to 127.0.0.5")' "$ERR" | wc -l)
    check "bigreload: the hammer's hits had lines while the reload ran ($during between the SIGHUP and the summary, 3 at least)" \
        [ "$during" -ge 3 ]
    refused bigreload-listed tcp 241.0.0.8 "$PORT" 241.0.0.8 big.txt
    mv "$FB/big.txt" "$WORK/big.keep"
    hup_counts
    kill -HUP "$TOOL_PID"
    t0=$(date +%s%N)
    hup_wait 300
    reloaded "bigreload: back to 2 CIDRs in $((($(date +%s%N) - t0) / 1000000)) ms" 1 2 0 0 2 0
    touch "$WORK/hammer-big.stop"
    wait "$HAMMER"
    read -r h_refused h_connected h_other h_errnos <"$WORK/hammer-big.count"
    check "bigreload: the hammer was refused all along ($h_refused refused)" [ "$h_refused" -gt 0 ]
    check "bigreload: not one hammer connect got through ($h_connected, other $h_other $h_errnos)" \
        [ "$h_connected" -eq 0 -a "$h_other" -eq 0 ]
    expect_seen tcp:127.0.0.5:$PORT "2 14" "bigreload: nothing more reached 127.0.0.5"
    expect_seen tcp:127.0.0.6:$PORT "1 7" "bigreload: nothing more reached 127.0.0.6"
    # Ctrl-C while the large set loads again: the tool ends without waiting for the
    # reload (the set still loading is dropped; a sync under way would end first).
    hup_counts
    mv "$WORK/big.keep" "$FB/big.txt"
    kill -HUP "$TOOL_PID"
    sleep 0.2
    t0=$(date +%s%N)
    stop_tool bigreload # which fails on any lost event
    took=$((($(date +%s%N) - t0) / 1000000))
    check "bigreload: Ctrl-C during a reload ended the tool in $took ms (at most 10 s), no summary of that set" \
        [ "$took" -le 10000 -a "$(grep -c '^feeds: ' "$ERR")" -eq "$HUP_SUMMARIES" ]
}

# The allow-list and the formats are user space's alone (what the tries hold), the same on
# every kernel; the refusals in kprobe mode, IPv6 and IPv4-mapped included, are guard.sh's
# in the VM. Natively only: it spares the emulated VM two tool starts (about 2 min there).
if [ "${EXPECT_MODE:-}" = kprobe ]; then
    echo "note: allow and formats: run natively only (user space alone)"
else
# --- The allow-list wins over a feed; a reload reads it again.
F2=$WORK/feeds2
ALLOW=$WORK/allow.txt
mkdir "$F2"
put "$F2/c.txt" 127.0.0.16/28
put "$ALLOW" '# let through' 127.0.0.23
start_tool allow --feeds "$F2" --allow "$ALLOW" --block deny && {
    check "allow: allow-list loaded" grep -qxF "loaded 1 entries (1 v4, 0 v6) from $ALLOW, 0 lines skipped" "$ERR"
    # 127.0.0.16/28 less .23: .16/30 .20/31 .22/32 .24/29
    check "allow: start summary" grep -qxF "$(summary 1 1 0 1 4 0)" "$ERR"
    let_through allow-tcp tcp 127.0.0.23
    expect_seen tcp:127.0.0.23:$PORT "1 7" "allow: TCP to the allowed address"
    refused allow-listed-tcp tcp 127.0.0.24 "$PORT" 127.0.0.24 c.txt
    let_through allow-udp udp 127.0.0.23 9
    expect_seen udp:127.0.0.23:9 "1 7" "allow: UDP sendto to the allowed address"
    refused allow-listed-udp udp 127.0.0.24 9 127.0.0.24 c.txt
    expect_seen tcp:127.0.0.24:$PORT "0 0" "allow: nothing reached 127.0.0.24 by TCP"
    expect_seen udp:127.0.0.24:9 "0 0" "allow: nothing reached 127.0.0.24 by UDP"

    # Without its allow-list a set would cut allowed peers off: the reload fails.
    rm "$ALLOW"
    hup
    reload_failed "allow: reload refused without the allow-list" \
        "ebpfshield-bcc: reload failed, the feeds in use stay: allow-list $(re "$ALLOW"): .*No such file or directory"
    let_through allow-kept tcp 127.0.0.23
    expect_seen tcp:127.0.0.23:$PORT "2 14" "allow: still allowed after the failed reload"

    put "$ALLOW" '# nothing allowed now'
    hup
    reloaded "allow: an empty allow-list reloads" 1 1 0 0 1 0
    refused allow-emptied-tcp tcp 127.0.0.23 "$PORT" 127.0.0.23 c.txt
    refused allow-emptied-udp udp 127.0.0.23 9 127.0.0.23 c.txt
    expect_seen tcp:127.0.0.23:$PORT "2 14" "allow: nothing more reached 127.0.0.23 by TCP"
    expect_seen udp:127.0.0.23:9 "1 7" "allow: nothing more reached 127.0.0.23 by UDP"
    expect_only "$OUT" '^Client:python3 \(pid:[0-9]+\) was denied by eBPFShield \(ip-blacklist:127\.0\.0\.2[34]\) $'
    stop_tool allow
}

# --- Formats, IPv6, IPv4-mapped, a root-owned symlink, and entries too wide to use.
F3=$WORK/feeds3
mkdir "$F3" "$WORK/real"
put "$F3/drop.txt" '; Spamhaus DROP List 2024/05/01 - (c) 2024 The Spamhaus Project SLU' \
    '; Last-Modified: Wed, 1 May 2024 00:00:00 GMT' '127.0.0.10/32 ; SBL1' '999.0.0.1/32 ; SBL2'
put "$F3/tor.txt" 'ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E' \
    'Published 2024-05-01 10:00:00' 'LastStatus 2024-05-01 11:00:00' \
    'ExitAddress 127.0.0.11 2024-05-01 11:02:03'
put "$F3/feodo.csv" \
    '################################################################' \
    '# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)' \
    '# "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"' \
    '"2024-05-01 10:00:00","127.0.0.12","443","online","2024-05-01","Emotet"' \
    '# Number of entries: 1'
put "$F3/v6.txt" '# IPv6' 2001:db8::5 2001:db8:1::/48
put "$F3/wide.txt" 0.0.0.0/0 127.0.0.13 ::/0 240.0.0.0/8 242.0.0.0/7
put "$WORK/real/target.list" 127.0.0.14
ln -s "$WORK/real/target.list" "$F3/linked.txt"
start_tool formats --feeds "$F3" --block deny && {
    for want in "1 entries (1 v4, 0 v6) from $F3/drop.txt, 1 lines skipped" \
        "1 entries (1 v4, 0 v6) from $F3/feodo.csv, 0 lines skipped" \
        "1 entries (1 v4, 0 v6) from $F3/linked.txt, 0 lines skipped" \
        "1 entries (1 v4, 0 v6) from $F3/tor.txt, 0 lines skipped" \
        "2 entries (0 v4, 2 v6) from $F3/v6.txt, 0 lines skipped" \
        "2 entries (2 v4, 0 v6) from $F3/wide.txt, 3 lines skipped"; do
        check "formats: loaded $want" grep -qxF "loaded $want" "$ERR"
    done
    check "formats: summary" grep -qxF "$(summary 6 6 2 0 6 2)" "$ERR"
    check "formats: the bad DROP line is named" grep -qxF \
        "ebpfshield-bcc: $F3/drop.txt:4: not an IP address, CIDR or range: \"999.0.0.1/32\"" "$ERR"
    for w in '1:"0.0.0.0/0"' '3:"::/0"' '5:"242.0.0.0/7"'; do
        check "formats: wide entry wide.txt:${w%%:*} skipped with a warning" grep -qxF \
            "ebpfshield-bcc: $F3/wide.txt:${w%%:*}: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): ${w#*:}" "$ERR"
    done
    refused formats-drop tcp 127.0.0.10 "$PORT" 127.0.0.10 drop.txt
    refused formats-tor tcp 127.0.0.11 "$PORT" 127.0.0.11 tor.txt
    refused formats-csv tcp 127.0.0.12 "$PORT" 127.0.0.12 feodo.csv
    refused formats-wide-file tcp 127.0.0.13 "$PORT" 127.0.0.13 wide.txt
    refused formats-symlink tcp 127.0.0.14 "$PORT" 127.0.0.14 linked.txt
    refused formats-v6 tcp 2001:db8::5 "$PORT" 2001:db8::5 v6.txt
    refused formats-v6-udp udp 2001:db8::5 9 2001:db8::5 v6.txt
    refused formats-mapped tcp ::ffff:127.0.0.10 "$PORT" 127.0.0.10 drop.txt
    let_through formats-wide-not-used tcp 127.0.0.1
    expect_seen tcp:127.0.0.1:$PORT "1 7" "formats: 0.0.0.0/0 was not used: 127.0.0.1"
    let_through formats-v6-clean tcp ::1
    expect_seen tcp:::1:$PORT "1 7" "formats: ::/0 was not used: ::1"
    for a in 127.0.0.10 127.0.0.11 127.0.0.12 127.0.0.13 127.0.0.14 2001:db8::5; do
        expect_seen "tcp:$a:$PORT" "0 0" "formats: nothing reached $a"
    done
    expect_only "$OUT" '^Client:python3 \(pid:[0-9]+\) was denied by eBPFShield \(ip-blacklist:[0-9a-f.:]+\) $'
    stop_tool formats
}
fi

# --- Nobody reads stderr while hits flood it (one line each): the loop must not block,
# so a reload still takes effect and SIGINT still ends the tool.
F4=$WORK/stall-feeds
mkdir "$F4"
put "$F4/a.txt" 127.0.0.5
mkfifo "$WORK/stall-err"
exec 7<>"$WORK/stall-err" # a reader that never reads
OUT=$WORK/stall.out ERR=$WORK/stall-err
"$B" --feeds "$F4" --block deny >"$OUT" 2>"$WORK/stall-err" &
TOOL_PID=$!
for _ in $(seq "${TOOL_START_TIMEOUT:-300}"); do
    grep -qx 'The program is running. Press Ctrl-C to abort.' "$OUT" 2>/dev/null && break
    sleep 1
done
check "stall: running with a stderr nobody reads" grep -qx 'The program is running. Press Ctrl-C to abort.' "$OUT"
rm -f "$WORK/hammer.stop" "$WORK/stall.count"
python3 "$WORK/hammer.py" 127.0.0.5 "$PORT" "$WORK/hammer.stop" "$WORK/stall.count" 2>/dev/null &
HAMMER=$!
EXTRA_PIDS="$EXTRA_PIDS $HAMMER"
sleep 5 # some 10^4 hits: their stderr lines are far beyond the pipe's 64 KiB
put "$F4/b.txt" 127.0.0.6
kill -HUP "$TOOL_PID"
for _ in $(seq 50); do
    probe stall-reload tcp 127.0.0.6
    [ "$VOUT" = "error 1" ] && break
    sleep 0.2
done
check "stall: the reload took effect (127.0.0.6: '$VOUT')" [ "$VOUT" = "error 1" ]
touch "$WORK/hammer.stop"
wait "$HAMMER"
read -r s_refused s_connected _ <"$WORK/stall.count"
check "stall: the hammer was refused ($s_refused) and never connected ($s_connected)" \
    sh -c "[ ${s_refused:-0} -gt 1000 ] && [ ${s_connected:-1} -eq 0 ]"
t0=$SECONDS
kill -INT "$TOOL_PID"
for _ in $(seq 100); do kill -0 "$TOOL_PID" 2>/dev/null || break; sleep 0.1; done
check "stall: SIGINT ended the tool ($((SECONDS - t0)) s)" not kill -0 "$TOOL_PID"
kill -KILL "$TOOL_PID" 2>/dev/null
wait "$TOOL_PID"
TOOL_PID=
exec 7>&-
finish
