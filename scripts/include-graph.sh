#!/usr/bin/env bash
# The include graph between the folders of src/ (app, engine, ...) and of bpf_text/
# (bpf_text/common, ...): every `#include "folder/x.h"` of their files, resolved as the
# compiler does (src/ files: -I src -I bpf_text; bpf_text/ files: bpf_text/ only), printed
# as "FROM -> TO  N" (N: the #include lines). Exits 1 when the folders include each other
# in a cycle (leaving out the known edges of scripts/include-graph.allow), when files do,
# when an #include does not resolve, or when an allowed edge no longer exists (then it is
# to be taken out of the allow-list).
# usage: scripts/include-graph.sh
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
allow_file=scripts/include-graph.allow
status=0

# "FILE INCLUDED" pairs, paths from the repository's root.
file_edges=$(
    for f in src/*/*.c src/*/*.cc src/*/*.h bpf_text/*/*.c bpf_text/*/*.h; do
        case $f in
        bpf_text/*) dirs=(bpf_text) ;;
        *) dirs=(src bpf_text) ;;
        esac
        sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
            while IFS= read -r inc; do
                to=
                for d in "${dirs[@]}"; do
                    [ -f "$d/$inc" ] && to=$d/$inc && break
                done
                if [ -z "$to" ]; then
                    echo "include-graph: $f: #include \"$inc\" is in none of ${dirs[*]}" >&2
                    exit 1
                fi
                echo "$f $to"
            done
    done
)
# The folder of a file: src/app/x.c -> app, bpf_text/common/x.h -> bpf_text/common.
folder_edges=$(awk '
    function folder(p) { sub(/\/[^\/]*$/, "", p); sub(/^src\//, "", p); return p }
    { a = folder($1); b = folder($2); if (a != b) n[a " " b]++ }
    END { for (e in n) print e, n[e] }' <<<"$file_edges" | LC_ALL=C sort)

# The allow-list: "FROM -> TO" a line, # comments.
allowed=$(sed 's/#.*//' "$allow_file" | awk 'NF == 3 && $2 == "->" { print $1, $3; next }
    NF { print "include-graph: '"$allow_file"': cannot read: " $0 > "/dev/stderr"; exit 1 }')
is_allowed() { grep -qxF "$1 $2" <<<"$allowed"; }

echo "include graph of src/ and bpf_text/ folders (FROM -> TO  #include lines):"
while read -r from to n; do
    note=
    is_allowed "$from" "$to" && note="  (allowed, to be removed: $allow_file)"
    printf '  %-16s -> %-16s %3d%s\n' "$from" "$to" "$n" "$note"
done <<<"$folder_edges"

while read -r from to; do
    [ -n "$from" ] || continue
    if ! grep -q "^$from $to " <<<"$folder_edges"; then
        echo "include-graph: $allow_file: $from -> $to is no longer in the graph: take it out" >&2
        status=1
    fi
done <<<"$allowed"

# tsort fails, naming the members, on a loop.
kept=$(while read -r from to _; do is_allowed "$from" "$to" || echo "$from $to"; done <<<"$folder_edges")
if ! tsort <<<"$kept" >/dev/null; then
    echo "include-graph: the folders above include each other in a cycle (tsort's loop above)" >&2
    status=1
fi
if ! tsort <<<"$file_edges" >/dev/null; then
    echo "include-graph: files include each other in a cycle (tsort's loop above)" >&2
    status=1
fi
[ "$status" -eq 0 ] && echo "include-graph: no cycle between folders (but the allowed edges) nor between files"
exit "$status"
