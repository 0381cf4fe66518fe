#!/usr/bin/env bash
# The tool as the systemd service runs it, under the unit's sandbox, without systemd: the
# build is installed into a DESTDIR (prefix /usr), and the INSTALLED ebpfshield-bcc.service
# and ebpfshield-feeds.service are read setting by setting by service_sandbox_exec.sh, which
# emulates each with the kernel's own mechanisms (a private mount namespace: ProtectSystem
# read-only remounts, the State/Runtime/LogsDirectory bound writable, PrivateTmp,
# ProtectHome, PrivateDevices, ProtectKernel*, ProtectControlGroups; setpriv: the
# capability bounding set, NoNewPrivileges; prlimit: LimitMEMLOCK; umask; the environment
# files and ExecStart's $EBPFSHIELD_OPTS; a seccomp filter for RestrictAddressFamilies and
# the other filter settings when python3 can load libseccomp) and refuses a setting it does
# not know. Then: the feed updater fills the feeds directory from a loopback HTTP server;
# the default options, the monitor in JSON, --block deny with --output-file and --block
# dump each start, really work (a dig seen; a connect to a listed documentation address
# reported or refused with EPERM; a core written into the state directory), reload on
# ExecReload's SIGHUP (the updater's too) and exit 0 on SIGTERM, leaving nothing in the
# kernel. /var/lib, /var/log and /run are overlays of this scenario's own: the host's are
# never written.
# The feeds hold documentation ranges only: the guard sees every network namespace.
# Needs root, an isolated network (tests/native/run.sh), cmake, setpriv, prlimit, unshare,
# bpftool, dnsmasq, dig, curl, gcore, /usr/bin/python3 and EBPFSHIELD_BIN / EXPECT_MODE;
# the build directory is EBPFSHIELD_BUILD_DIR, else the directory of EBPFSHIELD_BIN.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/monitor_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
umask 022
PY=/usr/bin/python3
Q() { "$PY" "$here/ecs_query.py" "$@"; }
# lib.sh's dump directory is not used (the dumps go to the state directory); it is removed
# before /var/lib is overlaid, where its removal would not reach the host.
rmdir "$PRIVATE" && PRIVATE=$WORK/unused

for tool in cmake setpriv prlimit unshare mountpoint bpftool dnsmasq dig curl gcore "$PY"; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done
[ "$FAILS" -eq 0 ] || { finish; exit 1; }

# --- The install tree.
BUILD_DIR=${EBPFSHIELD_BUILD_DIR:-$(dirname "$EBPFSHIELD_BIN")}
DESTDIR=$WORK/destdir
if [ -f "$BUILD_DIR/CMakeCache.txt" ] &&
    DESTDIR=$DESTDIR cmake --install "$BUILD_DIR" --prefix /usr >"$WORK/install.log" 2>&1; then
    pass "cmake --install $BUILD_DIR --prefix /usr into a DESTDIR"
else
    fail "cmake --install of $BUILD_DIR"
    tail -20 "$WORK/install.log"
    finish
    exit 1
fi
UNIT=$(find "$DESTDIR" -name ebpfshield-bcc.service -path '*/systemd/system/*')
FUNIT=$(find "$DESTDIR" -name ebpfshield-feeds.service -path '*/systemd/system/*')
check "installed: the service unit ${UNIT#"$DESTDIR"}" [ -f "$UNIT" ]
check "installed: the feeds unit ${FUNIT#"$DESTDIR"}" [ -f "$FUNIT" ]
check "installed: /usr/sbin/ebpfshield-bcc is this build's" cmp -s "$DESTDIR/usr/sbin/ebpfshield-bcc" "$EBPFSHIELD_BIN"
check "installed: the default env file" [ -f "$DESTDIR/etc/default/ebpfshield-bcc" ]
SANDBOX=$here/service_sandbox_exec.sh

# Every setting of both units known to the emulation (it refuses others with status 125).
for u in "$UNIT" "$FUNIT"; do
    if out=$(bash "$SANDBOX" --parse "$u" "$DESTDIR" /nonexistent 2>&1); then
        pass "$(basename "$u"): every setting is one the emulation knows"
    else
        fail "$(basename "$u"): $out"
    fi
