#!/usr/bin/env bash
# Domain feeds end to end: dnsmasq (--log-queries) counts every query that reaches it while
# clients ask for listed names, names below them, an allowed name below a listed one and a
# clean name, over every transport (UDP and TCP, IPv4 and IPv6, a query split across TCP
# segments, a second --dns-port) and for every list syntax (plain, hosts, AdBlock, RPZ),
# and for answers that reach a listed name through CNAME records (a listener counts the
# bytes a client sends to the address behind it).
# print lets the queries through and prints one line each (the control); deny keeps them
# in the host and the client goes on; kill keeps them in and kills the client.
# Needs root, an isolated network (a netns or the test VM) and EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

sysctl -qw net.ipv6.conf.lo.disable_ipv6=0 2>/dev/null
QLOG=$WORK/queries.log
for port in 53 5335; do
    dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1,::1 --bind-interfaces \
        --port=$port --address=/test/10.1.2.3 --log-queries --log-facility="$QLOG.$port" \
        --host-record=evil.example,127.0.0.77 --host-record=ok.evil.example,127.0.0.66 \
        --host-record=fine.example,127.0.0.66 --host-record=bad-ip.example,127.0.0.88 \
        --cname=alias.good.example,evil.example --cname=www.example,evil.example \
        --cname=alias2.good.example,alias.good.example --cname=alias3.good.example,ok.evil.example \
        --pid-file="$WORK/dnsmasq.$port.pid" || exit 1
    EXTRA_PIDS="${EXTRA_PIDS:-} $(cat "$WORK/dnsmasq.$port.pid")"
done

mkdir "$WORK/feeds"
printf '# plain list\nplain.test\nevil.example\n' >"$WORK/feeds/plain.txt"
printf '127.0.0.88\n' >"$WORK/feeds/addresses.txt"
printf '# hosts file\n127.0.0.1 localhost\n0.0.0.0 hosts.test\n:: hosts6.test\n' \
    >"$WORK/feeds/block.hosts"
printf '[Adblock Plus 2.0]\n! comment\n||adblock.test^\n@@||ok.adblock.test^\n@@||ok.evil.example^\n' \
    >"$WORK/feeds/adguard.txt"
printf '$TTL 300\n@ SOA ns.rpz. admin.rpz. (1 3600\n 600 86400 300)\n NS ns.rpz.\n' \
    >"$WORK/feeds/zone.rpz"
printf 'rpz.test CNAME .\n*.wild.rpz.test CNAME .\n' >>"$WORK/feeds/zone.rpz"

# The loss an unprivileged sender can make (IP_TTL 1 past a router), made here at the
# server's input: every TCP segment to port 53 whose question starts with "zlost" (after
# a 32-byte TCP header, the 2-byte length and the 12-byte header) is dropped, after the
# guard let it out.
nft -f - <<'NFT' || exit 1
table inet ebs_loss {
    chain input {
        type filter hook input priority 0;
        tcp dport 53 @th,368,48 0x057a6c6f7374 drop
    }
}
NFT

# The witness: what clients send to the addresses behind the names (listed or not).
BYTES=$WORK/bytes
"$PY" "$here/byte_counter.py" "$BYTES" tcp:127.0.0.77:9400 tcp:127.0.0.66:9400 \
    tcp:127.0.0.88:9400 &
EXTRA_PIDS="$EXTRA_PIDS $!"
disown $!
for _ in $(seq 50); do [ -s "$BYTES" ] && break; sleep 0.1; done
bytes() { cat "$BYTES"; }

# arrived NAME [PORT]: how many queries for NAME reached dnsmasq.
arrived() { grep -ci "query\[A\] $1 from" "$QLOG.${2:-53}" 2>/dev/null || true; }

