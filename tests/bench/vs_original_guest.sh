#!/usr/bin/env bash
# Guest half of tests/bench/vs_original.sh (run it through that script, not by hand): in
# the VM, runs the original eBPFShield and then the port, each under the same DNS load
# from a fresh dnsmasq, and writes per-tool results to $EBPFSHIELD_VM_OUT:
#   result-<tool>.txt  key=value lines read by the host script
#   <tool>.out, <tool>.err, <tool>.client  the tool's stdout, stderr and the client's counts
#   tests/bench/vs_original_guest.sh ORIGINAL_DIR PORT_BINARY
# Exit status: 0 when both tools ran through, 1 when one failed to run, 2 on bad usage.
set -euo pipefail

if [[ ${EBPFSHIELD_IN_VM:-} != 1 || $# -ne 2 ]]; then
    echo "usage: run through tests/bench/vs_original.sh ORIGINAL_DIR [PORT_BINARY]" >&2
    exit 2
fi
orig=$1
bin=$2
out=$EBPFSHIELD_VM_OUT
seq_n=${BENCH_SEQUENTIAL:-3000}
pipe_n=${BENCH_PIPELINED:-20000}
window=${BENCH_WINDOW:-32}
quiet=${BENCH_QUIET:-5}                 # s without output growth = the tool is done
start_max=${BENCH_START_TIMEOUT:-900}   # s to wait for "The program is running"
drain_max=${BENCH_DRAIN_MAX:-1800}      # s to wait for output to stop growing
stop_max=${BENCH_STOP_TIMEOUT:-120}     # s from SIGINT to SIGKILL
PY=/usr/bin/python3
work=$(mktemp -d) # guest tmpfs: the tools write here, not over 9p
trap 'rm -rf "$work"' EXIT

q_re=' DNS_QR=0 DNS_NAME=bench\.example\.test\. DNS_TYPE=A$'
a_re=' DNS_QR=1 DNS_NAME=bench\.example\.test\. DNS_TYPE=A DNS_DATA=198\.51\.100\.7$'
run_re='^The program is running\. Press Ctrl-C to abort\.$'

log() { echo "vs_original: $*"; }
hz=$(getconf CLK_TCK)

# utime+stime (fields 14 and 15 of /proc/PID/stat: the whole process, every thread), in
# clock ticks. The comm field may hold spaces: cut up to ") " first.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
# A zombie still answers kill -0: look at the state instead.
alive() {
    local s
    s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ -n $s && $s != Z ]]
}
secs_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}'; }
ticks_to_s() { awk -v t="$1" -v hz="$hz" 'BEGIN {printf "%.2f", t / hz}'; }
count() { grep -cE "$1" "$2" || true; }

cat >"$work/client.py" <<'PY'
# DNS load: "sequential" (one query outstanding at a time) or "pipelined" (WINDOW in
# flight on one UDP socket). Each query has its own id; only an answer (QR set) to an
# outstanding id counts. Prints: sent answered seconds.
import socket, struct, sys, time
mode, n, window = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
name = b"\x05bench\x07example\x04test\x00"
def query(qid):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1)
def answer_id(r):
    return struct.unpack("!H", r[:2])[0] if len(r) >= 12 and r[2] & 0x80 else None
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", 53))
s.settimeout(2)
sent = answered = 0
t0 = time.monotonic()
if mode == "sequential":
    for i in range(n):
        qid = i & 0xffff
        s.send(query(qid))
        sent += 1
        while True:
            try:
                r = s.recv(512)
            except socket.timeout:
                break
            if answer_id(r) == qid:
                answered += 1
                break
else:
    pending = set()
    while sent < n or pending:
        while sent < n and len(pending) < window:
            qid = sent & 0xffff
            s.send(query(qid))
            pending.add(qid)
            sent += 1
        try:
            r = s.recv(512)
        except socket.timeout:
            pending.clear()  # given up: counted as unanswered
            continue
        qid = answer_id(r)
        if qid in pending:
            pending.discard(qid)
            answered += 1
