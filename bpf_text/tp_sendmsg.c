/* ebpf_monitor, tracepoint mode (kernels without kprobes): remember which process sends
 * on each DNS flow, in the same public table proc_ports as kprobe_sendmsg.c.
 * - fib:fib_table_lookup fires when a client's route is looked up (connect(), or each
 *   sendto() of an unconnected socket), in the client's context and before its first
 *   packet exists; only flows towards port 53 are taken (clients, as in kprobe mode), so
 *   that a server's reply route looked up in softirq is never pinned on a bystander.
 * - raw tracepoint sock_send_length fires after each send; it catches sockets whose route
 *   was looked up before we started. It reads only sock_common's leading fields. */
#include <net/sock.h>
#include "ebpfshield_kernel.h"

BPF_TABLE_PUBLIC("hash", struct port_key, struct port_val, proc_ports, EBPFSHIELD_PROC_PORTS_MAX);

static inline __u32 be32_bytes(const __u8 *b)
{
    return ((__u32)b[0] << 24) | ((__u32)b[1] << 16) | ((__u32)b[2] << 8) | b[3];
}

TRACEPOINT_PROBE(fib, fib_table_lookup)
{
    if (args->proto != IPPROTO_UDP && args->proto != IPPROTO_TCP)
        return 0;
    if (args->dport != EBPFSHIELD_DNS_PORT || args->sport == 0)
        return 0;
    struct port_key key;
    struct port_val val;
    __builtin_memset(&key, 0, sizeof(key));
    key.proto = args->proto;
    key.saddr = be32_bytes(args->src);
    key.daddr = be32_bytes(args->dst);
    key.sport = args->sport;
    key.dport = args->dport;
    current_proc(&val);
    proc_ports.update(&key, &val);
    return 0;
}

RAW_TRACEPOINT_PROBE(sock_send_length)
{
    __u16 protocol = (__u16)ctx->args[2];
    struct port_key key;
    struct port_val val;
    if (protocol != IPPROTO_UDP && protocol != IPPROTO_TCP)
        return 0;
    if (sock_dns_flow((struct sock *)ctx->args[0], protocol, &key) != 0)
        return 0;
    current_proc(&val);
    proc_ports.update(&key, &val);
    return 0;
}
