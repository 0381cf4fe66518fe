#!/usr/bin/env bash
# The README's commands are ones that work: its two set-up commands name executable
# scripts, its usage block is the tool's own (--help), and every ebpfshield-bcc command
# it shows parses: the tool given the same arguments and --help exits 0 (it exits 2 on an
# unknown option, a bad value or options that do not go together). Lines of docs/ pages
# and the service's env file (its commented examples too) are checked the same way, and
# every relative link of the README leads to a file.
# usage: test_readme.sh (SRCDIR, EBPFSHIELD_BIN from ctest)
set -u
: "${SRCDIR:?}" "${EBPFSHIELD_BIN:?}"
cd "$SRCDIR" || exit 1
failures=0 commands=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# The two commands at the top.
first=$(awk '/^```sh$/ { on = 1; next } on && /^```$/ { exit } on' README.md)
for script in scripts/run.sh scripts/test.sh; do
    grep -q "^sudo $script" <<<"$first" || fail "README's first block does not run $script"
    [ -x "$script" ] || fail "$script is not an executable file"
done
# run.sh's arguments are the tool's.
args=$(sed -n 's/^sudo scripts\/run\.sh \([^#]*\).*$/\1/p' <<<"$first")
# shellcheck disable=SC2086 # the words of the README's line
"$EBPFSHIELD_BIN" $args --help >/dev/null 2>&1 || fail "scripts/run.sh $args: not the tool's options"

# The usage block, as --help prints it (its first lines, indentation aside).
want=$("$EBPFSHIELD_BIN" --help | sed -n '1,/^$/p' | sed '/^$/d; s/^usage: //; s/^ *//')
got=$(awk '/^## Usage/ { u = 1 } u && /^```$/ { if (on) exit; on = 1; next } on' README.md |
    sed 's/^ *//')
[ "$want" = "$got" ] || fail "README's usage block differs from --help's: $(diff <(echo "$want") <(echo "$got") | head -5)"

# parses WHERE ARGS: the tool given ARGS (split into words) and --help exits 0.
parses() {
    local out
    commands=$((commands + 1))
    # shellcheck disable=SC2086
    out=$("$EBPFSHIELD_BIN" $2 --help 2>&1 >/dev/null) ||
        fail "does not parse: $1 $2: $(head -1 <<<"$out")"
}

# Every ebpfshield-bcc command line of README.md and docs/*.md (in code blocks: after "$
# sudo ", or at the start of a line), without a trailing "# comment" or "&".
while IFS= read -r line; do
    cmd=${line#*ebpfshield-bcc }
    cmd=${cmd%%#*}
    cmd=${cmd%%&*} # a job started in the background
    parses ebpfshield-bcc "$cmd"
done < <(awk 'FNR == 1 { on = 0 } /^```/ { on = !on; next }
        on && /^(\$ sudo )?ebpfshield-bcc (-|$)/' README.md docs/*.md)
[ "$commands" -ge 5 ] || fail "only $commands ebpfshield-bcc command(s) found in the README"

# The options of the service's env file, its commented examples too.
while IFS= read -r opts; do
    parses "EBPFSHIELD_OPTS of the env file:" "$opts"
done < <(sed -n 's/^#\{0,1\}EBPFSHIELD_OPTS="\(.*\)"$/\1/p' cmake/install/ebpfshield-bcc.default |
    sed 's/@[A-Z_]*@/\/etc\/ebpfshield/g')

# Relative links of the README.
while IFS= read -r target; do
    [ -e "${target%%#*}" ] || fail "README links to $target, which does not exist"
done < <(grep -o '\]([^)]*)' README.md | sed 's/^](//; s/)$//' | grep -v '^#\|://')

echo "$commands command(s) of the README, docs/ and the env file parsed, $failures failure(s)"
exit $((failures > 0))