# client NAME CMD...: runs a DNS client; its pid in CPID, its exit status in CRC.
client() {
    local name=$1
    shift
    (
        "$@" >"$WORK/$name.client" 2>&1 &
        echo $! >"$WORK/$name.pid"
        wait $!
        echo $? >"$WORK/$name.rc"
    ) 2>/dev/null
    CPID=$(cat "$WORK/$name.pid")
    CRC=$(cat "$WORK/$name.rc")
}

DIG=(dig +tries=1 +time=2 +short)
# The cases: LABEL NAME (the queried one) CLIENT... (%N% is the name).
CASES=("udp4-plain plain.test ${DIG[*]} @127.0.0.1 %N%"
       "udp4-sub a.b.plain.test ${DIG[*]} @127.0.0.1 %N%"
       "udp4-hosts hosts.test ${DIG[*]} @127.0.0.1 %N%"
       "udp4-hosts6 hosts6.test ${DIG[*]} @127.0.0.1 %N%"
       "udp4-adblock x.adblock.test ${DIG[*]} @127.0.0.1 %N%"
       "udp4-rpz rpz.test ${DIG[*]} @127.0.0.1 %N%"
       "udp4-rpzwild a.wild.rpz.test ${DIG[*]} @127.0.0.1 %N%"
       "udp4-case PLAIN.Test ${DIG[*]} @127.0.0.1 %N%"
       "udp6 plain.test ${DIG[*]} @::1 %N%"
       "tcp4 plain.test ${DIG[*]} +tcp @127.0.0.1 %N%"
       "tcp6 plain.test ${DIG[*]} +tcp @::1 %N%"
       "tcp-bytes plain.test $PY $here/dns_client.py tcp bytes ::1 53 %N%"
       "tcp-prefix plain.test $PY $here/dns_client.py tcp prefix 127.0.0.1 53 %N%"
       "tcp-rewrite plain.test $PY $here/dns_client.py tcp rewrite 127.0.0.1 53 %N% clean.test"
       "tcp-lost plain.test $PY $here/dns_client.py tcp lost 127.0.0.1 53 %N% zlost.test"
       "udp-port5335 plain.test ${DIG[*]} -p 5335 @127.0.0.1 %N%")

# run_cases PHASE WANT_RC LINE_VERB QUERIES: every case once: the client exits WANT_RC
# (any: -1), the tool prints one line with LINE_VERB for it, and QUERIES of it reach
# dnsmasq (on its port).
run_cases() {
    local phase=$1 want_rc=$2 verb=$3 want_q=$4 c label name port before lower
    for c in "${CASES[@]}"; do
        set -- $c
        label=$1 name=$2
        shift 2
        port=53
        [[ $label == *5335 ]] && port=5335
        lower=${name,,}
        before=$(arrived "$lower" $port)
        client "$phase-$label" "${@//%N%/$name}"
        [ "$want_rc" -ge 0 ] &&
            check "$phase: $label: client exit $want_rc (got $CRC)" [ "$CRC" -eq "$want_rc" ]
        expect_count "$OUT" "^Client:[^ ]+ \(pid:$CPID\) $verb \(domain-blacklist:${lower//./\\.}\) ?$" 1 \
            "$phase: $label: one line for pid $CPID"
        sleep 0.3
        check "$phase: $label: $want_q quer(ies) of $lower at the server (got $(($(arrived "$lower" $port) - before)))" \
            [ $(($(arrived "$lower" $port) - before)) -eq "$want_q" ]
    done
}

# clean_cases PHASE: names that are not listed (or allowed) are answered and print nothing.
clean_cases() {
    local phase=$1 name
    for name in clean.test ok.adblock.test x.ok.adblock.test notplain.test; do
        client "$phase-clean-$name" "${DIG[@]}" @127.0.0.1 "$name"
        check "$phase: $name answered (exit $CRC, $(cat "$WORK/$phase-clean-$name.client"))" \
            [ "$CRC" -eq 0 ] && [ "$(cat "$WORK/$phase-clean-$name.client")" = 10.1.2.3 ]
        expect_count "$OUT" "domain-blacklist:$name\)" 0 "$phase: no line for $name"
    done
}

