#!/usr/bin/env bash
# Benchmark (figures, not a test): loading and updating a blocklist of ENTRIES addresses,
# ours against nftables and ipset, side by side in one run, rounds alternating (each
# round begins one side later):
#  - ours: ebpfshield-bcc --block deny, started with a one-address feed; the list's file
#    moved into its feeds directory and SIGHUP, until its summary line;
#  - nftables: `nft -f` of an inet table whose output chain drops `ip daddr @feed`, an
#    interval set holding the list; the update is one `nft -f` transaction;
#  - ipset: `ipset restore` of a hash:net set (maxelem 2,000,000) that an iptables OUTPUT
#    rule drops; the update is one `ipset restore` of its del and add lines;
#  - OpenSnitch: Debian's opensnitchd (bench_lib.sh osn_configure: default action allow, a
#    deny rule on a lists.ips directory), started with a one-address list; the list's file
#    moved into the directory, which it polls every 4 s: timed until a datagram to a
#    listed address is dropped (it drops in its NFQUEUE verdict: the sender sees no error),
#    the update likewise until an added address is; both mostly its poll's wait.
# The list: ENTRIES IPv4 /32s, every other address from 1.0.0.0 (never adjacent: no side
# merges them), or with FAMILY=6 IPv6 /128s from 2001:db8:1::; the update replaces 1 % of
# them (ENTRIES / 100 removed, as many added from 60.0.0.0 or 2001:db8:60::). Figures: load seconds, update seconds (OpenSnitch's: when the first probe
# datagram was sent that did not arrive, nor the two after it; a probe every 10-40 ms
# while they arrive); the kernel's memory for the list (the growth of SUnreclaim + VmallocUsed + Percpu in /proc/meminfo: every side's tables are
# there) and the user-space memory (ours: the running tool's RSS once loaded, what it
# holds, and OpenSnitch's daemon likewise; nft and ipset, whose processes end: the
# command's peak RSS, /usr/bin/time's). Checked every round: during the update a process
# sends a datagram every millisecond (OpenSnitch: every 10 ms) to a listed address that
# stays listed, and a listener there counts the bytes that arrive (a figure, "gap": 0
# for all but OpenSnitch, whose list is empty while it reads the files again); after it,
# one datagram each to an added address (must not arrive), a removed one and an unlisted
# one (both must). Any other disagreement is printed as MISMATCH and the script exits 1.
# With PLOT=FILE.svg the rounds are drawn there (tests/bench/plot.py). nftables, ipset and the
# traffic live in a private network namespace; ours' programs are the host's (attached
# to the root cgroup), so while its rounds run the whole host refuses the list (public
# addresses from 1.0.0.0 and 60.0.0.0, or 2001:db8:: ones). As root; needs nft, ipset, iptables and
# libnetfilter-queue1 (scripts/setup.sh --test) and apt-get's access to Debian's archive.
# An update still running after UPDATE_LIMIT seconds (default 120) is stopped and said
# (nft's is one transaction: nothing of it applied); its figure is then the limit. SIDES
# (default "ours nftables ipset opensnitch") picks sides.
# usage: tests/bench/blocklist_vs_peers.sh EBPFSHIELD_BIN [ROUNDS]   (ENTRIES, UPDATE_LIMIT, SIDES, FAMILY)
set -euo pipefail
[ $# -ge 1 ] || {
    echo "usage: $0 EBPFSHIELD_BIN [ROUNDS]" >&2
    exit 2
}
BIN=$(realpath "$1") ROUNDS=${2:-3}
ENTRIES=${ENTRIES:-1000000} UPDATE_LIMIT=${UPDATE_LIMIT:-120} FAMILY=${FAMILY:-4}
CHANGE=$((ENTRIES / 100))
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/bench_lib.sh
. "$here/bench_lib.sh"
e2e=$(cd "$here/../e2e" && pwd)
case $FAMILY in
4) IPT=iptables OURS_CIDRS="$((ENTRIES + 1)) IPv4 and 0 IPv6" ;;
6) IPT=ip6tables OURS_CIDRS="1 IPv4 and $ENTRIES IPv6" ;;
*)
    echo "$0: FAMILY is 4 or 6, not '$FAMILY'" >&2
    exit 2
    ;;
