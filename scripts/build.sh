#!/usr/bin/env bash
# Builds ebpfshield-bcc into build/ (and, with --asan, the ASan+UBSan build into
# build-asan/). Dependencies: scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEBPFSHIELD_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
if [ "${1:-}" = --asan ]; then
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DEBPFSHIELD_SANITIZE=ON -DEBPFSHIELD_WERROR=ON >/dev/null
    cmake --build build-asan -j"$jobs"
fi
