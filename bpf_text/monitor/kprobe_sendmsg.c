/* ebpf_monitor, kprobe mode: the socket hooks of dns_sockets.h, and kprobes on
 * udp_sendmsg, udpv6_sendmsg and tcp_sendmsg that note the sending task and its socket
 * (send_notes) while the call runs, for kernels whose cgroup_skb programs cannot read the
 * current task (Debian's 6.1), and for TCP segments, which may also leave from timers and
 * interrupts: egress, inside that same call, takes the sender from there when both the
 * task and the socket match. The note goes as the call returns, so a packet sent by any
 * other path (a corked socket pushed by setsockopt, a retransmission) never takes it. */
#include <asm/ptrace.h>
#include "monitor/dns_flow.h"
#include "monitor/dns_sockets.h"
#if MONITOR_PACKET_SOCKETS
#include "monitor/packet_sockets.h"
#endif

int trace_udp_sendmsg(struct pt_regs *ctx)
{
    note_send(PT_REGS_PARM1(ctx));
    return 0;
}

/* TCP: only sockets connected to a DNS port (the others' segments are never shipped). */
int trace_tcp_sendmsg(struct pt_regs *ctx)
{
    if (is_dns_port(sock_remote_port((const void *)PT_REGS_PARM1(ctx))))
        note_send(PT_REGS_PARM1(ctx));
    return 0;
}

int trace_sendmsg_return(struct pt_regs *ctx)
{
    end_send();
    return 0;
}
