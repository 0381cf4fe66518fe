#!/bin/bash
# Run a script as root inside Debian's stock kernel, booted in qemu (TCG).
#
#   tests/vm/run.sh SCRIPT [ARGS...]
#
# The guest sees this machine's / read-only (9p) under a tmpfs overlay, so it
# may write anywhere; SCRIPT runs with cwd = the caller's cwd and
# EBPFSHIELD_IN_VM=1. Its stdout/stderr are streamed to our stdout; harness
# messages (prefixed "ebpfshield-vm:") go to stderr.
#
# Exit status: SCRIPT's own status, or
#   2    usage error, or a missing tool/kernel (the message names the packages)
#   124  EBPFSHIELD_VM_TIMEOUT was hit (qemu is killed)
#   125  harness failure: the guest never reached SCRIPT, or qemu died
#
# Environment (all optional):
#   EBPFSHIELD_VM_KERNEL   guest kernel version, e.g. 6.1.0-56-amd64
#                          (default: newest /boot/vmlinuz-*-amd64 that has
#                          /lib/modules/<ver>/kernel and /lib/modules/<ver>/build)
#   EBPFSHIELD_VM_TIMEOUT  seconds for the whole run (default 1500)
#   EBPFSHIELD_VM_OUT      host directory shared writable with the guest at
#                          the same path (created if missing); default: a
#                          private temporary directory, deleted afterwards.
#                          The guest always gets EBPFSHIELD_VM_OUT set.
#   EBPFSHIELD_VM_CACHE    initramfs cache directory (default
#                          ${XDG_CACHE_HOME:-$HOME/.cache}/ebpfshield-vm)
#   EBPFSHIELD_VM_ENV      names of more host variables to copy into the
#                          guest (space separated); EBPFSHIELD_* variables
#                          other than EBPFSHIELD_VM_* are always copied
#   EBPFSHIELD_VM_MEM      guest memory in MiB (default 4096)
#   EBPFSHIELD_VM_SMP      guest CPUs (default 2)
#   EBPFSHIELD_VM_CPU      qemu -cpu model (default qemu64: under TCG, 0.8 of max's time)
#   EBPFSHIELD_VM_APPEND   extra kernel command line
#   EBPFSHIELD_VM_VERBOSE  1: show the whole serial console (kernel messages
#                          at the default level, boot, poweroff)
#   EBPFSHIELD_VM_ROOT_CACHE  9p cache mode of the guest's view of / (default
#                          loose: about twice as fast on file reads as none)
#   EBPFSHIELD_VM_ROOTFS   a Debian root file system (tests/vm/rootfs.sh makes
#                          one): the guest boots it with systemd as PID 1
#                          instead of chrooting into this machine's /, and
#                          SCRIPT runs as a systemd service once
#                          multi-user.target is reached. The kernel's modules
#                          and headers, /usr/src, the caller's cwd and SCRIPT's
#                          directory are bound from this machine (read-only).
#
# See tests/vm/README.md.

set -u
set -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
GUEST_INIT=$HERE/guest-init
# Bump when the initramfs layout changes in a way the cache key cannot see.
INITRAMFS_FORMAT=1
# Loaded in the guest, dependencies first (from modules.dep); built-in
# ones are skipped.
WANTED_MODULES=(virtio_pci 9pnet_virtio 9p overlay)
GUEST_HOSTNAME=ebpfshield-vm
ROOT_CACHE_MODE=${EBPFSHIELD_VM_ROOT_CACHE:-loose}

log() { printf 'ebpfshield-vm: %s\n' "$*" >&2; }
die() {
	local code=$1
	shift
	log "$*"
	exit "$code"
}
now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# Single-quote a string for /bin/sh (and busybox sh).
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

T_START=$(now)

# --- arguments -------------------------------------------------------------
if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
	sed -n '2,/^# See tests/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
