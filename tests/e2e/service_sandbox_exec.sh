#!/usr/bin/env bash
# Runs the ExecStart= of an installed systemd service unit as systemd would, with the
# unit's sandbox emulated by the kernel's own mechanisms (helper of service_sandbox.sh).
# Every setting of the unit's [Service] section is read from the unit file; a setting this
# script does not know (or a value of it that it does not emulate) stops it with exit 125
# before anything runs, so that a new hardening option forces the emulation to be extended.
#
# usage: service_sandbox_exec.sh [--parse] UNIT DESTDIR ETC_LOCAL [EXTRA_ARG...]
#   UNIT       the installed unit file
#   DESTDIR    the install tree (cmake --install, prefix /usr): mounted over /usr and /etc
#              (read-only overlays, the tree on top), so the unit's paths work as written
#   ETC_LOCAL  a directory laid over /etc above DESTDIR (the admin's /etc/ebpfshield/*)
#   EXTRA_ARG  appended to the ExecStart command line; "--instead CMD ARG..." runs CMD in
#              ExecStart's place (a probe of the sandbox)
#   --parse    print the settings as shell assignments (S_<Key>=...) and exit
# It execs all the way down (unshare, prlimit, setpriv, the tool): the caller's pid is the
# service's main pid. The State/Runtime/LogsDirectory are created under whatever /var/lib,
# /run and /var/log the caller's mount namespace has (service_sandbox.sh gives it
# overlays, so that the host's are never written).
set -euo pipefail
prog=service_sandbox_exec
die() {
    echo "$prog: $*" >&2
    exit 125
}

parse=0
inner=0
case ${1:-} in
--parse) parse=1 && shift ;;
--inner) inner=1 && shift ;;
esac
[ $# -ge 3 ] || die "usage: $0 [--parse] UNIT DESTDIR ETC_LOCAL [EXTRA_ARG...]"
unit=$1 destdir=$2 etc_local=$3
shift 3

# --- The unit: [Service] settings into S_<Key> (repeated keys: appended, one a line;
# systemd's "Key=" alone resets it, which is honoured).
declare -A S=()
section=
while IFS= read -r line || [ -n "$line" ]; do
    while [[ $line == *\\ ]]; do
        IFS= read -r more || die "$unit: continuation at the end of the file"
        line="${line%\\} $more"
    done
    [[ $line =~ ^[[:space:]]*([#\;]|$) ]] && continue
    if [[ $line =~ ^\[([A-Za-z]+)\]$ ]]; then
        section=${BASH_REMATCH[1]}
        continue
    fi
    [[ $line =~ ^([A-Za-z]+)=(.*)$ ]] || die "$unit: cannot read line: $line"
    key=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
    case $section in
    Unit)
        case $key in
        Description | Documentation | After | Before | Wants | Requires) ;;
        *) die "$unit: [Unit] $key= is not known to this emulation" ;;
        esac
        continue
        ;;
    Install)
        case $key in
        WantedBy | Alias) ;;
        *) die "$unit: [Install] $key= is not known to this emulation" ;;
        esac
        continue
        ;;
    Service) ;;
    *) die "$unit: section [$section] is not known to this emulation" ;;
    esac
    # Repeated: the list settings add up (EnvironmentFile=, Environment= a line each; the
    # others space-separated); any other setting: the last one wins, as in systemd.
    if [ -z "$val" ]; then
        unset "S[$key]"
    elif [ -z "${S[$key]+x}" ]; then
        S[$key]=$val
    elif [[ $key =~ ^(EnvironmentFile|Environment)$ ]]; then
        S[$key]+=$'\n'"$val"
    elif [[ $key =~ ^(CapabilityBoundingSet|RestrictAddressFamilies|(State|Runtime|Logs)Directory|ReadWritePaths|ReadOnlyPaths)$ ]]; then
        S[$key]+=" $val"
    else
        S[$key]=$val
    fi
done <"$unit"

