#!/usr/bin/env bash
# The install tree (cmake --install into a DESTDIR), checked file by file: for the prefix
# /usr (the default; the build directory BINDIR of ctest when it has that prefix, else a
# fresh one) and for the prefix /opt/ebs (a fresh configure and build of SRCDIR). Every
# expected file with its mode and nothing else; the paths compiled into the binary and
# written into the update script, the units, the env file and the man page; systemd-analyze
# verify on the three units; mandoc -Tlint; the bash completion driven as bash does.
# usage: install.sh SRCDIR [BINDIR]
set -euo pipefail

src=$(cd "${1:?usage: install.sh SRCDIR [BINDIR]}" && pwd)
bindir=${2:-}
. "$(dirname "$0")/checks.sh"
need_tools cmake mandoc systemd-analyze strings man

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

# A build directory for PREFIX in $tmp (none given: CMake's default, which must be /usr).
build_tree() {
    local dir=$1 prefix=$2 args=(-S "$src" -B "$1" -DBUILD_TESTING=OFF)
    [[ -z $prefix ]] || args+=("-DCMAKE_INSTALL_PREFIX=$prefix")
    if ! cmake "${args[@]}" >"$dir.log" 2>&1 || ! cmake --build "$dir" -j"$(nproc)" \
        --target ebpfshield-bcc >>"$dir.log" 2>&1; then
        tail -n 30 "$dir.log" >&2
        echo "FAIL: configure/build of $src (prefix ${prefix:-default})" >&2
        exit 1
    fi
}

cache_var() {
    sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt"
}

# Every file and symlink under root as "MODE PATH", sorted.
tree() {
    (cd "$1" && find . \( -type f -o -type l \) -printf '%m %P\n' | LC_ALL=C sort -k2)
}

