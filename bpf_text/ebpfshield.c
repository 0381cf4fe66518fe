/* ebpf_ipintelligence, kprobe mode: every IPv4 tcp_v4_connect(), before the SYN leaves. */
#include <net/sock.h>
#include <linux/in.h>
#include "ebpfshield_events.h"

BPF_PERF_OUTPUT(events);

int tcp_v4(struct pt_regs *ctx, struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
    struct sockaddr_in sin;
    if (addr_len < (int)sizeof(sin))
        return 0;
    if (bpf_probe_read_kernel(&sin, sizeof(sin), uaddr) != 0 || sin.sin_family != AF_INET)
        return 0;

    struct netevent ev;
    __builtin_memset(&ev, 0, sizeof(ev));
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    ev.ts_boot_ns = bpf_ktime_get_boot_ns();
    ev.pid = pid_tgid >> 32;
    ev.tid = (__u32)pid_tgid;
    ev.uid = (__u32)bpf_get_current_uid_gid();
    ev.daddr = sin.sin_addr.s_addr;
    ev.dport = sin.sin_port;
    ev.family = AF_INET;
    bpf_get_current_comm(ev.comm, sizeof(ev.comm));
    events.perf_submit(ctx, &ev, sizeof(ev));
    return 0;
}