# What each known setting is, and which values are emulated (an ERE on the whole value).
# "emulated": done below with a kernel mechanism; "runner": the caller acts as systemd
# (the main pid, the reload command, the exit status); "seccomp": systemd installs a
# seccomp filter, emulated by service_sandbox_seccomp.py when it is usable.
declare -A KNOWN=(
    [Type]='simple|oneshot'
    [ExecStart]='/.*'
    [ExecReload]='/bin/kill -HUP \$MAINPID'
    [Restart]='no|on-failure'
    [RestartSec]='[0-9]+'
    [RestartPreventExitStatus]='[0-9 ]+'
    [StandardOutput]='journal'
    [StandardError]='journal'
    [SyslogIdentifier]='[A-Za-z0-9_.-]+'
    [LogRateLimitIntervalSec]='[0-9]+(ms|s|min)?'
    [LogRateLimitBurst]='[0-9]+'
    [EnvironmentFile]='-?/[^ ]+(\n-?/[^ ]+)*'
    [Environment]='[A-Za-z_][A-Za-z0-9_]*=[^ "]*(\n[A-Za-z_][A-Za-z0-9_]*=[^ "]*)*'
    [CapabilityBoundingSet]='CAP_[A-Z_]+( CAP_[A-Z_]+)*'
    [NoNewPrivileges]='yes|no|true|false'
    [LimitMEMLOCK]='infinity|[0-9]+[KMG]?'
    [Nice]='-?[0-9]+'
    [UMask]='0[0-7]{3}'
    [ProtectSystem]='strict|full|yes|true|no|false'
    [ProtectHome]='read-only|yes|true|tmpfs|no|false'
    [PrivateTmp]='yes|true|no|false'
    [PrivateDevices]='yes|true|no|false'
    [ProtectKernelTunables]='yes|true|no|false'
    [ProtectKernelModules]='yes|true|no|false'
    [ProtectKernelLogs]='yes|true|no|false'
    [ProtectControlGroups]='yes|true|no|false'
    [ProtectHostname]='yes|true|no|false'
    [ProtectClock]='yes|true|no|false'
    [ReadWritePaths]='-?/[^ ]+( -?/[^ ]+)*'
    [ReadOnlyPaths]='-?/[^ ]+( -?/[^ ]+)*'
    [StateDirectory]='[a-z][a-z0-9_./-]*( [a-z][a-z0-9_./-]*)*'
    [StateDirectoryMode]='0[0-7]{3}'
    [RuntimeDirectory]='[a-z][a-z0-9_./-]*( [a-z][a-z0-9_./-]*)*'
    [RuntimeDirectoryMode]='0[0-7]{3}'
    [RuntimeDirectoryPreserve]='yes|restart'
    [LogsDirectory]='[a-z][a-z0-9_./-]*( [a-z][a-z0-9_./-]*)*'
    [LogsDirectoryMode]='0[0-7]{3}'
    [RestrictAddressFamilies]='AF_[A-Z0-9]+( AF_[A-Z0-9]+)*'
    [RestrictNamespaces]='yes|true'
    [RestrictRealtime]='yes|true'
    [RestrictSUIDSGID]='yes|true'
    [LockPersonality]='yes|true'
    [SystemCallArchitectures]='native'
    [MemoryDenyWriteExecute]='yes|true'
    [SystemCallFilter]='~@[a-z-]+( @[a-z-]+)*'
    [SystemCallErrorNumber]='EPERM'
)
for key in "${!S[@]}"; do
    [ -n "${KNOWN[$key]+x}" ] || die "$unit: $key= is not known to this emulation (extend it)"
    [[ ${S[$key]} =~ ^(${KNOWN[$key]})$ ]] ||
        die "$unit: $key=${S[$key]//$'\n'/ | } is not a value this emulation knows"
done
on() { [[ ${S[$1]:-no} =~ ^(yes|true|strict|full|read-only|tmpfs)$ ]]; }

