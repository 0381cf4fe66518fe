#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs what is needed, builds, and runs
# ebpfshield-bcc with the given arguments (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/ebpfshield-bcc "$@"
