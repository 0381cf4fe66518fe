#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (as root; sudo is not needed when
# already root): installs what building, running and testing need (scripts/setup.sh
# --test), builds normally and with ASan+UBSan, builds Release with gcc and RelWithDebInfo
# with clang with warnings as errors (scripts/build-matrix.sh), and runs the tests: unit
# (lint and the install tree included) and native end-to-end (in network namespaces) in
# both builds, then the VM tests (Debian's stock kernel in qemu, kprobe mode) and the .deb
# (install_deb: built by scripts/package.sh with Debian's hardening flags).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/build.sh --asan
echo "== warnings as errors: Release with gcc, RelWithDebInfo with clang"
scripts/build-matrix.sh
echo "== unit and native tests, ASan+UBSan build"
(cd build-asan && ctest -L 'unit|native' --output-on-failure)
echo "== all tests (lint, unit, native, vm)"
(cd build && ctest --output-on-failure)
