#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (as root; sudo is not needed when
# already root): installs what building, running and testing need (scripts/setup.sh
# --test), builds normally and with ASan+UBSan, builds Release with gcc and RelWithDebInfo
# with clang with warnings as errors (scripts/build-matrix.sh), and runs the tests: unit
# (lint and the install tree included) and native end-to-end (in network namespaces) in the
# ASan+UBSan build, then the other tests of the normal build: the .deb (install_deb: built
# by scripts/package.sh with Debian's hardening flags), the VM tests (Debian's stock kernel
# in qemu: kprobe mode, and the .deb under a real systemd) and the fuzzers. The unit tests
# run once, under the sanitizers (in the normal build they only repeated them).
set -euo pipefail
cd "$(dirname "$0")/.."
# phase TITLE: a header with the time the run has taken so far (CI has an hour).
phase() { echo "== $* ($((SECONDS / 60)) min $((SECONDS % 60)) s in)"; }
scripts/setup.sh --test
phase "builds: normal and ASan+UBSan"
scripts/build.sh --asan
phase "warnings as errors: Release with gcc, RelWithDebInfo with clang"
scripts/build-matrix.sh
status=0
phase "unit and native tests, ASan+UBSan build"
# Unit tests side by side, one per core; a native test runs alone (RUN_SERIAL).
(cd build-asan && ctest -L 'unit|native' -j"$(nproc)" --output-on-failure) || status=1
phase "the other tests (package, vm, fuzz)"
(cd build && ctest -LE 'native|unit' --output-on-failure) || status=1
if [ $status -ne 0 ]; then
    # Again at the very end: a long log is often read from its end only.
    phase "failed tests and their failed checks"
    for dir in build-asan build; do
        awk -v dir="$dir" '/^[0-9]+\/[0-9]+ Testing: / { test = $3 }
            /^FAIL|^==[0-9]+==ERROR|runtime error:|^Test (Failed|Timeout)/ { print dir ", " test ": " $0 }' \
            "$dir/Testing/Temporary/LastTest.log" | head -60
    done
fi
phase "done"
exit $status
