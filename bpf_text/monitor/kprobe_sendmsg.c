/* ebpf_monitor, kprobe mode: the socket hooks of dns_sockets.h, and kprobes on
 * udp_sendmsg and udpv6_sendmsg that note the sending task on their CPU (send_slots)
 * before the datagram exists, for kernels whose cgroup_skb programs cannot read the
 * current task (Debian's 6.1): the egress program, which runs inside that same call,
 * takes the sender from there when the task is the same. */
#include <asm/ptrace.h>
#include "monitor/dns_flow.h"
#include "monitor/dns_sockets.h"

static inline void note_sender(void)
{
    int zero = 0;
    struct send_slot *slot = send_slots.lookup(&zero);
    if (!slot)
        return;
    current_process(&slot->proc);
    slot->task = bpf_get_current_task();
}

int trace_udp_sendmsg(struct pt_regs *ctx)
{
    note_sender();
    return 0;
}

int trace_udpv6_sendmsg(struct pt_regs *ctx)
{
    note_sender();
    return 0;
}
