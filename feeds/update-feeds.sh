#!/usr/bin/env bash
# Downloads the threat feeds of the original eBPFShield (Tor exit nodes, Talos IP blacklist)
# into the feeds directory. Each download is validated before it atomically replaces the
# old feed; a failed one keeps the old feed and makes the exit status non-zero.
# Environment: EBPFSHIELD_TOR_URL, EBPFSHIELD_TALOS_URL, EBPFSHIELD_FEEDS_DIR (see README.md).
set -euo pipefail

feeds_dir=${EBPFSHIELD_FEEDS_DIR:-$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)}
tor_url=${EBPFSHIELD_TOR_URL:-https://check.torproject.org/torbulkexitlist}
talos_url=${EBPFSHIELD_TALOS_URL:-https://www.talosintelligence.com/documents/ip-blacklist}

tmp=
trap 'rm -f -- "${tmp:-}"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

err() {
    printf 'update-feeds: %s\n' "$*" >&2
}

# Prints the number of entries of the downloaded file $1 (its first line is our header);
# fails when a line that is not blank or a comment is not an IPv4 address or CIDR (same
# rules as src/feeds.c), or when there is no entry. $2 names the feed in messages.
count_entries() {
    LC_ALL=C awk -v name="$2" '
        function octet(s) { return s ~ /^(0|[1-9][0-9]?[0-9]?)$/ && s + 0 <= 255 }
        function ipv4(s,   p, a, n) {
            n = split(s, p, "/")
            if (n > 2 || (n == 2 && !(p[2] ~ /^(0|[1-9][0-9]?)$/ && p[2] + 0 <= 32)))
                return 0
            return split(p[1], a, "[.]") == 4 && octet(a[1]) && octet(a[2]) &&
                   octet(a[3]) && octet(a[4])
        }
        { sub(/#.*/, ""); gsub(/^[ \t\r]+|[ \t\r]+$/, "") }
        $0 == "" { next }
        !ipv4($0) { bad = 1; line = NR - 1; exit }
        { n++ }
        END {
            if (bad)
                printf "update-feeds: %s: line %d is not an IPv4 address or CIDR\n",
                       name, line > "/dev/stderr"
            else if (!n)
                printf "update-feeds: %s: no entry\n", name > "/dev/stderr"
            else
                print n
            exit !n || bad
        }
    ' "$1"
}

# Downloads url into feeds_dir/name; returns non-zero, keeping the old feed, on failure.
update_feed() {
    local url=$1 name=$2 dest="$feeds_dir/$2" entries
    # The URL goes into the header comment: a line break would inject feed entries.
    if [[ $url == *[[:space:][:cntrl:]]* ]]; then
        err "$name: URL contains white space or control characters, skipped"
        return 1
    fi
    # Same directory as the feed, so the final mv is an atomic rename; the leading dot
    # keeps the partial file out of the loader's *.txt.
    if ! tmp=$(mktemp -- "$feeds_dir/.$name.XXXXXX"); then
        err "$name: cannot create a temporary file in $feeds_dir"
        return 1
    fi
    if ! printf '# source: %s, fetched %s\n' "$url" "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" \
        >"$tmp"; then
        err "$name: cannot write $tmp"
    elif ! curl --fail --silent --show-error --location --max-redirs 5 \
        --proto '=http,https' --connect-timeout 20 --max-time 300 --max-filesize 100M \
        --url "$url" >>"$tmp"; then
        err "$name: download of $url failed, keeping the old feed"
    elif ! entries=$(count_entries "$tmp" "$name"); then
        err "$name: $url is not a list of IPv4 addresses, keeping the old feed"
    elif ! chmod 0644 -- "$tmp" || ! mv -f -- "$tmp" "$dest"; then
        err "$name: cannot install $dest"
    else
        tmp=
        printf 'update-feeds: %s: %s entries from %s\n' "$name" "$entries" "$url"
        return 0
    fi
    rm -f -- "$tmp"
    tmp=
    return 1
}

if ! command -v curl >/dev/null; then
    err "curl is required (apt-get install curl)"
    exit 2
fi
if [[ ! -d $feeds_dir ]]; then
    err "feeds directory $feeds_dir does not exist"
    exit 2
fi

failed=0
update_feed "$tor_url" tor-exit-nodes.txt || failed=$((failed + 1))
update_feed "$talos_url" talos-ip-blacklist.txt || failed=$((failed + 1))
if ((failed)); then
    err "$failed feed(s) not updated"
    exit 1
fi
