#!/usr/bin/python3
"""The seccomp settings of a systemd unit, as a filter (libseccomp through ctypes), then
exec of the command (helper of service_sandbox_exec.sh).

usage: service_sandbox_seccomp.py --probe
       service_sandbox_seccomp.py SETTING=VALUE... -- COMMAND ARG...

Emulated as systemd 252 does (src/shared/seccomp-util.c), in the parts these units use:
  SystemCallArchitectures=native  the filter holds the native architecture only (others:
                                  the process is killed)
  RestrictAddressFamilies=AF_...  socket(2) of any other family: EAFNOSUPPORT
  RestrictNamespaces=yes          unshare(2)/clone(2) with a CLONE_NEW* flag, setns(2): EPERM
  RestrictRealtime=yes            sched_setscheduler(2) to SCHED_FIFO, _RR, _DEADLINE: EPERM
  RestrictSUIDSGID=yes            chmod(2) family setting S_ISUID or S_ISGID: EPERM
  LockPersonality=yes             personality(2) other than PER_LINUX (queries too): EPERM
  MemoryDenyWriteExecute=yes      mmap(2) writable and executable, mprotect(2) to executable:
                                  EPERM
  ProtectClock=yes                the @clock calls: EPERM
  ProtectHostname=yes             sethostname(2), setdomainname(2): EPERM
  ProtectKernelLogs=yes           syslog(2): EPERM
  ProtectKernelModules=yes        the @module calls: EPERM
  SystemCallFilter=~@GROUP...     a deny-list of the groups below (systemd-analyze
                                  syscall-filter of systemd 252): the process is killed,
  SystemCallErrorNumber=EPERM     or with this, the call fails with EPERM
Not emulated: open(2)/mkdir(2) creating set-id files (RestrictSUIDSGID), shmat(2) with
SHM_EXEC (MemoryDenyWriteExecute), clone3(2) (systemd: ENOSYS; here allowed)."""
import ctypes
import ctypes.util
import errno
import os
import socket
import sys

ALLOW = 0x7FFF0000


def ERRNO(e):
    return 0x00050000 | (e & 0xFFFF)


KILL_PROCESS = 0x80000000
# The groups a deny-list may name, and ProtectClock's and ProtectKernelModules' (systemd
# 252's `systemd-analyze syscall-filter @GROUP`).
GROUPS = {
    "@clock": "adjtimex clock_adjtime clock_adjtime64 clock_settime clock_settime64 settimeofday",
    "@cpu-emulation": "modify_ldt subpage_prot switch_endian vm86 vm86old",
    "@module": "delete_module finit_module init_module",
    "@obsolete": "_sysctl afs_syscall bdflush break create_module ftime get_kernel_syms getpmsg "
                 "gtty idle lock mpx prof profil putpmsg query_module security sgetmask ssetmask "
                 "stime stty sysfs tuxcall ulimit uselib ustat vserver",
    "@raw-io": "ioperm iopl pciconfig_iobase pciconfig_read pciconfig_write s390_pci_mmio_read "
               "s390_pci_mmio_write",
    "@reboot": "kexec_file_load kexec_load reboot",
    "@swap": "swapoff swapon",
}


NE, LT, LE, EQ, GE, GT, MASKED_EQ = 1, 2, 3, 4, 5, 6, 7


class Cmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                ("a", ctypes.c_uint64), ("b", ctypes.c_uint64)]


lib = ctypes.CDLL("libseccomp.so.2", use_errno=True)
lib.seccomp_init.restype = ctypes.c_void_p
lib.seccomp_init.argtypes = [ctypes.c_uint32]
lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                       ctypes.c_uint, ctypes.POINTER(Cmp)]
lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
lib.seccomp_load.argtypes = [ctypes.c_void_p]
lib.seccomp_release.argtypes = [ctypes.c_void_p]

if sys.argv[1:] == ["--probe"]:
    ctx = lib.seccomp_init(ALLOW)
    if not ctx:
        sys.exit(1)
    lib.seccomp_release(ctx)
    sys.exit(0)

try:
    sep = sys.argv.index("--")
except ValueError:
    sys.exit("usage: service_sandbox_seccomp.py SETTING=VALUE... -- COMMAND ARG...")
settings = dict(a.split("=", 1) for a in sys.argv[1:sep])
command = sys.argv[sep + 1:]
ctx = lib.seccomp_init(ALLOW)  # the native architecture only
if not ctx:
    sys.exit("seccomp_init failed")


def rule(action, name, *cmps):
    nr = lib.seccomp_syscall_resolve_name(name.encode())
    if nr < 0:
        return  # not a call of this architecture
    arr = (Cmp * max(1, len(cmps)))(*[Cmp(*c) for c in cmps])
    rc = lib.seccomp_rule_add_array(ctx, action, nr, len(cmps), arr)
    if rc != 0:
        sys.exit("seccomp_rule_add %s %s: %s" % (name, cmps, os.strerror(-rc)))