# cname_cases PHASE WANT_RC LINE_VERB GETS_THROUGH: names whose answer reaches evil.example
# through CNAME records (the target as is, compressed against the question, at the end of
# a chain): the client exits WANT_RC, one line names evil.example, and its bytes reach the
# listener (GETS_THROUGH 1) or not a byte does (0).
cname_cases() {
    local phase=$1 want_rc=$2 verb=$3 through=$4 name before sent
    for name in alias.good.example www.example alias2.good.example; do
        before=$(bytes)
        client "$phase-cname-$name" "$PY" "$here/dns_client.py" resolve 127.0.0.1 53 "$name" 9400
        check "$phase: cname $name: client exit $want_rc (got $CRC)" [ "$CRC" -eq "$want_rc" ]
        expect_count "$OUT" "^Client:[^ ]+ \(pid:$CPID\) $verb \(domain-blacklist:evil\.example\) ?$" 1 \
            "$phase: cname $name: one line for pid $CPID"
        sleep 0.2
        sent=$(($(bytes) - before))
        if [ "$through" = 1 ]; then
            check "$phase: cname $name: its bytes reached the listener ($sent)" [ "$sent" -gt 0 ]
        else
            check "$phase: cname $name: not a byte reached the listener ($sent)" [ "$sent" -eq 0 ]
        fi
    done
    for name in alias3.good.example fine.example; do
        before=$(bytes)
        client "$phase-cname-$name" "$PY" "$here/dns_client.py" resolve 127.0.0.1 53 "$name" 9400
        sleep 0.2
        check "$phase: $name (clean, or an allowed target) connected (exit $CRC, $(($(bytes) - before)) bytes)" \
            [ "$CRC" -eq 0 ] && [ $(($(bytes) - before)) -gt 0 ]
        expect_count "$OUT" "\(pid:$CPID\)" 0 "$phase: no line for $name"
    done
}

# two_answers PHASE WANT_RC LINE_VERB GETS_THROUGH: a server over TCP writes two answers in
# one segment, a clean one first, then one whose CNAME leads to evil.example: the second
# is read too (the client exits WANT_RC; one line; its bytes reach the listener or not).
two_answers() {
    local phase=$1 want_rc=$2 verb=$3 through=$4 before sent server
    "$PY" "$here/dns_client.py" twoanswers 127.0.0.3 alias.two.example evil.example 127.0.0.77 &
    server=$!
    sleep 0.3
    before=$(bytes)
    client "$phase-twoanswers" "$PY" "$here/dns_client.py" asktwo 127.0.0.3 clean.example \
        alias.two.example 9400
    check "$phase: two answers in one TCP segment: client exit $want_rc (got $CRC)" \
        [ "$CRC" -eq "$want_rc" ]
    expect_count "$OUT" "^Client:[^ ]+ \(pid:$CPID\) $verb \(domain-blacklist:evil\.example\) ?$" 1 \
        "$phase: two answers in one TCP segment: one line for pid $CPID"
    sleep 0.2
    sent=$(($(bytes) - before))
    if [ "$through" = 1 ]; then
        check "$phase: two answers in one TCP segment: the bytes reached the listener ($sent)" [ "$sent" -gt 0 ]
    else
        check "$phase: two answers in one TCP segment: not a byte reached the listener ($sent)" [ "$sent" -eq 0 ]
    fi
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
}

ARGS=(--feeds "$WORK/feeds" --dns-port 53,5335)

if start_tool print "${ARGS[@]}" --block print; then
    check "print: names counted" grep -q '^feeds: 7 domain names to check, 2 allowed$' "$ERR"
    run_cases print 0 'touched a bad domain' 1
    clean_cases print
    cname_cases print 0 'touched a bad domain' 1
    two_answers print 0 'touched a bad domain' 1
    stop_tool print
    check "print: the segments held back are counted at exit" \
        grep -Eq '^[1-9][0-9]* TCP segment\(s\) to a DNS port held back until their question was whole$' "$ERR"