esac
need nft ipset "$IPT" /usr/bin/time
read -r -a SIDES <<<"${SIDES:-ours nftables ipset opensnitch}"
NS=ebs-blocklist-$$
WORK=$(mktemp -d)
MISMATCHES=0
TOOL="" OSN=""
cleanup() {
    [ -z "$TOOL" ] || kill -INT "$TOOL" 2>/dev/null || true
    [ -z "$OSN" ] || kill -TERM "$OSN" 2>/dev/null || true
    local pid
    for pid in $(jobs -p); do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf -- "$WORK"
}
trap cleanup EXIT
in_ns() { ip netns exec "$NS" "$@"; }
OSN_VERSION=
if [[ " ${SIDES[*]} " == *" opensnitch "* ]]; then
    osn_unpack "$WORK"
    mkdir -p "$WORK/osn-lists"
    osn_configure "$WORK" "$WORK/osn-lists"
fi

ip netns add "$NS"
ip -n "$NS" link set lo up
# KEEP stays listed, GONE is removed and NEW added by the update, CLEAN never listed: all
# local, so that what is let out arrives.
if [ "$FAMILY" = 4 ]; then
    KEEP=1.0.0.0 GONE=1.0.0.2 NEW=60.0.0.0 CLEAN=10.9.9.9 HOST=32
else
    KEEP=2001:db8:1:: GONE=2001:db8:1::2 NEW=2001:db8:60:: CLEAN=2001:db8:99::9 HOST=128
fi
for a in $KEEP $GONE $NEW $CLEAN; do ip -n "$NS" addr add "$a/$HOST" dev lo; done
python3 - "$WORK" "$ENTRIES" "$CHANGE" "$FAMILY" <<'PY'
import ipaddress, sys
work, n, change, family = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if family == "4":
    def text(a):
        return "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)
    first, added = 1 << 24, 60 << 24                           # 1.0.0.0, 60.0.0.0
    kind, match = "ipv4_addr", "ip daddr"
else:
    text = lambda a: str(ipaddress.IPv6Address(a))  # the form OpenSnitch compares
    first = int(ipaddress.IPv6Address("2001:db8:1::"))
    added = int(ipaddress.IPv6Address("2001:db8:60::"))
    kind, match = "ipv6_addr", "ip6 daddr"
listed = [text(first + 2 * i) for i in range(n)]
gone = listed[1:1 + change]                        # GONE first among them
new = [text(added + 2 * i) for i in range(change)]
after = [listed[0]] + listed[1 + change:] + new
def write(name, text):
    with open(f"{work}/{name}", "w") as f:
        f.write(text)
def chunks(addrs):
    return ",\n".join(", ".join(addrs[i:i + 1000]) for i in range(0, len(addrs), 1000))
write("list.txt", "\n".join(listed) + "\n")
write("list.new.txt", "\n".join(after) + "\n")
write("load.nft", f"table inet ebsbench {{\n set feed {{\n  type {kind}\n  flags interval\n"
      f"  elements = {{\n{chunks(listed)}\n  }}\n }}\n chain out {{\n"
      f"  type filter hook output priority 0;\n  {match} @feed drop\n }}\n}}\n")
write("update.nft", f"delete element inet ebsbench feed {{ {chunks(gone)} }}\n"
      f"add element inet ebsbench feed {{ {chunks(new)} }}\n")
write("load.ipset", f"create feed hash:net family {'inet' if family == '4' else 'inet6'} maxelem 2000000\n"
      + "".join(f"add feed {a}\n" for a in listed))
write("update.ipset", "".join(f"del feed {a}\n" for a in gone)
      + "".join(f"add feed {a}\n" for a in new))
PY

