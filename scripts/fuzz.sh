#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ (clang, ASan+UBSan) into build-fuzz/ and runs
# each for SECONDS (default 20), starting from the captured DNS frames and a feed; as many
# at a time, building and running, as the machine has cores. Exits non-zero on any crash,
# leak or sanitizer report (the input is kept in build-fuzz/, named for its target).
# usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
cc=$(command -v clang-14 || command -v clang)
out=build-fuzz
mkdir -p "$out"
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE '-DEBPFSHIELD_VERSION="fuzz"'
       -Isrc -Ibpf_text $(pkg-config --cflags ldns json-c libpsl))
core=(src/dns/*.c src/threatfeed/*.c src/base/big_array.c src/base/log.c src/base/text.c src/base/trusted_path.c
      src/base/container_id.c
      src/guard/core_file.c src/guard/block_actions.c src/output/event.c src/output/format.c
      src/output/output.c src/output/json_tree.c src/output/*_format.c)
cores=$(nproc)
# at_most N: waits until fewer than N of this shell's jobs run (each job's failure fails
# the script: set -e sees wait's status).
at_most() { while [ "$(jobs -rp | wc -l)" -ge "$1" ]; do wait -n; done; }
for target in tests/fuzz/fuzz_*.c; do
    name=$(basename "$target" .c)
    at_most "$cores"
    "$cc" "${flags[@]}" "$target" "${core[@]}" $(pkg-config --libs ldns json-c libpsl) -o "$out/$name" &
done
while [ -n "$(jobs -rp)" ]; do wait -n; done
rm -rf "$out/corpus"
rm -f "$out"/*crash-* "$out"/*leak-* "$out"/*timeout-* # from an earlier run
mkdir -p "$out/corpus/fuzz_dns_frame" "$out/corpus/fuzz_feeds" "$out/corpus/fuzz_core_file" \
    "$out/corpus/fuzz_dns_json" "$out/corpus/fuzz_dns_name" "$out/corpus/fuzz_domain_line" \
    "$out/corpus/fuzz_domain_walk" "$out/corpus/fuzz_container_id" "$out/corpus/fuzz_dns_walk"
cp tests/fixtures/*.frame tests/fuzz/regressions/* "$out/corpus/fuzz_dns_frame/"
cp feeds/*.txt tests/fixtures/feeds/* "$out/corpus/fuzz_feeds/" 2>/dev/null || true
printf '# feed\n127.0.0.2\n10.0.0.0/8\nfd00:bad::/64\n::ffff:1.2.3.4\n' >"$out/corpus/fuzz_feeds/seed.txt"
# tests/fuzz/regressions/: frames and DNS messages, seeds of each target that reads either.
cp tests/fixtures/*.dns tests/fuzz/regressions/* "$out/corpus/fuzz_dns_json/"
cp tests/fixtures/*.dns tests/fuzz/regressions/* "$out/corpus/fuzz_dns_name/"
cp tests/fixtures/*.dns tests/fuzz/regressions/* "$out/corpus/fuzz_dns_walk/"
head -c 4096 /bin/true >"$out/corpus/fuzz_core_file/elf"
d="$out/corpus/fuzz_domain_line"
printf '# plain\nevil.example\n*.Evil.Example. # c\nb\xc3\xbccher.example\n' >"$d/plain"
printf '0.0.0.0 a.example b.example # c\n::1 ip6-localhost\n127.0.0.1 localhost\n' >"$d/hosts"
printf '[Adblock Plus 2.0]\n! c\n||evil.example^$important\n@@||good.example^\n||a.example^$third-party\n' >"$d/adblock"
printf '$TTL 300\n@ IN SOA a. b. (\n 1 2 3 ; c\n 4 5 )\n$ORIGIN rpz.example.\n*.evil.example 300 IN CNAME .\ngood.example CNAME rpz-passthru.\nx.example.rpz.example. CNAME .\n' >"$d/rpz"
d="$out/corpus/fuzz_domain_walk" # wire names: listed, allowed below listed, case, deep
printf '\4evil\7example\0' >"$d/listed"
printf '\2ok\4evil\7example\0' >"$d/allowed"
printf '\1x\4EVIL\7Example\0' >"$d/case"
printf '\4deep\1c\1b\1a\0' >"$d/deep"
d="$out/corpus/fuzz_container_id" # the runtimes' cgroup names
id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
printf '/system.slice/docker-%s.scope' "$id" >"$d/docker"
printf '/docker/%s' "$id" >"$d/docker-cgroupfs"
printf '/kubepods.slice/kubepods-pod1.slice/cri-containerd-%s.scope' "$id" >"$d/cri"
printf '/machine.slice/libpod-%s.scope/container' "$id" >"$d/podman"
printf '/machine.slice/machine-web.scope/payload' >"$d/nspawn"
printf '/lxc.payload.web/init.scope' >"$d/lxc"
# fuzz NAME: runs the target for secs, its summary printed whole once it is done.
fuzz() {
    local log
    log=$(cd "$out" && "./$1" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$1-" "corpus/$1" 2>&1 |
        grep -E '^stat::number_of_executed_units|ERROR|SUMMARY|Done' || true)
    printf '== %s, %s s\n%s\n' "$1" "$secs" "$log"
}
for target in tests/fuzz/fuzz_*.c; do
    at_most "$cores"
    fuzz "$(basename "$target" .c)" &
done
while [ -n "$(jobs -rp)" ]; do wait -n; done
# libFuzzer leaves <target>-crash-*/leak-*/timeout-* files on failure.
failed=0
for f in "$out"/*-crash-* "$out"/*-leak-* "$out"/*-timeout-*; do
    [ -e "$f" ] || continue
    echo "fuzz: failed; input kept: $f" >&2
    failed=1
done
[ "$failed" -eq 0 ] || exit 1
echo "fuzz: no crash in ${secs} s per target"
