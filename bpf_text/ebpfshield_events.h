/* The kernel<->user ABI: event and table layouts shared by the kernel programs (compiled
 * by libbcc at startup, where this header is pasted in at build time) and the user-space
 * C code. Types and their layout checks only; kernel-side helpers are in
 * ebpfshield_kernel.h. */
#ifndef EBPFSHIELD_EVENTS_H
#define EBPFSHIELD_EVENTS_H

#ifndef __KERNEL__
#include <linux/types.h>
#endif

#define EBPFSHIELD_COMM_LEN 64
#define EBPFSHIELD_TASK_COMM_LEN 16
#define EBPFSHIELD_PROC_PORTS_MAX 20480
#define EBPFSHIELD_DNS_PORT 53

/* Key of proc_ports: one DNS flow as seen from the sending socket, all in host order. */
struct port_key {
    __u8 proto;  /* IPPROTO_UDP or IPPROTO_TCP */
    __u8 pad[3]; /* explicit so that every key byte is initialised */
    __u32 saddr;
    __u32 daddr;
    __u16 sport;
    __u16 dport;
};

/* Value of proc_ports, and the head of every dns_events sample (the frame follows it).
 * pid is the process id (upper half of bpf_get_current_pid_tgid()), tid the thread id
 * (lower half; the original prints it as TGID=). */
struct port_val {
    __u32 ifindex;
    __u32 pid;
    __u32 tid;
    __u32 uid;
    __u32 gid;
    char comm[EBPFSHIELD_COMM_LEN];
};

/* One outbound IPv4 connect, sent to the events perf buffer. */
struct netevent {
    __u64 ts_boot_ns; /* bpf_ktime_get_boot_ns(), comparable with /proc/<pid>/stat starttime */
    __u32 pid;        /* process id (tgid in kernel terms) */
    __u32 tid;
    __u32 uid;
    __u32 daddr; /* network order, as in sockaddr_in */
    __u16 dport; /* network order */
    __u16 family;
    char comm[EBPFSHIELD_TASK_COMM_LEN];
};

_Static_assert(sizeof(struct port_key) == 16, "port_key layout");
_Static_assert(__builtin_offsetof(struct port_key, saddr) == 4, "port_key.saddr");
_Static_assert(__builtin_offsetof(struct port_key, sport) == 12, "port_key.sport");
_Static_assert(__builtin_offsetof(struct port_key, dport) == 14, "port_key.dport");
_Static_assert(sizeof(struct port_val) == 84, "port_val layout");
_Static_assert(__builtin_offsetof(struct port_val, comm) == 20, "port_val.comm");
_Static_assert(sizeof(struct netevent) == 48, "netevent layout");
_Static_assert(__builtin_offsetof(struct netevent, daddr) == 20, "netevent.daddr");
_Static_assert(__builtin_offsetof(struct netevent, comm) == 28, "netevent.comm");

#endif
