# Helpers of the ebpf_monitor scenarios (sourced after lib.sh): clients run to completion
# with their pid kept, and line patterns for the original's DNS lines.

# With the system resolver pointed at $WORK/resolv.conf, in a private mount namespace;
# replaces the calling (background) shell so that the client keeps its pid.
with_resolver() {
    exec unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$WORK/resolv.conf" "$@"
}

# run_client NAME CMD...: runs a client to completion; its pid is left in CLIENT_PID.
run_client() {
    local name=$1
    shift
    "$@" >"$WORK/$name.client" 2>&1 &
    CLIENT_PID=$!
    wait "$CLIENT_PID"
    local rc=$?
    check "$name: client exit status 0 (got $rc)" [ "$rc" -eq 0 ] ||
        sed 's/^/  client: /' "$WORK/$name.client" | head -10
}

# dns_re QR COMM PID TGID PROTO ADDR SPT DPT NAME TYPE [DATA]: one DNS line of root on lo, where
# source and destination are both ADDR.
dns_re() {
    local addr=${6//./\\.}
    local re="^COMM=$2 PID=$3 TGID=$4 DEV=lo PROTO=$5 SRC=$addr DST=$addr SPT=$7 DPT=$8 UID=0"
    re="$re GID=0 DNS_QR=$1 DNS_NAME=${9//./\\.}\\. DNS_TYPE=${10}"
    [ "$1" = 1 ] && re="$re DNS_DATA=${11//./\\.}"
    echo "$re\$"
}

# expect_exchange NAME COMM PID TGID PROTO ADDR PORT QNAME TYPE DATA: one query line to
# ADDR:PORT and one answer line back to the port the query came from.
expect_exchange() {
    local name=$1 comm=$2 pid=$3 tgid=$4 proto=$5 addr=$6 sport=$7 qname=$8 type=$9 data=${10}
    local q port
    q=$(dns_re 0 "$comm" "$pid" "$tgid" "$proto" "$addr" '([0-9]+)' "$sport" "$qname" "$type")
    expect_count "$OUT" "$q" 1 "$name: query line"
    port=$(grep -E -- "$q" "$OUT" | head -1 | sed -E 's/.* SPT=([0-9]+) .*/\1/')
    expect_count "$OUT" "$(dns_re 1 "$comm" "$pid" "$tgid" "$proto" "$addr" "$sport" "${port:-x}" \
        "$qname" "$type" "$data")" 1 "$name: answer line to port ${port:-?}"
}