kernel_kib() { awk '/^(SUnreclaim|VmallocUsed|Percpu):/ {s += $2} END {print s}' /proc/meminfo; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f", b - a}'; }
# The probes' witnesses: a listener on port 7 of each of the four addresses, counting the
# bytes that arrive there (one per address: a late datagram is never another's).
declare -A PROBED=()
for a in $KEEP $GONE $NEW $CLEAN; do
    ip netns exec "$NS" python3 "$e2e/byte_counter.py" "$WORK/probed.$a" "udp:$a:7" &
    PROBED[$a]=$!
done
for a in $KEEP $GONE $NEW $CLEAN; do
    for _ in $(seq 500); do [ -s "$WORK/probed.$a" ] && break || sleep 0.01; done
    [ -s "$WORK/probed.$a" ] || {
        echo "$0: the probe listener on $a did not start" >&2
        exit 1
    }
done
# sends ADDR: what became of one datagram to ADDR:7 from a fresh socket: "refused" (EPERM),
# "let-out" (it arrived within 2 s) or "dropped" (it did not). Exits the script if the
# probe itself fails.
sends() {
    local r
    kill -0 "${PROBED[$1]}" 2>/dev/null || {
        echo "$0: the probe listener on $1 is gone" >&2
        exit 1
    }
    r=$(in_ns python3 -c 'import socket, sys, time
def arrived():
    return int(open(sys.argv[2]).read() or 0)
before = arrived()
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b"x", (sys.argv[1], 7))
except PermissionError:
    sys.exit(print("refused"))
end = time.monotonic() + 2
while arrived() == before and time.monotonic() < end:
    time.sleep(0.002)
print("let-out" if arrived() > before else "dropped")' "$1" "$WORK/probed.$1") || true
    case $r in
    refused | dropped | let-out) echo "$r" ;;
    *)
        echo "$0: the probe to $1 failed ('$r')" >&2
        exit 1
        ;;
    esac
}
stopped() { [ "$(sends "$1")" != let-out ]; }
# until_stopped ADDR T0: the seconds from T0 to the send of the first datagram to ADDR that
# did not get out, and two more after it did not either; status 1 after UPDATE_LIMIT
# seconds.
until_stopped() {
    local t
    while t=$(since "$2") && awk -v t="$t" -v l="$UPDATE_LIMIT" 'BEGIN {exit !(t < l)}'; do
        stopped "$1" && stopped "$1" && stopped "$1" && echo "$t" && return 0
    done
    return 1
}

# ours: the tool, running with a one-address feed.
ours_start() {
    mkdir -p "$WORK/feeds"
    rm -f "$WORK/feeds/"*
    echo 10.200.0.1 >"$WORK/feeds/seed.txt"
    ip netns exec "$NS" "$BIN" --feeds "$WORK/feeds" --block deny >"$WORK/out" 2>"$WORK/err" &
    TOOL=$!
    for _ in $(seq 600); do
        grep -q 'The program is running' "$WORK/out" && return 0
        kill -0 "$TOOL" 2>/dev/null || break
        sleep 0.1
    done
    cat "$WORK/err" >&2
    echo "$0: the tool did not start" >&2
    exit 1
}
summaries() { grep -cE '(^| )feeds: ' "$WORK/err" || true; }
# ours_apply FILE CIDRS: FILE becomes the feed's list, SIGHUP, until the summary says CIDRS.
ours_apply() {
    local before
    before=$(summaries)
    cp "$1" "$WORK/feeds/.list.new"
    mv "$WORK/feeds/.list.new" "$WORK/feeds/list.txt"
    kill -HUP "$TOOL"
    local deadline=$((SECONDS + 120))
    until [ "$(summaries)" -gt "$before" ]; do
        [ $SECONDS -lt $deadline ] || {
            tail -5 "$WORK/err" >&2
            echo "$0: no summary 120 s after SIGHUP" >&2
            exit 1
        }
        sleep 0.005
    done
    grep -E '(^| )feeds: ' "$WORK/err" | tail -1 | grep -q "; $2 CIDRs to check" ||
        mismatch ours "$(grep -E '(^| )feeds: ' "$WORK/err" | tail -1)"
}

# OpenSnitch: the daemon, running with a one-address list.
osn_seeded() {
    rm -f "$WORK/osn-lists/"*
    echo 10.200.0.1 >"$WORK/osn-lists/seed.txt"
    osn_start "$NS" "$WORK"
    [ "$(osn_loaded "$WORK")" = 1 ] || mismatch opensnitch "it loaded $(osn_loaded "$WORK") IPs, 1 listed"
}
# osn_apply FILE ADDR: FILE becomes its list; the time until a datagram to ADDR is
# stopped into $WORK/took; then until its next "N lists loaded, M domains" (M: IPs here)
# says it holds the list's IPs and the seed's.
osn_apply() {
    local t0 n before
    n=$(($(wc -l <"$1") + 1))
    before=$(osn_reloads)
    cp "$1" "$WORK/osn-lists/.list.new" # (hidden: it skips dot files)
    t0=$(now)
    mv "$WORK/osn-lists/.list.new" "$WORK/osn-lists/list.txt"
    until_stopped "$2" "$t0" >"$WORK/took" || true
    [ -s "$WORK/took" ] || {
        echo "$UPDATE_LIMIT" >"$WORK/took"
        UNFINISHED=1
        return 0
    }
    for _ in $(seq 600); do
        [ "$(osn_reloads)" -gt "$before" ] && break
        sleep 0.1
    done
    [ "$(osn_reloads)" -gt "$before" ] && [ "$(osn_held)" = "$n" ] ||
        mismatch opensnitch "after the list took effect it says it holds $(osn_held) IPs, $n listed"
}
osn_reloads() { grep -ac ' lists loaded, ' "$WORK/osn.log" || true; }
osn_held() { sed -nE 's/.* lists loaded, ([0-9]+) domains.*/\1/p' "$WORK/osn.log" | tail -1; }

