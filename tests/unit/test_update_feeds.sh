#!/usr/bin/env bash
# Runs feeds/update-feeds.sh against a real HTTP server on 127.0.0.1 (python3 -m http.server)
# serving a good feed, HTML garbage, an empty file and a 404, and checks what ends up in
# the feeds directory. Needs SRCDIR (the source tree), python3 and curl.
set -euo pipefail

script="${SRCDIR:?SRCDIR must point at the source tree}/feeds/update-feeds.sh"
if [[ ! -f $script ]]; then
    echo "$script not found (is SRCDIR right?)" >&2
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/test_update_feeds.XXXXXX")
server_pid=
passed=0
failed=0

cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
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

# Port 0 lets the kernel pick a free port; the server prints the one it got.
start_server() {
    python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/www" \
        >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$work/server.log")
        [[ -n $port ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "http.server did not start:" >&2
    cat "$work/server.log" >&2
    exit 1
}

# Runs the script with the given Tor and Talos URLs; sets rc, out and err.
run_update() {
    rc=0
    EBPFSHIELD_TOR_URL=$1 EBPFSHIELD_TALOS_URL=$2 EBPFSHIELD_FEEDS_DIR=$feeds \
        bash "$script" >"$work/out" 2>"$work/err" || rc=$?
    out=$(<"$work/out")
    err=$(<"$work/err")
}

# The feed holds the source comment then exactly the served file.
installed_from() {
    local feed=$1 url=$2
    [[ $(head -n 1 "$feed") == "# source: $url, fetched "*" UTC" ]] &&
        cmp -s <(tail -n +2 "$feed") "$work/www/good.txt" &&
        [[ $(stat -c %a "$feed") == 644 ]]
}

only_feeds_left() {
    [[ $(ls -A "$feeds") == $'talos-ip-blacklist.txt\ntor-exit-nodes.txt' ]]
}

mkdir "$work/www" "$work/feeds"
feeds=$work/feeds
printf '# good feed\n192.0.2.1\n198.51.100.0/24\r\n\n10.0.0.0/8 # comment\n' >"$work/www/good.txt"
printf '<!DOCTYPE html>\n<html><body>Rate limited</body></html>\n' >"$work/www/bad.txt"
printf '# nothing yet\n\n' >"$work/www/comments.txt"
: >"$work/www/empty.txt"
start_server
base=http://127.0.0.1:$port
# A proxy from the environment must not intercept loopback requests.
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
echo "server at $base"

# Fresh directory: Tor is good, Talos is HTML garbage.
printf '# old talos\n203.0.113.9\n' >"$feeds/talos-ip-blacklist.txt"
cp "$feeds/talos-ip-blacklist.txt" "$work/old-talos"
run_update "$base/good.txt" "$base/bad.txt"
check "exit status 1 when a feed is bad (got $rc)" test "$rc" -eq 1
check "good Tor feed installed with its source" installed_from "$feeds/tor-exit-nodes.txt" "$base/good.txt"
check "old Talos feed kept after a bad download" cmp -s "$feeds/talos-ip-blacklist.txt" "$work/old-talos"
check "bad download reported" grep -q 'talos-ip-blacklist.txt: .*bad.txt is not a list of IPv4' <<<"$err"
check "success reported" grep -q 'tor-exit-nodes.txt: 3 entries from' <<<"$out"
check "no temporary file left (bad)" only_feeds_left

# Tor answers 404: the previous Tor feed stays, Talos is updated.
cp "$feeds/tor-exit-nodes.txt" "$work/old-tor"
run_update "$base/missing.txt" "$base/good.txt"
check "exit status 1 on a 404 (got $rc)" test "$rc" -eq 1
check "old Tor feed kept after a 404" cmp -s "$feeds/tor-exit-nodes.txt" "$work/old-tor"
check "404 reported" grep -q 'tor-exit-nodes.txt: download of .*missing.txt failed' <<<"$err"
check "good Talos feed installed" installed_from "$feeds/talos-ip-blacklist.txt" "$base/good.txt"
check "no temporary file left (404)" only_feeds_left

# Empty and comment-only downloads are refused too.
cp "$feeds/tor-exit-nodes.txt" "$work/old-tor"
cp "$feeds/talos-ip-blacklist.txt" "$work/old-talos"
run_update "$base/empty.txt" "$base/comments.txt"
check "exit status 1 on empty feeds (got $rc)" test "$rc" -eq 1
check "old Tor feed kept after an empty download" cmp -s "$feeds/tor-exit-nodes.txt" "$work/old-tor"
check "old Talos feed kept after a comment-only download" \
    cmp -s "$feeds/talos-ip-blacklist.txt" "$work/old-talos"
check "both failures counted" grep -q '2 feed(s) not updated' <<<"$err"
check "no temporary file left (empty)" only_feeds_left

# A URL with a line break would inject entries through the source comment.
run_update $'http://127.0.0.1:1/x\n198.18.0.1' "$base/good.txt"
check "exit status 1 on a URL with a newline (got $rc)" test "$rc" -eq 1
check "old Tor feed kept after a bad URL" cmp -s "$feeds/tor-exit-nodes.txt" "$work/old-tor"
check "no temporary file left (bad URL)" only_feeds_left

# Both good: success.
run_update "$base/good.txt" "$base/good.txt"
check "exit status 0 when both feeds update (got $rc)" test "$rc" -eq 0
check "Tor feed updated" installed_from "$feeds/tor-exit-nodes.txt" "$base/good.txt"
check "no error output on success" test -z "$err"
check "no temporary file left (good)" only_feeds_left

# A missing feeds directory is an error, not a silent no-op.
feeds=$work/does-not-exist
run_update "$base/good.txt" "$base/good.txt"
check "exit status 2 without a feeds directory (got $rc)" test "$rc" -eq 2
check "missing directory reported" grep -q 'does-not-exist does not exist' <<<"$err"

echo "$passed passed, $failed failed"
((failed == 0))
