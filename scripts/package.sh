#!/usr/bin/env bash
# Builds the Debian package as Debian builds its own: a build directory (default
# build-deb/) configured with the prefix /usr and dpkg-buildflags' flags with every
# hardening feature (DEB_BUILD_MAINT_OPTIONS=hardening=+all: stack protector, fortified
# libc calls, PIE, full RELRO), CMAKE_BUILD_TYPE None (the flags alone choose -O2 -g, as
# debhelper does), no tests; then cpack -G DEB in it. Prints the .deb's path.
# Dependencies: scripts/setup.sh --test (dpkg-dev).
# usage: scripts/package.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-deb}
command -v dpkg-buildflags >/dev/null || {
    echo "package: dpkg-buildflags is missing (dpkg-dev; scripts/setup.sh --test)" >&2
    exit 1
}
flags() { DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"; }
# CMake never reads CPPFLAGS (-D_FORTIFY_SOURCE=2): they go with the compiler's flags. Given
# on the command line, not in the environment, so that a configured directory gets them too.
cppflags=$(flags CPPFLAGS)
ldflags=$(flags LDFLAGS)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=None -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF \
    -DCMAKE_C_FLAGS="$cppflags $(flags CFLAGS)" -DCMAKE_CXX_FLAGS="$cppflags $(flags CXXFLAGS)" \
    -DCMAKE_EXE_LINKER_FLAGS="$ldflags" -DCMAKE_SHARED_LINKER_FLAGS="$ldflags" >/dev/null
cmake --build "$dir" -j"$(nproc)"
(cd "$dir" && cpack -G DEB >cpack.log) || {
    cat "$dir/cpack.log" >&2
    echo "package: cpack -G DEB failed" >&2
    exit 1
}
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$dir/CMakeCache.txt")
deb=$dir/ebpfshield-bcc_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || {
    echo "package: cpack made no $deb" >&2
    exit 1
}
realpath "$deb"
