#!/usr/bin/env bash
# Every bad input gets one clear line and the documented exit status; SIGTERM is a clean
# stop. Needs root and EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"

# run_tool NAME ARGS...: runs the tool to completion (30 s at most); status in RC,
# output in $WORK/NAME.{out,err}.
run_tool() {
    local name=$1
    shift
    timeout 30 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    RC=$?
}

# expect_exit NAME STATUS REGEX ARGS...: the tool exits STATUS and stderr matches REGEX.
expect_exit() {
    local name=$1 status=$2 re=$3
    shift 3
    run_tool "$name" "$@"
    check "$name: exit status $status (got $RC)" [ "$RC" -eq "$status" ] &&
        check "$name: says /$re/" grep -qE -- "$re" "$WORK/$name.err" ||
        sed 's/^/  stderr: /' "$WORK/$name.err" | head -5
}

B=$EBPFSHIELD_BIN
expect_exit bad_flag 2 "unknown option '--bogus'" "$B" --bogus
check "bad_flag: usage on stderr" grep -q '^usage: ' "$WORK/bad_flag.err"
expect_exit bad_block 2 "invalid value 'nuke' for --block \(choose from 'print', 'dump', 'suspend', 'kill', 'deny'\)" "$B" --block nuke
expect_exit bad_feature 2 "invalid value 'x' for --feature" "$B" --feature x
expect_exit missing_value 2 "option '--feeds' needs a value" "$B" --feeds
expect_exit stray_arg 2 "unexpected argument 'extra'" "$B" extra

run_tool help "$B" --help
check "help: exit 0" [ "$RC" -eq 0 ]
check "help: ends with EXAMPLES" sh -c "sed -n '/^EXAMPLES:/,\$p' '$WORK/help.out' | grep -q -- '--feature ebpf_monitor'"
run_tool version "$B" --version
check "version: exit 0 and a version" grep -qE '^ebpfshield-bcc [0-9]+\.[0-9]+' "$WORK/version.out"

expect_exit not_root 1 'must run as root' setpriv --reuid=65534 --regid=65534 --clear-groups "$B"

mkdir "$WORK/empty" "$WORK/badfeeds"
expect_exit no_feeds 1 '^No feeds available\. Run feeds/update-feeds\.sh$' "$B" --feeds "$WORK/empty"
printf '# only junk\nnot-an-ip\n10.0.0.0/40\n' >"$WORK/badfeeds/junk.txt"
expect_exit bad_feed_lines 1 '^No feeds available' "$B" --feeds "$WORK/badfeeds"
check "bad_feed_lines: warns with file:line" grep -q "junk.txt:2: " "$WORK/bad_feed_lines.err"
check "bad_feed_lines: warns for line 3" grep -q "junk.txt:3: " "$WORK/bad_feed_lines.err"
expect_exit missing_feeds_dir 1 "feeds $WORK/nope: $WORK/nope: No such file or directory" \
    "$B" --feeds "$WORK/nope"

# Feeds only root can change (the tool refuses to start before it compiles anything).
mkdir -m 777 "$WORK/openfeeds"
printf '198.51.100.7\n' >"$WORK/openfeeds/ok.txt"
expect_exit open_feeds_dir 1 \
    "refusing feeds $WORK/openfeeds: $WORK/openfeeds is writable by group or others \\(mode 777\\)" \
    "$B" --feeds "$WORK/openfeeds"
mkdir -p "$WORK/alien/feeds"
printf '198.51.100.7\n' >"$WORK/alien/feeds/ok.txt"
chown 65534 "$WORK/alien"
expect_exit alien_parent 1 \
    "refusing feeds $WORK/alien/feeds: $WORK/alien \\(a directory on the way\\) belongs to uid 65534" \
    "$B" --feeds "$WORK/alien/feeds"
mkdir "$WORK/linkfeeds"
printf '198.51.100.7\n' >"$WORK/alien.list"
chown 65534 "$WORK/alien.list"
ln -s "$WORK/alien.list" "$WORK/linkfeeds/bad.txt"
expect_exit alien_symlinked_feed 1 "refusing feed $WORK/linkfeeds/bad.txt: $WORK/alien.list belongs to uid 65534" \
    "$B" --feeds "$WORK/linkfeeds"
mkdir "$WORK/widefeeds"
printf '0.0.0.0/0\n::/0\n' >"$WORK/widefeeds/all.txt"
expect_exit wide_feed 1 '^No feeds available' "$B" --feeds "$WORK/widefeeds"
check "wide_feed: the /0 is named" grep -q 'all.txt:1: wider than an IPv4 /8 or IPv6 /16 (use --allow-wide): "0.0.0.0/0"' "$WORK/wide_feed.err"
mkdir "$WORK/longfeeds"
{ printf '198.51.100.7 '; head -c 5000 /dev/zero | tr '\0' x; echo; } >"$WORK/longfeeds/long.txt"
expect_exit long_line_feed 1 '^No feeds available' "$B" --feeds "$WORK/longfeeds"
check "long_line_feed: the file is refused" grep -q 'long.txt:1: line longer than 4096 bytes, file refused' "$WORK/long_line_feed.err"
expect_exit missing_allow 1 "allow-list $WORK/none.txt: $WORK/none.txt: No such file or directory" \
    "$B" --feeds "$WORK/badfeeds" --allow "$WORK/none.txt"
