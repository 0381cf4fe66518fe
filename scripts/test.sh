#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (as root): installs what is needed,
# lints, builds normally and with ASan+UBSan, runs the unit and native tests in both
# builds, then the end-to-end tests: natively (label native, in network namespaces) and on Debian's
# stock kernel in qemu (label vm, kprobe mode).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --asan
echo "== unit and native tests, ASan+UBSan build"
(cd build-asan && ctest -L 'unit|native' --output-on-failure)
echo "== all tests (lint, unit, native, vm)"
(cd build && ctest --output-on-failure)