fi

if start_tool deny "${ARGS[@]}" --block deny; then
    run_cases deny -1 'was denied by eBPFShield' 0
    check "deny: the clients were not killed" \
        sh -c "! grep -lx 137 $WORK/deny-*.rc"
    clean_cases deny
    cname_cases deny 3 'was denied by eBPFShield' 0
    two_answers deny 3 'was denied by eBPFShield' 0
    stop_tool deny
fi

if start_tool kill "${ARGS[@]}" --block kill; then
    run_cases kill 137 'was killed by eBPFShield' 0
    clean_cases kill
    # An answer's hit is never signalled (anyone can send a socket an answer from port
    # 53): the answer is dropped, the line says denied, the client goes on unanswered.
    cname_cases kill 3 'was denied by eBPFShield' 0
    two_answers kill 3 'was denied by eBPFShield' 0
    # An attacker's answer from port 53, unasked, to a UDP service: not a signal.
    "$PY" "$here/dns_client.py" server 127.0.0.1 9500 2 >"$WORK/server.out" 2>&1 &
    server=$!
    sleep 0.5
    "$PY" "$here/dns_client.py" forge 127.0.0.2 127.0.0.1 9500 x.good.example evil.example
    wait $server
    rc=$?
    check "kill: a UDP service sent a forged answer from port 53 is not killed (exit $rc, $(cat "$WORK/server.out"))" \
        [ "$rc" -eq 0 ]
    stop_tool kill
fi

# JSON: the running line goes to stderr, standard output holds only events.
if launch json err "$EBPFSHIELD_BIN" "${ARGS[@]}" --block deny --output json; then
    client json-plain "${DIG[@]}" @127.0.0.1 x.plain.test
    expect_count "$OUT" "\"dns\":\\{\"question\":\\{\"name\":\"x.plain.test\"\\}\\}" 1 \
        "json: dns.question.name"
    expect_count "$OUT" "\"name\":\"x.plain.test\"\\}\\},\"threat\":\\{\"indicator\":\\{\"type\":\"domain-name\",\"url\":\\{\"domain\":\"plain.test\"\\}\\},\"feed\":\\{\"name\":\"plain.txt\"\\}\\}" 1 \
        "json: threat.indicator (the listed name) and threat.feed.name"
    client json-cname "$PY" "$here/dns_client.py" resolve 127.0.0.1 53 alias.good.example 9400
    expect_count "$OUT" "\"pid\":$CPID,.*\"dns\":\\{\"question\":\\{\"name\":\"alias.good.example\"\\},\"answers\":\\[\\{\"type\":\"CNAME\",\"data\":\"evil.example\"\\}\\]\\},\"threat\":\\{\"indicator\":\\{\"type\":\"domain-name\",\"url\":\\{\"domain\":\"evil.example\"\\}" 1 \
        "json: a CNAME hit: the question, the CNAME, the listed name (.example is no public suffix: no registered_domain)"
    client json-address "$PY" "$here/dns_client.py" resolve 127.0.0.1 53 bad-ip.example 9400
    check "json: the connection to a listed address was refused (exit $CRC)" [ "$CRC" -eq 4 ]
    expect_count "$OUT" "\"pid\":$CPID,.*\"destination\":\\{\"ip\":\"127.0.0.88\",\"port\":9400,\"domain\":\"bad-ip.example\"\\}" 1 \
        "json: an address hit names the domain the process resolved (destination.domain)"
    stop_tool json
    report=$("$PY" "$here/check_events.py" "$here/ecs_events.schema.json" "$OUT")
    check "json: every event fits the ECS schema ($(echo "$report" | tr '\n' ' '))" \
        grep -q '^violations 0\b' <<<"$report"
fi
nft delete table inet ebs_loss
nothing_attached "domains: at the end"
finish
