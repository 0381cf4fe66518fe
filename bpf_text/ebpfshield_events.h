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

/* One outbound connection (or datagram) of ebpf_ipintelligence, sent to the events perf
 * buffer: every TCP connect, and whatever hit a feed. */
struct netevent {
    __u64 ts_boot_ns; /* bpf_ktime_get_boot_ns(), comparable with /proc/<pid>/stat starttime */
    __u32 pid;        /* process id (tgid in kernel terms) */
    __u32 tid;
    __u32 uid;
    __u32 daddr; /* AF_INET (also an IPv4-mapped IPv6 address): network order */
    __u16 dport; /* network order */
    __u16 family;
    char comm[EBPFSHIELD_TASK_COMM_LEN];
    __u8 daddr6[16]; /* AF_INET6 */
    __u8 proto;      /* IPPROTO_TCP or IPPROTO_UDP */
    __u8 hit;        /* the destination is in a feed */
    __u8 refused;    /* the kernel refused it with EPERM (--block other than print) */
    __u8 signalled;  /* the kernel sent the action's signal to the process */
    __u32 feed;      /* with hit: the feed's index in load order */
    __u32 pad2;      /* explicit, so that every byte sent is initialised */
};

/* Keys of the feed tries (BPF_MAP_TYPE_LPM_TRIE): prefix length, then the address in
 * network order; the value is the feed's index in load order. */
struct lpm_v4 {
    __u32 prefixlen;
    __u32 addr;
};

struct lpm_v6 {
    __u32 prefixlen;
    __u8 addr[16];
};

_Static_assert(sizeof(struct port_key) == 16, "port_key layout");
_Static_assert(__builtin_offsetof(struct port_key, saddr) == 4, "port_key.saddr");
_Static_assert(__builtin_offsetof(struct port_key, sport) == 12, "port_key.sport");
_Static_assert(__builtin_offsetof(struct port_key, dport) == 14, "port_key.dport");
_Static_assert(sizeof(struct port_val) == 84, "port_val layout");
_Static_assert(__builtin_offsetof(struct port_val, comm) == 20, "port_val.comm");
_Static_assert(sizeof(struct netevent) == 72, "netevent layout");
_Static_assert(__builtin_offsetof(struct netevent, daddr6) == 44, "netevent.daddr6");
_Static_assert(__builtin_offsetof(struct netevent, feed) == 64, "netevent.feed");
_Static_assert(sizeof(struct lpm_v4) == 8, "lpm_v4 layout");
_Static_assert(sizeof(struct lpm_v6) == 20, "lpm_v6 layout");
_Static_assert(__builtin_offsetof(struct netevent, daddr) == 20, "netevent.daddr");
_Static_assert(__builtin_offsetof(struct netevent, comm) == 28, "netevent.comm");

#endif
