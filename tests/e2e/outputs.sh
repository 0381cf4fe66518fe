#!/usr/bin/env bash
# The output layer end to end: --output json (every event validated against
# ecs_events.schema.json by check_events.py, then field by field with ecs_query.py: DNS
# queries and answers of every type and rcode over UDP, TCP and IPv6, odd names and
# process names, as another user; what dnsmasq will not send, from a python responder: an A
# record after 32 TXT ones, two questions in a query; messages ldns refuses (dns-unparsed,
# UDP and TCP); connection and hit events of every --block action), the
# original's text lines unchanged and with -t, the -p/-u/--comm filters, --output-file
# under real logrotate (3 rotations while a numbered stream of queries runs: each event once,
# in the file of its time, whole lines) and the files and directories it refuses, and the
# flag combinations that exit 2. Every assertion counts what it expects and what it saw.
# Needs root, an isolated network (a netns or the test VM), dnsmasq, dig, getent, gdb,
# logrotate, setpriv, and EBPFSHIELD_BIN / EXPECT_MODE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/monitor_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3 # Debian's, reachable by any user
SCHEMA=$here/ecs_events.schema.json # CHECK_PY: the python3 of check_events.py (one with jsonschema)
RUNNING='The program is running. Press Ctrl-C to abort.'
Q() { "$PY" "$here/ecs_query.py" "$@"; }
umask 022

# start_json NAME ARGS...: start_tool for events in JSON on standard output, where the
# running line goes to standard error instead.
start_json() {
    local name=$1
    shift
    launch "$name" err "$EBPFSHIELD_BIN" "$@" || return 1
    check "$name: no running line on stdout ($(grep -cx "$RUNNING" "$OUT") seen)" \
        not grep -qx "$RUNNING" "$OUT"
}

# expect_events FILE N DESCRIPTION COND...: exactly N events of FILE match every COND
# (ecs_query.py's conditions); waits for them first.
expect_events() {
    local file=$1 want=$2 what=$3 n t0=$SECONDS
    shift 3
    while :; do
        n=$(Q count "$file" "$@")
        [ "$want" -gt 0 ] && [ "$n" -ge "$want" ] && break
        [ $((SECONDS - t0)) -ge "${LINE_TIMEOUT:-15}" ] && break
        [ "$want" -eq 0 ] && [ $((SECONDS - t0)) -ge 1 ] && break
        sleep 0.2
    done
    sleep 0.3 # a duplicate would arrive with the original
    n=$(Q count "$file" "$@")
    check "$what: $want event(s) expected, $n seen" [ "$n" -eq "$want" ] || {
        echo "  conditions: $*"
        return 1
    }
}