if ((parse)); then
    for key in $(printf '%s\n' "${!S[@]}" | LC_ALL=C sort); do
        printf 'S_%s=%q\n' "$key" "${S[$key]}"
    done
    exit 0
fi

# --- A private mount namespace (and UTS namespace: ProtectHostname), same pid from here.
if ((!inner)); then
    flags=(-m --propagation private)
    on ProtectHostname && flags+=(-u)
    exec unshare "${flags[@]}" -- "$0" --inner "$unit" "$destdir" "$etc_local" "$@"
fi

# What the sandbox runs from this script's directory is read now, before the mounts: they
# hide the directory of a checkout under /tmp (PrivateTmp=), /home or /root (ProtectHome=).
seccomp_helper=
if [ -n "${SANDBOX_SECCOMP:-}" ]; then
    seccomp_helper=$(<"$(dirname "$0")/service_sandbox_seccomp.py")
fi

# The install tree where the unit expects it: read-only overlays, the tree above the host's.
resolv=$(cat /etc/resolv.conf 2>/dev/null || true)
mount -t overlay overlay -o "lowerdir=$destdir/usr:/usr" /usr
mount -t overlay overlay -o "lowerdir=$etc_local:$destdir/etc:/etc" /etc
# (`ip netns exec` had bound the namespace's resolv.conf over /etc/resolv.conf.)
if [ -n "$resolv" ] && [ "$(cat /etc/resolv.conf 2>/dev/null)" != "$resolv" ]; then
    printf '%s\n' "$resolv" >/dev/shm/.sandbox-resolv.$$
    mount --bind /dev/shm/.sandbox-resolv.$$ /etc/resolv.conf
    rm -f /dev/shm/.sandbox-resolv.$$
fi

# Never on the host's own directories by mistake: the caller must have overlaid them (or
# say SANDBOX_HOST_DIRS=1 to have the directories made on the host, as systemd would).
if [ "${SANDBOX_HOST_DIRS:-0}" != 1 ]; then
    for d in /var/lib /var/log /run; do
        [ "$(findmnt -n -o FSTYPE --mountpoint "$d")" = overlay ] ||
            die "$d is not an overlay: refusing to make the unit's directories on the host"
    done
fi

# --- What systemd does before the sandbox: the directories (root's, the unit's mode;
# an existing one gets the mode too), the environment files.
rw_paths=()
exec_dirs() { # exec_dirs BASE NAMES MODE
    local d
    for d in $2; do
        install -d -m "$3" "$1/$d"
        rw_paths+=("$1/$d")
    done
}
exec_dirs /var/lib "${S[StateDirectory]:-}" "${S[StateDirectoryMode]:-0755}"
exec_dirs /run "${S[RuntimeDirectory]:-}" "${S[RuntimeDirectoryMode]:-0755}"
exec_dirs /var/log "${S[LogsDirectory]:-}" "${S[LogsDirectoryMode]:-0755}"

