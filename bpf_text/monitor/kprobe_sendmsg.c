/* ebpf_monitor, kprobe mode: the socket hooks of dns_sockets.h, and kprobes on
 * udp_sendmsg, udpv6_sendmsg and tcp_sendmsg that note the sending task and its socket
 * (send_notes) while the call runs, for kernels whose cgroup_skb programs cannot read the
 * current task (Debian's 6.1), and for TCP segments, which may also leave from timers and
 * interrupts: egress, inside that same call, takes the sender from there when the task,
 * the socket and its ports match. The note goes as the call returns (a kretprobe with
 * room for 1024 calls at once, bpf_shim.cc), so a packet sent by any other path (a corked
 * socket pushed by setsockopt, a retransmission) takes the TCP socket's last writer, or
 * the socket's record. */
#include <asm/ptrace.h>
#include "monitor/dns_flow.h"
#include "monitor/dns_sockets.h"
#if MONITOR_PACKET_SOCKETS
#include "monitor/packet_sockets.h"
#endif

/* A datagram to a DNS port: the connected socket's, or the address the call names
 * (sin_port and sin6_port lie at the same offset). */
static inline int udp_to_dns(const void *sk, const struct abi_msghdr *msg)
{
    void *name = NULL;
    __be16 port = 0;
    if (is_dns_port(sock_remote_port(sk)))
        return 1;
    bpf_probe_read_kernel(&name, sizeof(name), &msg->msg_name);
    if (!name || bpf_probe_read_kernel(&port, sizeof(port), (const char *)name + 2) != 0)
        return 0;
    return is_dns_port(ntohs(port));
}

int trace_udp_sendmsg(struct pt_regs *ctx)
{
    if (udp_to_dns((const void *)PT_REGS_PARM1(ctx), (const struct abi_msghdr *)PT_REGS_PARM2(ctx)))
        note_send(PT_REGS_PARM1(ctx), 0);
    return 0;
}

/* TCP: only sockets connected to a DNS port (the others' segments are never shipped). */
int trace_tcp_sendmsg(struct pt_regs *ctx)
{
    if (is_dns_port(sock_remote_port((const void *)PT_REGS_PARM1(ctx))))
        note_send(PT_REGS_PARM1(ctx), 1);
    return 0;
}

int trace_sendmsg_return(struct pt_regs *ctx)
{
    end_send();
    return 0;
}

#if MONITOR_PACKET_SOCKETS
/* Frames sent past the queueing layer (PACKET_QDISC_BYPASS, AF_XDP in copy mode). */
int trace_dev_direct_xmit(struct pt_regs *ctx)
{
    const char *skb = (const char *)PT_REGS_PARM1(ctx);
    __u32 len = 0;
    bpf_probe_read_kernel(&len, sizeof(len), skb + MONITOR_SKB_LEN);
    return packet_frame(ctx, skb, len);
}
#endif
