/* ebpf_ipintelligence, kprobe mode (the original's ebpfshield.c): every IPv4
 * tcp_v4_connect(), before the SYN leaves. */
#include <net/sock.h>
#include <linux/in.h>
#include "ebpfshield_kernel.h"

BPF_PERF_OUTPUT(events);

int tcp_v4(struct pt_regs *ctx, struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
    struct sockaddr_in sin;
    if (addr_len < (int)sizeof(sin))
        return 0;
    if (bpf_probe_read_kernel(&sin, sizeof(sin), uaddr) != 0 || sin.sin_family != AF_INET)
        return 0;

    struct netevent ev;
    netevent_fill(&ev, sin.sin_addr.s_addr, sin.sin_port);
    events.perf_submit(ctx, &ev, sizeof(ev));
    return 0;
}
