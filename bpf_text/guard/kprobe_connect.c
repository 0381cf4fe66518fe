/* ebpf_ipintelligence, kprobe mode (the original's ebpfshield.c): every IPv4
 * tcp_v4_connect(), before the SYN leaves. The guard's cgroup-v2 programs
 * (connect_guard.h) refuse feed hits and report IPv6, UDP and refused connections. */
#include <asm/ptrace.h>
#include "guard/connect_guard.h"

int tcp_v4(struct pt_regs *ctx, struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
    struct abi_sockaddr_in sin;
    if (addr_len < (int)sizeof(sin))
        return 0;
    /* 0.0.0.0 goes to the bound address or loopback: the cgroup hook reports it. */
    if (bpf_probe_read_kernel(&sin, sizeof(sin), uaddr) != 0 || sin.sin_family != AF_INET ||
        sin.sin_addr == 0)
        return 0;

    struct netevent ev;
    netevent_fill(&ev, IPPROTO_TCP);
    ev.family = AF_INET;
    ev.daddr = sin.sin_addr;
    ev.dport = sin.sin_port;
    ev.hit = feed_of_v4(ev.daddr, &ev.feed);
    if (ev.hit ? hit_due(&ev) : GUARD_REPORT_CONNECTS)
        events.perf_submit(ctx, &ev, sizeof(ev));
    return 0;
}