# EnvironmentFile= (systemd's syntax, the part these files use: KEY=VALUE, VALUE in double
# or single quotes or bare; comments), then Environment=.
declare -A ENVV=()
while IFS= read -r f; do
    [ -n "$f" ] || continue
    opt=0
    [[ $f == -* ]] && opt=1 f=${f#-}
    if [ ! -e "$f" ]; then
        ((opt)) || die "EnvironmentFile $f is missing"
        continue
    fi
    while IFS= read -r line || [ -n "$line" ]; do
        [[ $line =~ ^[[:space:]]*([#\;]|$) ]] && continue
        [[ $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || die "$f: cannot read line: $line"
        k=${BASH_REMATCH[1]} v=${BASH_REMATCH[2]}
        if [[ $v =~ ^\"([^\"\\\$\`]*)\"$ || $v =~ ^\'([^\']*)\'$ ]]; then
            v=${BASH_REMATCH[1]}
        elif [[ $v =~ [\"\'\\\$\`[:space:]] ]]; then
            die "$f: value of $k is beyond what this emulation parses: $v"
        fi
        ENVV[$k]=$v
    done <"$f"
done <<<"${S[EnvironmentFile]:-}"
while IFS= read -r a; do
    [ -n "$a" ] && ENVV[${a%%=*}]=${a#*=}
done <<<"${S[Environment]:-}"

# ExecStart: words split on white space; $VAR becomes the words of its value, ${VAR} one
# word (as systemd does).
argv=()
read -ra words <<<"${S[ExecStart]}"
for w in "${words[@]}"; do
    if [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
        read -ra more <<<"${ENVV[${BASH_REMATCH[1]}]:-}"
        argv+=("${more[@]}")
    elif [[ $w =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$ ]]; then
        argv+=("${ENVV[${BASH_REMATCH[1]}]:-}")
    elif [[ $w == *\$* ]] || { ((${#argv[@]} == 0)) && [[ $w == [@\!:+-]* ]]; }; then
        die "ExecStart word beyond this emulation: $w"
    else
        argv+=("$w")
    fi
done
if [ "${1:-}" = --instead ]; then
    # A probe of the sandbox: COMMAND instead of ExecStart's, everything else the same.
    [ -x "${argv[0]}" ] || die "ExecStart: ${argv[0]} is not an executable"
    shift
    argv=("$@")
else
    argv+=("$@")
fi
[ -x "${argv[0]}" ] || die "ExecStart: ${argv[0]} is not an executable (is the tree installed?)"

# --- The sandbox: mounts.
# remount_ro MOUNTPOINT: read-only, keeping its other flags (as systemd does).
mount_flags() {
    awk -v mp="$1" '$5 == mp {o = $6} END {print o}' /proc/self/mountinfo |
        tr , '\n' | grep -xE 'nosuid|nodev|noexec|noatime|nodiratime|relatime|strictatime' |
        paste -sd, || true
}
remount() { # remount ro|rw MOUNTPOINT
    local fl
    fl=$(mount_flags "$2")
    mount -o "remount,bind,$1${fl:+,$fl}" "$2" || die "cannot remount $2 $1"
}
# unescape a mountinfo path (\040 for a space, ...)
unescape() { printf '%b' "${1//\\/\\0}"; }
# The mount points reachable in this namespace, one a line (mountinfo's escapes kept): a
# mount is hidden when another one with the same parent sits on a directory above its
# mount point, or one sits on its very root, or its parent is hidden (systemd remounts what
# it can reach, by path, the same way).
reachable_mounts() {
    awk '{ id[NR] = $1; par[NR] = $2; mp[NR] = $5; n = NR }
    function sib_hidden(i,   j, pre) { # a sibling sits on a directory above it
        for (j = 1; j <= n; j++) {
            pre = (mp[j] == "/") ? "/" : mp[j] "/"
            if (j != i && par[j] == par[i] && mp[i] != mp[j] && index(mp[i], pre) == 1) return 1
        }
        return 0
    }
    function covered(i, via,   j) { # a mount (other than via) sits on its root
        for (j = 1; j <= n; j++) if (j != via && par[j] == id[i] && mp[j] == mp[i]) return 1
        return 0
    }
    function vis(i, via,   j) {
        if (sib_hidden(i) || covered(i, via)) return 0
        for (j = 1; j <= n; j++) if (id[j] == par[i]) return vis(j, i)
        return 1
    }
    END { for (i = 1; i <= n; i++) if (vis(i, 0)) print mp[i] }' /proc/self/mountinfo | sort -u
}
# ro_tree PATH [EXCEPT_RE]: every reachable mount at or below PATH read-only, but those
# matching.
ro_tree() {
    local mp
    while IFS= read -r mp; do
        mp=$(unescape "$mp")
        [[ $mp == "$1" || $mp == "${1%/}"/* ]] || continue
        [ -n "${2:-}" ] && [[ $mp =~ $2 ]] && continue
        remount ro "$mp"
    done < <(reachable_mounts)
}
bind_self() { mount --bind "$1" "$1" || die "cannot bind $1"; }
mount --make-rprivate /

# (Before ProtectSystem: its mount is made in /run, writable until then.)
if on PrivateDevices; then
    # A /dev of its own: the pseudo devices only, no physical device.
    mkdir -p /run/.sandbox-dev
    mount -t tmpfs -o mode=755,nosuid,noexec tmpfs /run/.sandbox-dev 2>/dev/null ||
        die "PrivateDevices: no tmpfs"
    for n in null zero full random urandom tty; do
        touch "/run/.sandbox-dev/$n"
        mount --bind "/dev/$n" "/run/.sandbox-dev/$n"
    done
    mkdir /run/.sandbox-dev/pts /run/.sandbox-dev/shm /run/.sandbox-dev/mqueue
    mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts /run/.sandbox-dev/pts
    ln -s pts/ptmx /run/.sandbox-dev/ptmx
    mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /run/.sandbox-dev/shm
    ln -s /proc/self/fd /run/.sandbox-dev/fd
    ln -s /proc/self/fd/0 /run/.sandbox-dev/stdin
    ln -s /proc/self/fd/1 /run/.sandbox-dev/stdout
    ln -s /proc/self/fd/2 /run/.sandbox-dev/stderr
    mount --move /run/.sandbox-dev /dev
    rmdir /run/.sandbox-dev
fi
case ${S[ProtectSystem]:-no} in
strict) ro_tree / '^/(dev|proc|sys)(/|$)' ;;
full) for p in /usr /boot /efi /etc; do [ -d "$p" ] && { mountpoint -q "$p" || bind_self "$p"; ro_tree "$p"; }; done ;;
yes | true) for p in /usr /boot /efi; do [ -d "$p" ] && { mountpoint -q "$p" || bind_self "$p"; ro_tree "$p"; }; done ;;
esac
case ${S[ProtectHome]:-no} in
read-only) for p in /home /root /run/user; do [ -d "$p" ] && { mountpoint -q "$p" || bind_self "$p"; ro_tree "$p"; }; done ;;
yes | true) for p in /home /root /run/user; do [ -d "$p" ] && mount -t tmpfs -o ro,mode=000,nosuid,nodev,noexec,size=4k tmpfs "$p"; done ;;
tmpfs) for p in /home /root /run/user; do [ -d "$p" ] && mount -t tmpfs -o ro,mode=755,nosuid,nodev,size=4k tmpfs "$p"; done ;;
esac
for p in ${S[ReadOnlyPaths]:-}; do
    [[ $p == -* ]] && { p=${p#-}; [ -e "$p" ] || continue; }
    bind_self "$p" && remount ro "$p"
done
for p in "${rw_paths[@]}" ${S[ReadWritePaths]:-}; do
    [[ $p == -* ]] && { p=${p#-}; [ -e "$p" ] || continue; }
    [ -e "$p" ] || die "ReadWritePaths: $p does not exist (systemd would fail the unit: 226/NAMESPACE)"
    bind_self "$p"
    remount rw "$p"
done
if on PrivateTmp; then
    for p in /tmp /var/tmp; do
        mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$p"
    done
fi
if on ProtectKernelTunables; then
    for p in /proc/sys /proc/sysrq-trigger /proc/latency_stats /proc/mtrr /proc/apm \
        /proc/acpi /proc/timer_stats /proc/asound /proc/bus /proc/fs /proc/irq /sys \
        /sys/kernel/debug /sys/fs/selinux /proc/sys/fs/binfmt_misc; do
        [ -e "$p" ] || continue
        mountpoint -q "$p" || bind_self "$p"
        ro_tree "$p"
    done
    for p in /proc/kallsyms /proc/kcore; do
        [ -e "$p" ] && mount --bind /dev/null "$p" # read as empty (systemd: inaccessible)
    done
fi
if on ProtectKernelModules; then
    for p in /usr/lib/modules /lib/modules; do
        [ -d "$p" ] && ! [ -L "$p" ] && mount -t tmpfs -o ro,mode=000,nosuid,nodev,noexec,size=4k tmpfs "$p"
    done
fi
if on ProtectControlGroups; then
    [ -d /sys/fs/cgroup ] && { mountpoint -q /sys/fs/cgroup || bind_self /sys/fs/cgroup; ro_tree /sys/fs/cgroup; }
fi
if on ProtectKernelLogs; then
    for p in /proc/kmsg /dev/kmsg; do
        [ -e "$p" ] && mount --bind /dev/null "$p" # (systemd: an inaccessible node)
    done
fi

# --- Credentials, limits, umask, environment; then exec.
run=()
if [ -n "${S[LimitMEMLOCK]:-}" ]; then
    m=${S[LimitMEMLOCK]}
    case $m in
    infinity) m=unlimited ;;
    *K) m=$((${m%K} << 10)) ;;
    *M) m=$((${m%M} << 20)) ;;
    *G) m=$((${m%G} << 30)) ;;
    esac
    # systemd (pid 1, CAP_SYS_RESOURCE) can always raise it; a machine whose bounding set
    # lacks CAP_SYS_RESOURCE cannot: the limit stays, and stderr says so.
    if prlimit "--memlock=$m:$m" true 2>/dev/null; then
        run+=(prlimit "--memlock=$m:$m")
    else
        echo "$prog: NOTE: LimitMEMLOCK=${S[LimitMEMLOCK]} not emulated (no CAP_SYS_RESOURCE" \
            "here); RLIMIT_MEMLOCK stays $(ulimit -Sl):$(ulimit -Hl) KiB" >&2
    fi
fi
# systemd sets the niceness as root, before the capabilities go.
[ -n "${S[Nice]:-}" ] && run+=(nice -n "${S[Nice]}")
drop=() # the capabilities systemd takes out of the bounding set for a Protect*= setting
on PrivateDevices && drop+=(mknod sys_rawio)
on ProtectKernelModules && drop+=(sys_module)
on ProtectKernelLogs && drop+=(syslog)
on ProtectClock && drop+=(sys_time wake_alarm)
setp=(setpriv --inh-caps=-all)
if [ -n "${S[CapabilityBoundingSet]:-}" ]; then
    caps=-all
    for c in ${S[CapabilityBoundingSet]}; do
        c=${c#CAP_} c=${c,,}
        [[ " ${drop[*]} " == *" $c "* ]] || caps+=",+$c"
    done
    setp+=("--bounding-set=$caps")
elif ((${#drop[@]})); then
    setp+=("--bounding-set=$(printf -- '-%s,' "${drop[@]}" | sed 's/,$//')")
fi
on NoNewPrivileges && setp+=(--no-new-privs)
# The seccomp settings, when the filter helper can be used (else: not emulated).
seccomp=()
if [ -n "${SANDBOX_SECCOMP:-}" ]; then
    sargs=()
    for key in RestrictAddressFamilies RestrictNamespaces RestrictRealtime RestrictSUIDSGID \
        LockPersonality SystemCallArchitectures MemoryDenyWriteExecute ProtectClock \
        ProtectHostname ProtectKernelLogs ProtectKernelModules SystemCallFilter \
        SystemCallErrorNumber; do
        [ -n "${S[$key]:-}" ] && sargs+=("$key=${S[$key]}")
    done
    ((${#sargs[@]})) && seccomp=("$SANDBOX_SECCOMP" -c "$seccomp_helper" "${sargs[@]}" --)
fi
envv=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
for k in "${!ENVV[@]}"; do envv+=("$k=${ENVV[$k]}"); done
umask "${S[UMask]:-0022}"
cd /
# (The filter before setpriv: loaded with every capability, as systemd does, so that it
# does not depend on NoNewPrivileges.)
exec env -i "${envv[@]}" "${run[@]}" "${seccomp[@]}" "${setp[@]}" "${argv[@]}"