# load SIDE: the list into SIDE (ours and OpenSnitch: started before, not timed); the
# user memory it took (KiB) into $WORK/rss.
load() {
    case $1 in
    ours)
        ours_apply "$WORK/list.txt" "$OURS_CIDRS"
        # What it holds (its peak is compiling at start-up: about 100 MiB, the list or not)
        awk '/^VmRSS:/ {print $2}' "/proc/$TOOL/status" >"$WORK/rss"
        ;;
    nftables) in_ns /usr/bin/time -f %M -o "$WORK/rss" nft -f "$WORK/load.nft" ;;
    ipset)
        in_ns /usr/bin/time -f %M -o "$WORK/rss" ipset restore <"$WORK/load.ipset"
        in_ns "$IPT" -A OUTPUT -m set --match-set feed dst -j DROP
        ;;
    opensnitch)
        osn_apply "$WORK/list.txt" "$KEEP"
        awk '/^VmRSS:/ {print $2}' "/proc/$OSN/status" >"$WORK/rss"
        ;;
    esac
}
update() {
    case $1 in
    ours) ours_apply "$WORK/list.new.txt" "$OURS_CIDRS" ;;
    nftables) # nft 1.0.6 takes minutes to update a large interval set: given UPDATE_LIMIT s
        timeout "$UPDATE_LIMIT" ip netns exec "$NS" nft -f "$WORK/update.nft" || {
            [ $? -eq 124 ] || mismatch nftables "nft -f of the update failed"
            UNFINISHED=1 # (one transaction: the kernel's set is as before)
        } ;;
    ipset) in_ns ipset restore <"$WORK/update.ipset" ;;
    opensnitch) osn_apply "$WORK/list.new.txt" "$NEW" ;;
    esac
}
clear_side() {
    case $1 in
    ours)
        kill -INT "$TOOL"
        wait "$TOOL" || mismatch ours "the tool exited with $?"
        TOOL=
        ;;
    nftables) in_ns nft delete table inet ebsbench ;;
    ipset)
        in_ns nft flush ruleset # iptables-nft's tables and hooks too, as in other rounds
        in_ns ipset destroy feed
        ;;
    opensnitch) osn_stop "$NS" ;;
    esac
    sleep 2 # what the kernel frees in the background
}

