#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs what is needed, builds, and runs
# ebpfshield-bcc with the given arguments (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
# The default feed directory must be root's: a first run gets one with the example feed
# (documentation ranges only). feeds/update-feeds.sh fills it with real feeds.
feeds=/var/lib/ebpfshield/feeds
if [[ ! -e $feeds ]]; then
    install -d -m 0755 -o root -g root "$feeds"
    install -m 0644 -o root -g root feeds/example.txt "$feeds/example.txt"
fi
exec build/ebpfshield-bcc "$@"