done
eval "$(bash "$SANDBOX" --parse "$UNIT" "$DESTDIR" /nonexistent 2>/dev/null)"
eval "$(bash "$SANDBOX" --parse "$FUNIT" "$DESTDIR" /nonexistent 2>/dev/null | sed 's/^S_/F_/')"
[ "$FAILS" -eq 0 ] || { finish; exit 1; }
DEFAULT_OPTS=$(sed -n 's/^EBPFSHIELD_OPTS="\(.*\)"$/\1/p' "$DESTDIR/etc/default/ebpfshield-bcc")
echo "service: ExecStart=${S_ExecStart:-}; EBPFSHIELD_OPTS of the env file: $DEFAULT_OPTS"
echo "service: CapabilityBoundingSet=${S_CapabilityBoundingSet:-} LimitMEMLOCK=${S_LimitMEMLOCK:-} UMask=${S_UMask:-}"
check "ExecReload is the kill -HUP this scenario sends" [ "${S_ExecReload:-}" = '/bin/kill -HUP $MAINPID' ]

# LimitMEMLOCK=infinity needs CAP_SYS_RESOURCE, which some machines' bounding sets lack
# (this one's CI host does): then it cannot be emulated, and is reported.
CAN_MEMLOCK=1
if ! prlimit --memlock=unlimited:unlimited true 2>/dev/null; then
    CAN_MEMLOCK=0
    echo "NOTE: RLIMIT_MEMLOCK cannot be raised here (no CAP_SYS_RESOURCE): LimitMEMLOCK=${S_LimitMEMLOCK:-} not emulated, the tool runs under $(ulimit -Hl) KiB"
fi

# The seccomp settings: emulated when python3 can load libseccomp (ctypes).
if "$PY" "$here/service_sandbox_seccomp.py" --probe 2>/dev/null; then
    export SANDBOX_SECCOMP=$PY
    pass "seccomp filter helper usable: RestrictAddressFamilies and co. are emulated"
else
    export SANDBOX_SECCOMP=
    echo "NOTE: libseccomp not loadable: the seccomp settings are not emulated"
fi

# --- The host as systemd leaves it: tracefs and cgroup2 mounted (`ip netns exec` gave
# this mount namespace a fresh /sys without them). /var/lib, /var/log and /run: overlays
# whose writes stay in $WORK (the host's state, log and run directories of the tool, if it
# has any, hidden).
mount -t tracefs tracefs /sys/kernel/tracing || fail "mounting tracefs"
mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail "mounting cgroup2"
for d in /var/lib /var/log /run; do
    o=$WORK/overlay${d//\//_}
    mkdir -p "$o/up" "$o/wk"
    if mount -t overlay overlay -o "lowerdir=$d,upperdir=$o/up,workdir=$o/wk" "$d" &&
        [ "$(findmnt -n -o FSTYPE --mountpoint "$d")" = overlay ]; then
        :
    else
        fail "cannot overlay $d"
        finish
        exit 1
    fi
done
# Only now (writes go to the overlays): the host's own copies out of sight.
rm -rf /var/lib/ebpfshield /var/log/ebpfshield-bcc /run/ebpfshield-bcc
STATE=/var/lib/ebpfshield
FEEDS=$STATE/feeds
DUMPS=$STATE/dumps

# The admin's /etc/ebpfshield, laid over /etc inside the sandbox: the feed list of the
# updater, and ebpfshield-bcc.env (read after /etc/default/ebpfshield-bcc) for the variants.
ETC=$WORK/etc-local
install -d -m 0755 "$ETC" "$ETC/ebpfshield"
set_env() { # set_env [OPTS]: ebpfshield-bcc.env with the feed list, and OPTS if given
    {
        echo "EBPFSHIELD_FEED_LIST=/etc/ebpfshield/feeds.list"
        [ -n "${1:-}" ] && echo "EBPFSHIELD_OPTS=\"$1\""
    } >"$ETC/ebpfshield/ebpfshield-bcc.env"
}
set_env

# --- Servers: dnsmasq (the monitor's dig), an HTTP server on loopback (the feeds), and
# listeners on two documentation addresses of this namespace's lo (the guard's victims).
dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
    --address=/a.example.test/10.1.2.3 --pid-file="$WORK/dnsmasq.pid" || exit 1
EXTRA_PIDS=$(cat "$WORK/dnsmasq.pid")
mkdir -m 0755 "$WORK/www"
printf '# documentation range\n198.51.100.0/24\n' >"$WORK/www/test.txt"
printf '# documentation range\n203.0.113.0/24\n' >"$WORK/www/more.txt"
HTTP=127.0.0.1:8731
"$PY" -m http.server --bind 127.0.0.1 8731 --directory "$WORK/www" >/dev/null 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
ip addr add 198.51.100.7/32 dev lo
ip addr add 203.0.113.9/32 dev lo
cat >"$WORK/listen.py" <<'EOF'
import socket, sys, threading, signal
signal.alarm(3600)
def serve(addr):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 8080))
    s.listen(64)
    while True:
        c, _ = s.accept()
        c.close()
