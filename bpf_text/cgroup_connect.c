/* ebpf_ipintelligence, tracepoint mode (kernels without kprobes): a cgroup-v2 connect4
 * program on the root cgroup sees every IPv4 connect() before the SYN leaves, with the
 * socket type, so that only TCP is reported, as with the tcp_v4_connect kprobe. It never
 * refuses a connection (returns 1): acting is user space's job, as in kprobe mode. */
#include <linux/bpf.h>
#include <linux/in.h>
#include "ebpfshield_kernel.h"

BPF_PERF_OUTPUT(events);

int connect4(struct bpf_sock_addr *ctx)
{
    if (ctx->protocol != IPPROTO_TCP)
        return 1;
    struct netevent ev;
    netevent_fill(&ev, ctx->user_ip4, (__u16)ctx->user_port);
    events.perf_submit(ctx, &ev, sizeof(ev));
    return 1;
}
