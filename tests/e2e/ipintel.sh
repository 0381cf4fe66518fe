#!/usr/bin/env bash
# ebpf_ipintelligence end to end: a feed holding 127.0.0.2, a real HTTP server there and
# curl as the client. One tool start per --block action: print (with --verbose), kill,
# suspend, dump. Needs root, an isolated network (a netns or the test VM) and
# EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"

mkdir "$WORK/feeds"
printf '# test feed\n127.0.0.2\n198.51.100.7\n' >"$WORK/feeds/test.txt"
python3 -m http.server --bind 127.0.0.2 8080 --directory "$WORK/feeds" >/dev/null 2>&1 &
EXTRA_PIDS=$!
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.2:8080/ && break; sleep 0.2; done

URL=http://127.0.0.2:8080/test.txt
LINE_TIMEOUT=${LINE_TIMEOUT:-120} # gcore under qemu TCG takes a while

# curl_bg: starts curl on $URL, its pid in CURL_PID.
curl_bg() {
    curl -s -o /dev/null --max-time 60 "$URL" &
    CURL_PID=$!
}

# print + verbose: every connect gets a tab line, the feed hit a Client line, curl goes on.
start_tool print --feeds "$WORK/feeds" --block print --verbose && {
    curl_bg
    wait "$CURL_PID"
    check "print: curl completes (exit $?)" [ $? -eq 0 ]
    expect_count "$OUT" "^	curl \($CURL_PID\) 127\.0\.0\.2:8080\$" 1 "print: verbose line"
    expect_count "$OUT" "^Client:curl \(pid:$CURL_PID\) touched a bad IP \(ip-blacklist:127\.0\.0\.2\)\$" \
        1 "print: hit line"
    curl -s -o /dev/null http://127.0.0.1:9/ &
    other=$!
    wait "$other"
    expect_count "$OUT" "^	curl \($other\) 127\.0\.0\.1:9\$" 1 "print: verbose line for a clean address"
    expect_count "$OUT" "^Client:curl \(pid:$other\)" 0 "print: no hit for a clean address"
    expect_only "$OUT" '^	[^ ]+ \([0-9]+\) [0-9.]+:[0-9]+$' '^Client:curl \(pid:[0-9]+\) touched'
    stop_tool print
}

start_tool kill --feeds "$WORK/feeds" --block kill && {
    curl_bg
    wait "$CURL_PID"
    rc=$?
    check "kill: curl exit status 137 (got $rc)" [ "$rc" -eq 137 ]
    expect_count "$OUT" "^Client:curl \(pid:$CURL_PID\) was killed by eBPFShield \(ip-blacklist:127\.0\.0\.2\) \$" \
        1 "kill: line"
    stop_tool kill
}

start_tool suspend --feeds "$WORK/feeds" --block suspend && {
    curl_bg
    expect_count "$OUT" "^Client:curl \(pid:$CURL_PID\) was suspended \(ip-blacklist:127\.0\.0\.2\) \$" \
        1 "suspend: line"
    state=$(sed -E 's/.*\) (.) .*/\1/' "/proc/$CURL_PID/stat" 2>/dev/null)
    check "suspend: curl is stopped (state ${state:-gone})" [ "$state" = T ]
    kill -KILL "$CURL_PID"
    wait "$CURL_PID"
    stop_tool suspend
}

DUMPS=$PRIVATE/dumps
start_tool dump --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS" && {
    curl_bg
    expect_count "$OUT" "^Client:curl \(pid:$CURL_PID\) eBPFShield took a dump in ${DUMPS//./\\.}/ \(ip-blacklist:127\.0\.0\.2\)\$" \
        1 "dump: line"
    wait "$CURL_PID"
    rc=$?
    check "dump: curl killed after the dump (exit $rc)" [ "$rc" -eq 137 ]
    core=$(ls "$DUMPS"/ebpfshield-*."$CURL_PID" 2>/dev/null)
    check "dump: core file ${core:-missing} in $DUMPS" [ -s "$core" ]
    check "dump: core is an ELF core" sh -c "head -c 4 '$core' | grep -q ELF"
    check "dump: core is 0600" [ "$(stat -c %a "$core")" = 600 ]
    check "dump: dump dir is 0700" [ "$(stat -c %a "$DUMPS")" = 700 ]
    stop_tool dump
}
finish
