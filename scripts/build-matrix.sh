#!/usr/bin/env bash
# Builds ebpfshield-bcc (tests included) in other build types and with the other compiler,
# warnings as errors (-DEBPFSHIELD_WERROR=ON), each into build-<type>-<compiler>/ (e.g.
# build-release-gcc/): a warning that only -O2/-O3 or only clang finds (uninitialised
# variables after inlining, ...) fails here. A warning -Werror does not cover (configure,
# link) fails it too. Dependencies: scripts/setup.sh --test (clang-14).
# usage: scripts/build-matrix.sh [TYPE:COMPILER...]
#   TYPE      Release, RelWithDebInfo, Debug (CMAKE_BUILD_TYPE)
#   COMPILER  gcc or clang
#   default: Release:gcc RelWithDebInfo:clang (the pair CI builds; RelWithDebInfo with gcc
#   is scripts/build.sh's)
set -euo pipefail
cd "$(dirname "$0")/.."
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(Release:gcc RelWithDebInfo:clang)
jobs=$(nproc)
for config in "${configs[@]}"; do
    type=${config%%:*} compiler=${config#*:}
    case $type in
    Release | RelWithDebInfo | Debug) ;;
    *) echo "build-matrix: unknown build type $type (Release, RelWithDebInfo, Debug)" >&2 && exit 2 ;;
    esac
    case $compiler in
    gcc) cc=gcc cxx=g++ ;;
    clang)
        cc=$(command -v clang-14 || command -v clang) || { echo "build-matrix: clang is not installed" >&2 && exit 1; }
        cxx=$(command -v clang++-14 || command -v clang++) || { echo "build-matrix: clang++ is not installed" >&2 && exit 1; }
        ;;
    *) echo "build-matrix: unknown compiler $compiler (gcc, clang)" >&2 && exit 2 ;;
    esac
    dir=build-${type,,}-$compiler
    log=$dir/build-matrix.log
    mkdir -p "$dir"
    echo "== $type with $compiler in $dir/"
    if ! { CC=$cc CXX=$cxx cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DEBPFSHIELD_WERROR=ON &&
        cmake --build "$dir" -j"$jobs"; } >"$log" 2>&1; then
        tail -40 "$log" >&2
        echo "build-matrix: $type with $compiler failed (the whole log: $log)" >&2
        exit 1
    fi
    if grep -qi warning "$log"; then
        grep -i -A5 warning "$log" | head -60 >&2
        echo "build-matrix: $type with $compiler warns (the whole log: $log)" >&2
        exit 1
    fi
done
echo "build-matrix: ${configs[*]}: built without a warning"
