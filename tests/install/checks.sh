# shellcheck shell=bash
# Shared by install.sh and deb.sh (sourced): the tools a test needs, its checks counted,
# and its summary.

# need_tools TOOL...: exits 1 (a FAIL, never a skip) when one is missing.
need_tools() {
    local tool
    for tool; do
        command -v "$tool" >/dev/null || {
            echo "FAIL: $tool is missing (scripts/setup.sh --test installs it)" >&2
            exit 1
        }
    done
}

fails=0
checks=0
ok() {
    checks=$((checks + 1))
}
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
# expect WHAT GOT WANT
expect() {
    if [[ $2 == "$3" ]]; then ok; else fail "$1: got '$2', want '$3'"; fi
}
# has WHAT TEXT NEEDLE (the start of TEXT shown when NEEDLE is not in it)
has() {
    if [[ $2 == *"$3"* ]]; then ok; else fail "$1: '$3' not found in: ${2:0:300}"; fi
}

# summary NAME: the counts; exit 1 when a check failed.
summary() {
    if ((fails)); then
        echo "$1: $fails of $((checks + fails)) checks failed" >&2
        exit 1
    fi
    echo "$1: $checks checks passed"
}
