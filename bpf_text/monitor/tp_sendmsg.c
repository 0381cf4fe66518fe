/* ebpf_monitor, tracepoint mode (kernels without kprobes): remember which process sends
 * on each DNS flow, in the same public table proc_ports as kprobe_sendmsg.c.
 * - fib:fib_table_lookup and fib6:fib6_table_lookup fire when a client's route is looked
 *   up (connect(), or each send of an unconnected socket, whose source address is still
 *   zero then), in the client's context and before its first packet exists. Only output
 *   lookups (iif is the loopback device) towards a DNS port are taken, so that a route
 *   looked up in softirq for a packet passing by is never pinned on a bystander.
 * - sock:sock_send_length fires after each send; it catches connected sockets whose route
 *   was looked up before we started; tcp_sendmsg_locked fires before TCP data is queued.
 *   Both read only sock_common. */
#include "monitor/dns_flow.h"

#define LOOPBACK_IFINDEX_ 1 /* what output route lookups carry as their input device */

TRACEPOINT_PROBE(fib, fib_table_lookup)
{
    if (args->iif != LOOPBACK_IFINDEX_ || args->sport == 0 || !is_dns_port(args->dport) ||
        (args->proto != IPPROTO_UDP && args->proto != IPPROTO_TCP))
        return 0;
    struct port_key key;
    __builtin_memset(&key, 0, sizeof(key));
    key.proto = args->proto;
    key.family = AF_INET;
    key.lport = args->sport;
    key.rport = args->dport;
    __builtin_memcpy(key.laddr, args->src, 4);
    __builtin_memcpy(key.raddr, args->dst, 4);
    remember_flow(&key);
    return 0;
}

TRACEPOINT_PROBE(fib6, fib6_table_lookup)
{
    if (args->iif != LOOPBACK_IFINDEX_ || args->sport == 0 || !is_dns_port(args->dport) ||
        (args->proto != IPPROTO_UDP && args->proto != IPPROTO_TCP))
        return 0;
    struct port_key key;
    __builtin_memset(&key, 0, sizeof(key));
    key.proto = args->proto;
    key.family = AF_INET6;
    key.lport = args->sport;
    key.rport = args->dport;
    __builtin_memcpy(key.laddr, args->src, 16);
    __builtin_memcpy(key.raddr, args->dst, 16);
    remember_flow(&key);
    return 0;
}

/* After each send: connected sockets whose route was looked up before we started. */
TRACEPOINT_PROBE(sock, sock_send_length)
{
    struct port_key key;
    if (args->protocol != IPPROTO_UDP && args->protocol != IPPROTO_TCP)
        return 0;
    if (sock_dns_flow((struct sock *)args->sk, args->protocol, &key) == 0)
        remember_flow(&key);
    return 0;
}

/* Before TCP data is queued (kernels from 6.6 on): the first segment of a connection whose
 * route was looked up before its port was chosen (IPv6 connect() of an unbound socket). */
RAW_TRACEPOINT_PROBE(tcp_sendmsg_locked)
{
    struct port_key key;
    if (sock_dns_flow((struct sock *)ctx->args[0], IPPROTO_TCP, &key) == 0)
        remember_flow(&key);
    return 0;
}