for a in sys.argv[1:]:
    threading.Thread(target=serve, args=(a,), daemon=True).start()
signal.pause()
EOF
"$PY" "$WORK/listen.py" 198.51.100.7 203.0.113.9 &
EXTRA_PIDS="$EXTRA_PIDS $!"
# connect_to ADDR: prints "connected" or the errno name of a TCP connect to ADDR:8080
cat >"$WORK/connect.py" <<'EOF'
import errno, socket, sys
s = socket.socket()
s.settimeout(10)
try:
    s.connect((sys.argv[1], 8080))
    print("connected")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
EOF
connect_to() { "$PY" "$WORK/connect.py" "$1"; }
for _ in $(seq 50); do
    curl -s -o /dev/null "http://$HTTP/test.txt" && [ "$(connect_to 198.51.100.7)" = connected ] && break
    sleep 0.2
done
check "before the tool: the feed server answers" curl -s -o /dev/null "http://$HTTP/test.txt"
check "before the tool: 198.51.100.7:8080 accepts" [ "$(connect_to 198.51.100.7)" = connected ]
check "before the tool: 203.0.113.9:8080 accepts" [ "$(connect_to 203.0.113.9)" = connected ]

# --- The feed updater under ebpfshield-feeds.service (Type=oneshot): it makes the state
# directories (its StateDirectory=) and fetches the list's feeds.
echo "test.txt http://$HTTP/test.txt" >"$ETC/ebpfshield/feeds.list"
# run_updater NAME: the feeds unit's ExecStart in its sandbox; status in UPD_RC.
run_updater() {
    UPD_RC=0
    timeout 120 bash "$SANDBOX" "$FUNIT" "$DESTDIR" "$ETC" >"$WORK/$1.upd.out" 2>"$WORK/$1.upd.err" ||
        UPD_RC=$?
    sed "s/^/  $1: /" "$WORK/$1.upd.out" "$WORK/$1.upd.err"
}
run_updater first
check "feeds unit: exit status 0 (got $UPD_RC)" [ "$UPD_RC" -eq 0 ]
check "feeds unit: $FEEDS/test.txt written, root's, 0644" \
    [ "$(stat -c '%U %a' "$FEEDS/test.txt" 2>/dev/null)" = "root 644" ]
check "feeds unit: test.txt is the served feed" grep -qx '198.51.100.0/24' "$FEEDS/test.txt"
check "feeds unit: its one line per feed" \
    grep -q "^update-feeds: test.txt: 1 entries (1 v4, 0 v6), 0 lines skipped, from http://$HTTP/test.txt\$" "$WORK/first.upd.out"
for d in ${S_StateDirectory:-}; do
    check "StateDirectory /var/lib/$d: root's, mode ${S_StateDirectoryMode:-0755}" \
        [ "$(stat -c '%U %#a' "/var/lib/$d")" = "root ${S_StateDirectoryMode:-0755}" ]
done
check "RuntimeDirectory /run/${S_RuntimeDirectory:-}: root's, mode ${S_RuntimeDirectoryMode:-0755}" \
    [ "$(stat -c '%U %#a' "/run/${S_RuntimeDirectory:-}")" = "root ${S_RuntimeDirectoryMode:-0755}" ]

