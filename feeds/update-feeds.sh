#!/usr/bin/env bash
# Downloads threat feeds into the feeds directory of ebpfshield-bcc (by default the two
# feeds of the original eBPFShield: the Tor exit list and the Talos IP blacklist; with a
# list file, the feeds it names). Each download is checked by `ebpfshield-bcc
# --check-feed` (the tool's own parser and trust rules) before it atomically replaces
# the old feed; a failed one keeps the old feed and makes the exit status non-zero.
# After at least one feed was replaced, the running tool is told to reload (SIGHUP).
# Opt-in (--encrypted-dns-resolvers): the addresses of public DoH/DoT resolvers as two
# more feeds; refused, they make applications that fall back use plain DNS, which the
# guard checks by name.
#
# Made to run from a timer: the only output of a run that succeeds is one line per feed;
# runs never overlap (as root an flock on /run/ebpfshield-bcc/update-feeds.lock): a run
# that finds another one at work does nothing, says so on stderr and exits 0 at once
# (it does not wait). Temporary files (hidden, in the feeds directory) never outlive a
# run. Exit status: 0 all feeds replaced (or another run holds the lock), 1 a feed, a
# list line or the reload failed, 2 bad usage or setup (no binary, no curl, no or an
# untrusted feeds directory or list). Run `update-feeds.sh --help` for the options.
set -euo pipefail

