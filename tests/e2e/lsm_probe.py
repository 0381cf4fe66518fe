#!/usr/bin/env python3
"""Whether this kernel loads a BPF LSM program, as the tool's start-up probes it
(src/engine/attach.c): a 2-instruction program for bpf_lsm_task_kill, loaded by root
outside any sandbox. Prints "loads", or the reason the kernel gave (strerror), or "no
hook" when the BTF has none.

usage: lsm_probe.py"""
import ctypes
import os
import re
import struct
import subprocess

BPF_PROG_LOAD, BPF_PROG_TYPE_LSM, BPF_LSM_MAC = 5, 29, 27
NR_BPF = 321  # x86-64


def hook_id():
    dump = subprocess.run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux"],
                          capture_output=True, text=True, check=True).stdout
    m = re.search(r"^\[(\d+)\] FUNC 'bpf_lsm_task_kill'", dump, re.M)
    return int(m.group(1)) if m else None


def main():
    btf_id = hook_id()
    if btf_id is None:
        print("no hook")
        return
    # r0 = 0; exit
    insns = ctypes.create_string_buffer(struct.pack("<BBhi", 0xb7, 0, 0, 0) +
                                        struct.pack("<BBhi", 0x95, 0, 0, 0))
    license_ = ctypes.create_string_buffer(b"GPL")
    attr = ctypes.create_string_buffer(144)  # sizeof(union bpf_attr), 6.1 to 6.18
    # prog_type, insn_cnt, insns, license (union bpf_attr's BPF_PROG_LOAD layout)
    struct.pack_into("<IIQQ", attr, 0, BPF_PROG_TYPE_LSM, 2, ctypes.addressof(insns),
                     ctypes.addressof(license_))
    struct.pack_into("<I", attr, 68, BPF_LSM_MAC)  # expected_attach_type
    struct.pack_into("<I", attr, 108, btf_id)  # attach_btf_id
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.syscall(NR_BPF, BPF_PROG_LOAD, attr, 144)
    if fd < 0:
        print(os.strerror(ctypes.get_errno()))
        return
    os.close(fd)
    print("loads")


main()
