#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine (as root; sudo is not needed when already
# root): installs what running needs (scripts/setup.sh, no test tools), builds quietly
# into build/ (the build's output in build/build.log), and runs ebpfshield-bcc with the
# given arguments. Standard output holds the tool's output only: set-up messages go to
# standard error, and a failed build prints the end of its log there and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
mkdir -p build
if ! scripts/build.sh >build/build.log 2>&1; then
    echo "run.sh: the build failed; the end of build/build.log:" >&2
    tail -n 40 build/build.log >&2
    exit 1
fi
# The default feed directory must be root's: a first run gets one with the example feed
# (documentation ranges only). feeds/update-feeds.sh fills it with real feeds.
feeds=/var/lib/ebpfshield/feeds
if [[ ! -e $feeds ]]; then
    install -d -m 0755 -o root -g root "$feeds"
    install -m 0644 -o root -g root feeds/example.txt "$feeds/example.txt"
fi
exec build/ebpfshield-bcc "$@"
