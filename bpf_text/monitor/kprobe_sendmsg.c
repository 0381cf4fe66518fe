/* ebpf_monitor, kprobe mode: the socket hooks of dns_sockets.h, and kprobes on
 * udp_sendmsg and udpv6_sendmsg that note the sending task on their CPU (send_slots)
 * while the call runs, for kernels whose cgroup_skb programs cannot read the current task
 * (Debian's 6.1): the egress program, which runs inside that same call, takes the sender
 * from there when the current task is the one noted. The note is wiped as the call
 * returns, so a datagram sent by any other path (a corked socket pushed by setsockopt, a
 * later task at the same address) never takes it. */
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

static inline void wipe_sender(void)
{
    int zero = 0;
    struct send_slot *slot = send_slots.lookup(&zero);
    if (slot && slot->task == bpf_get_current_task())
        slot->task = 0;
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

int trace_udp_sendmsg_return(struct pt_regs *ctx)
{
    wipe_sender();
    return 0;
}
