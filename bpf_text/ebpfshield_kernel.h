/* Helpers of the kernel programs only (never compiled into user space): how a flow and
 * the current task fill the ABI types of ebpfshield_events.h. Pasted into each program's
 * text at build time, like that header. */
#ifndef EBPFSHIELD_KERNEL_H
#define EBPFSHIELD_KERNEL_H

#include "ebpfshield_events.h"

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
    val->tid = (__u32)pid_tgid;
    val->uid = (__u32)uid_gid;
    val->gid = uid_gid >> 32;
    bpf_get_current_comm(val->comm, sizeof(val->comm));
}
#endif

/* A connection event of the current task; the caller fills in the destination. */
static inline void netevent_fill(struct netevent *ev, __u8 proto)
{
    __builtin_memset(ev, 0, sizeof(*ev));
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    ev->ts_boot_ns = bpf_ktime_get_boot_ns();
    ev->pid = pid_tgid >> 32;
    ev->tid = (__u32)pid_tgid;
    ev->uid = (__u32)bpf_get_current_uid_gid();
    ev->proto = proto;
    bpf_get_current_comm(ev->comm, sizeof(ev->comm));
}

#endif