print(sent, answered, f"{time.monotonic() - t0:.2f}")
PY

start_dnsmasq() {
    rm -f "$work/dnsmasq.pid"
    dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
        --address=/bench.example.test/198.51.100.7 --cache-size=1000 --dns-forward-max=5000 \
        --pid-file="$work/dnsmasq.pid"
}
stop_dnsmasq() {
    local pid
    pid=$(cat "$work/dnsmasq.pid")
    kill "$pid"
    while alive "$pid"; do sleep 0.2; done
}

# launch TOOL: start it with stdout/stderr in files; sets tool_pid to the tool's own
# process (the subshells exec, so $! is python3 / ebpfshield-bcc itself). Bash starts
# background jobs with SIGINT ignored, and Python then keeps it ignored: env resets it,
# so SIGINT reaches both tools as from a terminal's Ctrl-C.
launch() {
    case $1 in
    original)
        # Python block-buffers stdout into a file (a terminal gets it line by line):
        # unbuffered, its lines reach the file when it prints them, as they would a terminal.
        (cd "$orig" && PYTHONUNBUFFERED=1 exec env --default-signal=INT "$PY" main.py \
            --feature ebpf_monitor) >"$work/$1.out" 2>"$work/$1.err" &
        ;;
    port)
        (exec env --default-signal=INT "$bin" --feature ebpf_monitor) \
            >"$work/$1.out" 2>"$work/$1.err" &
        ;;
    esac
    tool_pid=$!
}

# wait_running TOOL T0: until the running line is in its stdout; fails if the tool
# exits or start_max passes.
wait_running() {
    until grep -qE "$run_re" "$work/$1.out"; do
        if ! alive "$tool_pid"; then
            log "$1 exited before it was running"
            return 1
        fi
        if (($(awk -v s="$(secs_since "$2")" -v m="$start_max" 'BEGIN {print (s >= m)}'))); then
            log "$1 not running after ${start_max} s (BENCH_START_TIMEOUT): giving up"
            return 1
        fi
        sleep 0.2
    done
}

# wait_quiet TOOL: until its stdout has not grown for $quiet s (or drain_max passed).
wait_quiet() {
    local size last still=0 t=0
    last=$(stat -c %s "$work/$1.out")
    while ((still < quiet)); do
        sleep 1
        t=$((t + 1))
        size=$(stat -c %s "$work/$1.out")
        if [[ $size == "$last" ]]; then still=$((still + 1)); else still=0 last=$size; fi
        if ((t >= drain_max)); then
            log "$1 still printing after ${drain_max} s (BENCH_DRAIN_MAX): going on"
            echo "drain_capped=1" >>"$work/result"
            return
        fi
        alive "$tool_pid" || return 0
    done
}

# stop_tool TOOL: SIGINT, then SIGKILL after stop_max s; records the exit status.
stop_tool() {
    local t=0 rc=0 killed=0
    kill -INT "$tool_pid"
    while alive "$tool_pid"; do
        if ((t >= stop_max * 5)); then
            log "$1 still running ${stop_max} s after SIGINT: SIGKILL"
            kill -KILL "$tool_pid"
            killed=1
            break
        fi
        sleep 0.2
        t=$((t + 1))
    done
    wait "$tool_pid" || rc=$?
    printf 'exit=%s\nkilled=%s\nstop_s=%s\n' "$rc" "$killed" "$(awk -v t="$t" 'BEGIN {print t / 5}')" \
        >>"$work/result"
}

# client MODE N TOOL: run the load, append its counts to the result.
client() {
    local sent answered secs
    "$PY" "$work/client.py" "$1" "$2" "$window" >"$work/counts"
    read -r sent answered secs <"$work/counts"
    cat "$work/counts" >>"$work/$3.client"
    log "$3: $1: $sent sent, $answered answered in $secs s"
    printf '%s_sent=%s\n%s_answered=%s\n%s_s=%s\n' "$1" "$sent" "$1" "$answered" "$1" "$secs" >>"$work/result"
}

