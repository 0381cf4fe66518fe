/* Helpers of the kernel programs only (never compiled into user space): how a flow and
 * the current task fill the ABI types of ebpfshield_events.h. Pasted into each program's
 * text at build time, like that header. */
#ifndef EBPFSHIELD_KERNEL_H
#define EBPFSHIELD_KERNEL_H

#include "common/ebpfshield_events.h"

/* The current task into a connection event (the rest left as it is). */
static inline void netevent_task(struct netevent *ev, __u8 proto)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    ev->ts_boot_ns = bpf_ktime_get_boot_ns();
    ev->pid = pid_tgid >> 32;
    ev->tid = (__u32)pid_tgid;
    __u64 uid_gid = bpf_get_current_uid_gid();
    ev->uid = (__u32)uid_gid;
    ev->gid = uid_gid >> 32;
    ev->proto = proto;
    bpf_get_current_comm(ev->comm, sizeof(ev->comm));
}

/* A connection event of the current task; the caller fills in the destination. */
static inline void netevent_fill(struct netevent *ev, __u8 proto)
{
    __builtin_memset(ev, 0, sizeof(*ev));
    netevent_task(ev, proto);
}

#endif
