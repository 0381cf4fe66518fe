/* ebpf_monitor, kprobe mode: remember which process sends on each DNS flow.
 * Attached to udp_sendmsg and tcp_sendmsg; fills the public table proc_ports that the
 * socket filter (dns_matching.c) reads. */
#include <net/sock.h>
#include "ebpfshield_events.h"

BPF_TABLE_PUBLIC("hash", struct port_key, struct port_val, proc_ports, EBPFSHIELD_PROC_PORTS_MAX);

static inline int remember_flow(struct sock *sk, __u8 proto)
{
    __u16 sport = sk->__sk_common.skc_num;           /* host order */
    __u16 dport = ntohs(sk->__sk_common.skc_dport); /* network order in the socket */
    if (sport != EBPFSHIELD_DNS_PORT && dport != EBPFSHIELD_DNS_PORT)
        return 0;

    struct port_key key;
    __builtin_memset(&key, 0, sizeof(key));
    key.proto = proto;
    key.saddr = ntohl(sk->__sk_common.skc_rcv_saddr);
    key.daddr = ntohl(sk->__sk_common.skc_daddr);
    key.sport = sport;
    key.dport = dport;

    struct port_val val;
    __builtin_memset(&val, 0, sizeof(val));
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u64 uid_gid = bpf_get_current_uid_gid();
    val.pid = pid_tgid >> 32;
    val.tgid = (__u32)pid_tgid;
    val.uid = (__u32)uid_gid;
    val.gid = uid_gid >> 32;
    bpf_get_current_comm(val.comm, sizeof(val.comm));
    proc_ports.update(&key, &val);
    return 0;
}

int trace_udp_sendmsg(struct pt_regs *ctx, struct sock *sk)
{
    return remember_flow(sk, IPPROTO_UDP);
}

int trace_tcp_sendmsg(struct pt_regs *ctx, struct sock *sk)
{
    return remember_flow(sk, IPPROTO_TCP);
}