def yes(key):
    return settings.get(key, "no") in ("yes", "true")


for key in settings:
    if key not in ("SystemCallArchitectures", "RestrictAddressFamilies", "RestrictNamespaces",
                   "RestrictRealtime", "RestrictSUIDSGID", "LockPersonality",
                   "MemoryDenyWriteExecute", "ProtectClock", "ProtectHostname",
                   "ProtectKernelLogs", "ProtectKernelModules", "SystemCallFilter",
                   "SystemCallErrorNumber"):
        sys.exit("seccomp setting %s is not emulated" % key)
if settings.get("SystemCallArchitectures", "native") != "native":
    sys.exit("SystemCallArchitectures=%s is not emulated" % settings["SystemCallArchitectures"])

if "RestrictAddressFamilies" in settings:
    allowed = set()
    for name in settings["RestrictAddressFamilies"].split():
        if name.startswith("~"):
            sys.exit("a deny-list RestrictAddressFamilies is not emulated")
        allowed.add(int(getattr(socket, name)) if hasattr(socket, name) else
                    {"AF_NETLINK": 16, "AF_PACKET": 17}[name])
    AF_MAX = 46
    for fam in range(AF_MAX):
        if fam not in allowed:
            rule(ERRNO(errno.EAFNOSUPPORT), "socket", (0, EQ, fam, 0))
    rule(ERRNO(errno.EAFNOSUPPORT), "socket", (0, GE, AF_MAX, 0))

if yes("RestrictNamespaces"):
    for flag in (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
                 0x40000000, 0x00000080):  # NEWNS CGROUP UTS IPC USER PID NET TIME
        rule(ERRNO(errno.EPERM), "unshare", (0, MASKED_EQ, flag, flag))
        rule(ERRNO(errno.EPERM), "clone", (0, MASKED_EQ, flag, flag))
    rule(ERRNO(errno.EPERM), "setns")

if yes("RestrictRealtime"):
    for policy in (1, 2, 6):  # SCHED_FIFO, SCHED_RR, SCHED_DEADLINE (| SCHED_RESET_ON_FORK)
        rule(ERRNO(errno.EPERM), "sched_setscheduler", (1, MASKED_EQ, 0xFFFFFFFF & ~0x40000000, policy))

if yes("RestrictSUIDSGID"):
    for bit in (0o4000, 0o2000):
        rule(ERRNO(errno.EPERM), "chmod", (1, MASKED_EQ, bit, bit))
        rule(ERRNO(errno.EPERM), "fchmod", (1, MASKED_EQ, bit, bit))
        rule(ERRNO(errno.EPERM), "fchmodat", (2, MASKED_EQ, bit, bit))

if yes("LockPersonality"):
    # systemd: one rule, A0 != the current personality (a query, 0xffffffff, too)
    rule(ERRNO(errno.EPERM), "personality", (0, NE, 0, 0))

if yes("MemoryDenyWriteExecute"):
    PROT_WRITE, PROT_EXEC = 2, 4
    rule(ERRNO(errno.EPERM), "mmap", (2, MASKED_EQ, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC))
    rule(ERRNO(errno.EPERM), "mprotect", (2, MASKED_EQ, PROT_EXEC, PROT_EXEC))
    rule(ERRNO(errno.EPERM), "pkey_mprotect", (2, MASKED_EQ, PROT_EXEC, PROT_EXEC))

if yes("ProtectClock"):
    for name in GROUPS["@clock"].split():
        rule(ERRNO(errno.EPERM), name)
if yes("ProtectHostname"):
    rule(ERRNO(errno.EPERM), "sethostname")
    rule(ERRNO(errno.EPERM), "setdomainname")
if yes("ProtectKernelLogs"):
    rule(ERRNO(errno.EPERM), "syslog")
if yes("ProtectKernelModules"):
    for name in GROUPS["@module"].split():
        rule(ERRNO(errno.EPERM), name)

if "SystemCallFilter" in settings:
    value = settings["SystemCallFilter"]
    if not value.startswith("~"):
        sys.exit("an allow-list SystemCallFilter is not emulated")
    number = settings.get("SystemCallErrorNumber")
    if number not in (None, "EPERM"):
        sys.exit("SystemCallErrorNumber=%s is not emulated" % number)
    action = ERRNO(errno.EPERM) if number else KILL_PROCESS
    for group in value[1:].split():
        if group not in GROUPS:
            sys.exit("SystemCallFilter group %s is not emulated" % group)
        for name in GROUPS[group].split():
            rule(action, name)

rc = lib.seccomp_load(ctx)
if rc != 0:
    sys.exit("seccomp_load: %s" % os.strerror(-rc))
os.execvp(command[0], command)
