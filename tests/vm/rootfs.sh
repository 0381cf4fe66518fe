#!/bin/bash
# Build (or reuse) a Debian 12 root file system for tests/vm/run.sh's systemd boot:
# mmdebstrap, variant minbase, from Debian's mirrors, with systemd as init and the
# packages named on the command line (a .deb's path stands for its Depends, so that
# `apt install ./that.deb` resolves offline in the guest). Prints the directory.
#
#   tests/vm/rootfs.sh [PACKAGE|FILE.deb]...
#
# Cached in ${EBPFSHIELD_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ebpfshield-vm}/rootfs-KEY
# (KEY: this script and the package list), rebuilt when 30 days old (security updates).
# Needs root (mmdebstrap in root mode: the files are root's, as in a real system) and
# mmdebstrap (apt-get install mmdebstrap). Exit 2: missing tool or bad argument;
# 1: mmdebstrap failed (its log is printed).
set -euo pipefail

die() {
	echo "ebpfshield-vm rootfs: $2" >&2
	exit "$1"
}
((EUID == 0)) || die 2 "run it as root (mmdebstrap makes root-owned files)"
command -v mmdebstrap >/dev/null || die 2 "mmdebstrap is missing: apt-get install -y mmdebstrap"

# What every boot needs: systemd as PID 1 (the journal, systemctl), apt and dpkg to
# install the package under test, tools the scenarios drive, and gdb (the package's
# Recommends, for --block dump; the kernel's headers come from this machine).
packages=(systemd systemd-sysv dbus apt ca-certificates iproute2 procps kmod bpftool
	python3 bind9-dnsutils dnsmasq-base curl gdb)
for arg in "$@"; do
	if [[ $arg == *.deb ]]; then
		[[ -f $arg ]] || die 2 "no such package file: $arg"
		# "a (>= 1), b | c" -> a b: the first of each alternative, without versions.
		deps=$(dpkg-deb -f "$arg" Depends) || die 2 "cannot read the Depends of $arg"
		while IFS= read -r dep; do
			[[ -n $dep ]] && packages+=("$dep")
		done < <(tr ',' '\n' <<<"$deps" | sed -E 's/\|.*//; s/\(.*\)//; s/[[:space:]]//g')
	else
		[[ $arg =~ ^[a-z0-9][a-z0-9+.-]+$ ]] || die 2 "not a package name: $arg"
		packages+=("$arg")
	fi
done
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | LC_ALL=C sort -u)

mirrors=(
	"deb http://deb.debian.org/debian bookworm main"
	"deb http://deb.debian.org/debian bookworm-updates main"
	"deb http://deb.debian.org/debian-security bookworm-security main"
)
key=$({
	sha256sum <"${BASH_SOURCE[0]}"
	printf '%s\n' "${packages[@]}" "${mirrors[@]}"
} | sha256sum | cut -c1-16)

cache=${EBPFSHIELD_VM_CACHE:-${XDG_CACHE_HOME:-${HOME:?}/.cache}/ebpfshield-vm}
(umask 077 && mkdir -p "$cache") || die 2 "cannot create $cache"
# Root writes and boots what is there: nobody else may place anything in it.
[[ $(stat -c '%u %A' "$cache") =~ ^0\ d....-..-.$ ]] ||
	die 2 "$cache must be root's and not writable by group or others (EBPFSHIELD_VM_CACHE chooses another)"
dir=$cache/rootfs-$key
# fresh: the root is complete and less than 30 days old (asked again under the lock).
fresh() { [[ -f $dir/.complete ]] && [[ -z $(find "$dir/.complete" -mtime +30) ]]; }
if fresh; then
	echo "$dir"
	exit 0
fi

exec 9>"$cache/.rootfs.lock"
flock 9
if ! fresh; then
	tmp=$(mktemp -d "$cache/.rootfs-$key.XXXXXXXX")
	chmod 0755 "$tmp"
	log=$cache/.rootfs-$key.log
	include=$(
		IFS=,
		echo "${packages[*]}"
	)
	if ! mmdebstrap --variant=minbase --include="$include" --mode=root \
		--aptopt='Acquire::Retries "3"' bookworm "$tmp" "${mirrors[@]}" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		rm -rf -- "$tmp"
		die 1 "mmdebstrap failed (log above, whole: $log)"
	fi
	# No getty on the serial console: the job owns it.
	ln -sf /dev/null "$tmp/etc/systemd/system/serial-getty@ttyS0.service"
	ln -sf /dev/null "$tmp/etc/systemd/system/getty@tty1.service"
	touch "$tmp/.complete"
	old=
	[[ -e $dir ]] && old=$(mktemp -d "$cache/.rootfs-old.XXXXXXXX") && mv "$dir" "$old/"
	mv "$tmp" "$dir"
	[[ -n $old ]] && rm -rf -- "$old"
	# Roots of other package lists, unused for a week, are stale.
	find "$cache" -maxdepth 1 -name 'rootfs-*' ! -name "rootfs-$key" -mtime +7 \
		-exec rm -rf -- {} + 2>/dev/null || true
fi
echo "$dir"
