#!/usr/bin/env bash
# tests/bench/plot.py with Debian's gnuplot: a figures file of two sides' rounds becomes an
# SVG with the title, one panel per label and each side's median in the key (medians
# worked out by hand below); a line with too few figures, a figure that is not a number
# and an empty file are refused with a message naming the line, and no plot is written.
# usage: test_bench_plot.sh (SRCDIR from ctest)
set -u
: "${SRCDIR:?}"
plot=$SRCDIR/tests/bench/plot.py
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

printf '%s\n' 'ours 3.5 8000000' 'peer 6.9 5700000' 'ours 3.7 7700000' 'peer 6.8 5600000' \
    'ours 5.0 5000000' >"$tmp/figures"
if "$plot" "$tmp/figures" "$tmp/out.svg" 'ours "vs" peer' 'load (s)' 'frames dropped'; then
    head -c 200 "$tmp/out.svg" | grep -q '<svg' || fail "not an SVG: $(head -c 80 "$tmp/out.svg")"
    # medians: ours 3.5 3.7 5.0 -> 3.7, peer 6.9 6.8 -> 6.85; ours 7.7M, peer 5.65M
    for text in 'ours "vs" peer' 'load (s)' 'frames dropped' 'ours (median 3.7)' \
        'peer (median 6.85)' 'ours (median 7,700,000)' 'peer (median 5,650,000)'; do
        grep -qF "$text" "$tmp/out.svg" || fail "the plot has no text '$text'"
    done
else
    fail "plot.py exited $? on a good figures file"
fi

# refused FIGURES_LINES MESSAGE: plot.py exits non-zero, says MESSAGE, writes no plot.
refused() {
    printf '%s' "$1" >"$tmp/bad"
    rm -f "$tmp/bad.svg"
    if "$plot" "$tmp/bad" "$tmp/bad.svg" title 'a' 'b' 2>"$tmp/err"; then
        fail "plot.py accepted '$1'"
    fi
    grep -qF "$2" "$tmp/err" || fail "for '$1' it said '$(cat "$tmp/err")', not '$2'"
    [ ! -e "$tmp/bad.svg" ] || fail "for '$1' it wrote a plot"
}
refused $'ours 1 2\npeer 3\n' 'bad:2: 1 figure(s), 2 label(s)'
refused $'ours 1 two\n' 'bad:1: not a number'
refused '' 'bad: no rounds'

[ "$failures" -eq 0 ] && echo "test_bench_plot: all checks passed"
exit $((failures > 0))