# line_counts TOOL PREFIX [N]: counts of the first N lines (all by default) of its stdout.
line_counts() {
    local f=$work/$1.out
    if [[ -n ${3:-} ]]; then
        head -n "$3" "$work/$1.out" >"$work/part"
        f=$work/part
    fi
    local total q a r
    total=$(count '' "$f")
    q=$(count "$q_re" "$f")
    a=$(count "$a_re" "$f")
    r=$(count "$run_re" "$f")
    printf '%sq_lines=%s\n%sa_lines=%s\n%srunning_lines=%s\n%sother_lines=%s\n' \
        "$2" "$q" "$2" "$a" "$2" "$r" "$2" "$((total - q - a - r))" >>"$work/result"
    [[ -n $2 ]] && return
    # What the counts rest on, for the reader to check against the regexes above.
    printf 'first_query=%s\nfirst_answer=%s\nfirst_other=%s\n' "$(grep -m1 -E "$q_re" "$f")" \
        "$(grep -m1 -E "$a_re" "$f")" "$(grep -vE "$q_re|$a_re|$run_re" "$f" | head -n1)" \
        >>"$work/result"
}

# finish TOOL STATUS: copy its files and the result to the shared directory; a failure
# also makes the script's status 1 and shows the tool's last stderr lines.
finish() {
    echo "status=$2" >>"$work/result"
    if [[ $2 != ok ]]; then
        failed=1
        log "$1: last stderr lines:"
        tail -n 20 "$work/$1.err" | sed 's/^/  | /'
    fi
    for f in out err client; do
        [[ -e $work/$1.$f ]] && cp "$work/$1.$f" "$out/$1.$f"
    done
    cp "$work/result" "$out/result-$1.txt"
}

bench() {
    local tool=$1 t0 c0 c1 lines_a
    : >"$work/result"
    printf 'kernel=%s\nnproc=%s\nmem_kb=%s\n' "$(uname -r)" "$(nproc)" \
        "$(awk '/^MemTotal/ {print $2}' /proc/meminfo)" >>"$work/result"
    start_dnsmasq
    t0=$EPOCHREALTIME
    launch "$tool"
    log "$tool: started (pid $tool_pid), waiting for it to be running"
    if ! wait_running "$tool" "$t0"; then
        alive "$tool_pid" && kill -KILL "$tool_pid"
        wait "$tool_pid" || echo "exit=$?" >>"$work/result"
        stop_dnsmasq
        finish "$tool" failed
        return
    fi
    printf 'startup_s=%s\nexe=%s\n' "$(secs_since "$t0")" "$(readlink "/proc/$tool_pid/exe")" >>"$work/result"
    log "$tool: running after $(secs_since "$t0") s ($(readlink "/proc/$tool_pid/exe"))"
    c0=$(cpu_ticks "$tool_pid")
    client sequential "$seq_n" "$tool"
    wait_quiet "$tool"
    lines_a=$(count '' "$work/$tool.out")
    c1=$(cpu_ticks "$tool_pid")
    client pipelined "$pipe_n" "$tool"
    wait_quiet "$tool"
    if ! alive "$tool_pid"; then
        log "$tool: exited during the load"
        wait "$tool_pid" || echo "exit=$?" >>"$work/result"
        stop_dnsmasq
        finish "$tool" failed
        return
    fi
    printf 'cpu_s=%s\ncpu_sequential_s=%s\nvmhwm_kb=%s\nvmrss_kb=%s\n' \
        "$(ticks_to_s $(($(cpu_ticks "$tool_pid") - c0)))" "$(ticks_to_s $((c1 - c0)))" \
        "$(status_kb "$tool_pid" VmHWM)" "$(status_kb "$tool_pid" VmRSS)" >>"$work/result"
    stop_tool "$tool"
    stop_dnsmasq
    line_counts "$tool" ""
    line_counts "$tool" sequential_ "$lines_a"
    finish "$tool" ok
    log "$tool: done"
}

# Not "bench x || ...": that would switch off set -e inside bench.
failed=0
bench original
bench port
exit "$failed"