fi
CWD=$(pwd -P) || die 2 "cannot determine the current directory"
SCRIPT=$1
shift
[[ $SCRIPT == /* ]] || SCRIPT=$CWD/$SCRIPT
[[ -f $SCRIPT && -r $SCRIPT ]] || die 2 "no such readable script: $SCRIPT"
for p in "$SCRIPT" "$CWD"; do
	case $p in
	/proc/* | /sys/* | /dev/* | /run/* | /proc | /sys | /dev | /run)
		die 2 "$p is not visible in the guest (it has its own /proc, /sys, /dev, /run)"
		;;
	esac
done

TIMEOUT=${EBPFSHIELD_VM_TIMEOUT:-1500}
MEM=${EBPFSHIELD_VM_MEM:-4096}
SMP=${EBPFSHIELD_VM_SMP:-2}
CPU=${EBPFSHIELD_VM_CPU:-qemu64}
VERBOSE=${EBPFSHIELD_VM_VERBOSE:-0}
for v in TIMEOUT MEM SMP; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die 2 "EBPFSHIELD_VM_$v must be a positive integer, not '${!v}'"
done
[[ $CPU =~ ^[a-zA-Z0-9_.+,=-]+$ ]] || die 2 "EBPFSHIELD_VM_CPU must be a qemu cpu model, not '$CPU'"
ROOTFS=${EBPFSHIELD_VM_ROOTFS:-}
BINDS=()
if [[ -n $ROOTFS ]]; then
	ROOTFS=$(cd "$ROOTFS" 2>/dev/null && pwd -P) || die 2 "EBPFSHIELD_VM_ROOTFS: no such directory: ${EBPFSHIELD_VM_ROOTFS}"
	[[ -x $ROOTFS/lib/systemd/systemd ]] ||
		die 2 "EBPFSHIELD_VM_ROOTFS=$ROOTFS has no /lib/systemd/systemd (make one with tests/vm/rootfs.sh)"
	BINDS=("$CWD" "$(cd "$(dirname "$SCRIPT")" && pwd -P)")
	for p in "${BINDS[@]}"; do
		[[ $p =~ ^/[A-Za-z0-9_./+-]*$ ]] ||
			die 2 "with EBPFSHIELD_VM_ROOTFS, $p must be a plain path (letters, digits, _./+-)"
		# The host's system directories would hide the root's own.
		case $p/ in
		/ | /usr/* | /etc/* | /lib*/* | /bin/* | /sbin/* | /boot/* | /var/ | /var/lib/ | /var/lib/dpkg/* | /var/lib/apt/* | /var/lib/systemd/*)
			die 2 "with EBPFSHIELD_VM_ROOTFS, the cwd and SCRIPT's directory must not be $p (a system directory)"
			;;
		esac
	done
fi

# --- tools and guest kernel --------------------------------------------------
missing=() packages=()
miss() {
	missing+=("$1")
	packages+=("$2")
}

QEMU=$(command -v qemu-system-x86_64) || miss qemu-system-x86_64 qemu-system-x86

# True if $1 is a 64-bit ELF file without a PT_INTERP program header, i.e.
# a static executable (it can run in the initramfs, which has no libc).
is_static_elf() {
	local f=$1 magic phoff phentsize phnum i type
	magic=$(od -An -tx1 -N5 "$f" 2>/dev/null | tr -d ' \n')
	[[ $magic == 7f454c4602 ]] || return 1
	phoff=$(od -An -tu8 -j32 -N8 "$f" | tr -d ' ')
	phentsize=$(od -An -tu2 -j54 -N2 "$f" | tr -d ' ')
	phnum=$(od -An -tu2 -j56 -N2 "$f" | tr -d ' ')
	for ((i = 0; i < phnum; i++)); do
		type=$(od -An -tu4 -j$((phoff + i * phentsize)) -N4 "$f" | tr -d ' ')
		[[ $type == 3 ]] && return 1
	done
	return 0
}
BUSYBOX=
for b in /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null)"; do
	if [[ -n $b && -x $b ]] && is_static_elf "$b"; then
		BUSYBOX=$b
		break
	fi
done
[[ -n $BUSYBOX ]] || miss "static busybox" busybox-static

usable_kernel() {
	[[ -r /boot/vmlinuz-$1 && -d /lib/modules/$1/kernel && -f /lib/modules/$1/modules.dep &&
		-e /lib/modules/$1/build/Makefile ]]
}
if [[ -n ${EBPFSHIELD_VM_KERNEL:-} ]]; then
	KVER=$EBPFSHIELD_VM_KERNEL
	usable_kernel "$KVER" ||
		miss "guest kernel $KVER (EBPFSHIELD_VM_KERNEL: need /boot/vmlinuz-$KVER, /lib/modules/$KVER/kernel and /lib/modules/$KVER/build)" \
			"linux-image-$KVER linux-headers-$KVER"
else
	KVER=
	while IFS= read -r img; do
		v=${img#/boot/vmlinuz-}
		if usable_kernel "$v"; then
			KVER=$v
			break
		fi
	done < <(compgen -G '/boot/vmlinuz-*-amd64' | sort -rV)
	[[ -n $KVER ]] ||
		miss "guest kernel (/boot/vmlinuz-<ver>-amd64 with /lib/modules/<ver>/kernel and /lib/modules/<ver>/build)" \
			"linux-image-amd64 linux-headers-amd64"
fi

if ((${#missing[@]})); then
	what=$(printf '%s; ' "${missing[@]}")
	die 2 "missing ${what%; }: install with: apt-get install -y ${packages[*]}"
fi
KERNEL=/boot/vmlinuz-$KVER
MODDIR=/lib/modules/$KVER

# --- private work directory --------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ebpfshield-vm.XXXXXXXX") || die 125 "mktemp -d failed"
QEMU_PID=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	if [[ -n $QEMU_PID ]] && kill -0 "$QEMU_PID" 2>/dev/null; then
		kill -TERM "$QEMU_PID" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$QEMU_PID" 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL "$QEMU_PID" 2>/dev/null
		wait "$QEMU_PID" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM HUP

# --- initramfs (cached) ------------------------------------------------------
# Sets MOD_FILES: module files relative to $MODDIR, in load order.
MOD_FILES=()
declare -A MOD_SEEN=()
add_module_file() {
	local rel=$1 line i
	[[ -n ${MOD_SEEN[$rel]:-} ]] && return 0
	MOD_SEEN[$rel]=1
	line=$(grep -m1 -F "$rel:" "$MODDIR/modules.dep" | grep -m1 "^${rel//./\\.}:") ||
		die 2 "$rel is not in $MODDIR/modules.dep (reinstall linux-image-$KVER)"
	local -a deps
	read -r -a deps <<<"${line#*:}"
	# modules.dep lists dependencies so that the last one is loaded first.
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
		add_module_file "${deps[i]}"
	done
	MOD_FILES+=("$rel")
}
for name in "${WANTED_MODULES[@]}"; do
	pat=${name//[-_]/[-_]}
	grep -Eq "(^|/)${pat}\.ko$" "$MODDIR/modules.builtin" 2>/dev/null && continue
	rel=$(grep -Eo -m1 "^([^:]*/)?${pat}\.ko(\.(xz|zst|gz))?:" "$MODDIR/modules.dep") ||
		die 2 "kernel $KVER has $name neither as a module nor built in (reinstall linux-image-$KVER)"
	add_module_file "${rel%:}"
done

key=$(
	{
		echo "format $INITRAMFS_FORMAT kernel $KVER"
		sha256sum "$GUEST_INIT" "$BUSYBOX"
		for f in "${MOD_FILES[@]}"; do sha256sum "$MODDIR/$f"; done
	} | sha256sum | cut -c1-16
) || die 125 "cannot hash the initramfs inputs"

CACHE=${EBPFSHIELD_VM_CACHE:-}
if [[ -z $CACHE ]]; then
	if [[ -n ${XDG_CACHE_HOME:-} ]]; then
		CACHE=$XDG_CACHE_HOME/ebpfshield-vm
	elif [[ -n ${HOME:-} ]]; then
		CACHE=$HOME/.cache/ebpfshield-vm
	fi
fi
INITRD=
if [[ -n $CACHE ]] && (umask 077 && mkdir -p "$CACHE") 2>/dev/null; then
	INITRD=$CACHE/initramfs-$KVER-$key.cpio.gz
	[[ -s $INITRD ]] || INITRD=
fi

build_initramfs() { # $1: output file
	local stage=$WORK/initramfs rel base
	mkdir -p "$stage"/{bin,dev,proc,sys,modules} || return 1
	install -m 0755 "$GUEST_INIT" "$stage/init" || return 1
	install -m 0755 "$BUSYBOX" "$stage/bin/busybox" || return 1
	# The kernel's built-in initramfs normally provides /dev/console; add it
	# too when we may (guest-init also mounts devtmpfs before using it).
	mknod -m 0600 "$stage/dev/console" c 5 1 2>/dev/null
	: >"$stage/modules/order"
	for rel in "${MOD_FILES[@]}"; do
		base=${rel##*/}
		base=${base%%.ko*}
		case $rel in
		*.ko) cp "$MODDIR/$rel" "$stage/modules/$base.ko" ;;
		*.ko.xz) xz -dc "$MODDIR/$rel" >"$stage/modules/$base.ko" ;;
		*.ko.zst) zstd -qdc "$MODDIR/$rel" >"$stage/modules/$base.ko" ;;
		*.ko.gz) gzip -dc "$MODDIR/$rel" >"$stage/modules/$base.ko" ;;
		*) false ;;
		esac || {
			log "cannot unpack $MODDIR/$rel"
			return 1
		}
		echo "$base" >>"$stage/modules/order"
	done
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc 2>/dev/null) |
		gzip -9n >"$1"
}