expect_exit allow_monitor 2 "--allow and --allow-wide apply to --feature ebpf_ipintelligence only" \
    "$B" --feature ebpf_monitor --allow "$WORK/none.txt"

# --check-feed: no root, no eBPF; what update-feeds.sh runs on a download.
shared=$(mktemp -d /tmp/ebpfshield-check.XXXXXX) # root's, 0755: nobody may read it
chmod 755 "$shared"
printf '198.51.100.7\n' >"$shared/ok.txt"
chmod 644 "$shared/ok.txt"
run_tool check_feed setpriv --reuid=65534 --regid=65534 --clear-groups "$B" --check-feed "$shared/ok.txt"
check "check_feed: exit 0 as nobody (got $RC)" [ "$RC" -eq 0 ]
check "check_feed: summary" grep -qx "loaded 1 entries (1 v4, 0 v6) from $shared/ok.txt, 0 lines skipped" "$WORK/check_feed.err"
rm -rf "$shared"
expect_exit check_feed_junk 1 "$WORK/badfeeds/junk.txt: no entry" "$B" --check-feed "$WORK/badfeeds/junk.txt"

printf '198.51.100.7\n' >"$WORK/badfeeds/ok.txt"
mkdir -m 700 "$PRIVATE/open" "$PRIVATE/real"
chmod 1777 "$PRIVATE/open"
expect_exit world_writable_dump 1 "refusing dump directory: $PRIVATE/open must belong to uid 0" \
    "$B" --feeds "$WORK/badfeeds" --block dump --dump-dir "$PRIVATE/open"
expect_exit dump_below_open_dir 1 "refusing dump directory: $PRIVATE/open must belong to uid 0" \
    "$B" --feeds "$WORK/badfeeds" --block dump --dump-dir "$PRIVATE/open/cores"
check "dump_below_open_dir: nothing created in the open directory" [ -z "$(ls -A "$PRIVATE/open")" ]
expect_exit dump_in_tmp 1 'refusing dump directory: /tmp must belong to uid 0 and be writable by nobody else' \
    "$B" --feeds "$WORK/badfeeds" --block dump --dump-dir /tmp/ebpfshield-cores
ln -s "$PRIVATE/real" "$PRIVATE/link"
expect_exit symlink_dump 1 "dump directory $PRIVATE/link/cores: $PRIVATE/link: not a directory \\(or a symlink\\)" \
    "$B" --feeds "$WORK/badfeeds" --block dump --dump-dir "$PRIVATE/link/cores"
expect_exit bad_dump_max 2 "invalid value '0' for --dump-max \\(MiB, 1 to 1048576\\)" "$B" --dump-max 0
i=0
for v in 2001:db8:64::/64 2001:db8:64::1/96 64.0.0.0/96 2001:db8:64:: nonsense/96; do
    i=$((i + 1))
    expect_exit "bad_nat64_$i" 2 "invalid value '$v' for --nat64-prefix" "$B" --nat64-prefix "$v"
done
expect_exit nat64_monitor 2 "--nat64-prefix applies to --feature ebpf_ipintelligence only" \
    "$B" --feature ebpf_monitor --nat64-prefix 2001:db8:64::/96
expect_exit value_missing 2 "option '--feeds' needs a value" "$B" --feeds --verbose
for ports in 0 65536 53,53 53, ,53 x 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17 -53; do
    expect_exit "bad_dns_port_$ports" 2 "invalid value '$ports' for --dns-port \\(distinct ports" \
        "$B" --feature ebpf_monitor --dns-port "$ports"
done

rel=$(uname -r)
expect_exit no_headers 1 "kernel headers for $rel not found.*install linux-headers-$rel" \
    unshare -m sh -c 'mount -t tmpfs none /lib/modules && exec "$@"' sh "$B" --feature ebpf_monitor

if grep -q kprobe <<<"$EXPECT_MODE"; then
    start_tool forced_kprobe --feature ebpf_monitor --attach kprobe && stop_tool forced_kprobe
else
    expect_exit forced_kprobe 1 '--attach kprobe: kprobes unavailable' "$B" --feature ebpf_monitor --attach kprobe
fi

# SIGTERM stops as cleanly as Ctrl-C.
start_tool sigterm --feature ebpf_monitor && {
    kill -TERM "$TOOL_PID"
    wait "$TOOL_PID"
    rc=$?
    TOOL_PID=
    check "sigterm: exit status 0 (got $rc)" [ "$rc" -eq 0 ]
}
finish