prog=update-feeds
tor_url=${EBPFSHIELD_TOR_URL:-https://check.torproject.org/torbulkexitlist}
talos_url=${EBPFSHIELD_TALOS_URL:-https://www.talosintelligence.com/documents/ip-blacklist}
# Public DoH/DoT resolvers (dibdot/DoH-IP-blocklists, refreshed hourly upstream): one
# address a line, then "# " and the resolver names that have it.
encdns_base=https://raw.githubusercontent.com/dibdot/DoH-IP-blocklists/master
encdns_v4_url=${EBPFSHIELD_ENCRYPTED_DNS_V4_URL:-$encdns_base/doh-ipv4.txt}
encdns_v6_url=${EBPFSHIELD_ENCRYPTED_DNS_V6_URL:-$encdns_base/doh-ipv6.txt}
# The defaults of the feeds directory and of the checker: the installed copy
# (ebpfshield-update-feeds, made by CMake) has the paths it was configured with here.
default_feeds_dir=/var/lib/ebpfshield/feeds
default_bin=/usr/sbin/ebpfshield-bcc
feeds_dir=${EBPFSHIELD_FEEDS_DIR:-$default_feeds_dir}
list=${EBPFSHIELD_FEED_LIST:-}
reload=${EBPFSHIELD_RELOAD:-1}
encrypted_dns=${EBPFSHIELD_ENCRYPTED_DNS_RESOLVERS:-0}
allow_wide=()
name_re='^[A-Za-z0-9][A-Za-z0-9._-]*\.(txt|csv|netset|ipset)$'

usage() {
    cat <<EOF
Usage: update-feeds.sh [--dir DIR] [--list FILE] [--encrypted-dns-resolvers]
                       [--no-reload] [--allow-wide]
       update-feeds.sh --help

Downloads threat feeds into the feeds directory of ebpfshield-bcc. Every download is
checked with \`ebpfshield-bcc --check-feed\` and, when it holds at least one entry,
replaces the old feed atomically, with a first line "# source: URL, fetched DATE" and
mode 0644. A failed download keeps the old feed and makes the exit status 1. After at
least one replacement, root's running ebpfshield-bcc is sent SIGHUP to reload.

Options:
  --dir DIR      the feeds directory (default: \$EBPFSHIELD_FEEDS_DIR, else
                 $default_feeds_dir); it must exist, and when run as root be
                 root's and not writable by group or others (exit 2 otherwise)
  --list FILE    fetch the feeds FILE names instead of the default two (default:
                 \$EBPFSHIELD_FEED_LIST). One feed a line, "NAME URL"; blank lines and
                 lines starting with # are ignored. NAME is the file written in the
                 feeds directory and must match
                 ^[A-Za-z0-9][A-Za-z0-9._-]*\\.(txt|csv|netset|ipset)\$
                 A bad line is reported and skipped (exit status 1).
  --encrypted-dns-resolvers
                 also fetch the addresses of public DoH/DoT resolvers as the feeds
                 encrypted-dns-v4.txt and encrypted-dns-v6.txt (also:
                 EBPFSHIELD_ENCRYPTED_DNS_RESOLVERS=1). Under --block deny the guard
                 then refuses every connection to them, on every port: DoH, DoT and
                 DoQ to them fail, and applications that fall back (browsers do)
                 use plain DNS, whose names the guard checks (kill, suspend and dump
                 stop the application instead). Plain DNS to these resolvers
                 (1.1.1.1, 8.8.8.8, 9.9.9.9, ...) is refused too, and so are other
                 sites on the CDN addresses some of them share. A list line of the
                 same name wins over this option.
  --no-reload    do not signal the running tool (also: EBPFSHIELD_RELOAD=0)
  --allow-wide   accept entries wider than an IPv4 /8 or IPv6 /16 when checking (use it
                 when the tool runs with --allow-wide)
  -h, --help     this text

Without a list, the feeds are tor-exit-nodes.txt from \$EBPFSHIELD_TOR_URL (default
https://check.torproject.org/torbulkexitlist) and talos-ip-blacklist.txt from
\$EBPFSHIELD_TALOS_URL (default
https://www.talosintelligence.com/documents/ip-blacklist). --encrypted-dns-resolvers
adds, to these or to the list's feeds, encrypted-dns-v4.txt from
\$EBPFSHIELD_ENCRYPTED_DNS_V4_URL and encrypted-dns-v6.txt from
\$EBPFSHIELD_ENCRYPTED_DNS_V6_URL (defaults: doh-ipv4.txt and doh-ipv6.txt of
$encdns_base).

The checker is \$EBPFSHIELD_BIN, else ebpfshield-bcc on PATH, else
$default_bin, else build/ebpfshield-bcc of the source tree of this script.

Two runs on one directory never overlap: a run that finds another one at work exits 0
at once, saying so on stderr. Exit status: 0 success, 1 a feed, list line or reload
failed, 2 bad usage or setup.

EXAMPLES
  sudo update-feeds.sh
        refresh the Tor and Talos feeds in $default_feeds_dir, then reload
  sudo update-feeds.sh --list /etc/ebpfshield/feeds.list
        with /etc/ebpfshield/feeds.list holding, for instance:
          spamhaus-drop.txt https://www.spamhaus.org/drop/drop.txt
          spamhaus-dropv6.txt https://www.spamhaus.org/drop/dropv6.txt
          tor-exit-addresses.txt https://check.torproject.org/exit-addresses
          feodo.csv https://feodotracker.abuse.ch/downloads/ipblocklist.csv
  sudo update-feeds.sh --encrypted-dns-resolvers
        the Tor and Talos feeds and the public DoH/DoT resolvers' addresses
  sudo update-feeds.sh --list /etc/ebpfshield/feeds.list --encrypted-dns-resolvers
        the list's feeds and the resolvers' addresses; or, instead of the option,
        these two lines in the list:
          encrypted-dns-v4.txt $encdns_base/doh-ipv4.txt
          encrypted-dns-v6.txt $encdns_base/doh-ipv6.txt
  update-feeds.sh --dir /tmp/feeds --no-reload
        try it out in a directory of your own, without touching the running tool
  EBPFSHIELD_BIN=build/ebpfshield-bcc update-feeds.sh --dir /tmp/feeds --no-reload
        the same, checking with the binary of a build tree
EOF
}

err() {
    printf '%s: %s\n' "$prog" "$*" >&2
}

bad_usage() {
    err "$*"
    usage >&2
    exit 2
}

while (($#)); do
    case $1 in
    --dir | --list)
        (($# >= 2)) || bad_usage "$1 needs an argument"
        [[ -n $2 ]] || bad_usage "$1 needs a non-empty argument"
        if [[ $1 == --dir ]]; then feeds_dir=$2; else list=$2; fi
        shift 2
        ;;
    --dir=?*) feeds_dir=${1#--dir=} && shift ;;
    --list=?*) list=${1#--list=} && shift ;;
    --no-reload) reload=0 && shift ;;
    --encrypted-dns-resolvers) encrypted_dns=1 && shift ;;
    --allow-wide) allow_wide=(--allow-wide) && shift ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) bad_usage "unknown option or argument: $1" ;;
    esac
done
case $reload in
0 | 1) ;;
*) bad_usage "EBPFSHIELD_RELOAD must be 0 or 1, not '$reload'" ;;
esac
case $encrypted_dns in
0 | 1) ;;
*) bad_usage "EBPFSHIELD_ENCRYPTED_DNS_RESOLVERS must be 0 or 1, not '$encrypted_dns'" ;;
esac

# The checker: the same binary, so the same parser, as the tool that loads the feeds.
find_bin() {
    local here b
    if [[ -n ${EBPFSHIELD_BIN:-} ]]; then
        if [[ -f $EBPFSHIELD_BIN && -x $EBPFSHIELD_BIN ]]; then
            printf '%s\n' "$EBPFSHIELD_BIN"
            return 0
        fi
        err "EBPFSHIELD_BIN=$EBPFSHIELD_BIN is not an executable file"
        return 1
    fi
    if command -v ebpfshield-bcc 2>/dev/null; then
        return 0
    fi
    here=$(dirname -- "${BASH_SOURCE[0]}")
    for b in "$default_bin" "$here/../build/ebpfshield-bcc"; do
        if [[ -f $b && -x $b ]]; then
            printf '%s\n' "$b"
            return 0
        fi
    done
    err "cannot find ebpfshield-bcc (tried \$EBPFSHIELD_BIN, PATH, $default_bin," \
        "$here/../build); set EBPFSHIELD_BIN to its path"
    return 1
}

# As root: path and every directory above it must be root's, and no directory on the way
# writable by group or others unless sticky; no component may be a symlink (checking a
# link's target would let whoever owns the link's directory swap it). The tool refuses
# untrusted feeds anyway; this says why before anything is downloaded.
trusted() {
    local path=$1 what=$2 abs p s owner mode comps c
    [[ $path == /* ]] && abs=$path || abs=$PWD/$path
    if [[ ! -e $abs ]]; then
        err "$what $path does not exist"
        return 1
    fi
    IFS=/ read -ra comps <<<"${abs#/}"
    p=
    for c in "" "${comps[@]}"; do
        [[ -z $c && -n $p ]] && continue # "a//b"
        [[ $c == . ]] && continue
        if [[ $c == .. ]]; then
            err "refusing $what $path: \"..\" is not allowed"
            return 1
        fi
        p=${p%/}/$c
        if [[ -L $p ]]; then
            err "refusing $what $path: $p is a symlink"
            return 1
        fi
        s=$(stat -c '%u %a' -- "$p") || return 1
        read -r owner mode <<<"$s"
        if ((owner != 0)); then
            err "refusing $what $path: $p belongs to uid $owner, not root"
            return 1
        fi
        if [[ $p == "${abs%/}" || $p == "$abs" ]]; then
            ((8#$mode & 8#022)) || continue
        elif ((!(8#$mode & 8#022) || 8#$mode & 8#1000)); then
            continue
        fi
        err "refusing $what $path: $p is writable by group or others (mode $mode)"
        return 1
    done
}

# The feeds as "NAME URL" lines in feeds[]; bad lines of the list are counted.
feeds=()
bad_lines=0
read_list() {
    local line name url rest n=0
    while IFS= read -r line || [[ -n $line ]]; do
        n=$((n + 1))
        line=${line%$'\r'}
        [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
        read -r name url rest <<<"$line"
        if [[ -z $url || -n $rest ]]; then
            err "$list:$n: not \"NAME URL\", line skipped"
        elif ! [[ $name =~ $name_re ]]; then
            err "$list:$n: bad feed name '$name' (want a plain file name ending in" \
                ".txt, .csv, .netset or .ipset), line skipped"
        elif [[ " ${feeds[*]%% *} " == *" $name "* ]]; then
            err "$list:$n: feed $name named twice, line skipped"
        else
            feeds+=("$name $url")
            continue
        fi
        bad_lines=$((bad_lines + 1))
    done <"$list"
}

tmp=
out=
trap 'rm -f -- "${tmp:-}"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Says what `--check-feed` said about the download, with its lines numbered as in the
# download (the file checked has the source comment as line 1) and the temporary file
# (deleted right after) called "the download".
show_check() {
    local name=$1 text=$2 line
    while IFS= read -r line; do
        line=${line#ebpfshield-bcc: }
        if [[ $line == "$tmp:"* && ${line#"$tmp:"} =~ ^([0-9]+):(.*)$ ]]; then
            line="line $((BASH_REMATCH[1] - 1)) of the download:${BASH_REMATCH[2]}"
        fi
        line=${line//"$tmp"/the download}
        printf '%s: %s:   %s\n' "$prog" "$name" "$line" >&2
    done <<<"$text"
}

# Runs the checker on the download of feed $1 from $2: sets out to what it said and
# returns 0 when it holds an entry, else says why and returns 1. SIGHUP is ignored: the
# reload of another run (pkill) must not kill the checker, which has the tool's name.
check_download() {
    local rc=0
    out=$(trap '' HUP && exec "$bin" --check-feed "$tmp" "${allow_wide[@]}" 2>&1) || rc=$?
    if ((rc == 0)); then
        return 0
    elif ((rc == 1)); then
        err "$1: $2 is not a feed ebpfshield-bcc accepts, keeping the old feed:"
    else
        err "$1: $bin --check-feed failed (status $rc), keeping the old feed:"
    fi
    show_check "$1" "$out"
    return 1
}

# The body of url on stdout: at most 100 MiB (curl's --max-filesize does not stop a
# chunked reply: head does, and curl then fails), without a UTF-8 byte order mark (the
# file starts with our header line, so the parser would not see it first).
download() {
    curl --fail --silent --show-error --location --max-redirs 5 \
        --proto '=http,https' --proto-redir '=http,https' --connect-timeout 20 \
        --max-time 300 --max-filesize 100M --url "$1" |
        head -c $((100 << 20)) | LC_ALL=C sed '1s/^\xEF\xBB\xBF//'
}

# Downloads url into feeds_dir/name; returns non-zero, keeping the old feed, on failure.
update_feed() {
    local name=$1 url=$2 dest="$feeds_dir/$1" re
    # The URL goes into the header comment: a line break would inject feed entries.
    if [[ $url == *[[:space:][:cntrl:]]* ]]; then
        err "$name: URL contains white space or control characters, skipped"
        return 1
    fi
    if ! [[ $url =~ ^[Hh][Tt][Tt][Pp][Ss]?:// ]]; then
        err "$name: $url is not an http:// or https:// URL, skipped"
        return 1
    fi
    # Same directory as the feed, so that the final mv is an atomic rename; the leading
    # dot keeps the partial file out of the loader's reach.
    # The name ends as the feed's does: a .csv file is read as CSV.
    if ! tmp=$(mktemp --suffix="-$name" -- "$feeds_dir/.XXXXXXXX"); then
        err "$name: cannot create a temporary file in $feeds_dir, keeping the old feed"
        tmp=
        return 1
    fi
    # In a .csv feed, a comment naming an "ip" field before the first entry is taken as
    # the CSV header: the commas of the URL are written as %2C.
    if ! printf '# source: %s, fetched %s\n' "${url//,/%2C}" \
        "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" >"$tmp"; then
        err "$name: cannot write $tmp, keeping the old feed"
    elif ! download "$url" >>"$tmp"; then
        err "$name: download of $url failed (or was larger than 100 MiB), keeping the old feed"
    elif ! check_download "$name" "$url"; then
        :
    elif ! chmod 0644 -- "$tmp" || ! mv -f -- "$tmp" "$dest"; then
        err "$name: cannot install $dest, keeping the old feed"
    else
        tmp=
        re='(^|'$'\n'')loaded ([0-9]+) entries \(([0-9]+) v4, ([0-9]+) v6\) from .*, ([0-9]+) lines skipped($|'$'\n'')'
        if [[ $out =~ $re ]]; then
            printf '%s: %s: %s entries (%s v4, %s v6), %s lines skipped, from %s\n' "$prog" \
                "$name" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}" \
                "${BASH_REMATCH[5]}" "$url"
        else
            printf '%s: %s: updated from %s\n' "$prog" "$name" "$url"
        fi
        return 0
    fi
    rm -f -- "$tmp"
    tmp=
    return 1
}

bin=$(find_bin) || exit 2
for tool in curl:curl flock:util-linux pkill:procps; do
    if ! command -v "${tool%:*}" >/dev/null; then
        err "${tool%:*} is required (apt-get install ${tool#*:})"
        exit 2
    fi
done
if [[ ! -d $feeds_dir ]]; then
    err "feeds directory $feeds_dir does not exist"
    exit 2
fi
if ((EUID == 0)); then
    trusted "$feeds_dir" "feeds directory" || exit 2
fi
if [[ -n $list ]]; then
    if [[ ! -f $list || ! -r $list ]]; then
        err "feed list $list is not a readable file"
        exit 2
    fi
    if ((EUID == 0)); then
        trusted "$list" "feed list" || exit 2
    fi
    read_list
    if ((${#feeds[@]} == 0 && bad_lines == 0)); then
        err "feed list $list names no feed"
        exit 2
    fi
else
    feeds=("tor-exit-nodes.txt $tor_url" "talos-ip-blacklist.txt $talos_url")
fi
# The resolvers' feeds join the others; a list line of the same name wins (its URL).
if ((encrypted_dns)); then
    for f in "encrypted-dns-v4.txt $encdns_v4_url" \
        "encrypted-dns-v6.txt $encdns_v6_url"; do
        [[ " ${feeds[*]%% *} " == *" ${f%% *} "* ]] || feeds+=("$f")
    done
fi

# As root the lock is a file in a directory only root may write (/run/ebpfshield-bcc):
# any user may open a 0755 feeds directory and would hold a lock taken on it. Others
# lock the feeds directory itself.
if ((EUID == 0)) && { [[ -d /run/ebpfshield-bcc ]] || mkdir -m 0700 /run/ebpfshield-bcc; } &&
    [[ ! -L /run/ebpfshield-bcc && -O /run/ebpfshield-bcc ]]; then
    lock_path=/run/ebpfshield-bcc/update-feeds.lock
    opened() { exec {lock_fd}>>"$lock_path"; }
else
    lock_path=$feeds_dir
    opened() { exec {lock_fd}<"$lock_path"; }
fi
if ! { opened; } 2>/dev/null; then
    err "cannot open $lock_path to lock it"
    exit 2
fi
rc=0
flock --nonblock --conflict-exit-code 75 "$lock_fd" || rc=$?
if ((rc == 75)); then
    err "another update-feeds.sh is updating $feeds_dir, nothing done"
    exit 0
elif ((rc)); then
    err "cannot lock $lock_path (flock status $rc)"
    exit 2
fi

replaced=0
failed=0
for f in "${feeds[@]}"; do
    if update_feed "${f%% *}" "${f#* }"; then
        replaced=$((replaced + 1))
    else
        failed=$((failed + 1))
    fi
done

# Only root's processes named exactly ebpfshield-bcc; status 1 is "none running".
reload_failed=0
if ((replaced && reload)); then
    rc=0
    pkill -HUP -x -U 0 ebpfshield-bcc || rc=$?
    if ((rc > 1)); then
        err "could not signal ebpfshield-bcc to reload (pkill status $rc)"
        reload_failed=1
    fi
fi
if ((failed)); then
    err "$failed feed(s) not updated"
fi
if ((bad_lines)); then
    err "$bad_lines bad line(s) in $list skipped"
fi
if ((failed || bad_lines || reload_failed)); then
    exit 1
fi