if [[ -z $INITRD ]]; then
	build_initramfs "$WORK/initramfs.cpio.gz" || die 125 "building the initramfs failed"
	INITRD=$WORK/initramfs.cpio.gz
	if [[ -n $CACHE && -d $CACHE && -w $CACHE ]]; then
		if tmp=$(mktemp "$CACHE/.initramfs.XXXXXXXX" 2>/dev/null); then
			if cp "$INITRD" "$tmp" 2>/dev/null && mv -f "$tmp" "$CACHE/initramfs-$KVER-$key.cpio.gz"; then
				INITRD=$CACHE/initramfs-$KVER-$key.cpio.gz
			else
				rm -f "$tmp"
				log "warning: cannot write the initramfs cache in $CACHE; continuing without it"
			fi
		fi
		# Older images for this kernel are stale now; spare recent ones, which
		# a concurrent run from another checkout may be about to boot.
		find "$CACHE" -maxdepth 1 -name "initramfs-$KVER-*.cpio.gz" ! -name "${INITRD##*/}" \
			-mmin +60 -delete 2>/dev/null
	fi
fi

# --- shares and job description ----------------------------------------------
CTL=$WORK/ctl
mkdir -p "$CTL" || die 125 "mkdir $CTL failed"
if [[ -n ${EBPFSHIELD_VM_OUT:-} ]]; then
	mkdir -p "$EBPFSHIELD_VM_OUT" || die 2 "cannot create EBPFSHIELD_VM_OUT=$EBPFSHIELD_VM_OUT"
	OUT=$(cd "$EBPFSHIELD_VM_OUT" && pwd -P) || die 2 "cannot enter EBPFSHIELD_VM_OUT=$EBPFSHIELD_VM_OUT"
