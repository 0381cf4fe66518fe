/* ebpf_monitor, kprobe mode: remember which process sends on each DNS flow, in the public
 * table proc_ports that the socket filter (dns_matching.c) reads. Attached to udp_sendmsg,
 * udpv6_sendmsg and tcp_sendmsg (IPv4 and IPv6), before the packet exists; an addressed
 * send (sendto, sendmsg with a name) takes its destination from the message. */
#include <asm/ptrace.h>
#include "monitor/dns_flow.h"

/* The flow of a send to the address in msg, of family (AF_INET or AF_INET6); the source
 * is the socket's, its address zero while unbound. */
static inline int addressed_flow(struct sock *sk, struct msghdr *msg, __u16 family, __u8 proto,
                                 struct port_key *key)
{
    void *name = NULL;
    int namelen = 0;
    struct sockaddr_in6 sa; /* a sockaddr_in is its first 16 bytes */
    struct abi_sock_common c;
    __builtin_memset(key, 0, sizeof(*key));
    __builtin_memset(&sa, 0, sizeof(sa));
    const struct abi_msghdr *head = (const struct abi_msghdr *)msg;
    bpf_probe_read_kernel(&name, sizeof(name), &head->msg_name);
    bpf_probe_read_kernel(&namelen, sizeof(namelen), &head->msg_namelen);
    /* 24: SIN6_LEN_RFC2133, the shortest sockaddr_in6 the kernel takes */
    unsigned int need = family == AF_INET ? sizeof(struct abi_sockaddr_in) : 24;
    if (!name || namelen < (int)need || bpf_probe_read_kernel(&sa, need, name) != 0 ||
        sa.sin6_family != family)
        return -1;
    if (bpf_probe_read_kernel(&c, sizeof(c), sk) != 0)
        return -1;
    key->proto = proto;
    key->family = family;
    key->lport = c.skc_num;
    key->rport = ntohs(sa.sin6_port);
    if (!is_dns_port(key->rport))
        return -1;
    if (family == AF_INET) {
        __builtin_memcpy(key->laddr, &c.skc_rcv_saddr, 4);
        __builtin_memcpy(key->raddr, &((struct abi_sockaddr_in *)&sa)->sin_addr, 4);
        return 0;
    }
    if (is_v4_mapped(sa.sin6_addr.in6_u.u6_addr32))
        return -1; /* sent as IPv4, through udp_sendmsg */
    __builtin_memcpy(key->laddr, &c.skc_v6_rcv_saddr, 16);
    __builtin_memcpy(key->raddr, &sa.sin6_addr, 16);
    return 0;
}

int trace_udp_sendmsg(struct pt_regs *ctx, struct sock *sk, struct msghdr *msg)
{
    struct port_key key;
    if (addressed_flow(sk, msg, AF_INET, IPPROTO_UDP, &key) == 0 ||
        sock_dns_flow(sk, IPPROTO_UDP, &key) == 0)
        remember_flow(&key);
    return 0;
}

int trace_udpv6_sendmsg(struct pt_regs *ctx, struct sock *sk, struct msghdr *msg)
{
    struct port_key key;
    if (addressed_flow(sk, msg, AF_INET6, IPPROTO_UDP, &key) == 0 ||
        sock_dns_flow(sk, IPPROTO_UDP, &key) == 0)
        remember_flow(&key);
    return 0;
}

int trace_tcp_sendmsg(struct pt_regs *ctx, struct sock *sk)
{
    struct port_key key;
    if (sock_dns_flow(sk, IPPROTO_TCP, &key) == 0)
        remember_flow(&key);
    return 0;
}