# --- The sandbox bites: a probe in ExecStart's place, under each unit's emulation, tries
# what the settings forbid (and what they allow). Each line of its output: NAME RESULT.
cat >"$WORK/probe.py" <<'EOF'
import ctypes, errno, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
def res(f):
    try:
        f()
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
def write(path):
    def f():
        with open(path, "w") as fh:
            fh.write("x")
        os.unlink(path)
    return f
def sock(fam, kind=socket.SOCK_DGRAM):
    return lambda: socket.socket(fam, kind).close()
def call(r):
    if r < 0:
        raise OSError(ctypes.get_errno(), "")
def setid():
    p = "/var/lib/ebpfshield/.probe-setid"
    open(p, "w").close()
    try:
        os.chmod(p, 0o4755)
    finally:
        os.unlink(p)
def wx():
    import mmap
    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC).close()
checks = {
    "write_usr": write("/usr/sbin/.probe"), "write_etc": write("/etc/.probe"),
    "write_var_lib": write("/var/lib/.probe"), "write_root": write("/root/.probe"),
    "write_state": write("/var/lib/ebpfshield/.probe"),
    "write_feeds": write("/var/lib/ebpfshield/feeds/.probe"),
    "write_run": write("/run/ebpfshield-bcc/.probe"),
    "write_logs": write("/var/log/ebpfshield-bcc/.probe"),
    "write_tmp": write("/tmp/.probe"), "write_var_tmp": write("/var/tmp/.probe"),
    "write_sys": write("/sys/kernel/mm/transparent_hugepage/enabled.probe"),
    "write_cgroup": lambda: os.mkdir("/sys/fs/cgroup/.probe") or os.rmdir("/sys/fs/cgroup/.probe"),
    "af_inet": sock(socket.AF_INET), "af_unix": sock(socket.AF_UNIX),
    "af_netlink": sock(socket.AF_NETLINK, socket.SOCK_RAW),
    "af_packet": sock(socket.AF_PACKET), "af_alg": sock(socket.AF_ALG, socket.SOCK_SEQPACKET),
    "af_vsock": sock(socket.AF_VSOCK, socket.SOCK_STREAM),
    "personality": lambda: call(libc.personality(0x0008)),
    "setid_chmod": setid, "mmap_wx": wx,
    "swapoff": lambda: call(libc.swapoff(b"/nonexistent-swap")),
    "list_home": lambda: os.listdir("/root"),
    "modules": lambda: os.listdir("/usr/lib/modules"),
}
for name, f in checks.items():
    print(name, res(f))
print("tmp_entries", len(os.listdir("/tmp")))
print("dev_vda", os.path.exists("/dev/vda"))
print("uts_ns", os.readlink("/proc/self/ns/uts"))
EOF
# probe NAME UNIT: the probe's output in PROBE (an associative array).
declare -A PROBE
probe() {
    PROBE=()
    local k v
    while read -r k v; do PROBE[$k]=$v; done < <(bash "$SANDBOX" "$2" "$DESTDIR" "$ETC" --instead \
        "$PY" -c "$(cat "$WORK/probe.py")" 2>"$WORK/$1.probe.err")
    check "$1: the probe ran in the sandbox (${#PROBE[@]} results)" [ "${#PROBE[@]}" -ge 20 ] ||
        sed 's/^/  probe: /' "$WORK/$1.probe.err" | head -10
}
# is NAME WHAT WANT: the probe's result for WHAT is WANT
is() { check "$1: $2: ${3} (got ${PROBE[$2]:-nothing})" [ "${PROBE[$2]:-}" = "$3" ]; }
HOST_UTS=$(readlink /proc/self/ns/uts)
probe svc_probe "$UNIT"
for w in usr etc var_lib; do is svc_probe "write_$w" EROFS; done
is svc_probe write_root "$([[ ${S_ProtectHome:-no} =~ ^(yes|true)$ ]] && echo EACCES || echo EROFS)"
for w in state feeds run logs tmp var_tmp; do is svc_probe "write_$w" ok; done
is svc_probe tmp_entries 0
# home_result PROTECTHOME: what listing /root gives under it
home_result() { case ${1:-no} in yes | true) echo EACCES ;; *) echo ok ;; esac; }
yes_or() { [[ ${1:-no} =~ ^(yes|true)$ ]] && echo "$2" || echo "$3"; }
is svc_probe list_home "$(home_result "${S_ProtectHome:-}")"
# (cgroup2's root refuses a directory of a process without CAP_DAC_OVERRIDE: EACCES; what
# matters is that the mount is not read-only.)
if [[ ${S_ProtectControlGroups:-no}${S_ProtectKernelTunables:-no} =~ yes|true ]]; then
    is svc_probe write_cgroup EROFS
