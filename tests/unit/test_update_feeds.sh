#!/usr/bin/env bash
# Runs feeds/update-feeds.sh against a real HTTP server on 127.0.0.1 (/usr/bin/python3 -m
# http.server) serving feeds of several formats (tests/fixtures/update-feeds), HTML
# garbage, empty and comment-only files, a wide-only feed and 404s, and checks what ends
# up in the feeds directory byte for byte, the messages and exit statuses, the opt-in
# feeds of public DoH/DoT resolvers, the lock, the SIGHUP reload (to a dummy process
# named ebpfshield-bcc) and the trust refusals.
#
# Needs SRCDIR (the source tree), the built binary (EBPFSHIELD_BIN, default
# $SRCDIR/build/ebpfshield-bcc: the script checks downloads with its --check-feed),
# /usr/bin/python3, curl, flock and pkill. Must run as root (as CI does): the trust and
# reload cases need it and fail when not root. TMPDIR must be a directory the tool trusts
# (root's, as /tmp). The script's reload is `pkill -HUP -x -U 0 ebpfshield-bcc`: as root
# the test runs in a PID namespace of its own (unshare --pid --mount-proc), where pkill
# sees the test's dummy and no ebpfshield-bcc running on this machine; where that cannot
# be made, a tool running here reloads its feeds during the reload cases (the other
# cases run with EBPFSHIELD_RELOAD=0).
set -euo pipefail
umask 022

if ((EUID == 0)) && [[ -z ${TEST_UPDATE_FEEDS_PIDNS:-} ]]; then
    if unshare --pid --fork --mount-proc --kill-child true 2>/dev/null; then
        exec env TEST_UPDATE_FEEDS_PIDNS=1 \
            unshare --pid --fork --mount-proc --kill-child bash "${BASH_SOURCE[0]}" "$@"
    fi
    echo "NOTE: no PID namespace (unshare failed): a running ebpfshield-bcc gets SIGHUPs"
fi

script="${SRCDIR:?SRCDIR must point at the source tree}/feeds/update-feeds.sh"
fixtures=$SRCDIR/tests/fixtures/update-feeds
bin=${EBPFSHIELD_BIN:-$SRCDIR/build/ebpfshield-bcc}
for f in "$script" "$fixtures/drop.txt"; do
    if [[ ! -f $f ]]; then
        echo "FAIL: $f not found (is SRCDIR right?)" >&2
        exit 1
    fi
done
if [[ ! -x $bin ]]; then
    echo "FAIL: $bin is not built (make ebpfshield-bcc, or set EBPFSHIELD_BIN)" >&2
    exit 1
fi
bin=$(realpath -- "$bin")
work=$(mktemp -d "${TMPDIR:-/tmp}/test_update_feeds.XXXXXX")
server_pid=
dummy_pid=
bg_pid=
passed=0
failed=0

# A child forked with & keeps bash's handlers, this trap among them, until its exec: a
# signal landing there makes the child run cleanup too (removing $work under the test's
# feet), or is lost and lets the child live on. So only the test's shell cleans up, the
# server and the dummy get SIGKILL (no handler can take it), and a held run gets $work/go
# (its checker waits for it: a TERM is only acted on after the checker returns).
cleanup() {
    local p
    [[ $BASHPID == "$$" ]] || return 0
    if [[ -n $bg_pid ]]; then
        : >"$work/go" 2>/dev/null || true
        kill "$bg_pid" 2>/dev/null || true
        wait "$bg_pid" 2>/dev/null || true
    fi
    for p in "$server_pid" "$dummy_pid"; do
        if [[ -n $p ]]; then
            kill -KILL "$p" 2>/dev/null || true
            wait "$p" 2>/dev/null || true
        fi
    done
    rm -rf -- "$work"
}
trap cleanup EXIT

check() {
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $what" >&2
    fi
}

