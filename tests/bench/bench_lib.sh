# shellcheck shell=bash
# Helpers of the benchmark scripts (sourced): CPU counted from /proc, files waited on.

# cpu_of PID...: the processes' user + system clock ticks so far.
cpu_of() {
    local pid total=0
    for pid in "$@"; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
# busy: the machine's busy clock ticks so far (all but idle and iowait).
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# settled FILE: waits until FILE stops growing (1 s without a new line).
settled() {
    local prev=-1
    while [ "$(wc -l <"$1")" -ne "$prev" ]; do
        prev=$(wc -l <"$1")
        sleep 1
    done
}
# ready FILE REGEX PID ERRFILE: until FILE has a line matching REGEX (60 s) while PID
# lives; else ERRFILE is shown and the script exits 1.
ready() {
    for _ in $(seq 600); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.1
    done
    cat "$4" >&2
    echo "$0: the observer did not get ready" >&2
    exit 1
}
# tool_losses ERRFILE: what ebpfshield-bcc said at exit it lost and left unwritten, as
# "N lost, M not written": lost is the kernel's count of DNS packets it could not hand
# over (counted where perf_event_output failed), else perf's count of lost records (which
# a ring reports only at its next write).
tool_losses() {
    local lost unwritten
    lost=$(sed -nE 's/.* ([0-9]+) DNS packet\(s\) dropped in the kernel: .*, in all$/\1/p' "$1" | tail -1)
    [ -n "$lost" ] || lost=$(sed -nE 's/.* ([0-9]+) event\(s\) lost in all.*/\1/p' "$1" | tail -1)
    unwritten=$(sed -nE 's/.*: ([0-9]+) line\(s\) not written.*/\1/p' "$1" | tail -1)
    echo "${lost:-0} lost, ${unwritten:-0} not written"
}
# need COMMAND...: exits 2, naming the first one missing.
need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || {
            echo "$0: $tool is missing (scripts/setup.sh --test)" >&2
            exit 2
        }
    done
}
# mismatch WHAT WHY: a MISMATCH line, counted in MISMATCHES (the script's exit status).
mismatch() {
    echo "MISMATCH ($1): $2"
    MISMATCHES=$((MISMATCHES + 1))
}

# osn_unpack WORK: Debian's opensnitch package downloaded with apt-get download and
# unpacked into WORK/osn, not installed (installing starts it for the whole host); its
# version in OSN_VERSION. Exits 1 if the download fails, 2 if the daemon cannot run.
osn_unpack() {
    need apt-get dpkg-deb
    (cd "$1" && apt-get download -q opensnitch >/dev/null 2>"$1/apt.err") || {
        cat "$1/apt.err" >&2
        exit 1
    }
    dpkg-deb -x "$1"/opensnitch_*.deb "$1/osn"
    # shellcheck disable=SC2034 # (the caller's)
    OSN_VERSION=$(dpkg-deb -f "$1"/opensnitch_*.deb Version)
    "$1/osn/usr/bin/opensnitchd" -version >/dev/null 2>&1 || {
        echo "$0: opensnitchd does not run (libnetfilter-queue1: scripts/setup.sh --test)" >&2
        exit 2
    }
}
# osn_configure WORK LISTDIR: its config (default action allow, no UI, info log in
# WORK/osn.log), one rule denying the IPs of the lists.ips directory LISTDIR, and
# WORK/osn-run.sh, which runs the daemon with them. opensnitchd 1.5 reads /etc/opensnitchd:
# the script mounts an overlay of /etc that shows it ours there, so run it in a mount
# namespace of its own (unshare -m --propagation private): nothing of the host's /etc
# changes. It queues every new connection to user space (NFQUEUE) for a verdict and finds
# the process by reading /proc (Debian ships no opensnitch.o for its eBPF process monitor).
osn_configure() {
    mkdir -p "$1/osn-etc/rules"
    python3 - "$1" "$2" <<'PY'
import json, sys
work, lists = sys.argv[1], sys.argv[2]
config = json.load(open(work + "/osn/etc/opensnitchd/default-config.json"))
config["Server"] = {"Address": "unix://" + work + "/osui.sock", "LogFile": work + "/osn.log"}
config["DefaultAction"] = "allow"
config["LogLevel"] = 1  # info: it says how many IPs its lists hold
json.dump(config, open(work + "/osn-etc/default-config.json", "w"), indent=1)
rule = {"created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
        "name": "000-deny-feed", "enabled": True, "precedence": True, "action": "deny",
        "duration": "always",
        "operator": {"type": "lists", "operand": "lists.ips", "sensitive": False,
                     "data": lists, "list": []}}
json.dump(rule, open(work + "/osn-etc/rules/000-deny-feed.json", "w"), indent=1)
PY
    cp "$1/osn/etc/opensnitchd/system-fw.json" "$1/osn-etc/"
    cat >"$1/osn-run.sh" <<EOF
set -e
mkdir -p "$1/etc-upper/opensnitchd" "$1/etc-work"
cp -r "$1/osn-etc/." "$1/etc-upper/opensnitchd/"
mount -t overlay overlay -o lowerdir=/etc,upperdir="$1/etc-upper",workdir="$1/etc-work" /etc
exec "$1/osn/usr/bin/opensnitchd" -rules-path /etc/opensnitchd/rules
EOF
}
# osn_loaded WORK: how many IPs the daemon last said its lists hold (empty: none said).
osn_loaded() {
    cat "$1/osn.log" "$1/osn.out" 2>/dev/null | grep -ao '[0-9]* IPs loaded' | tail -1 | cut -d' ' -f1 || true
}
# osn_queue_rules NETNS: how many NFQUEUE rules NETNS has (OpenSnitch's).
osn_queue_rules() { ip netns exec "$1" nft list ruleset 2>/dev/null | grep -c ' queue ' || true; }
# osn_start NETNS WORK: the daemon of osn_configure started in NETNS, its pid in OSN, until
# it has said how many IPs its lists hold and its NFQUEUE rules are in place (60 s); else
# its log's tail is shown and the script exits 1.
osn_start() {
    : >"$2/osn.log"
    ip netns exec "$1" unshare -m --propagation private bash "$2/osn-run.sh" >"$2/osn.out" 2>&1 &
    OSN=$!
    for _ in $(seq 600); do
        [ -n "$(osn_loaded "$2")" ] && [ "$(osn_queue_rules "$1")" -gt 0 ] && return 0
        kill -0 "$OSN" 2>/dev/null || break
        sleep 0.1
    done
    tail -5 "$2/osn.log" "$2/osn.out" >&2
    echo "$0: opensnitchd did not start" >&2
    exit 1
}
# osn_stop NETNS: SIGTERM to the daemon; its NFQUEUE rules must go with it (a MISMATCH if
# not, and NETNS's ruleset flushed, so that the next side starts from a clean namespace).
osn_stop() {
    kill -TERM "$OSN"
    wait "$OSN" || true
    OSN=""
    [ "$(osn_queue_rules "$1")" = 0 ] || {
        mismatch opensnitch "its NFQUEUE rules stayed after it exited"
        ip netns exec "$1" nft flush ruleset
    }
}