else
    check "svc_probe: /sys/fs/cgroup not read-only (mkdir: ${PROBE[write_cgroup]:-})" [ "${PROBE[write_cgroup]:-EROFS}" != EROFS ]
fi
for f in inet unix netlink packet; do is svc_probe "af_$f" ok; done
if [ -n "$SANDBOX_SECCOMP" ]; then
    is svc_probe af_alg EAFNOSUPPORT
    is svc_probe af_vsock EAFNOSUPPORT
    is svc_probe personality EPERM
    is svc_probe setid_chmod EPERM
    is svc_probe mmap_wx "$(yes_or "${S_MemoryDenyWriteExecute:-}" EPERM ok)"
    # SystemCallFilter=~...@swap (with SystemCallErrorNumber=EPERM): refused before the
    # kernel looks at the path.
    [[ " ${S_SystemCallFilter:-} " == *" @swap "* ]] && is svc_probe swapoff EPERM
fi
check "svc_probe: own UTS namespace (ProtectHostname)" [ "${PROBE[uts_ns]:-}" != "$HOST_UTS" ]
probe feeds_probe "$FUNIT"
for w in usr etc var_lib; do is feeds_probe "write_$w" EROFS; done
is feeds_probe write_sys "$(yes_or "${F_ProtectKernelTunables:-}" EROFS ok)"
[[ ${F_ProtectControlGroups:-no}${F_ProtectKernelTunables:-no} =~ yes|true ]] &&
    is feeds_probe write_cgroup EROFS
for w in state feeds run tmp var_tmp; do is feeds_probe "write_$w" ok; done
is feeds_probe list_home "$(home_result "${F_ProtectHome:-}")"
is feeds_probe modules "$(yes_or "${F_ProtectKernelModules:-}" EACCES ok)"
is feeds_probe dev_vda "$(yes_or "${F_PrivateDevices:-}" False True)"
for f in inet unix netlink; do is feeds_probe "af_$f" ok; done
if [ -n "$SANDBOX_SECCOMP" ]; then
    [[ " ${F_RestrictAddressFamilies:-} " == *" AF_PACKET "* ]] || is feeds_probe af_packet EAFNOSUPPORT
    is feeds_probe mmap_wx "$(yes_or "${F_MemoryDenyWriteExecute:-}" EPERM ok)"
fi

# --- The service.
SVC=$WORK/as-service
cat >"$SVC" <<EOF
#!/bin/sh
exec bash '$SANDBOX' '$UNIT' '$DESTDIR' '$ETC' "\$@"
EOF
chmod 755 "$SVC"

# start_service NAME [OPTS]: the unit's ExecStart (OPTS in ebpfshield-bcc.env, else the
# default env file's) in its sandbox, stdout and stderr in $WORK/NAME.{out,err}; waits
# for the running line (on stdout or stderr, as the outputs put it).
start_service() {
    local name=$1
    set_env "${2:-}"
    launch "$name" "out err" "$SVC" || return 1
    sandboxed "$name"
}

