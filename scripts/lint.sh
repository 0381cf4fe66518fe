#!/usr/bin/env bash
# Style and static checks: clang-format (the repo's .clang-format), cppcheck, and no
# include cycle between the folders of src/ (scripts/include-graph.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
files=(src/*/*.c src/*/*.h src/*/*.cc bpf_text/*/*.c bpf_text/*/*.h tests/unit/*/*.c tests/unit/*.h
       tests/kernel/*.c tests/bench/*.c tests/fuzz/*.c tests/e2e/*.c)
clang-format --dry-run --Werror "${files[@]}"
cppcheck --enable=warning,style,performance,portability --std=c11 --error-exitcode=1 --quiet \
    -I src -I bpf_text -I tests/unit src/*/*.c tests/unit/*/*.c tests/kernel/test_*.c tests/bench/*.c tests/fuzz/*.c tests/e2e/*.c
scripts/include-graph.sh
echo "lint: clang-format, cppcheck and the include graph clean (${#files[@]} files)"
