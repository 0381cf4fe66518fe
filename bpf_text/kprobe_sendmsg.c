/* ebpf_monitor, kprobe mode: remember which process sends on each DNS flow.
 * Attached to udp_sendmsg and tcp_sendmsg; fills the public table proc_ports that the
 * socket filter (dns_matching.c) reads. */
#include <net/sock.h>
#include "ebpfshield_kernel.h"

BPF_TABLE_PUBLIC("hash", struct port_key, struct port_val, proc_ports, EBPFSHIELD_PROC_PORTS_MAX);

static inline int remember_socket(struct sock *sk, __u8 proto)
{
    struct port_key key;
    struct port_val val;
    if (sock_dns_flow(sk, proto, &key) != 0)
        return 0;
    current_proc(&val);
    proc_ports.update(&key, &val);
    return 0;
}

int trace_udp_sendmsg(struct pt_regs *ctx, struct sock *sk)
{
    return remember_socket(sk, IPPROTO_UDP);
}

int trace_tcp_sendmsg(struct pt_regs *ctx, struct sock *sk)
{
    return remember_socket(sk, IPPROTO_TCP);
}