# The names capsh gives a capability set, and the unit's, compared as sorted lists.
capset() { capsh --decode="$(awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status")" | sed 's/.*=//' | tr , '\n' | LC_ALL=C sort | xargs; }
unitcaps() { tr ' ' '\n' <<<"${S_CapabilityBoundingSet,,}" | LC_ALL=C sort | xargs; }
mnt_of() { # mnt_of PID PATH: "FSTYPE OPTIONS" of the mount PATH is on, in PID's namespace
    nsenter -t "$1" -m findmnt -n -o FSTYPE,OPTIONS --target "$2" | head -1
}
# sandboxed NAME: the running tool is under the unit's settings.
sandboxed() {
    local p=$TOOL_PID
    check "$1: the main pid is the tool" grep -qx ebpfshield-bcc "/proc/$p/comm"
    check "$1: command line is ExecStart with EBPFSHIELD_OPTS ($(tr '\0' ' ' <"/proc/$p/cmdline"))" \
        [ "$(tr '\0' ' ' <"/proc/$p/cmdline")" = "/usr/sbin/ebpfshield-bcc $(cat "$WORK/$1.opts") " ]
    check "$1: bounding set is the unit's" [ "$(capset "$p" CapBnd)" = "$(unitcaps)" ]
    check "$1: effective set is the unit's ($(capset "$p" CapEff))" [ "$(capset "$p" CapEff)" = "$(unitcaps)" ]
    check "$1: no inheritable capability" [ "$(awk '$1 == "CapInh:" {print $2}' "/proc/$p/status")" = 0000000000000000 ]
    [ "${S_NoNewPrivileges:-}" = yes ] && check "$1: NoNewPrivs 1" grep -qP '^NoNewPrivs:\t1$' "/proc/$p/status"
    # (The tool narrows its umask to 077 itself: at least the unit's bits must be set.)
    local um
    um=$(awk '$1 == "Umask:" {print $2}' "/proc/$p/status")
    check "$1: umask $um covers UMask=${S_UMask:-}" [ $((8#$um & 8#${S_UMask:-})) -eq $((8#${S_UMask:-})) ]
    if [ "${S_LimitMEMLOCK:-}" = infinity ] && ((CAN_MEMLOCK)); then
        check "$1: RLIMIT_MEMLOCK unlimited" grep -qE '^Max locked memory +unlimited +unlimited' "/proc/$p/limits"
    elif [ "${S_LimitMEMLOCK:-}" = infinity ]; then
        check "$1: RLIMIT_MEMLOCK left as it was (cannot be raised here)" \
            grep -q 'NOTE: LimitMEMLOCK=infinity not emulated' "$ERR"
    fi
    check "$1: own mount namespace" [ "$(readlink "/proc/$p/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
    check "$1: / read-only" grep -q '\bro\b' <<<"$(mnt_of "$p" /)"
    check "$1: /usr read-only" grep -q '\bro\b' <<<"$(mnt_of "$p" /usr/sbin)"
    check "$1: /etc read-only" grep -q '\bro\b' <<<"$(mnt_of "$p" /etc)"
    check "$1: /var/lib read-only" grep -q '\bro\b' <<<"$(mnt_of "$p" /var/lib/dpkg)"
    check "$1: /root read-only" grep -q '\bro\b' <<<"$(mnt_of "$p" /root)"
    check "$1: $STATE writable" grep -q '\brw\b' <<<"$(mnt_of "$p" "$STATE")"
    check "$1: /run/${S_RuntimeDirectory:-} writable" grep -q '\brw\b' <<<"$(mnt_of "$p" "/run/${S_RuntimeDirectory:-}")"
    check "$1: /var/log/${S_LogsDirectory:-} writable" grep -q '\brw\b' <<<"$(mnt_of "$p" "/var/log/${S_LogsDirectory:-}")"
    check "$1: /tmp a private tmpfs" [ "$(mnt_of "$p" /tmp | cut -d' ' -f1)" = tmpfs ]
    check "$1: /var/tmp a private tmpfs" [ "$(mnt_of "$p" /var/tmp | cut -d' ' -f1)" = tmpfs ]
    # ProtectSystem=strict leaves /sys as it is; ProtectKernelTunables= makes it read-only,
    # ProtectControlGroups= the cgroup tree.
    local want=rw
    [[ ${S_ProtectKernelTunables:-no} =~ ^(yes|true)$ ]] && want=ro
    check "$1: tracefs $want" grep -q "\\b$want\\b" <<<"$(mnt_of "$p" /sys/kernel/tracing)"
    [[ ${S_ProtectControlGroups:-no} =~ ^(yes|true)$ ]] && want=ro
    check "$1: /sys/fs/cgroup $want" grep -q "\\b$want\\b" <<<"$(mnt_of "$p" /sys/fs/cgroup)"
    if [ -n "$SANDBOX_SECCOMP" ]; then
        check "$1: a seccomp filter" grep -qP '^Seccomp:\t2$' "/proc/$p/status"
    fi
}

# reload NAME: ExecReload (kill -HUP $MAINPID); the feeds summary is printed again.
reload() {
    local n0
    n0=$(grep -c '^feeds: ' "$ERR")
    /bin/kill -HUP "$TOOL_PID"
    LINE_TIMEOUT=30 expect_count "$ERR" '^feeds: ' $((n0 + 1)) "$1: SIGHUP (ExecReload) reloads the feeds"
    check "$1: no reload failure" not grep -q 'reload failed' "$ERR"
}

# What the kernel says of BPF LSM programs to root outside any sandbox: where it refuses
# them (6.18 here), --block suspend and dump say so at start, and that is not the sandbox's.
LSM_OUTSIDE=$("$PY" "$here/lsm_probe.py")
LSM_SAID="guard: a SIGCONT can resume a stopped process until it is frozen, a few ms: the kernel refuses BPF LSM programs ($LSM_OUTSIDE)"
# denials NAME: the lines of its stderr that say something was denied or read-only.
denials() {
    grep -iE 'read-only file system|permission denied|operation not permitted|not supported' "$ERR" |
        grep -vxF "$LSM_SAID"
}
# stop_service NAME: SIGTERM (systemctl stop): stop_tool's checks, then nothing on stderr
# says the sandbox denied something, and nothing is left in the kernel.
stop_service() {
    local name=$1
    stop_tool "$name" TERM
    check "$name: nothing on stderr says denied or read-only" [ -z "$(denials)" ] ||
        denials | head -5
    nothing_attached "$name"
}

opts_of() { echo "${1:-$DEFAULT_OPTS}" >"$WORK/$2.opts"; }

# 1. The default options (the env file's): every connect to a feed address is reported
# (--block print: it goes on), in JSON on stdout; the updater's new feed reloads the tool.
opts_of "" default
if start_service default; then
    check "default: no feed refused as untrusted" not grep -q 'refus' "$ERR"
    check "default: the feed summary" grep -qx 'feeds: 1 file(s), 1 IPv4 and 0 IPv6 entries, 0 allowed; 1 IPv4 and 0 IPv6 CIDRs to check' "$ERR"
    r=$(connect_to 198.51.100.7)
    check "default: the connect to 198.51.100.7 goes on (print; got $r)" [ "$r" = connected ]
    LINE_TIMEOUT=15 expect_count "$OUT" '"action":"connection-reported".*"destination":\{"ip":"198\.51\.100\.7","port":8080\}' 1 \
        "default: a JSON alert for 198.51.100.7"
    check "default: the alert names test.txt" [ "$(Q count "$OUT" event.action=connection-reported threat.feed.name=test.txt)" -eq 1 ]
    reload default
    # The updater, under its own unit, while the service runs: a second feed, and SIGHUP.
    echo "more.txt http://$HTTP/more.txt" >>"$ETC/ebpfshield/feeds.list"
    n0=$(grep -c '^feeds: ' "$ERR")
    run_updater second
    check "feeds unit (running service): exit status 0 (got $UPD_RC)" [ "$UPD_RC" -eq 0 ]
    check "feeds unit (running service): $FEEDS/more.txt written" grep -qx '203.0.113.0/24' "$FEEDS/more.txt"
    LINE_TIMEOUT=30 expect_count "$ERR" \
        '^feeds: 2 file\(s\), 2 IPv4 and 0 IPv6 entries, 0 allowed; 2 IPv4 and 0 IPv6 CIDRs to check$' 1 \
        "default: the updater's SIGHUP reloaded the feeds (2 files)"
    r=$(connect_to 203.0.113.9)
    check "default: the connect to 203.0.113.9 goes on (got $r)" [ "$r" = connected ]
    LINE_TIMEOUT=15 expect_count "$OUT" '"action":"connection-reported".*"destination":\{"ip":"203\.0\.113\.9","port":8080\}' 1 \
        "default: the reloaded feed's address is reported"
    stop_service default
fi

# 2. The monitor in JSON: a dig of root and one of nobody.
opts_of "--feature ebpf_monitor --output json" monitor
if start_service monitor "--feature ebpf_monitor --output json"; then
    run_client dig_root dig @127.0.0.1 a.example.test A
    LINE_TIMEOUT=15 expect_count "$OUT" "\"action\":\"dns-response\".*\"process\":\\{\"name\":\"dig\",\"pid\":$CLIENT_PID," 1 \
        "monitor: the answer to root's dig"
    check "monitor: the answer's data" [ "$(Q count "$OUT" process.pid="$CLIENT_PID" dns.question.name=a.example.test dns.resolved_ip[]=10.1.2.3)" -eq 1 ]
    run_client dig_nobody setpriv --reuid=65534 --regid=65534 --clear-groups dig @127.0.0.1 a.example.test A
    LINE_TIMEOUT=15 expect_count "$OUT" "\"action\":\"dns-query\".*\"process\":\\{\"name\":\"dig\",\"pid\":$CLIENT_PID,.*\"user\":\\{\"id\":\"65534\"\\}" 1 \
        "monitor: nobody's dig query"
    /bin/kill -HUP "$TOOL_PID"
    LINE_TIMEOUT=10 expect_count "$ERR" 'SIGHUP: nothing to reload' 1 "monitor: SIGHUP (ExecReload) answered (nothing to reload)"
    check "monitor: still running after SIGHUP" kill -0 "$TOOL_PID"
    stop_service monitor
fi

# 3. --block deny, events into the logs directory; ExecReload reopens the file (logrotate).
LOG=/var/log/${S_LogsDirectory:-}/events.json
o="--block deny --output json --output-file $LOG"
opts_of "$o" deny
if start_service deny "$o"; then
    r=$(connect_to 198.51.100.7)
    check "deny: the connect to 198.51.100.7 refused with EPERM (got $r)" [ "$r" = EPERM ]
    LINE_TIMEOUT=15 expect_count "$LOG" '"action":"connection-denied".*"destination":\{"ip":"198\.51\.100\.7","port":8080\}' 1 \
        "deny: the denial in $LOG"
    check "deny: $LOG root's, mode 600" [ "$(stat -c '%U %a' "$LOG")" = "root 600" ]
    mv "$LOG" "$LOG.1"
    reload deny
    r=$(connect_to 198.51.100.7)
    check "deny: refused again after the reload (got $r)" [ "$r" = EPERM ]
    LINE_TIMEOUT=15 expect_count "$LOG" '"action":"connection-denied"' 1 "deny: the next denial in the reopened $LOG"
    check "deny: none added to the rotated file" [ "$(grep -c connection-denied "$LOG.1")" -eq 1 ]
    stop_service deny
fi

# 4. --block dump: a core of nobody's connecting python in the state directory's dumps/.
opts_of "--block dump" dump
if start_service dump "--block dump"; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" -c "$(cat "$WORK/connect.py")" 198.51.100.7 \
        >/dev/null 2>&1 &
    VICTIM=$!
    wait "$VICTIM"
    VRC=$?
    check "dump: nobody's python killed after the dump (exit $VRC, want 137)" [ "$VRC" -eq 137 ]
    LINE_TIMEOUT=60 expect_count "$OUT" "^Client:python3[.0-9]* \\(pid:$VICTIM\\) eBPFShield took a dump in ${DUMPS//./\\.}/ \\(ip-blacklist:198\\.51\\.100\\.7\\)\$" \
        1 "dump: line"
    core=$(ls "$DUMPS"/ebpfshield-*."$VICTIM" 2>/dev/null)
    check "dump: core ${core:-missing} is an ELF core" sh -c "[ -s '$core' ] && head -c 4 '$core' | grep -q ELF"
    check "dump: $DUMPS root's, 0700" [ "$(stat -c '%U %a' "$DUMPS")" = "root 700" ]
    reload dump
    stop_service dump
fi
finish
