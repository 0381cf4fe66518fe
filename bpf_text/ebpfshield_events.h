/* Event layouts shared by the kernel programs (compiled by libbcc at startup, where this
 * header is pasted in at build time) and by the user-space C code. */
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
 * pid is the upper half of bpf_get_current_pid_tgid() and tgid the lower half: the
 * original tool's names, kept for its output. */
struct port_val {
    __u32 ifindex;
    __u32 pid;
    __u32 tgid;
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

#if defined(__KERNEL__) && defined(_SOCK_H) /* programs that include <net/sock.h> */
/* The flow of a socket, from struct sock_common's leading fields (daddr, rcv_saddr,
 * dport, num, family: at the same offsets in every kernel since 4.x). Returns 0 for an
 * IPv4 socket of a DNS client (destination port 53). Server sockets (source port 53) are
 * left out, as the original's check did in effect: recording them would print every
 * answer of a local server twice, once for the server and once for the client. */
static inline int sock_dns_flow(struct sock *sk, __u8 proto, struct port_key *key)
{
    struct sock_common c;
    __builtin_memset(key, 0, sizeof(*key));
    if (bpf_probe_read_kernel(&c, offsetof(struct sock_common, skc_family) + sizeof(c.skc_family),
                              sk) != 0)
        return -1;
    if (c.skc_family != AF_INET)
        return -1;
    key->proto = proto;
    key->saddr = ntohl(c.skc_rcv_saddr);
    key->daddr = ntohl(c.skc_daddr);
    key->sport = c.skc_num;
    key->dport = ntohs(c.skc_dport);
    if (key->dport != EBPFSHIELD_DNS_PORT)
        return -1;
    return 0;
}

/* Fills the process half of proc_ports from the current task. */
static inline void current_proc(struct port_val *val)
{
    __builtin_memset(val, 0, sizeof(*val));
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u64 uid_gid = bpf_get_current_uid_gid();
    val->pid = pid_tgid >> 32;
    val->tgid = (__u32)pid_tgid;
    val->uid = (__u32)uid_gid;
    val->gid = uid_gid >> 32;
    bpf_get_current_comm(val->comm, sizeof(val->comm));
}
#endif

#ifdef __KERNEL__
/* A connect event of the current task towards daddr:dport (both network order). */
static inline void netevent_fill(struct netevent *ev, __u32 daddr, __u16 dport)
{
    __builtin_memset(ev, 0, sizeof(*ev));
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    ev->ts_boot_ns = bpf_ktime_get_boot_ns();
    ev->pid = pid_tgid >> 32;
    ev->tid = (__u32)pid_tgid;
    ev->uid = (__u32)bpf_get_current_uid_gid();
    ev->daddr = daddr;
    ev->dport = dport;
    ev->family = AF_INET;
    bpf_get_current_comm(ev->comm, sizeof(ev->comm));
}
#endif

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