round() {
    local side=$1 k0 k1 t0 load_s update_s user
    [ "$side" != ours ] || ours_start
    [ "$side" != opensnitch ] || osn_seeded
    k0=$(kernel_kib)
    t0=$(now)
    UNFINISHED=
    load "$side"
    load_s=$(since "$t0")
    [ "$side" != opensnitch ] || load_s=$(cat "$WORK/took")
    [ -z "$UNFINISHED" ] || mismatch "$side" "the list did not take effect in $UPDATE_LIMIT s"
    user=$(tail -1 "$WORK/rss")
    sleep 1
    k1=$(kernel_kib)
    stopped $KEEP || mismatch "$side" "a listed address let out after the load"
    stopped $GONE || mismatch "$side" "a listed address let out after the load"
    # The update, under a datagram a millisecond to KEEP, its bytes counted where they land.
    rm -f "$WORK/stop" "$WORK/bytes"
    ip netns exec "$NS" python3 "$e2e/byte_counter.py" "$WORK/bytes" "udp:$KEEP:9" &
    local counter=$!
    for _ in $(seq 500); do
        [ -s "$WORK/bytes" ] && break
        kill -0 "$counter" 2>/dev/null || break
        sleep 0.01
    done
    [ -s "$WORK/bytes" ] || {
        echo "$0: the byte counter did not start" >&2
        exit 1
    }
    rm -f "$WORK/hammering"
    # (OpenSnitch: one every 10 ms; at one a millisecond its slower verdicts filled its
    # queue, whose overflow drops packets, the probes' among them)
    local interval=0.001
    [ "$side" != opensnitch ] || interval=0.01
    HAMMER_READY="$WORK/hammering" ip netns exec "$NS" python3 "$e2e/hammer.py" "$WORK/stop" "$KEEP" 9 "$interval" >"$WORK/hammer" &
    local hammer=$!
    for _ in $(seq 1000); do [ -e "$WORK/hammering" ] && break || sleep 0.01; done
    sleep 0.2
    t0=$(now)
    UNFINISHED=
    update "$side"
    update_s=$(since "$t0")
    [ "$side" != opensnitch ] || update_s=$(cat "$WORK/took")
    sleep 0.2
    touch "$WORK/stop"
    wait "$hammer"
    kill "$counter"
    wait "$counter" 2>/dev/null || true
    local sent refused gap
    read -r sent refused <"$WORK/hammer"
    gap=$(cat "$WORK/bytes")
    # (each datagram 1 byte; OpenSnitch drops in its verdict, after the send: none refused)
    [ "$((sent + refused))" -gt 0 ] && { [ "$sent" = "$gap" ] || { [ "$side" = opensnitch ] && [ "$gap" -le "$sent" ]; }; } ||
        mismatch "$side" "the hammer sent $sent and was refused $refused times, $gap byte(s) arrived"
    [ "$side" = opensnitch ] || [ "$gap" = 0 ] ||
        mismatch "$side" "during the update $gap datagram(s) to a listed address arrived"
    if [ -z "$UNFINISHED" ]; then
        stopped $NEW || mismatch "$side" "an added address let out after the update"
        [ "$(sends $GONE)" = let-out ] || mismatch "$side" "a removed address stopped after the update"
    else
        echo "$side: the update did not finish in $UPDATE_LIMIT s (stopped; its figure is the limit)"
        [ "$(sends $NEW)" = let-out ] && stopped $GONE ||
            mismatch "$side" "the stopped update was partly applied"
    fi
    [ "$(sends $CLEAN)" = let-out ] || mismatch "$side" "an unlisted address stopped"
    clear_side "$side"
    printf '%-10s load %6.2f s  1%% update %6.2f s  kernel %7d KiB  user %7d KiB  (update: %d datagrams, %d arrived)\n' \
        "$side" "$load_s" "$update_s" $((k1 - k0)) "$user" $((sent + refused)) "$gap"
    echo "$side $load_s $update_s $((k1 - k0)) $user $gap" >>"$WORK/figures"
}

echo "blocklist_vs_peers: $ENTRIES IPv$FAMILY addresses, updates of $CHANGE out and $CHANGE in, $ROUNDS round(s), kernel $(uname -r), $(nproc) CPU(s), $(nft --version), $(ipset version | head -1)${OSN_VERSION:+, OpenSnitch $OSN_VERSION}"
: >"$WORK/figures"
for r in $(seq 0 $((ROUNDS - 1))); do
    for i in $(seq 0 $((${#SIDES[@]} - 1))); do
        round "${SIDES[$(((i + r) % ${#SIDES[@]}))]}"
    done
done
echo "median      load s  update s  kernel KiB  user KiB  gap (datagrams)"
for side in "${SIDES[@]}"; do
    awk -v s="$side" '$1 == s' "$WORK/figures" | python3 -c 'import statistics, sys
rows = [l.split() for l in sys.stdin]
m = [statistics.median(float(r[i]) for r in rows) for i in range(1, 6)]
print("%-10s %7.2f %9.2f %11d %9d %16d" % (sys.argv[1], m[0], m[1], m[2], m[3], m[4]))' "$side"
done
if [ -n "${PLOT:-}" ]; then
    "$here/plot.py" "$WORK/figures" "$PLOT" \
        "Blocklist of $ENTRIES IPv$FAMILY addresses: ${SIDES[*]} ($(uname -r), $(date +%F))" \
        "load (s)" "1% update (s)" "kernel memory (KiB)" "user memory (KiB)" \
        "datagrams let out during the update"
fi
[ "$MISMATCHES" -eq 0 ] || exit 1