# check_tree ROOT PREFIX SBIN SYSCONF DATA MAN UNITS STATE: the install tree of one prefix.
check_tree() {
    local root=$1 prefix=$2 sbin=$3 etc=$4 data=$5 man=$6 units=$7 state=$8
    local want got f bin=$root$sbin/ebpfshield-bcc upd=$root$sbin/ebpfshield-update-feeds
    want=$(
        LC_ALL=C sort -k2 <<EOF
755 ${sbin#/}/ebpfshield-bcc
755 ${sbin#/}/ebpfshield-update-feeds
644 ${man#/}/man8/ebpfshield-bcc.8
644 ${data#/}/bash-completion/completions/ebpfshield-bcc
644 ${data#/}/ebpfshield-bcc/example.txt
644 ${data#/}/ebpfshield-bcc/README.md
644 ${units#/}/ebpfshield-bcc.service
644 ${units#/}/ebpfshield-feeds.service
644 ${units#/}/ebpfshield-feeds.timer
644 ${etc#/}/default/ebpfshield-bcc
EOF
    )
    got=$(tree "$root")
    if [[ $got == "$want" ]]; then
        ok
    else
        fail "prefix $prefix: install tree differs (< got, > want):"
        diff <(printf '%s\n' "$got") <(printf '%s\n' "$want") >&2 || true
    fi
    # Directories: none writable by group or others.
    got=$(cd "$root" && find . -mindepth 1 -type d -perm /022 -printf '%m %P\n')
    expect "prefix $prefix: group/other-writable directories" "$got" ""

    # The paths compiled into the binary: strings and --help.
    got=$(strings "$bin")
    has "prefix $prefix: strings of the binary" "$got" "$state/feeds"
    has "prefix $prefix: strings of the binary" "$got" "$state/dumps"
    got=$("$bin" --help)
    has "prefix $prefix: --help" "$got" "$state/feeds)"
    has "prefix $prefix: --help" "$got" "(default $state/dumps,"
    if cmp -s "$src/feeds/example.txt" "$root${data}/ebpfshield-bcc/example.txt"; then
        ok
    else
        fail "prefix $prefix: example.txt is not feeds/example.txt"
    fi
    # The example feed passes the installed binary's own check.
    if "$bin" --check-feed "$root${data}/ebpfshield-bcc/example.txt" >/dev/null 2>&1; then
        ok
    else
        fail "prefix $prefix: --check-feed of the installed example.txt failed"
    fi

    # The update script: its defaults, and the source copy otherwise unchanged.
    got=$(grep -E '^default_(feeds_dir|bin)=' "$upd")
    expect "prefix $prefix: update script defaults" "$got" \
        "default_feeds_dir=$state/feeds"$'\n'"default_bin=$sbin/ebpfshield-bcc"
    got=$(diff <(grep -vE '^default_(feeds_dir|bin)=' "$src/feeds/update-feeds.sh") \
        <(grep -vE '^default_(feeds_dir|bin)=' "$upd") || true)
    expect "prefix $prefix: update script beside its two defaults" "$got" ""
    got=$("$upd" --help)
    has "prefix $prefix: update script --help" "$got" "$state/feeds); it must exist"
    has "prefix $prefix: update script --help" "$got" "else
$sbin/ebpfshield-bcc, else"
    # Its default --dir in action: a missing default directory is named (exit 2) before
    # anything is fetched (skipped when the machine has that directory: it would fetch).
    if [[ ! -e $state/feeds ]]; then
        local rc=0
        got=$(EBPFSHIELD_BIN=$bin EBPFSHIELD_FEEDS_DIR='' "$upd" --no-reload 2>&1) || rc=$?
        expect "prefix $prefix: update script without --dir: status" "$rc" 2
        has "prefix $prefix: update script without --dir" "$got" \
            "feeds directory $state/feeds does not exist"
    elif [[ $prefix == /opt/ebs ]]; then
        fail "$state/feeds exists on this machine: the /opt/ebs default cannot be run"
    fi

    # Units, env file and man page: every @VAR@ substituted, the paths of this prefix.
    for f in "$root$units"/* "$root$etc/default/ebpfshield-bcc" "$root$man/man8/ebpfshield-bcc.8" \
        "$upd"; do
        if grep -qE '@[A-Z_]+@' "$f"; then
            fail "$f: unsubstituted $(grep -oE '@[A-Z_]+@' "$f" | head -n 1)"
        else
            ok
        fi
    done
    got=$(grep -E '^(ExecStart|EnvironmentFile)=' "$root$units/ebpfshield-bcc.service")
    expect "prefix $prefix: ebpfshield-bcc.service" "$got" \
        "EnvironmentFile=-$etc/default/ebpfshield-bcc
EnvironmentFile=-$etc/ebpfshield/ebpfshield-bcc.env
ExecStart=$sbin/ebpfshield-bcc \$EBPFSHIELD_OPTS"
    got=$(grep -E '^(ExecStart|Environment)=' "$root$units/ebpfshield-feeds.service")
    expect "prefix $prefix: ebpfshield-feeds.service" "$got" \
        "Environment=EBPFSHIELD_BIN=$sbin/ebpfshield-bcc
ExecStart=$sbin/ebpfshield-update-feeds --dir $state/feeds"
    got=$(grep -E '^EBPFSHIELD_OPTS=' "$root$etc/default/ebpfshield-bcc")
    expect "prefix $prefix: env file" "$got" \
        'EBPFSHIELD_OPTS="--feature ebpf_ipintelligence --output json"'
    got=$(LC_ALL=C MANWIDTH=200 man -l "$root$man/man8/ebpfshield-bcc.8" 2>&1)
    for f in "$state/feeds" "$state/dumps" "$etc/default/ebpfshield-bcc" \
        "$units/ebpfshield-bcc.service" /run/ebpfshield-bcc/enforce.lock; do
        has "prefix $prefix: man page FILES" "$got" "$f"
    done
}

# The man page: mandoc clean; every section; every option of the binary's --help, and
# every option the brief adds, documented and completed.
check_docs() {
    local root=$1 page=$1/usr/share/man/man8/ebpfshield-bcc.8 comp text opts o
    comp=$root/usr/share/bash-completion/completions/ebpfshield-bcc
    local lint rc=0
    lint=$(mandoc -Tlint -W warning "$page" 2>&1) || rc=$?
    expect "mandoc -Tlint -W warning: status" "$rc" 0
    expect "mandoc -Tlint -W warning: output" "$lint" ""
    text=$(LC_ALL=C MANWIDTH=200 man -l "$page" 2>&1)
    for o in NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT SIGNALS "EXIT STATUS" FILES EXAMPLES \
        "SEE ALSO"; do
        if grep -qx "$o" <<<"$text"; then ok; else fail "man page: no section $o"; fi
    done
    local roff tags
    roff=$(sed 's/\\-/-/g' "$page")
    # The options with an entry of their own: the tag lines (after .TP) of OPTIONS.
    tags=$(awk '/^\.SH / { in_opts = ($2 == "OPTIONS") } in_opts && tag { print; tag = 0 }
        in_opts && /^\.TP/ { tag = 1 }' <<<"$roff")
    opts=$("$root/usr/sbin/ebpfshield-bcc" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
    opts+=$'\n'$(printf '%s\n' --output --output-file --syslog --timestamp --pid --uid --comm)
    while IFS= read -r o; do
        if grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" <<<"$tags"; then ok; else
            fail "man page: $o has no entry in OPTIONS"
        fi
        if grep -qE -- "(^|[' ])$o([ ')]|$)" "$comp"; then ok; else
            fail "completion: $o not completed"
        fi
    done < <(sort -u <<<"$opts")
    for o in -t -p -u; do
        if grep -qE -- "^\.BR $o , " <<<"$tags"; then ok; else
            fail "man page: $o not documented"
        fi
    done
}

# complete_words FILE WORD...: the completions bash offers for the last WORD (the command
# line being "ebpfshield-bcc WORD..."), sorted, one a line.
complete_words() {
    local file=$1
    shift
    bash --norc --noprofile -c '
        set -u
        source "$1"
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        _ebpfshield_bcc ebpfshield-bcc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        [[ ${#COMPREPLY[@]} -eq 0 ]] || printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort
    ' complete "$file" ebpfshield-bcc "$@"
}

check_completion() {
    local comp=$1/usr/share/bash-completion/completions/ebpfshield-bcc got o
    got=$(bash --norc --noprofile -c 'source "$1" && complete -p ebpfshield-bcc' reg "$comp")
    expect "completion: registered" "$got" "complete -F _ebpfshield_bcc ebpfshield-bcc"
    got=$(complete_words "$comp" --fe | tr '\n' ' ')
    expect "completion: --fe" "$got" "--feature --feeds "
    got=$(complete_words "$comp" --feat)
    expect "completion: --feat" "$got" --feature
    got=$(complete_words "$comp" --block '' | tr '\n' ' ')
    expect "completion: --block" "$got" "deny dump kill print suspend "
    got=$(complete_words "$comp" --verbose --block k)
    expect "completion: --block k" "$got" kill
    got=$(complete_words "$comp" --block = | tr '\n' ' ')
    expect "completion: --block=" "$got" "deny dump kill print suspend "
    got=$(complete_words "$comp" --block = s)
    expect "completion: --block=s" "$got" suspend
    got=$(complete_words "$comp" --feature '' | tr '\n' ' ')
    expect "completion: --feature" "$got" "ebpf_ipintelligence ebpf_monitor "
    got=$(complete_words "$comp" --attach '' | tr '\n' ' ')
    expect "completion: --attach" "$got" "auto kprobe tracepoint "
    got=$(complete_words "$comp" --qtype '' | tr '\n' ' ')
    expect "completion: --qtype" "$got" "address all "
    got=$(complete_words "$comp" --output '' | tr '\n' ' ')
    expect "completion: --output" "$got" "json text "
    got=$(complete_words "$comp" --output-f)
    expect "completion: --output-f" "$got" --output-file
    for o in --dump-max --dns-port --pid -p --uid -u --comm; do
        got=$(complete_words "$comp" "$o" '')
        expect "completion: $o takes a value, nothing offered" "$got" ""
        got=$(complete_words "$comp" "$o" 1)
        expect "completion: $o 1, nothing offered" "$got" ""
    done
    got=$(complete_words "$comp" -- | wc -l)
    expect "completion: the long options" "$got" 31
    # Paths: directories for --feeds and --dump-dir, any file for the others.
    mkdir -p "$tmp/paths/cores" && : >"$tmp/paths/cfeed.txt"
    for o in --feeds --dump-dir; do
        got=$(cd "$tmp/paths" && complete_words "$comp" "$o" c)
        expect "completion: $o c" "$got" cores
    done
    for o in --allow --check-feed --output-file; do
        got=$(cd "$tmp/paths" && complete_words "$comp" "$o" c | tr '\n' ' ')
        expect "completion: $o c" "$got" "cfeed.txt cores "
    done
}

# systemd-analyze verify, offline: a root holding the install tree, the host's units
# (sysinit.target and the like) and /bin/kill (ExecReload), with man finding the page.
verify_units() {
    local root=$1 vroot out rc=0
    vroot=$(mktemp -d "$tmp/verify.XXXXXX")
    cp -a "$root/." "$vroot/"
    mkdir -p "$vroot/lib/systemd/system" "$vroot/usr/bin"
    cp -a --no-clobber /lib/systemd/system/. "$vroot/lib/systemd/system/"
    [[ -e $vroot/bin ]] || ln -s usr/bin "$vroot/bin"
    cp /bin/kill "$vroot/usr/bin/kill"
    out=$(cd "$vroot" && MANPATH=$vroot/usr/share/man systemd-analyze verify --root="$vroot" \
        ebpfshield-bcc.service ebpfshield-feeds.service ebpfshield-feeds.timer 2>&1) || rc=$?
    expect "systemd-analyze verify: status" "$rc" 0
    expect "systemd-analyze verify: output" "$out" ""
    # It does catch mistakes: an unknown key is reported.
    sed -i 's/^ProtectSystem=/ProtectSytem=/' "$vroot/lib/systemd/system/ebpfshield-bcc.service"
    out=$(cd "$vroot" && MANPATH=$vroot/usr/share/man systemd-analyze verify --root="$vroot" \
        ebpfshield-bcc.service 2>&1) || true
    has "systemd-analyze verify of a broken unit" "$out" "Unknown key 'ProtectSytem'"
}

# --- prefix /usr ------------------------------------------------------------------------
if [[ -n $bindir && $(cache_var "$bindir" CMAKE_INSTALL_PREFIX) == /usr &&
    -x $bindir/ebpfshield-bcc ]]; then
    usr_build=$bindir
    echo "prefix /usr: the build directory $bindir"
else
    usr_build=$tmp/build-usr
    echo "prefix /usr: a fresh build of $src (CMake's default prefix)"
    build_tree "$usr_build" ""
    expect "default CMAKE_INSTALL_PREFIX" "$(cache_var "$usr_build" CMAKE_INSTALL_PREFIX)" /usr
fi
DESTDIR=$tmp/root-usr cmake --install "$usr_build" >"$tmp/install-usr.log"
# The unit directory as CMake computes it for /usr: systemd's, else Debian's.
unit_dir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
check_tree "$tmp/root-usr" /usr /usr/sbin /etc /usr/share /usr/share/man \
    "${unit_dir:-/lib/systemd/system}" /var/lib/ebpfshield
check_docs "$tmp/root-usr"
check_completion "$tmp/root-usr"
verify_units "$tmp/root-usr"

# --- prefix /opt/ebs --------------------------------------------------------------------
echo "prefix /opt/ebs: a fresh build of $src"
build_tree "$tmp/build-opt" /opt/ebs
DESTDIR=$tmp/root-opt cmake --install "$tmp/build-opt" >"$tmp/install-opt.log"
check_tree "$tmp/root-opt" /opt/ebs /opt/ebs/sbin /etc/opt/ebs /opt/ebs/share \
    /opt/ebs/share/man /opt/ebs/lib/systemd/system /var/opt/ebs/lib/ebpfshield

summary install_tree
