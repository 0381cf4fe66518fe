#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (as root): installs what is needed,
# builds normally and with ASan+UBSan, and runs the tests: unit (lint included) and
# native end-to-end (in network namespaces) in both builds, then the VM tests (Debian's
# stock kernel in qemu, kprobe mode) with the normal build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --asan
echo "== unit and native tests, ASan+UBSan build"
(cd build-asan && ctest -L 'unit|native' --output-on-failure)
echo "== all tests (lint, unit, native, vm)"
(cd build && ctest --output-on-failure)