# Port 0 lets the kernel pick a free port; the server prints the one it got. The log is
# created first: the background child opens it only when it gets to run, and sed on a
# missing log fails, which set -e turns into the end of the test.
start_server() {
    : >"$work/server.log"
    /usr/bin/python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/www" \
        >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$work/server.log")
        [[ -n $port ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "FAIL: http.server did not start:" >&2
    cat "$work/server.log" >&2
    exit 1
}

# Runs the script with the arguments given; sets rc, out and err. The environment:
# EBPFSHIELD_BIN, and EBPFSHIELD_RELOAD=0 unless the caller sets it (to "default": unset).
run_update() {
    local reload=${EBPFSHIELD_RELOAD-0}
    local -a env=(env EBPFSHIELD_BIN="${EBPFSHIELD_BIN-$bin}" EBPFSHIELD_RELOAD="$reload")
    if [[ $reload == default ]]; then
        env=(env -u EBPFSHIELD_RELOAD EBPFSHIELD_BIN="${EBPFSHIELD_BIN-$bin}")
    fi
    rc=0
    "${env[@]}" bash "$script" "$@" >"$work/out" 2>"$work/err" || rc=$?
    out=$(<"$work/out")
    err=$(<"$work/err")
}

# The feed holds the source comment then exactly the served file, mode 0644.
installed_from() {
    local feed=$1 url=$2 served=$3
    [[ -f $feed && $(head -n 1 "$feed") =~ ^"# source: $url, fetched "[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9:]{8}\ UTC$ ]] &&
        cmp -s <(tail -n +2 "$feed") "$served" &&
        [[ $(stat -c %a "$feed") == 644 ]]
}

# The directory holds exactly these names (so no temporary file).
only() {
    local dir=$1 want
    shift
    want=$(printf '%s\n' "$@" | LC_ALL=C sort)
    [[ $(LC_ALL=C ls -A "$dir") == "$want" ]]
}

has() {
    grep -qF -- "$2" <<<"$1"
}

not_has() {
    ! has "$@"
}

has_re() {
    grep -qE -- "$2" <<<"$1"
}

mkdir "$work/www" "$work/feeds"
feeds=$work/feeds
cp "$fixtures"/* "$work/www/"
: >"$work/www/empty.txt"
start_server
base=http://127.0.0.1:$port
# A proxy from the environment must not intercept loopback requests.
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
unset EBPFSHIELD_FEEDS_DIR EBPFSHIELD_FEED_LIST EBPFSHIELD_TOR_URL EBPFSHIELD_TALOS_URL \
    EBPFSHIELD_RELOAD EBPFSHIELD_BIN EBPFSHIELD_ENCRYPTED_DNS_RESOLVERS \
    EBPFSHIELD_ENCRYPTED_DNS_V4_URL EBPFSHIELD_ENCRYPTED_DNS_V6_URL
echo "server at $base, checker $bin"

check "running as root (the trust and reload cases need it; CI runs as root)" \
    test "$EUID" -eq 0

# --- Good feeds of several formats through a list ------------------------------------
printf '# old tor\n203.0.113.9\n' >"$feeds/tor-exit-nodes.txt"
cp "$feeds/tor-exit-nodes.txt" "$work/old-tor"
cat >"$work/good.list" <<EOF
# feeds of every format
spamhaus-drop.txt $base/drop.txt

spamhaus-dropv6.txt   $base/dropv6.txt
tor-exit-addresses.txt	$base/exit-addresses
feodo.csv $base/ipblocklist.csv
firehol_level1.netset $base/firehol_level1.netset
dshield.ipset $base/dshield-block.txt
EOF
run_update --dir "$feeds" --list "$work/good.list"
check "good list: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "good list: nothing on stderr" test -z "$err"
check "good list: DROP installed" \
    installed_from "$feeds/spamhaus-drop.txt" "$base/drop.txt" "$work/www/drop.txt"
check "good list: DROPv6 installed" \
    installed_from "$feeds/spamhaus-dropv6.txt" "$base/dropv6.txt" "$work/www/dropv6.txt"
check "good list: Tor exit-addresses installed" installed_from \
    "$feeds/tor-exit-addresses.txt" "$base/exit-addresses" "$work/www/exit-addresses"
check "good list: Feodo CSV installed" \
    installed_from "$feeds/feodo.csv" "$base/ipblocklist.csv" "$work/www/ipblocklist.csv"
check "good list: FireHOL netset installed" installed_from \
    "$feeds/firehol_level1.netset" "$base/firehol_level1.netset" "$work/www/firehol_level1.netset"
check "good list: DShield block list installed" \
    installed_from "$feeds/dshield.ipset" "$base/dshield-block.txt" "$work/www/dshield-block.txt"
check "good list: the default feeds are not fetched with a list" \
    cmp -s "$feeds/tor-exit-nodes.txt" "$work/old-tor"
check "good list: exactly the feeds, no temporary file" only "$feeds" spamhaus-drop.txt \
    spamhaus-dropv6.txt tor-exit-addresses.txt feodo.csv firehol_level1.netset dshield.ipset \
    tor-exit-nodes.txt
check "good list: one line per feed on stdout" test "$(wc -l <<<"$out")" -eq 6
check "good list: DROP counted" has "$out" \
    "update-feeds: spamhaus-drop.txt: 3 entries (3 v4, 0 v6), 0 lines skipped, from $base/drop.txt"
check "good list: DROPv6 counted" has "$out" \
    "update-feeds: spamhaus-dropv6.txt: 2 entries (0 v4, 2 v6), 0 lines skipped, from $base/dropv6.txt"
check "good list: Tor counted" has "$out" \
    "update-feeds: tor-exit-addresses.txt: 3 entries (3 v4, 0 v6), 0 lines skipped, from $base/exit-addresses"
check "good list: Feodo counted" has "$out" \
    "update-feeds: feodo.csv: 3 entries (3 v4, 0 v6), 0 lines skipped, from $base/ipblocklist.csv"
check "good list: DShield counted" has "$out" \
    "update-feeds: dshield.ipset: 2 entries (2 v4, 0 v6), 0 lines skipped, from $base/dshield-block.txt"
# The installed files read the same as the downloads (the header is a plain comment).
check "good list: installed Feodo CSV still parses" \
    has "$("$bin" --check-feed "$feeds/feodo.csv" 2>&1)" "loaded 3 entries (3 v4, 0 v6)"

# The list from the environment, the directory from the environment.
rm -f -- "$feeds/feodo.csv"
printf 'feodo.csv %s/ipblocklist.csv\n' "$base" >"$work/one.list"
EBPFSHIELD_FEEDS_DIR=$feeds EBPFSHIELD_FEED_LIST=$work/one.list run_update
check "list and dir from the environment: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "list and dir from the environment: installed" \
    installed_from "$feeds/feodo.csv" "$base/ipblocklist.csv" "$work/www/ipblocklist.csv"
check "list and dir from the environment: only that feed" test "$(wc -l <<<"$out")" -eq 1

# A comma-separated "ip" in the header comment would turn the parser to CSV: the URL's
# commas are written as %2C, and the feed keeps its entries.
printf 'commas.txt %s/drop.txt?a,ip,b\n' "$base" >"$work/commas.list"
run_update --dir "$feeds" --list "$work/commas.list"
check "URL with commas: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "URL with commas: commas escaped in the header" \
    installed_from "$feeds/commas.txt" "$base/drop.txt?a%2Cip%2Cb" "$work/www/drop.txt"
check "URL with commas: entries kept" \
    has "$("$bin" --check-feed "$feeds/commas.txt" 2>&1)" "loaded 3 entries (3 v4, 0 v6)"
rm -f -- "$feeds/commas.txt"

# --- Bad downloads keep the old feed --------------------------------------------------
for f in html empty comments missing wide; do
    printf '# old %s\n198.51.100.%d\n' "$f" "${#f}" >"$feeds/$f.txt"
    cp "$feeds/$f.txt" "$work/old-$f"
done
cat >"$work/bad.list" <<EOF
html.txt $base/garbage.html
empty.txt $base/empty.txt
comments.txt $base/comments-only.txt
missing.txt $base/missing.txt
wide.txt $base/wide.txt
spamhaus-drop.txt $base/drop.txt
EOF
before=$(LC_ALL=C ls -A "$feeds")
run_update --dir "$feeds" --list "$work/bad.list"
check "bad feeds: exit 1 (got $rc)" test "$rc" -eq 1
for f in html empty comments missing wide; do
    check "bad feeds: old $f.txt kept" cmp -s "$feeds/$f.txt" "$work/old-$f"
done
check "bad feeds: no temporary file left" test "$(LC_ALL=C ls -A "$feeds")" == "$before"
check "bad feeds: the good one installed" \
    installed_from "$feeds/spamhaus-drop.txt" "$base/drop.txt" "$work/www/drop.txt"
check "bad feeds: HTML named" has "$err" \
    "update-feeds: html.txt: $base/garbage.html is not a feed ebpfshield-bcc accepts, keeping the old feed"
check "bad feeds: HTML line numbered as in the download" has "$err" \
    'update-feeds: html.txt:   line 1 of the download: not an IP address, CIDR or range: "<!DOCTYPE"'
check "bad feeds: empty named" has "$err" \
    "update-feeds: empty.txt: $base/empty.txt is not a feed ebpfshield-bcc accepts"
check "bad feeds: empty has no entry" has "$err" "update-feeds: empty.txt:   the download: no entry"
check "bad feeds: comment-only named" has "$err" \
    "update-feeds: comments.txt: $base/comments-only.txt is not a feed ebpfshield-bcc accepts"
check "bad feeds: 404 named" has "$err" \
    "update-feeds: missing.txt: download of $base/missing.txt failed (or was larger than 100 MiB), keeping the old feed"
check "bad feeds: wide named" has "$err" \
    "update-feeds: wide.txt: $base/wide.txt is not a feed ebpfshield-bcc accepts"
check "bad feeds: wide explained" has "$err" \
    'update-feeds: wide.txt:   line 1 of the download: wider than an IPv4 /8 or IPv6 /16'
check "bad feeds: failures counted" has "$err" 'update-feeds: 5 feed(s) not updated'
check "bad feeds: the temporary name is not shown" test "$(grep -c '/\.' <<<"$err")" -eq 0
check "bad feeds: one line on stdout, for the good feed" \
    test "$out" == "update-feeds: spamhaus-drop.txt: 3 entries (3 v4, 0 v6), 0 lines skipped, from $base/drop.txt"

# --allow-wide lets the wide-only feed in (as the tool with --allow-wide would load it).
printf 'wide.txt %s/wide.txt\n' "$base" >"$work/wide.list"
run_update --dir "$feeds" --list "$work/wide.list" --allow-wide
check "--allow-wide: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "--allow-wide: wide feed installed" \
    installed_from "$feeds/wide.txt" "$base/wide.txt" "$work/www/wide.txt"

# --- Bad list lines are reported and skipped -----------------------------------------
mkdir "$work/sub"
cat >"$work/names.list" <<EOF
../escape.txt $base/drop.txt
sub/x.txt $base/drop.txt
$work/sub/abs.txt $base/drop.txt
.hidden.txt $base/drop.txt
feed.exe $base/drop.txt
-dash.txt $base/drop.txt
just-a-name.txt
listed.txt $base/drop.txt extra
listed.txt $base/drop.txt
listed.txt $base/dropv6.txt
EOF
before=$(LC_ALL=C ls -A "$feeds")
run_update --dir "$feeds" --list "$work/names.list"
check "bad list lines: exit 1 (got $rc)" test "$rc" -eq 1
check "bad list lines: ../escape.txt reported" \
    has "$err" "update-feeds: $work/names.list:1: bad feed name '../escape.txt'"
check "bad list lines: sub/x.txt reported" \
    has "$err" "update-feeds: $work/names.list:2: bad feed name 'sub/x.txt'"
check "bad list lines: absolute name reported" has "$err" "$work/names.list:3: bad feed name"
check "bad list lines: hidden name reported" has "$err" "$work/names.list:4: bad feed name"
check "bad list lines: .exe reported" has "$err" "$work/names.list:5: bad feed name 'feed.exe'"
check "bad list lines: leading dash reported" has "$err" "$work/names.list:6: bad feed name"
check "bad list lines: missing URL reported" has "$err" "$work/names.list:7: not \"NAME URL\""
check "bad list lines: extra field reported" has "$err" "$work/names.list:8: not \"NAME URL\""
check "bad list lines: second listed.txt reported" \
    has "$err" "$work/names.list:10: feed listed.txt named twice"
check "bad list lines: counted" has "$err" "update-feeds: 9 bad line(s) in $work/names.list skipped"
check "bad list lines: nothing written outside the feeds directory" \
    test ! -e "$work/escape.txt" -a -z "$(ls -A "$work/sub")"
check "bad list lines: the good line fetched, first URL wins" \
    installed_from "$feeds/listed.txt" "$base/drop.txt" "$work/www/drop.txt"
check "bad list lines: nothing else written" \
    test "$(LC_ALL=C ls -A "$feeds")" == "$(printf '%s\n' "$before" listed.txt | LC_ALL=C sort)"
rm -f -- "$feeds/listed.txt"

printf '# nothing\n\n' >"$work/empty.list"
run_update --dir "$feeds" --list "$work/empty.list"
check "list without feeds: exit 2 (got $rc)" test "$rc" -eq 2
check "list without feeds: said" has "$err" "feed list $work/empty.list names no feed"
run_update --dir "$feeds" --list "$work/no-such.list"
check "missing list: exit 2 (got $rc)" test "$rc" -eq 2
check "missing list: said" has "$err" "feed list $work/no-such.list is not a readable file"

# --- The two default feeds (no list) -------------------------------------------------
rm -f -- "$feeds"/*
printf '# old talos\n203.0.113.9\n' >"$feeds/talos-ip-blacklist.txt"
cp "$feeds/talos-ip-blacklist.txt" "$work/old-talos"
EBPFSHIELD_TOR_URL=$base/drop.txt EBPFSHIELD_TALOS_URL=$base/garbage.html \
    run_update --dir "$feeds"
check "defaults: exit 1 when Talos is bad (got $rc)" test "$rc" -eq 1
check "defaults: Tor installed" \
    installed_from "$feeds/tor-exit-nodes.txt" "$base/drop.txt" "$work/www/drop.txt"
check "defaults: old Talos kept" cmp -s "$feeds/talos-ip-blacklist.txt" "$work/old-talos"
check "defaults: Talos failure named" has "$err" "update-feeds: talos-ip-blacklist.txt: $base/garbage.html is not a feed"
check "defaults: no temporary file" only "$feeds" tor-exit-nodes.txt talos-ip-blacklist.txt

# --dir wins over the environment.
mkdir "$work/other"
EBPFSHIELD_FEEDS_DIR=$work/other EBPFSHIELD_TOR_URL=$base/exit-addresses \
    EBPFSHIELD_TALOS_URL=$base/drop.txt run_update --dir "$feeds"
check "defaults: exit 0 when both are good (got $rc; $err)" test "$rc" -eq 0
check "defaults: nothing on stderr" test -z "$err"
check "defaults: two lines on stdout" test "$(wc -l <<<"$out")" -eq 2
check "defaults: Talos installed" \
    installed_from "$feeds/talos-ip-blacklist.txt" "$base/drop.txt" "$work/www/drop.txt"
check "defaults: Tor replaced" installed_from "$feeds/tor-exit-nodes.txt" \
    "$base/exit-addresses" "$work/www/exit-addresses"
check "defaults: --dir wins over EBPFSHIELD_FEEDS_DIR" test -z "$(ls -A "$work/other")"

# A URL with a line break would inject entries through the source comment.
cp "$feeds/tor-exit-nodes.txt" "$work/old-tor"
EBPFSHIELD_TOR_URL=$'http://127.0.0.1:1/x\n198.18.0.1' EBPFSHIELD_TALOS_URL=file:///etc/hosts \
    run_update --dir "$feeds"
check "bad URLs: exit 1 (got $rc)" test "$rc" -eq 1
check "bad URLs: old Tor kept" cmp -s "$feeds/tor-exit-nodes.txt" "$work/old-tor"
check "bad URLs: line break refused" has "$err" \
    "tor-exit-nodes.txt: URL contains white space or control characters"
check "bad URLs: file:// refused" has "$err" \
    "talos-ip-blacklist.txt: file:///etc/hosts is not an http:// or https:// URL"
check "bad URLs: no temporary file" only "$feeds" tor-exit-nodes.txt talos-ip-blacklist.txt

# --- Opt-in: the public DoH/DoT resolvers' addresses ----------------------------------
# doh-ipv4.txt and doh-ipv6.txt are lines of dibdot/DoH-IP-blocklists as published
# ("ADDRESS<blanks># name, name", the longest IPv6 address followed by one blank). Every
# URL of this section is served here (exported for the section, unset after it).
export EBPFSHIELD_TOR_URL=$base/exit-addresses EBPFSHIELD_TALOS_URL=$base/drop.txt \
    EBPFSHIELD_ENCRYPTED_DNS_V4_URL=$base/doh-ipv4.txt \
    EBPFSHIELD_ENCRYPTED_DNS_V6_URL=$base/doh-ipv6.txt
enc_requests() { # how many times the server was asked for the resolvers' files
    grep -cE '"GET /doh-ipv[46]\.txt ' "$work/server.log" || true
}
enc_v4_line="update-feeds: encrypted-dns-v4.txt: 7 entries (7 v4, 0 v6), 0 lines skipped, from $base/doh-ipv4.txt"
enc_v6_line="update-feeds: encrypted-dns-v6.txt: 6 entries (0 v4, 6 v6), 0 lines skipped, from $base/doh-ipv6.txt"

rm -f -- "$feeds"/*
requests=$(enc_requests)
run_update --dir "$feeds"
check "resolvers, without the option: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "resolvers, without the option: not fetched" test "$(enc_requests)" -eq "$requests"
check "resolvers, without the option: only the default feeds" \
    only "$feeds" tor-exit-nodes.txt talos-ip-blacklist.txt
run_update --dir "$feeds" --list "$work/one.list"
check "resolvers, without the option, a list: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "resolvers, without the option, a list: not fetched" \
    test "$(enc_requests)" -eq "$requests"
rm -f -- "$feeds"/*

run_update --dir "$feeds" --encrypted-dns-resolvers
check "resolvers: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "resolvers: nothing on stderr" test -z "$err"
check "resolvers: IPv4 feed installed with its header" installed_from \
    "$feeds/encrypted-dns-v4.txt" "$base/doh-ipv4.txt" "$work/www/doh-ipv4.txt"
check "resolvers: IPv6 feed installed with its header" installed_from \
    "$feeds/encrypted-dns-v6.txt" "$base/doh-ipv6.txt" "$work/www/doh-ipv6.txt"
check "resolvers: added to the default feeds" only "$feeds" tor-exit-nodes.txt \
    talos-ip-blacklist.txt encrypted-dns-v4.txt encrypted-dns-v6.txt
check "resolvers: four lines on stdout" test "$(wc -l <<<"$out")" -eq 4
check "resolvers: IPv4 counted" has "$out" "$enc_v4_line"
check "resolvers: IPv6 counted" has "$out" "$enc_v6_line"
check "resolvers: installed IPv4 feed accepted by --check-feed" \
    has "$("$bin" --check-feed "$feeds/encrypted-dns-v4.txt" 2>&1)" \
    "loaded 7 entries (7 v4, 0 v6) from $feeds/encrypted-dns-v4.txt, 0 lines skipped"
check "resolvers: installed IPv6 feed accepted by --check-feed" \
    has "$("$bin" --check-feed "$feeds/encrypted-dns-v6.txt" 2>&1)" \
    "loaded 6 entries (0 v4, 6 v6) from $feeds/encrypted-dns-v6.txt, 0 lines skipped"

# From the environment, added to a list's feeds.
rm -f -- "$feeds"/*
EBPFSHIELD_ENCRYPTED_DNS_RESOLVERS=1 run_update --dir "$feeds" --list "$work/one.list"
check "resolvers from the environment, a list: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "resolvers from the environment, a list: the list's feed and both" \
    only "$feeds" feodo.csv encrypted-dns-v4.txt encrypted-dns-v6.txt
check "resolvers from the environment, a list: three lines on stdout" \
    test "$(wc -l <<<"$out")" -eq 3
check "resolvers from the environment, a list: IPv6 counted" has "$out" "$enc_v6_line"
EBPFSHIELD_ENCRYPTED_DNS_RESOLVERS=yes run_update --dir "$feeds"
check "bad EBPFSHIELD_ENCRYPTED_DNS_RESOLVERS: exit 2 (got $rc)" test "$rc" -eq 2
check "bad EBPFSHIELD_ENCRYPTED_DNS_RESOLVERS: said" \
    has "$err" "EBPFSHIELD_ENCRYPTED_DNS_RESOLVERS must be 0 or 1, not 'yes'"

# A list line of the same name wins over the option (its URL, no "named twice").
printf 'encrypted-dns-v4.txt %s/drop.txt\n' "$base" >"$work/enc.list"
run_update --dir "$feeds" --list "$work/enc.list" --encrypted-dns-resolvers
check "resolvers, one named in the list: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "resolvers, one named in the list: the list's URL used" installed_from \
    "$feeds/encrypted-dns-v4.txt" "$base/drop.txt" "$work/www/drop.txt"
check "resolvers, one named in the list: the other from the option" installed_from \
    "$feeds/encrypted-dns-v6.txt" "$base/doh-ipv6.txt" "$work/www/doh-ipv6.txt"
check "resolvers, one named in the list: two lines on stdout" \
    test "$(wc -l <<<"$out")" -eq 2

# The two list lines --help shows, to copy instead of the option: with the upstream
# address replaced by this server's, they fetch both feeds.
run_update --help
grep -E '^ +encrypted-dns-v[46]\.txt https://' <<<"$out" |
    sed -E 's|^ +||; s|^([^ ]+) https://raw\.githubusercontent\.com/dibdot/DoH-IP-blocklists/master/|\1 '"$base"'/|' \
        >"$work/help.list"
check "--help: two list lines for the resolvers" test "$(wc -l <"$work/help.list")" -eq 2
rm -f -- "$feeds"/*
run_update --dir "$feeds" --list "$work/help.list"
check "--help's resolver lines: exit 0 (got $rc; $err)" test "$rc" -eq 0
check "--help's resolver lines: IPv4 counted" has "$out" "$enc_v4_line"
check "--help's resolver lines: IPv6 counted" has "$out" "$enc_v6_line"

# A failing URL for one of them: exit 1, its old feed kept, the others replaced.
printf '# old v6\n2001:db8::1\n' >"$feeds/encrypted-dns-v6.txt"
cp "$feeds/encrypted-dns-v6.txt" "$work/old-enc-v6"
EBPFSHIELD_ENCRYPTED_DNS_V6_URL=$base/missing-doh-ipv6.txt \
    run_update --dir "$feeds" --encrypted-dns-resolvers
check "resolvers, IPv6 URL failing: exit 1 (got $rc)" test "$rc" -eq 1
check "resolvers, IPv6 URL failing: old IPv6 feed kept" \
    cmp -s "$feeds/encrypted-dns-v6.txt" "$work/old-enc-v6"
check "resolvers, IPv6 URL failing: said" has "$err" \
    "update-feeds: encrypted-dns-v6.txt: download of $base/missing-doh-ipv6.txt failed (or was larger than 100 MiB), keeping the old feed"
check "resolvers, IPv6 URL failing: counted" \
    has "$err" "update-feeds: 1 feed(s) not updated"
check "resolvers, IPv6 URL failing: IPv4 still replaced" installed_from \
    "$feeds/encrypted-dns-v4.txt" "$base/doh-ipv4.txt" "$work/www/doh-ipv4.txt"
check "resolvers, IPv6 URL failing: no temporary file" only "$feeds" tor-exit-nodes.txt \
    talos-ip-blacklist.txt encrypted-dns-v4.txt encrypted-dns-v6.txt
rm -f -- "$feeds"/*
unset EBPFSHIELD_TOR_URL EBPFSHIELD_TALOS_URL EBPFSHIELD_ENCRYPTED_DNS_V4_URL \
    EBPFSHIELD_ENCRYPTED_DNS_V6_URL

# --- Usage and setup errors -----------------------------------------------------------
run_update --help
check "--help: exit 0" test "$rc" -eq 0
check "--help: usage with EXAMPLES on stdout" has_re "$out" '^EXAMPLES$'
run_update --bogus
check "bad option: exit 2 (got $rc)" test "$rc" -eq 2
check "bad option: usage on stderr" has "$err" "Usage: update-feeds.sh"
check "bad option: nothing on stdout" test -z "$out"
run_update --dir
check "--dir without argument: exit 2 (got $rc)" test "$rc" -eq 2
run_update --dir "$feeds" extra
check "stray argument: exit 2 (got $rc)" test "$rc" -eq 2
EBPFSHIELD_RELOAD=yes run_update --dir "$feeds"
check "bad EBPFSHIELD_RELOAD: exit 2 (got $rc)" test "$rc" -eq 2
run_update --dir "$work/does-not-exist"
check "missing feeds directory: exit 2 (got $rc)" test "$rc" -eq 2
check "missing feeds directory: said" has "$err" "does-not-exist does not exist"
EBPFSHIELD_BIN=$work/no-such-bin run_update --dir "$feeds"
check "bad EBPFSHIELD_BIN: exit 2 (got $rc)" test "$rc" -eq 2
check "bad EBPFSHIELD_BIN: said" has "$err" "EBPFSHIELD_BIN=$work/no-such-bin is not an executable file"

# The build tree next to the script, when nothing else provides the binary.
if command -v ebpfshield-bcc >/dev/null || [[ -e /usr/sbin/ebpfshield-bcc ]]; then
    echo "SKIP: the build-tree fallback (an ebpfshield-bcc is on PATH or in /usr/sbin)"
else
    mkdir -p "$work/tree/feeds" "$work/tree/build"
    cp "$script" "$work/tree/feeds/"
    rc=0
    (unset EBPFSHIELD_BIN && EBPFSHIELD_RELOAD=0 EBPFSHIELD_TOR_URL=$base/drop.txt \
        EBPFSHIELD_TALOS_URL=$base/drop.txt bash "$work/tree/feeds/update-feeds.sh" \
        --dir "$feeds" >"$work/out" 2>"$work/err") || rc=$?
    err=$(<"$work/err")
    check "no binary anywhere: exit 2 (got $rc)" test "$rc" -eq 2
    check "no binary anywhere: said" has "$err" "cannot find ebpfshield-bcc"
    ln -s "$bin" "$work/tree/build/ebpfshield-bcc"
    rc=0
    (unset EBPFSHIELD_BIN && EBPFSHIELD_RELOAD=0 EBPFSHIELD_TOR_URL=$base/drop.txt \
        EBPFSHIELD_TALOS_URL=$base/drop.txt bash "$work/tree/feeds/update-feeds.sh" \
        --dir "$feeds" >"$work/out" 2>"$work/err") || rc=$?
    check "binary of the build tree next to the script: exit 0 (got $rc)" test "$rc" -eq 0
fi

# --- Lock: two runs never overlap -----------------------------------------------------
# A checker that waits for $work/go before running the real one, so a run can be held
# in the middle of an update.
cat >"$work/slow-check" <<EOF
#!/bin/bash
sed -n 's/^SigIgn:[[:space:]]*//p' /proc/\$\$/status >"$work/sigign"
: >"$work/checking"
while [[ ! -e "$work/go" ]]; do sleep 0.05; done
exec "$bin" "\$@"
EOF
chmod 0755 "$work/slow-check"
wait_for() {
    for _ in $(seq 200); do
        [[ -e $1 ]] && return 0
        sleep 0.05
    done
    return 1
}
start_held_run() { # runs the script in the background with the slow checker
    rm -f -- "$work/checking" "$work/go"
    EBPFSHIELD_BIN=$work/slow-check EBPFSHIELD_RELOAD=0 EBPFSHIELD_TOR_URL=$base/drop.txt \
        EBPFSHIELD_TALOS_URL=$base/dropv6.txt bash "$script" --dir "$feeds" \
        >"$work/bg.out" 2>"$work/bg.err" &
    bg_pid=$!
    wait_for "$work/checking"
}
finish_held_run() {
    : >"$work/go"
    bg_rc=0
    wait "$bg_pid" || bg_rc=$?
    bg_pid=
}

rm -f -- "$feeds"/*
printf '# old tor\n203.0.113.9\n' >"$feeds/tor-exit-nodes.txt"
cp "$feeds/tor-exit-nodes.txt" "$work/old-tor"
check "lock: first run is checking its download" start_held_run
check "lock: the first run's download is a hidden temporary file" \
    test -n "$(find "$feeds" -maxdepth 1 -name '.*-tor-exit-nodes.txt' -print -quit)"
requests=$(grep -c 'GET ' "$work/server.log" || true)
EBPFSHIELD_TOR_URL=$base/exit-addresses EBPFSHIELD_TALOS_URL=$base/exit-addresses \
    run_update --dir "$feeds"
check "lock: the checker runs with SIGHUP ignored (another run's reload cannot kill it)" \
    test "$((16#$(<"$work/sigign") & 1))" -eq 1
check "lock: second run exits 0 (got $rc)" test "$rc" -eq 0
check "lock: second run says why it did nothing" \
    has "$err" "another update-feeds.sh is updating $feeds, nothing done"
check "lock: second run prints nothing on stdout" test -z "$out"
check "lock: second run downloads nothing" \
    test "$(grep -c 'GET ' "$work/server.log" || true)" -eq "$requests"
check "lock: old feed untouched while the first run works" \
    cmp -s "$feeds/tor-exit-nodes.txt" "$work/old-tor"
finish_held_run
check "lock: first run then completes (got $bg_rc; $(<"$work/bg.err"))" test "$bg_rc" -eq 0
check "lock: first run's feeds installed" \
    installed_from "$feeds/tor-exit-nodes.txt" "$base/drop.txt" "$work/www/drop.txt"
check "lock: no temporary file after the first run" \
    only "$feeds" tor-exit-nodes.txt talos-ip-blacklist.txt
EBPFSHIELD_TOR_URL=$base/exit-addresses EBPFSHIELD_TALOS_URL=$base/exit-addresses \
    run_update --dir "$feeds"
check "lock: released at exit, the next run works (got $rc; $err)" test "$rc" -eq 0

# A run killed in the middle leaves no temporary file and keeps the old feed.
cp "$feeds/tor-exit-nodes.txt" "$work/old-tor"
check "TERM: run is checking its download" start_held_run
kill -TERM "$bg_pid"
finish_held_run
check "TERM: exit status 143 (got $bg_rc)" test "$bg_rc" -eq 143
check "TERM: old feed kept" cmp -s "$feeds/tor-exit-nodes.txt" "$work/old-tor"
check "TERM: no temporary file left" only "$feeds" tor-exit-nodes.txt talos-ip-blacklist.txt

# --- Reload: SIGHUP to root's processes named exactly ebpfshield-bcc ------------------
# The dummy is a copy of bash (comm comes from the executable's name) that counts
# SIGHUPs in a log. It waits with read -t, a builtin: no child of it carries the name.
# shellcheck disable=SC2016 # expanded by the dummy
dummy_script='
    trap "echo HUP >>\"$1\"" HUP
    exec 3<>"$2"
    : >"$3"
    while :; do read -r -t 0.1 -u 3 || :; done'
hups() { # waits for the dummy to catch up, prints the count of log $1
    sleep 0.5
    wc -l <"$1"
}
if ((EUID == 0)); then
    cp /usr/bin/bash "$work/ebpfshield-bcc"
    mkfifo "$work/never"
    : >"$work/hup.log"
    env_reset=()
    if env --default-signal=HUP true 2>/dev/null; then
        env_reset=(env --default-signal=HUP)
    fi
    "${env_reset[@]}" "$work/ebpfshield-bcc" -c "$dummy_script" dummy "$work/hup.log" \
        "$work/never" "$work/dummy-ready" &
    dummy_pid=$!
    wait_for "$work/dummy-ready" || true
    check "reload: dummy is named ebpfshield-bcc" \
        test "$(cat "/proc/$dummy_pid/comm")" == ebpfshield-bcc
    kill -HUP "$dummy_pid"
    check "reload: dummy counts a direct SIGHUP" test "$(hups "$work/hup.log")" -eq 1
    : >"$work/hup.log"

    # The same dummy as uid 65534: not root's, so never signalled.
    other_pid=
    if command -v setpriv >/dev/null; then
        mkdir -m 0755 "$work/nobody"
        cp /usr/bin/bash "$work/nobody/ebpfshield-bcc"
        mkfifo "$work/nobody/never"
        : >"$work/nobody/hup.log"
        chown -R 65534:65534 "$work/nobody"
        chmod 0711 "$work"
        "${env_reset[@]}" setpriv --reuid=65534 --regid=65534 --clear-groups \
            "$work/nobody/ebpfshield-bcc" -c "$dummy_script" dummy "$work/nobody/hup.log" \
            "$work/nobody/never" "$work/nobody/ready" &
        other_pid=$!
        wait_for "$work/nobody/ready" || true
    else
        echo "SKIP: no setpriv, the other user's dummy is not run"
    fi

    EBPFSHIELD_RELOAD=1 run_update --dir "$feeds" --list "$work/bad.list"
    check "reload: a partial update succeeds in part (got $rc)" test "$rc" -eq 1
    check "reload: one SIGHUP after a partial update" test "$(hups "$work/hup.log")" -eq 1
    : >"$work/hup.log"

    EBPFSHIELD_RELOAD=default run_update --dir "$feeds" --list "$work/good.list"
    check "reload: update exits 0 (got $rc; $err)" test "$rc" -eq 0
    check "reload: nothing on stderr" test -z "$err"
    check "reload: exactly one SIGHUP after a successful update" \
        test "$(hups "$work/hup.log")" -eq 1
    if [[ -n $other_pid ]]; then
        check "reload: another user's ebpfshield-bcc is not signalled" \
            test "$(hups "$work/nobody/hup.log")" -eq 0
        kill "$other_pid"
        wait "$other_pid" 2>/dev/null || true
        chmod 0700 "$work"
    fi
    : >"$work/hup.log"

    printf 'empty.txt %s/empty.txt\nmissing.txt %s/missing.txt\n' "$base" "$base" \
        >"$work/allbad.list"
    EBPFSHIELD_RELOAD=default run_update --dir "$feeds" --list "$work/allbad.list"
    check "reload: all-failed update exits 1 (got $rc)" test "$rc" -eq 1
    check "reload: no SIGHUP when nothing was replaced" test "$(hups "$work/hup.log")" -eq 0

    EBPFSHIELD_RELOAD=default run_update --dir "$feeds" --list "$work/good.list" --no-reload
    check "reload: --no-reload update exits 0 (got $rc)" test "$rc" -eq 0
    check "reload: no SIGHUP with --no-reload" test "$(hups "$work/hup.log")" -eq 0

    EBPFSHIELD_RELOAD=0 run_update --dir "$feeds" --list "$work/good.list"
    check "reload: EBPFSHIELD_RELOAD=0 update exits 0 (got $rc)" test "$rc" -eq 0
    check "reload: no SIGHUP with EBPFSHIELD_RELOAD=0" test "$(hups "$work/hup.log")" -eq 0
    check "reload: the dummy outlived it all" kill -0 "$dummy_pid"
else
    echo "FAIL: reload cases not run (not root)" >&2
    failed=$((failed + 1))
fi

# --- Trust: as root, a feeds directory the tool would refuse is refused ---------------
if ((EUID == 0)); then
    mkdir -p "$work/trust/open" "$work/trust/nobody" "$work/trust/wide/feeds" \
        "$work/trust/sticky/feeds"
    chmod 0777 "$work/trust/open" "$work/trust/wide"
    chown 65534 "$work/trust/nobody"
    chmod 1777 "$work/trust/sticky"
    printf 'spamhaus-drop.txt %s/drop.txt\n' "$base" >"$work/trust/one.list"
    requests=$(grep -c 'GET ' "$work/server.log" || true)

    run_update --dir "$work/trust/open" --list "$work/trust/one.list"
    check "trust: mode 0777 directory: exit 2 (got $rc)" test "$rc" -eq 2
    check "trust: mode 0777 directory: said" has "$err" \
        "refusing feeds directory $work/trust/open: $work/trust/open is writable by group or others (mode 777)"
    check "trust: mode 0777 directory: nothing written" test -z "$(ls -A "$work/trust/open")"

    run_update --dir "$work/trust/nobody" --list "$work/trust/one.list"
    check "trust: directory of uid 65534: exit 2 (got $rc)" test "$rc" -eq 2
    check "trust: directory of uid 65534: said" has "$err" \
        "refusing feeds directory $work/trust/nobody: $work/trust/nobody belongs to uid 65534, not root"
    check "trust: directory of uid 65534: nothing written" \
        test -z "$(ls -A "$work/trust/nobody")"

    run_update --dir "$work/trust/wide/feeds" --list "$work/trust/one.list"
    check "trust: directory under a mode 0777 one: exit 2 (got $rc)" test "$rc" -eq 2
    check "trust: directory under a mode 0777 one: said" has "$err" \
        "$work/trust/wide is writable by group or others (mode 777)"
    check "trust: nothing downloaded for refused directories" \
        test "$(grep -c 'GET ' "$work/server.log" || true)" -eq "$requests"

    run_update --dir "$work/trust/sticky/feeds" --list "$work/trust/one.list"
    check "trust: root's directory in a sticky one is fine (got $rc; $err)" test "$rc" -eq 0
    check "trust: ... and the feed is installed" installed_from \
        "$work/trust/sticky/feeds/spamhaus-drop.txt" "$base/drop.txt" "$work/www/drop.txt"

    chmod 0664 "$work/trust/one.list"
    run_update --dir "$feeds" --list "$work/trust/one.list"
    check "trust: group-writable list: exit 2 (got $rc)" test "$rc" -eq 2
    check "trust: group-writable list: said" has "$err" \
        "refusing feed list $work/trust/one.list: $work/trust/one.list is writable by group or others (mode 664)"

    # A list behind a symlink is refused, even a root-owned link to a root-owned list:
    # whoever may write the link's directory could swap it between check and read.
    chmod 0644 "$work/trust/one.list"
    ln -s "$work/trust/one.list" "$work/trust/link.list"
    run_update --dir "$feeds" --list "$work/trust/link.list"
    check "trust: symlinked list: exit 2 (got $rc)" test "$rc" -eq 2
    check "trust: symlinked list: said" has "$err" \
        "refusing feed list $work/trust/link.list: $work/trust/link.list is a symlink"

    # Another user holding a lock on the (0755, openable) feeds directory stops nothing:
    # root's runs lock a file in /run/ebpfshield-bcc, which only root may open.
    chmod 0755 "$work" "$feeds" # nobody may open the feeds directory, as on a real host
    setpriv --reuid=65534 --regid=65534 --clear-groups flock "$feeds" sleep 20 &
    squatter=$!
    sleep 0.5
    check "trust: nobody holds a lock on the feeds directory" kill -0 "$squatter"
    run_update --dir "$feeds" --list "$work/trust/one.list"
    check "trust: a user's lock on the feeds directory does not stop the update (got $rc; $err)" \
        test "$rc" -eq 0
    check "trust: ... and says nothing of another run" not_has "$err" "another update-feeds.sh"
    kill -KILL "$squatter" 2>/dev/null || true
    wait "$squatter" 2>/dev/null || true
else
    echo "FAIL: trust cases not run (not root)" >&2
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
((failed == 0))