else
	OUT=$WORK/out
	mkdir -p "$OUT" || die 125 "mkdir $OUT failed"
fi

NONCE=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
[[ $NONCE =~ ^[0-9a-f]{16}$ ]] || die 125 "cannot make a nonce"

# write_file FILE LINE...: write the lines at once, so a failure (full disk)
# is reported once.
write_file() {
	local f=$1
	shift
	printf '%s\n' "$@" >"$f" 2>/dev/null || die 125 "cannot write $f (disk full?)"
}

write_file "$CTL/vm.conf" \
	"VM_NONCE=$NONCE" \
	"VM_HOSTNAME=$GUEST_HOSTNAME" \
	"VM_ROOT_CACHE=$(sq "$ROOT_CACHE_MODE")" \
	"VM_OUT_DIR=$(sq "$OUT")" \
	"VM_BOOT=$([[ -n $ROOTFS ]] && echo systemd || echo chroot)" \
	"VM_KERNEL=$(sq "$KVER")" \
	"VM_BINDS=$(sq "${BINDS[*]}")"

job=(
	"# Generated by tests/vm/run.sh; run by guest-init, chrooted."
	"umask 022"
	"export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	"export HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TMPDIR=/tmp LANG=C.UTF-8 TERM=dumb"
	"export EBPFSHIELD_IN_VM=1 EBPFSHIELD_VM_OUT=$(sq "$OUT") EBPFSHIELD_VM_KERNEL=$(sq "$KVER")"
)
# Pass EBPFSHIELD_* (not the harness's own EBPFSHIELD_VM_*) and the variables
# named in EBPFSHIELD_VM_ENV.
read -r -a extra <<<"${EBPFSHIELD_VM_ENV:-}"
for v in $(compgen -e | grep -E '^EBPFSHIELD_' | grep -Ev '^EBPFSHIELD_(VM_|IN_VM$)') "${extra[@]}"; do
	[[ $v =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die 2 "EBPFSHIELD_VM_ENV: bad variable name '$v'"
	[[ -v $v ]] && job+=("export $v=$(sq "${!v}")")
done
job+=("cd $(sq "$CWD") || { echo $(sq "ebpfshield-vm: cannot cd to $CWD in the guest") >&2; exit 125; }")
# A script without the x bit runs with bash.
cmd=()
[[ -x $SCRIPT ]] || cmd=(/bin/bash)
cmd+=("$SCRIPT" "$@")
line="exec"
for a in "${cmd[@]}"; do line+=" $(sq "$a")"; done
job+=("$line")
write_file "$CTL/job.sh" "${job[@]}"

# --- boot ----------------------------------------------------------------------
# qemu -virtfs/-kernel option values need "," doubled.
qarg() { printf '%s' "${1//,/,,}"; }
if [[ $VERBOSE == 1 ]]; then
	CMDLINE="console=ttyS0 panic=-1"
else
	CMDLINE="console=ttyS0 quiet loglevel=3 panic=-1"
fi
CMDLINE+=" ${EBPFSHIELD_VM_APPEND:-}"

# shellcheck disable=SC2054 # commas are qemu's, not array separators
QEMU_ARGS=(
	-nodefaults -no-user-config -no-reboot
	-accel tcg,thread=multi -cpu "$CPU" -smp "$SMP" -m "$MEM"
	-display none -monitor none -serial stdio
	-kernel "$(qarg "$KERNEL")" -initrd "$(qarg "$INITRD")" -append "$CMDLINE"
	-virtfs "local,path=$(qarg "${ROOTFS:-/}"),mount_tag=ebpfshield-root,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$(qarg "$CTL"),mount_tag=ebpfshield-ctl,security_model=none,multidevs=remap"
	-virtfs "local,path=$(qarg "$OUT"),mount_tag=ebpfshield-out,security_model=none,multidevs=remap"
)

# shellcheck disable=SC2054
[[ -n $ROOTFS ]] && QEMU_ARGS+=(-virtfs local,path=/,mount_tag=ebpfshield-host,security_model=none,readonly=on,multidevs=remap)

mkfifo "$WORK/console.fifo" || die 125 "mkfifo failed"
T_BOOT=$(now)
"$QEMU" "${QEMU_ARGS[@]}" </dev/null >"$WORK/console.fifo" 2>"$WORK/qemu.err" &
QEMU_PID=$!
exec 4<"$WORK/console.fifo"

TAIL=()
state=boot # boot -> run (start marker seen) -> finished (exit marker seen)
status=
init_failed=
guest_uptime=
T_SCRIPT=
timed_out=0
deadline=$((SECONDS + TIMEOUT))

handle_line() {
	local line=${1//$'\r'/}
	# Keep the last console lines (in memory: the disk may be full) for
	# diagnostics.
	TAIL+=("$line")
	((${#TAIL[@]} > 40)) && TAIL=("${TAIL[@]:1}")
	case $state in
	boot)
		if [[ $line == *"EBPFSHIELD_VM_START uptime="*" id=$NONCE"* ]]; then
			state=run
			T_SCRIPT=$(now)
			guest_uptime=${line#*uptime=}
			guest_uptime=${guest_uptime%% *}
			return
		fi
		[[ $line == *EBPFSHIELD_VM_INIT_FAILED:* ]] && init_failed=${line#*EBPFSHIELD_VM_INIT_FAILED: }
		[[ $VERBOSE == 1 ]] && printf '%s\n' "$line"
		;;
	run)
		if [[ $line =~ ^(.*)EBPFSHIELD_VM_EXIT=([0-9]+)\ id=$NONCE ]]; then
			[[ -n ${BASH_REMATCH[1]} ]] && printf '%s\n' "${BASH_REMATCH[1]}"
			status=${BASH_REMATCH[2]}
			state=finished
			# The guest powers off right away; don't wait long for it.
			((deadline > SECONDS + 60)) && deadline=$((SECONDS + 60))
			return
		fi
		printf '%s\n' "$line"
		;;
	finished)
		[[ $VERBOSE == 1 ]] && printf '%s\n' "$line"
		;;
	esac
}

partial=
while :; do
	left=$((deadline - SECONDS))
	if ((left <= 0)); then
		[[ -n $partial ]] && handle_line "$partial"
		timed_out=1
		break
	fi
	if IFS= read -r -t "$left" -u 4 chunk; then
		handle_line "$partial$chunk"
		partial=
	elif (($? > 128)); then
		partial+=$chunk
	else
		# EOF: qemu has exited.
		[[ -n $partial$chunk ]] && handle_line "$partial$chunk"
		break
	fi
done
exec 4<&-

qemu_status=
if ((timed_out)); then
	kill -TERM "$QEMU_PID" 2>/dev/null
fi
for _ in $(seq 20); do
	kill -0 "$QEMU_PID" 2>/dev/null || break
	sleep 0.5
done
if kill -0 "$QEMU_PID" 2>/dev/null; then
	kill -KILL "$QEMU_PID" 2>/dev/null
fi
wait "$QEMU_PID" 2>/dev/null
qemu_status=$?
QEMU_PID=

T_END=$(now)
summary="kernel $KVER"
[[ -n $T_SCRIPT ]] && summary+=", script reached after $(elapsed "$T_BOOT" "$T_SCRIPT") s (guest uptime $guest_uptime s), script ran $(elapsed "$T_SCRIPT" "$T_END") s"
summary+=", total $(elapsed "$T_START" "$T_END") s"

show_diagnostics() {
	log "last console lines (EBPFSHIELD_VM_VERBOSE=1 shows the whole console):"
	((${#TAIL[@]})) && printf '  | %s\n' "${TAIL[@]}" >&2
	if [[ -s $WORK/qemu.err ]]; then
		log "qemu stderr:"
		sed 's/^/  | /' "$WORK/qemu.err" >&2
	fi
}

if [[ $state == finished ]]; then
	log "script exited $status; $summary"
	exit "$status"
fi
if ((timed_out)); then
	if [[ $state == boot ]]; then
		log "TIMEOUT after ${TIMEOUT} s (EBPFSHIELD_VM_TIMEOUT) before the guest reached the script; qemu killed; $summary"
		show_diagnostics
	else
		log "TIMEOUT after ${TIMEOUT} s (EBPFSHIELD_VM_TIMEOUT) while the script was running; qemu killed; $summary"
	fi
	exit 124
fi
if [[ $state == boot ]]; then
	if [[ -n $init_failed ]]; then
		log "FAILED: the guest never reached the script: guest-init: $init_failed; $summary"
	else
		log "FAILED: the guest never reached the script (qemu exited with status $qemu_status); $summary"
	fi
	show_diagnostics
	exit 125
fi
# state == run: qemu went away without the exit marker.
if [[ -s $CTL/status ]] && [[ $(<"$CTL/status") =~ ^[0-9]+$ ]]; then
	status=$(<"$CTL/status")
	log "exit marker missing on the console (output may be truncated); status file says $status; $summary"
	exit "$status"
fi
log "FAILED: qemu exited (status $qemu_status) while the script was running, without reporting its status; $summary"
show_diagnostics
exit 125