# schema_ok FILE DESCRIPTION [KIND=N...]: every line of FILE is a valid event; with
# KIND=N, exactly N events of that kind (dns, dns_unparsed, connection, hit).
schema_ok() {
    local file=$1 what=$2 report kv kind want got
    shift 2
    report=$("${CHECK_PY:-$PY}" "$here/check_events.py" "$SCHEMA" "$file")
    local rc=$?
    check "$what: schema: $(echo "$report" | tail -1)" [ "$rc" -eq 0 ] ||
        echo "$report" | grep -v ': \(dns\|dns_unparsed\|connection\|hit\) [0-9]*$' | head -20 | sed 's/^/  /'
    for kv in "$@"; do
        kind=${kv%%=*}
        want=${kv#*=}
        got=$(echo "$report" | sed -n "s/^.*: $kind \([0-9]*\)\$/\1/p")
        check "$what: $want $kind event(s) expected, ${got:-?} seen" [ "${got:-x}" = "$want" ]
    done
}

# one_other LIST ID: LIST is one line, not ID.
one_other() { [ "$(echo "$1" | wc -l)" -eq 1 ] && [ -n "$1" ] && [ "$1" != "$2" ]; }

# json_identity FILE: every event of FILE names this host and one run of the agent: the
# node name, /etc/machine-id, the same agent.id as an earlier run's, one ephemeral_id.
json_identity() {
    local file=$1 total id agent runs
    total=$(Q count "$file")
    id=$(head -c 32 /etc/machine-id 2>/dev/null)
    check "json: host.name $(uname -n) in all $total events" \
        [ "$(Q count "$file" host.name="$(uname -n)" ecs.version~'^8\.')" -eq "$total" ]
    agent=$(Q get agent.id "$file" | sort -u)
    if [ -n "$id" ]; then
        check "json: host.id from /etc/machine-id in every event" \
            [ "$(Q count "$file" host.id="$id")" -eq "$total" ]
        check "json: one agent.id ($agent), not the machine id" one_other "$agent" "$id"
    else
        check "json: no host.id or agent.id without /etc/machine-id" \
            [ "$(Q count "$file" host.id! agent.id!)" -eq "$total" ]
    fi
    runs=$(Q get agent.ephemeral_id "$file" | sort -u | wc -l)
    check "json: one ephemeral_id for the run ($runs seen)" [ "$runs" -eq 1 ]
    if [ -n "${FIRST_AGENT_ID:-}" ]; then
        check "json: agent.id the same as the first run's" [ "$agent" = "$FIRST_AGENT_ID" ]
        check "json: ephemeral_id not the first run's" \
            [ "$(Q get agent.ephemeral_id "$file" | head -1)" != "$FIRST_EPHEMERAL" ]
    fi
    FIRST_AGENT_ID=$agent
    FIRST_EPHEMERAL=$(Q get agent.ephemeral_id "$file" | head -1)
}

# expect_dns DESC FILE PID TRANSPORT ADDR QNAME QTYPE RCODE [DATA...]: one query event of
# PID to ADDR:53 and one answer event back to the port the query came from, with RCODE and
# exactly the answers' DATA (for A/AAAA also dns.resolved_ip).
expect_dns() {
    local what=$1 file=$2 pid=$3 tr=$4 addr=$5 qname=$6 qtype=$7 rcode=$8 port id d
    shift 8
    local common=(process.pid="$pid" network.transport="$tr" dns.question.name="$qname"
        dns.question.type="$qtype" dns.question.class=IN network.protocol=dns)
    expect_events "$file" 1 "$what: query" "${common[@]}" dns.type=query event.action=dns-query \
        event.outcome=unknown source.ip="$addr" destination.ip="$addr" destination.port=53 \
        dns.response_code! dns.answers!
    port=$(Q get source.port "$file" "${common[@]}" dns.type=query | head -1)
    id=$(Q get dns.id "$file" "${common[@]}" dns.type=query | head -1)
    local conds=("${common[@]}" dns.type=answer event.action=dns-response source.ip="$addr"
        destination.ip="$addr" source.port=53 destination.port="${port:-none}" dns.id="${id:-none}"
        dns.response_code="$rcode" dns.answers#$#)
    local ips=0
    for d in "$@"; do
        conds+=("dns.answers[].data=$d")
        # dns.resolved_ip: the data of the A and AAAA records (an address), in order.
        if [[ $d =~ ^[0-9.]+$|^[0-9a-f:]*:[0-9a-f:]*$ ]]; then
            conds+=("dns.resolved_ip[]=$d")
            ips=$((ips + 1))
        fi
    done
    conds+=("dns.resolved_ip#$ips")
    expect_events "$file" 1 "$what: answer to port ${port:-?}, $rcode, $# record(s)" "${conds[@]}"
}

# victim NAME MODE ADDR PORT: victim.py (guard.sh's); pid in VPID, exit status in VRC.
victim() {
    (
        "$PY" "$here/victim.py" "$2" "$3" "$4" >"$WORK/$1.victim" 2>&1 &
        echo $! >"$WORK/$1.pid"
        wait $!
        echo $? >"$WORK/$1.rc"
    ) 2>/dev/null
    VPID=$(cat "$WORK/$1.pid")
    VRC=$(cat "$WORK/$1.rc")
}

sysctl -qw net.ipv6.conf.lo.disable_ipv6=0 2>/dev/null
printf 'nameserver 127.0.0.1\n' >"$WORK/resolv.conf"
# Every record type the JSON events must carry; "test" is local (an unknown name there
# is NXDOMAIN), other names are REFUSED (no upstream).
cat >"$WORK/dnsmasq.conf" <<'EOF'
no-resolv
no-hosts
bind-interfaces
listen-address=127.0.0.1
listen-address=::1
local=/test/
address=/a.test/10.1.2.3
host-record=h.test,10.1.2.4
host-record=six.test,fd00::7
mx-host=mx.test,mail.test,10
txt-record=txt.test,"say \"hi\" a\\b"
srv-host=_sip._tcp.test,srv-target.test,5060,1,2
cname=c1.test,c2.test
cname=c2.test,h.test
EOF
for i in $(seq 40); do echo "host-record=many.test,10.2.0.$i"; done >>"$WORK/dnsmasq.conf"
# 40 TXT records of 2 strings of 200 bytes: a JSON line of some 17 KB (past the writer's
# 4 KiB chunks), for the rotations.
A200=$(printf 'a%.0s' $(seq 200))
for i in $(seq 40); do echo "txt-record=big.test,\"$i$A200\",\"$A200\""; done >>"$WORK/dnsmasq.conf"
dnsmasq --conf-file="$WORK/dnsmasq.conf" --pid-file="$WORK/dnsmasq.pid" || exit 1
EXTRA_PIDS=$(cat "$WORK/dnsmasq.pid")
for _ in $(seq 50); do dig +short +time=1 @::1 a.test >/dev/null 2>&1 && break; sleep 0.1; done
# What dnsmasq will not send (outputs_client.py responder): on 127.0.0.2:53, UDP and TCP.
ODD=127.0.0.2
"$PY" "$here/outputs_client.py" responder "$ODD" "$WORK/responder.ready" >"$WORK/responder.log" 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
disown $!
for _ in $(seq 100); do [ -e "$WORK/responder.ready" ] && break; sleep 0.1; done
check "responder on $ODD:53 ready" [ -e "$WORK/responder.ready" ]

# ---------------------------------------------------------------------------------------
# 1. The monitor in JSON: every kind of DNS message, each event checked field by field.
if start_json json --feature ebpf_monitor --output json; then
    J=$OUT
    before=$(date +%s)
    run_client json_a dig @127.0.0.1 a.test A
    expect_dns "json: dig A" "$J" "$CLIENT_PID" udp 127.0.0.1 a.test A NOERROR 10.1.2.3
    DIG_A_PID=$CLIENT_PID
    now=$(date +%s)
    n=0
    for stamp in $(Q get @timestamp "$J" process.pid="$DIG_A_PID"); do
        t=$(date -d "$stamp" +%s 2>/dev/null) || t=0
        [ "$t" -ge $((before - 5)) ] && [ "$t" -le $((now + 5)) ] && n=$((n + 1))
    done
    check "json: dig A: 2 @timestamp (UTC) within 5 s of date expected, $n seen" [ "$n" -eq 2 ]
    expect_events "$J" 2 "json: dig A: process.name dig, thread id, user 0, group 0, on lo" \
        process.pid="$CLIENT_PID" process.name=dig process.thread.id~'^[0-9]+$' user.id=0 \
        group.id=0 observer.ingress.interface.name=lo network.type=ipv4 dns.id~'^[0-9]+$'
    run_client json_aaaa dig @127.0.0.1 six.test AAAA
    expect_dns "json: dig AAAA" "$J" "$CLIENT_PID" udp 127.0.0.1 six.test AAAA NOERROR fd00::7
    run_client json_mx dig @127.0.0.1 mx.test MX
    expect_dns "json: dig MX" "$J" "$CLIENT_PID" udp 127.0.0.1 mx.test MX NOERROR '10 mail.test.'
    run_client json_txt dig @127.0.0.1 txt.test TXT
    expect_dns "json: dig TXT (quotes, backslash)" "$J" "$CLIENT_PID" udp 127.0.0.1 txt.test TXT \
        NOERROR '"say \"hi\" a\\b"'
    run_client json_ptr dig @127.0.0.1 -x 10.1.2.4
    expect_dns "json: dig PTR" "$J" "$CLIENT_PID" udp 127.0.0.1 4.2.1.10.in-addr.arpa PTR \
        NOERROR h.test.
    run_client json_srv dig @127.0.0.1 _sip._tcp.test SRV
    expect_dns "json: dig SRV" "$J" "$CLIENT_PID" udp 127.0.0.1 _sip._tcp.test SRV NOERROR \
        '1 2 5060 srv-target.test.'
    run_client json_cname dig @127.0.0.1 c1.test A
    expect_dns "json: dig CNAME chain" "$J" "$CLIENT_PID" udp 127.0.0.1 c1.test A NOERROR \
        c2.test. h.test. 10.1.2.4
    expect_events "$J" 1 "json: CNAME chain: the records in order, owners and types" \
        process.pid="$CLIENT_PID" dns.type=answer 'dns.answers[].name=c1.test' \
        'dns.answers[].name=c2.test' 'dns.answers[].name=h.test' 'dns.answers[].type=CNAME' \
        'dns.answers[].class=IN' 'dns.resolved_ip[]=10.1.2.4'
    cname_order=$(Q get 'dns.answers[].type' "$J" process.pid="$CLIENT_PID" dns.type=answer)
    check "json: CNAME chain: answer types CNAME,CNAME,A (got $cname_order)" \
        [ "$cname_order" = CNAME,CNAME,A ]
    run_client json_nx dig @127.0.0.1 missing.test A
    expect_dns "json: NXDOMAIN" "$J" "$CLIENT_PID" udp 127.0.0.1 missing.test A NXDOMAIN
    expect_events "$J" 1 "json: NXDOMAIN: event.outcome failure" process.pid="$CLIENT_PID" \
        dns.type=answer event.outcome=failure
    run_client json_refused dig @127.0.0.1 elsewhere.example A
    expect_dns "json: REFUSED" "$J" "$CLIENT_PID" udp 127.0.0.1 elsewhere.example A REFUSED
    run_client json_tcp dig @127.0.0.1 +tcp a.test A
    expect_dns "json: dig +tcp" "$J" "$CLIENT_PID" tcp 127.0.0.1 a.test A NOERROR 10.1.2.3
    run_client json_tcp_mx dig @127.0.0.1 +tcp mx.test MX
    expect_dns "json: dig +tcp MX" "$J" "$CLIENT_PID" tcp 127.0.0.1 mx.test MX NOERROR '10 mail.test.'
    run_client json_v6 dig @::1 six.test AAAA
    expect_dns "json: dig @::1" "$J" "$CLIENT_PID" udp ::1 six.test AAAA NOERROR fd00::7
    expect_events "$J" 2 "json: dig @::1: network.type ipv6" process.pid="$CLIENT_PID" network.type=ipv6
    run_client json_v6_tcp dig @::1 +tcp a.test A
    expect_dns "json: dig @::1 +tcp" "$J" "$CLIENT_PID" tcp ::1 a.test A NOERROR 10.1.2.3
    # Odd bytes in a name: the JSON must parse, the name be ldns's presentation form.
    run_client json_weird "$PY" "$here/outputs_client.py" weird inner
    want=$(sed -n 1p "$WORK/json_weird.client")
    ldns=$(sed -n 2p "$WORK/json_weird.client")
    check "json: odd name: the test's presentation form is libldns's ($want / $ldns)" \
        sh -c '[ "$1" = - ] || [ "$1" = "$2" ]' - "$ldns" "$want"
    expect_dns "json: odd name (\", \\, 0x01, 0xc3, .)" "$J" "$CLIENT_PID" udp 127.0.0.1 "$want" A NXDOMAIN
    run_client json_tail "$PY" "$here/outputs_client.py" weird tail
    want=$(sed -n 1p "$WORK/json_tail.client")
    # A name whose last byte is a backslash, "tail\\." in presentation form: the root's dot
    # goes too (69be8e5's put_name took the backslash before it for one escaping the dot).
    expect_events "$J" 2 "json: name ending in an escaped backslash is '$want', without the root's dot" \
        process.pid="$CLIENT_PID" dns.question.name="$want" ||
        echo "  the events' name is $(Q get dns.question.name "$J" \
            process.pid="$CLIENT_PID" | sort -u | tr '\n' ' ')"
    # 40 A records: the first 32 described, the rest counted; every address listed.
    run_client json_many dig @127.0.0.1 many.test A
    expect_events "$J" 1 "json: 40 A records: 32 answers, 40 resolved_ip, answers_omitted 8" \
        process.pid="$CLIENT_PID" dns.type=answer dns.answers#32 dns.resolved_ip#40 \
        ebpfshield.dns.answers_omitted=8 ebpfshield.dns.resolved_omitted! \
        'dns.answers[].data~^10\.2\.0\.[0-9]+$'
    ips=$(Q get 'dns.resolved_ip[]' "$J" process.pid="$CLIENT_PID" dns.type=answer | tr , '\n' | sort -V | tr '\n' ' ')
    check "json: 40 A records: resolved_ip is 10.2.0.1 ... 10.2.0.40, each once" \
        [ "$ips" = "$(seq -f '10.2.0.%g' 40 | tr '\n' ' ')" ] || echo "  resolved_ip: $ips"
    described=$(Q get 'dns.answers[].data' "$J" process.pid="$CLIENT_PID" dns.type=answer)
    listed=$(Q get 'dns.resolved_ip[]' "$J" process.pid="$CLIENT_PID" dns.type=answer)
    check "json: 40 A records: resolved_ip begins with the 32 described, in their order" \
        [ -n "$described" ] && [ "${listed#"$described",}" != "$listed" ]
    # The review's bypass: 32 TXT records, then an A (from the responder); its address is
    # in resolved_ip though the A record itself is past the 32 described.
    run_client json_mixed "$PY" "$here/outputs_client.py" mixed "$ODD"
    expect_events "$J" 1 "json: 32 TXT then an A: the query" process.pid="$CLIENT_PID" \
        dns.type=query dns.question.name=mixed.test dns.question.type=TXT destination.ip="$ODD" \
        destination.port=53 network.transport=udp
    expect_events "$J" 1 "json: 32 TXT then an A: 32 TXT answers, answers_omitted 1, resolved_ip [10.9.9.9]" \
        process.pid="$CLIENT_PID" dns.type=answer source.ip="$ODD" source.port=53 \
        dns.question.name=mixed.test dns.answers#32 ebpfshield.dns.answers_omitted=1 \
        dns.resolved_ip#1 'dns.resolved_ip[]=10.9.9.9' ebpfshield.dns.resolved_omitted! \
        'dns.answers[].data="txt-31"'
    types=$(Q get 'dns.answers[].type' "$J" process.pid="$CLIENT_PID" dns.type=answer | tr , '\n' | sort | uniq -c | tr -s ' ')
    check "json: 32 TXT then an A: the described answers are the 32 TXT (${types# })" \
        [ "${types# }" = "32 TXT" ]
    # A query of two questions: the first in dns.question, the second in other_questions,
    # in the query and in its answer.
    run_client json_twoq "$PY" "$here/outputs_client.py" twoq "$ODD"
    for t in query answer; do
        expect_events "$J" 1 "json: two questions: the $t: twoq-1.test A, then other_questions [twoq-2.test AAAA]" \
            process.pid="$CLIENT_PID" dns.type=$t dns.id=8738 dns.question.name=twoq-1.test \
            dns.question.type=A dns.question.class=IN ebpfshield.dns.other_questions#1 \
            'ebpfshield.dns.other_questions[].name=twoq-2.test' \
            'ebpfshield.dns.other_questions[].type=AAAA' \
            'ebpfshield.dns.other_questions[].class=IN' ebpfshield.dns.questions_omitted!
    done
    expect_events "$J" 1 "json: two questions: the answer's A record, resolved_ip [10.8.0.1]" \
        process.pid="$CLIENT_PID" dns.type=answer dns.answers#1 'dns.answers[].name=twoq-1.test' \
        dns.resolved_ip#1 'dns.resolved_ip[]=10.8.0.1'
    # Messages ldns refuses: one dns-unparsed event each, of the process that sent it, the
    # bytes sent in hex (over TCP without the length prefix), nothing else from it.
    for tr in udp tcp; do
        run_client json_unparsed_$tr "$PY" "$here/outputs_client.py" malformed "$ODD" $tr
        hex=$(head -1 "$WORK/json_unparsed_$tr.client")
        expect_events "$J" 1 "json: malformed $tr query (${#hex} hex digits): one dns-unparsed event, its bytes in hex" \
            process.pid="$CLIENT_PID" event.kind=event event.module=ebpfshield \
            event.action=dns-unparsed event.outcome=failure 'event.category[]=network' \
            'event.type[]=protocol' network.protocol=dns network.transport=$tr \
            network.type=ipv4 source.ip=127.0.0.1 destination.ip="$ODD" destination.port=53 \
            observer.ingress.interface.name=lo user.id=0 group.id=0 process.name=python3 \
            'error.message~[a-z]' ebpfshield.dns.payload_bytes=$((${#hex} / 2)) \
            ebpfshield.dns.payload_hex="${hex:-none}" dns!
        expect_events "$J" 1 "json: malformed $tr query: no other event of its process" \
            process.pid="$CLIENT_PID"
        UNPARSED_PID=$CLIENT_PID
    done
    echo "  a dns-unparsed event: $(Q line "$J" process.pid="$UNPARSED_PID" event.action=dns-unparsed)"
    # Header flags: RD asked or not; TC on an answer cut to 512 bytes (no EDNS).
    run_client json_norec dig @127.0.0.1 +norecurse a.test A
    expect_events "$J" 1 "json: dig +norecurse: a query without RD" process.pid="$CLIENT_PID" \
        dns.type=query dns.question.name=a.test
    expect_events "$J" 0 "json: dig +norecurse: RD in no query" process.pid="$CLIENT_PID" \
        dns.type=query 'dns.header_flags[]=RD'
    expect_events "$J" 1 "json: dig A (earlier): RD in its query" process.pid="$DIG_A_PID" \
        dns.type=query 'dns.header_flags[]=RD'
    expect_events "$J" 1 "json: dig A (earlier): AA, RD and RA in its answer" process.pid="$DIG_A_PID" \
        dns.type=answer 'dns.header_flags[]=AA' 'dns.header_flags[]=RD' 'dns.header_flags[]=RA'
    run_client json_tc dig @127.0.0.1 +noedns +ignore many.test A
    expect_events "$J" 1 "json: 40 A records in 512 bytes: TC set" process.pid="$CLIENT_PID" \
        dns.type=answer 'dns.header_flags[]=TC'
    # A query without a question: no dns.question.
    run_client json_noq "$PY" "$here/outputs_client.py" noquestion
    expect_events "$J" 1 "json: a query without a question has no dns.question" \
        process.pid="$CLIENT_PID" dns.type=query dns.question! dns.id=20817
    noq_answers=$(Q count "$J" process.pid="$CLIENT_PID" dns.type=answer dns.question!)
    # A process name with a quote and a backslash.
    run_client json_comm "$PY" "$here/outputs_client.py" comm 'q"uo\te' a.test
    expect_events "$J" 2 "json: process.name with a quote and a backslash intact" \
        process.pid="$CLIENT_PID" 'process.name=q"uo\te' dns.question.name=a.test
    # Another user.
    run_client json_nobody setpriv --reuid=65534 --regid=65534 --clear-groups dig @127.0.0.1 a.test A
    expect_dns "json: dig as nobody" "$J" "$CLIENT_PID" udp 127.0.0.1 a.test A NOERROR 10.1.2.3
    expect_events "$J" 2 "json: dig as nobody: user.id and group.id 65534" process.pid="$CLIENT_PID" \
        user.id=65534 group.id=65534
    stop_tool json
    # dig: A, AAAA, MX, TXT, PTR, SRV, CNAME, NXDOMAIN, REFUSED, TCP A, TCP MX, v6, v6 TCP,
    # nobody, many, norecurse, tc (17); python: inner, tail, comm, mixed, twoq (5): a query
    # and an answer each; the query without a question and its answer if dnsmasq gave one;
    # the two malformed queries (dns_unparsed).
    schema_ok "$J" "json" dns=$((44 + 1 + noq_answers)) dns_unparsed=2 connection=0 hit=0
    json_identity "$J"
    check "json: running line once on stderr ($(grep -cx "$RUNNING" "$ERR"))" \
        [ "$(grep -cx "$RUNNING" "$ERR")" -eq 1 ]
fi

# ---------------------------------------------------------------------------------------
# 2. Text mode: the original's lines, unchanged; with -t, prefixed by the local time.
if start_tool text --feature ebpf_monitor; then
    run_client text_a dig @127.0.0.1 a.test A
    expect_exchange "text: dig A" dig "$CLIENT_PID" '[0-9]+' UDP 127.0.0.1 53 a.test A 10.1.2.3
    run_client text_mx dig @127.0.0.1 mx.test MX
    expect_count "$OUT" "^COMM=dig PID=$CLIENT_PID " 0 "text: no line for MX (as the original)"
    run_client text_unparsed "$PY" "$here/outputs_client.py" malformed "$ODD" udp
    expect_count "$OUT" "PID=$CLIENT_PID |dns-unparsed" 0 "text: no line for a message ldns refuses (as before)"
    expect_only "$OUT" '^COMM=dig PID=[0-9]+ TGID=[0-9]+ DEV=lo PROTO=UDP SRC=127\.0\.0\.1 DST=127\.0\.0\.1 SPT=[0-9]+ DPT=[0-9]+ UID=0 GID=0 DNS_QR=[01] DNS_NAME=a\.test\. DNS_TYPE=A( DNS_DATA=10\.1\.2\.3)?$'
    stop_tool text
fi
TS_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} '
# In a zone west of UTC with half an hour in its offset: the sign and the minutes show.
ZONE=America/St_Johns
OFFSET=$(TZ=$ZONE date +%:z)
if TZ=$ZONE start_tool text_t --feature ebpf_monitor -t; then
    before=$(date +%s)
    run_client text_t_a dig @127.0.0.1 a.test A
    q=$(dns_re 0 dig "$CLIENT_PID" '[0-9]+' UDP 127.0.0.1 '([0-9]+)' 53 a.test A)
    expect_count "$OUT" "^$TS_RE${q#^}" 1 "text -t: query line with the time first"
    port=$(grep -E "^$TS_RE${q#^}" "$OUT" | head -1 | sed -E 's/.* SPT=([0-9]+) .*/\1/')
    a=$(dns_re 1 dig "$CLIENT_PID" '[0-9]+' UDP 127.0.0.1 53 "${port:-x}" a.test A 10.1.2.3)
    expect_count "$OUT" "^$TS_RE${a#^}" 1 "text -t: answer line with the time first"
    now=$(date +%s)
    n=0
    while read -r stamp _; do
        t=$(date -d "$stamp" +%s 2>/dev/null) || t=0
        [ "$t" -ge $((before - 5)) ] && [ "$t" -le $((now + 5)) ] && n=$((n + 1))
    done < <(grep -E "^$TS_RE" "$OUT")
    check "text -t: 2 times within 5 s of date expected, $n seen" [ "$n" -eq 2 ]
    n=$(grep -cE "^[0-9T:.-]{23}${OFFSET} " "$OUT")
    check "text -t: 2 times with the offset of $ZONE ($OFFSET) expected, $n seen" [ "$n" -eq 2 ]
    check "text -t: every event line has the time ($(grep -cvE "^$TS_RE|^$RUNNING\$" "$OUT") without)" \
        [ "$(grep -cvE "^$TS_RE|^$RUNNING\$" "$OUT")" -eq 0 ]
    stop_tool text_t
fi

# ---------------------------------------------------------------------------------------
# 3. Filters: -p, -u, --comm (JSON, counted exactly).
rm -f "$WORK/go" "$WORK/done"
"$PY" "$here/outputs_client.py" resolver "$WORK/go" "$WORK/done" pa 3 >"$WORK/ra.client" 2>&1 &
RA=$!
"$PY" "$here/outputs_client.py" resolver "$WORK/go" "$WORK/done" pb 3 >"$WORK/rb.client" 2>&1 &
RB=$!
EXTRA_PIDS="$EXTRA_PIDS $RA $RB"
if start_json pid --feature ebpf_monitor --output json -p "$RA"; then
    touch "$WORK/go"
    run_client pid_dig dig @127.0.0.1 a.test A
    expect_events "$OUT" 6 "-p: the resolver's 3 queries and 3 answers" process.pid="$RA" \
        'dns.question.name~^pa-[123]\.test$'
    check "-p: the resolver is still alive" kill -0 "$RA"
    expect_events "$OUT" 0 "-p: the other resolver's events" process.pid="$RB"
    expect_events "$OUT" 0 "-p: dig's events" process.pid="$CLIENT_PID"
    expect_events "$OUT" 6 "-p: all events" event.module=ebpfshield
    touch "$WORK/done"
    wait "$RA"
    check "-p: resolver pa answered (exit $?)" [ $? -eq 0 ]
    wait "$RB"
    check "-p: resolver pb answered (exit $?)" [ $? -eq 0 ]
    stop_tool pid
    schema_ok "$OUT" "-p" dns=6
fi
if start_json uid --feature ebpf_monitor --output json -u 65534; then
    run_client uid_root1 dig @127.0.0.1 a.test A
    run_client uid_nobody1 setpriv --reuid=65534 --regid=65534 --clear-groups dig @127.0.0.1 a.test A
    n1=$CLIENT_PID
    run_client uid_root2 dig @127.0.0.1 six.test AAAA
    run_client uid_nobody2 setpriv --reuid=65534 --regid=65534 --clear-groups dig @127.0.0.1 six.test AAAA
    expect_events "$OUT" 2 "-u 65534: nobody's first dig" process.pid="$n1" user.id=65534
    expect_events "$OUT" 2 "-u 65534: nobody's second dig" process.pid="$CLIENT_PID" user.id=65534
    expect_events "$OUT" 0 "-u 65534: root's events" user.id=0
    expect_events "$OUT" 4 "-u 65534: all events" event.module=ebpfshield
    stop_tool uid
fi
if start_json comm --feature ebpf_monitor --output json --comm dig; then
    run_client comm_dig1 dig @127.0.0.1 a.test A
    run_client comm_getent with_resolver getent ahosts h.test
    check "--comm: getent resolved h.test" grep -q '^10\.1\.2\.4 ' "$WORK/comm_getent.client"
    run_client comm_dig2 dig @127.0.0.1 +tcp a.test A
    expect_events "$OUT" 4 "--comm dig: dig's events (UDP and TCP)" process.name=dig
    expect_events "$OUT" 0 "--comm dig: getent's events" process.name=getent
    expect_events "$OUT" 4 "--comm dig: all events" event.module=ebpfshield
    stop_tool comm
fi

# ---------------------------------------------------------------------------------------
# 4. --output-file: events to the file (not stdout), 3 real logrotate runs under a stream.
LOGDIR=$PRIVATE/log
mkdir -m 0700 "$LOGDIR"
LOG=$LOGDIR/events.json
STREAM_N=${STREAM_N:-600} # at STREAM_RATE (30) a second: 20 s; the 3 rotations take some 13 s
STREAM_RATE=${STREAM_RATE:-30}
if start_tool file --feature ebpf_monitor --output json --output-file "$LOG"; then
    check "file: created 0600 ($(stat -c %a "$LOG"))" [ "$(stat -c %a "$LOG")" = 600 ]
    LR=$(mktemp -d "$WORK/logrotate.XXXXXX")
    cat >"$LR/conf" <<EOF
$LOG {
    rotate 3
    create 0600 root root
    sharedscripts
    postrotate
        kill -HUP $TOOL_PID
    endscript
}
EOF
    "$PY" "$here/outputs_client.py" stream "$STREAM_N" "$STREAM_RATE" "$WORK/progress" >"$WORK/stream.client" 2>&1 &
    STREAM=$!
    # Meanwhile, long lines: a TCP query for the 40 TXT records of big.test in a loop.
    (
        tries=0 ok=0
        while [ ! -e "$WORK/big.stop" ]; do
            tries=$((tries + 1))
            dig +tcp +tries=1 +time=3 @127.0.0.1 big.test TXT >/dev/null 2>&1 && ok=$((ok + 1))
            echo "$tries $ok" >"$WORK/big.count"
            sleep 0.1
        done
    ) &
    BIG=$!
    bounds=()
    for k in 1 2 3; do
        sleep 2
        b=$(cat "$WORK/progress" 2>/dev/null || echo 0)
        sleep 1
        logrotate -f -s "$LR/state" "$LR/conf" >"$LR/run$k" 2>&1
        check "file: logrotate run $k exit 0 ($(head -c 200 "$LR/run$k"))" [ $? -eq 0 ]
        sleep 1
        a=$(cat "$WORK/progress")
        bounds+=("$b:$a")
    done
    wait "$STREAM"
    check "file: the stream of $STREAM_N queries ran (exit $?)" [ $? -eq 0 ]
    touch "$WORK/big.stop"
    wait "$BIG"
    sleep 1
    # A SIGHUP that finds a symlink where the file was: refused, with a warning; events go
    # on to the file opened before (moved aside here), the symlink's target stays empty.
    mv "$LOG" "$LOGDIR/kept.json"
    : >"$LOGDIR/target"
    ln -s "$LOGDIR/target" "$LOG"
    kill -HUP "$TOOL_PID"
    sleep 0.5
    run_client file_hup dig @127.0.0.1 a.test A
    expect_events "$LOGDIR/kept.json" 2 "file: after a SIGHUP that found a symlink, events go on to the file opened before" \
        process.pid="$CLIENT_PID"
    check "file: the symlink's target untouched" [ ! -s "$LOGDIR/target" ]
    check "file: stderr says why the SIGHUP did not reopen" grep -qxF \
        "ebpfshield-bcc: SIGHUP: events go on to the file opened before: output file $LOG: is a symbolic link" "$ERR"
    rm "$LOG" "$LOGDIR/target"
    mv "$LOGDIR/kept.json" "$LOG"
    stop_tool file
    check "file: stdout holds the running line only ($(wc -l <"$OUT") line(s))" \
        [ "$(cat "$OUT")" = "$RUNNING" ]
    check "file: 3 rotated files and the current one" \
        [ -f "$LOG.1" ] && [ -f "$LOG.2" ] && [ -f "$LOG.3" ] && [ -f "$LOG" ]
    for f in "$LOG.3" "$LOG.2" "$LOG.1" "$LOG"; do
        check "file: $(basename "$f") is not empty ($(wc -l <"$f") line(s))" [ -s "$f" ]
        schema_ok "$f" "file: $(basename "$f")" connection=0 hit=0
    done
    # Each numbered query once across the files, in the file of its time: a query asked
    # before rotation k began (b) is in a file older than the k-th new one, one asked once
    # it was over (a) in the k-th new file or a newer one.
    report=$("$PY" - "$STREAM_N" "${bounds[*]}" "$LOG.3" "$LOG.2" "$LOG.1" "$LOG" <<'EOF'
import json, re, sys
n, bounds, files = int(sys.argv[1]), [tuple(map(int, b.split(":"))) for b in sys.argv[2].split()], sys.argv[3:]
seen = {"query": {}, "answer": {}}
for gen, name in enumerate(files):
    for line in open(name, "rb"):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        m = re.fullmatch(r"q(\d{4,})\.test", e.get("dns", {}).get("question", {}).get("name", ""))
        if m:
            seen[e["dns"]["type"]].setdefault(int(m.group(1)), []).append(gen)
for kind, by in seen.items():
    once = sum(1 for i in range(1, n + 1) if len(by.get(i, [])) == 1)
    dup = sum(1 for i in by if len(by[i]) > 1)
    missing = [i for i in range(1, n + 1) if i not in by]
    misplaced = []
    for i, gens in by.items():
        for k, (b, a) in enumerate(bounds, 1):
            if (i <= b and gens[0] >= k) or (i > a and gens[0] < k):
                misplaced.append(f"q{i:04d}:file{gens[0]}/rotation{k}({b}:{a})")
    print(f"{kind} once={once} dup={dup} missing={len(missing)} misplaced={len(misplaced)} "
          f"first_missing={missing[:5]} first_misplaced={misplaced[:5]}")
EOF
)
    for kind in query answer; do
        line=$(echo "$report" | grep "^$kind ")
        check "file: $kind events: $STREAM_N expected once each, ${line#"$kind" }" \
            sh -c "echo '$line' | grep -q '^$kind once=$STREAM_N dup=0 missing=0 misplaced=0 '"
    done
    read -r big_tries big_ok <"$WORK/big.count"
    n=0 m=0
    for f in "$LOG.3" "$LOG.2" "$LOG.1" "$LOG"; do
        n=$((n + $(Q count "$f" dns.type=query dns.question.name=big.test network.transport=tcp)))
        m=$((m + $(Q count "$f" dns.type=answer dns.question.name=big.test dns.answers#32 \
            ebpfshield.dns.answers_omitted=8 'dns.answers[].data~^"[0-9]+a{200}" "a{200}"$')))
    done
    check "file: big.test over TCP: $big_tries queries expected, $n seen across the files" \
        [ "$n" -eq "$big_tries" ]
    check "file: big.test over TCP: $big_ok whole answers (32 of 40 TXT records) expected, $m seen" \
        [ "$m" -eq "$big_ok" ] && [ "$m" -gt 10 ]
    check "file: rotation bounds ${bounds[*]} (asked before:after each rotation) leave queries on both sides" \
        sh -c "[ ${#bounds[@]} -eq 3 ] && [ ${bounds[0]%%:*} -gt 0 ] && [ ${bounds[2]##*:} -lt $STREAM_N ]"
    check "file: the new file is 0600 root ($(stat -c '%a %U' "$LOG"))" [ "$(stat -c '%a %U' "$LOG")" = '600 root' ]
fi

# Refusals: exit 1, one line that says why, nothing compiled nor attached, the path as it was.
R=$PRIVATE/refuse
mkdir -m 0700 "$R"
: >"$R/target"
ln -s "$R/target" "$R/link"
mkfifo -m 0600 "$R/fifo"
: >"$R/nobody.json"
chown 65534:65534 "$R/nobody.json"
chmod 0600 "$R/nobody.json"
: >"$R/linked.json"
chmod 0600 "$R/linked.json"
ln "$R/linked.json" "$R/linked.json.2"
OW=$(mktemp -d /tmp/outputs-ow.XXXXXX)
chmod 0777 "$OW"
NB=$PRIVATE/nobody-dir
mkdir -m 0755 "$NB"
chown 65534:65534 "$NB"
# refuse NAME PATH REGEX: the tool refuses --output-file PATH with one line matching REGEX.
refuse() {
    local name=$1 path=$2 re=$3 rc lines
    timeout 60 "$EBPFSHIELD_BIN" --feature ebpf_monitor --output json --output-file "$path" \
        >"$WORK/refuse-$name.out" 2>"$WORK/refuse-$name.err"
    rc=$?
    lines=$(grep -c . "$WORK/refuse-$name.err")
    check "refuse $name: exit 1 (got $rc)" [ "$rc" -eq 1 ]
    check "refuse $name: one line on stderr ($lines: $(head -c 200 "$WORK/refuse-$name.err"))" \
        [ "$lines" -eq 1 ]
    check "refuse $name: the line says why" grep -qE -- "$re" "$WORK/refuse-$name.err"
    check "refuse $name: nothing compiled nor running" \
        not grep -qE 'compil|attach mode|running' "$WORK/refuse-$name.out" "$WORK/refuse-$name.err"
}
refuse symlink "$R/link" "^ebpfshield-bcc: output file ${R//./\\.}/link: is a symbolic link\$"
check "refuse symlink: the target untouched" [ ! -s "$R/target" ]
# A FIFO with no reader (open() fails with ENXIO: 69be8e5 said "No such device or address")
# and with one (open() succeeds, fstat tells).
refuse fifo "$R/fifo" "^ebpfshield-bcc: output file ${R//./\\.}/fifo: not a regular file\$"
exec 8<>"$R/fifo" # now with a reader: open() succeeds, fstat says what it is
refuse fifo-read "$R/fifo" "^ebpfshield-bcc: output file ${R//./\\.}/fifo: not a regular file\$"
exec 8>&-
check "refuse fifo: still a FIFO" [ -p "$R/fifo" ]
refuse others "$R/nobody.json" "^ebpfshield-bcc: output file ${R//./\\.}/nobody\.json: belongs to another user\$"
check "refuse others: the file untouched" [ ! -s "$R/nobody.json" ]
: >"$R/group.json"
chmod 0620 "$R/group.json"
refuse group-writable "$R/group.json" "^ebpfshield-bcc: output file ${R//./\\.}/group\.json: writable by group or others\$"
refuse hardlink "$R/linked.json" "^ebpfshield-bcc: output file ${R//./\\.}/linked\.json: has another hard link\$"
check "refuse hardlink: the file untouched" [ ! -s "$R/linked.json" ]
refuse open-dir "$OW/events.json" \
    "^ebpfshield-bcc: refusing the directory of output file ${OW//./\\.}: ${OW//./\\.} is writable by group or others \\(mode 777\\)\$"
check "refuse open-dir: no file created" [ ! -e "$OW/events.json" ]
refuse nobody-dir "$NB/events.json" \
    "^ebpfshield-bcc: refusing the directory of output file ${NB//./\\.}: ${NB//./\\.} belongs to uid 65534\$"
check "refuse nobody-dir: no file created" [ ! -e "$NB/events.json" ]
rm -rf "$OW"

# ---------------------------------------------------------------------------------------
# 5. Bad flags: exit 2, the reason, then the usage; nothing else.
# bad NAME ARGS...
bad() {
    local name=$1 rc
    shift
    timeout 30 "$EBPFSHIELD_BIN" "$@" >"$WORK/bad-$name.out" 2>"$WORK/bad-$name.err"
    rc=$?
    check "bad flag $name: exit 2 (got $rc)" [ "$rc" -eq 2 ]
    check "bad flag $name: reason then usage ($(head -1 "$WORK/bad-$name.err" | head -c 160))" \
        sh -c "head -1 '$WORK/bad-$name.err' | grep -q '^[^ ]*ebpfshield-bcc: ' && grep -q '^usage: ' '$WORK/bad-$name.err'"
    check "bad flag $name: nothing on stdout" [ ! -s "$WORK/bad-$name.out" ]
}
bad output-xml --feature ebpf_monitor --output xml
bad file-and-syslog --feature ebpf_monitor --output-file "$PRIVATE/never.json" --syslog
check "bad flag file-and-syslog: no file created" [ ! -e "$PRIVATE/never.json" ]
bad t-json --feature ebpf_monitor -t --output json
bad pid-0 --feature ebpf_monitor -p 0
bad pid-abc --feature ebpf_monitor -p abc
bad uid-minus-1 --feature ebpf_monitor -u -1
bad comm-16 --feature ebpf_monitor --comm 0123456789abcdef
bad pid-ipintel --feature ebpf_ipintelligence -p 1

# ---------------------------------------------------------------------------------------
# 6. ebpf_ipintelligence in JSON: connections (--verbose) and a hit for each action.
mkdir -m 0755 "$WORK/feeds"
FEED=outputs-feed.txt
printf '# outputs test feed\n198.51.100.0/24\n2001:db8:bad::/48\n' >"$WORK/feeds/$FEED"
"$PY" "$here/byte_counter.py" "$WORK/bytes" tcp:127.0.0.1:9300 &
EXTRA_PIDS="$EXTRA_PIDS $!"
disown $! # killed at exit without a word from bash
for _ in $(seq 100); do [ -s "$WORK/bytes" ] && break; sleep 0.1; done
# hit_conds ACTION PID IP PORT BLOCK: the conditions of one hit event.
hit_conds() {
    local type=ipv4-addr net=ipv4
    case $3 in *:*) type=ipv6-addr net=ipv6 ;; esac
    HIT=(event.kind=alert event.module=ebpfshield event.action="$1" event.outcome=success
        'event.category[]=intrusion_detection' process.pid="$2" process.name=python3 user.id=0
        group.id=0 network.transport=tcp network.type="$net" network.direction=egress
        destination.ip="$3" destination.port="$4" threat.indicator.ip="$3"
        threat.indicator.type="$type" threat.feed.name="$FEED" ebpfshield.block="$5")
}
if start_json print --feeds "$WORK/feeds" --block print --verbose --output json; then
    victim clean tcp 127.0.0.1 9300
    check "print: clean connect went through ($(cat "$WORK/clean.victim"))" [ "$(cat "$WORK/clean.victim")" = sent ]
    expect_events "$OUT" 1 "print: connection event for 127.0.0.1:9300" \
        event.kind=event event.action=connection-attempted event.outcome=unknown \
        'event.type[]=start' process.pid="$VPID" process.name=python3 user.id=0 group.id=0 \
        network.transport=tcp network.type=ipv4 network.direction=egress \
        destination.ip=127.0.0.1 destination.port=9300
    expect_events "$OUT" 0 "print: no hit for the clean address" process.pid="$VPID" event.kind=alert
    victim hit4 tcp 198.51.100.7 9
    check "print: the victim goes on (exit $VRC)" [ "$VRC" -eq 0 ]
    hit_conds connection-reported "$VPID" 198.51.100.7 9 print
    expect_events "$OUT" 1 "print: hit 198.51.100.7" "${HIT[@]}" 'event.type[]=info'
    expect_events "$OUT" 1 "print: connection event for the hit too" process.pid="$VPID" \
        event.action=connection-attempted destination.ip=198.51.100.7
    # A process name with a quote and a backslash, in a hit.
    "$PY" -c 'import ctypes, socket, sys
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)
try:
    socket.create_connection(("198.51.100.13", 9), timeout=2)
except OSError:
    pass' 'q"uo\te' &
    qpid=$!
    wait "$qpid"
    hit_conds connection-reported "$qpid" 198.51.100.13 9 print
    odd=()
    for c in "${HIT[@]}"; do
        [ "$c" = process.name=python3 ] && c='process.name=q"uo\te'
        odd+=("$c")
    done
    expect_events "$OUT" 1 "print: hit of a process named q\"uo\\te, its name intact" "${odd[@]}"
    # An IPv4-mapped destination is reported as the IPv4 address it reaches.
    victim mapped tcp ::ffff:198.51.100.14 9
    hit_conds connection-reported "$VPID" 198.51.100.14 9 print
    expect_events "$OUT" 1 "print: hit ::ffff:198.51.100.14 reported as 198.51.100.14, ipv4" "${HIT[@]}"
    victim hit6 tcp 2001:db8:bad::7 9
    hit_conds connection-reported "$VPID" 2001:db8:bad::7 9 print
    expect_events "$OUT" 1 "print: hit 2001:db8:bad::7" "${HIT[@]}"
    expect_events "$OUT" 1 "print: connection event for the IPv6 hit too" process.pid="$VPID" \
        event.action=connection-attempted destination.ip=2001:db8:bad::7 network.type=ipv6
    stop_tool print
    schema_ok "$OUT" "print" hit=4 connection=5 dns=0
    json_identity "$OUT"
fi
if start_json deny --feeds "$WORK/feeds" --block deny --output json; then
    victim deny tcp 198.51.100.8 9
    check "deny: refused with EPERM, the victim goes on (exit $VRC, $(cat "$WORK/deny.victim"))" \
        [ "$VRC" -eq 0 ] && [ "$(cat "$WORK/deny.victim")" = 'error 1' ]
    hit_conds connection-denied "$VPID" 198.51.100.8 9 deny
    expect_events "$OUT" 1 "deny: hit" "${HIT[@]}" 'event.type[]=denied'
    # UDP (sendto), refused too: network.transport udp.
    victim deny_udp udp 198.51.100.15 53
    check "deny: UDP sendto refused with EPERM (exit $VRC, $(cat "$WORK/deny_udp.victim"))" \
        [ "$VRC" -eq 0 ] && [ "$(cat "$WORK/deny_udp.victim")" = 'error 1' ]
    hit_conds connection-denied "$VPID" 198.51.100.15 53 deny
    expect_events "$OUT" 1 "deny: UDP hit" "${HIT[@]/network.transport=tcp/network.transport=udp}"
    # Another user: user.id and group.id 65534.
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" -c 'import socket
try:
    socket.create_connection(("198.51.100.16", 9), timeout=2)
except OSError:
    pass' &
    npid=$!
    wait "$npid"
    hit_conds connection-denied "$npid" 198.51.100.16 9 deny
    expect_events "$OUT" 1 "deny: hit of uid 65534" "${HIT[@]/=0/=65534}"
    stop_tool deny
    schema_ok "$OUT" "deny" hit=3 connection=0 dns=0
fi
if start_json kill --feeds "$WORK/feeds" --block kill --output json; then
    victim kill tcp 198.51.100.9 9
    check "kill: the victim was killed (exit $VRC, want 137)" [ "$VRC" -eq 137 ]
    hit_conds process-killed "$VPID" 198.51.100.9 9 kill
    expect_events "$OUT" 1 "kill: hit" "${HIT[@]}" 'event.type[]=denied'
    stop_tool kill
    schema_ok "$OUT" "kill" hit=1 connection=0 dns=0
fi
if start_json suspend --feeds "$WORK/feeds" --block suspend --output json; then
    (
        "$PY" "$here/victim.py" tcp 198.51.100.11 9 >/dev/null 2>&1 &
        echo $! >"$WORK/suspend.pid"
        wait
    ) 2>/dev/null &
    for _ in $(seq 50); do [ -s "$WORK/suspend.pid" ] && break; sleep 0.05; done
    VPID=$(cat "$WORK/suspend.pid")
    hit_conds process-suspended "$VPID" 198.51.100.11 9 suspend
    expect_events "$OUT" 1 "suspend: hit" "${HIT[@]}" 'event.type[]=denied'
    state=$(sed -E 's/.*\) (.) .*/\1/' "/proc/$VPID/stat" 2>/dev/null)
    check "suspend: the victim is stopped (state ${state:-gone})" [ "$state" = T ]
    kill -KILL "$VPID" 2>/dev/null
    stop_tool suspend
    schema_ok "$OUT" "suspend" hit=1 connection=0 dns=0
fi
# A gcore that fails: the victim is killed without a core, and the event says so.
mkdir "$WORK/bad-gcore"
printf '#!/bin/sh\nexit 1\n' >"$WORK/bad-gcore/gcore"
chmod 755 "$WORK/bad-gcore/gcore"
DUMPS=$PRIVATE/dumps
if PATH="$WORK/bad-gcore:$PATH" start_json nocore --feeds "$WORK/feeds" --block dump \
    --dump-dir "$DUMPS" --output json; then
    victim nocore tcp 198.51.100.12 9
    check "dump without a core: the victim was killed (exit $VRC, want 137)" [ "$VRC" -eq 137 ]
    hit_conds process-killed "$VPID" 198.51.100.12 9 dump
    HIT=("${HIT[@]/event.outcome=success/event.outcome=failure}")
    LINE_TIMEOUT=60 expect_events "$OUT" 1 "dump without a core: hit, process-killed, outcome failure, no dump_dir" \
        "${HIT[@]}" ebpfshield.dump_dir!
    stop_tool nocore
    schema_ok "$OUT" "dump without a core" hit=1 connection=0 dns=0
fi
if start_json dump --feeds "$WORK/feeds" --block dump --dump-dir "$DUMPS" --output json; then
    victim dump tcp 198.51.100.10 9
    check "dump: the victim was killed after its dump (exit $VRC, want 137)" [ "$VRC" -eq 137 ]
    hit_conds process-dumped "$VPID" 198.51.100.10 9 dump
    LINE_TIMEOUT=120 expect_events "$OUT" 1 "dump: hit" "${HIT[@]}" "ebpfshield.dump_dir~^${DUMPS//./\\.}/?\$"
    core=$(ls "$DUMPS"/ebpfshield-*."$VPID" 2>/dev/null)
    check "dump: core ${core:-missing} is an ELF core" sh -c "[ -s '$core' ] && head -c 4 '$core' | grep -q ELF"
    stop_tool dump
    schema_ok "$OUT" "dump" hit=1 connection=0 dns=0
fi
finish
