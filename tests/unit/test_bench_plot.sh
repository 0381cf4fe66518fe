#!/usr/bin/env bash
# tests/bench/plot.py with Debian's gnuplot: a figures file of two sides' rounds becomes an
# SVG with the title, one panel per label and each side's median in the key (medians
# worked out by hand below, thousands written with separators); a title holding quotes and
# a backquoted command is drawn as text, the command not run; a line with too few
# figures, a figure that is not a number, an empty file and a label with a line break are
# refused with a message, and no plot is written.
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

printf '%s\n' 'ours 3.5 8000000 16.1' 'peer 6.9 5700000 1160.4' 'ours 3.7 7700000 15.9' \
    'peer 6.8 5600000 1180.2' 'ours 5.0 5000000 16.5' >"$tmp/figures"
title="ours \"vs\" peer's \`touch $tmp/ran\`"
if "$plot" "$tmp/figures" "$tmp/out.svg" "$title" 'load (s)' 'frames dropped' 'p50 (us)'; then
    head -c 200 "$tmp/out.svg" | grep -q '<svg' || fail "not an SVG: $(head -c 80 "$tmp/out.svg")"
    [ ! -e "$tmp/ran" ] || fail "gnuplot ran the title's backquoted command"
    # medians: ours 3.5 3.7 5.0 -> 3.7, peer 6.9 6.8 -> 6.85; ours 7.7M, peer 5.65M;
    # ours 15.9 16.1 16.5 -> 16.1, peer 1160.4 1180.2 -> 1170.3
    for text in "$title" 'load (s)' 'frames dropped' 'ours (median 3.7)' \
        'peer (median 6.85)' 'ours (median 7,700,000)' 'peer (median 5,650,000)' \
        'ours (median 16.1)' 'peer (median 1,170)'; do
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
printf 'ours 1 2\n' >"$tmp/good"
if "$plot" "$tmp/good" "$tmp/nl.svg" $'two\nlines' a b 2>"$tmp/err"; then
    fail "plot.py accepted a title with a line break"
fi
grep -qF 'a line break' "$tmp/err" || fail "for a line break it said '$(cat "$tmp/err")'"

[ "$failures" -eq 0 ] && echo "test_bench_plot: all checks passed"
exit $((failures > 0))
