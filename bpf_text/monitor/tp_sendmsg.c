/* ebpf_monitor, tracepoint mode (kernels without kprobes): the socket hooks of
 * dns_sockets.h, on kernels whose cgroup_skb programs read the sending task themselves
 * (6.2 and later), and the process names of dns_flow.h. TCP's sender is noted from the
 * tcp_sendmsg_locked raw tracepoint (6.16 and later; the socket lock is held, before the
 * data is queued) until sock_send_length fires as the send call returns (attached
 * first: a note is never made that nothing would remove). */
#include "monitor/dns_flow.h"
#include "monitor/dns_sockets.h"
#if MONITOR_PACKET_SOCKETS
#include "monitor/packet_sockets.h"
#endif

/* args: struct sock *sk, struct msghdr *msg, struct sk_buff *skb, int size_goal */
int note_tcp_send(struct bpf_raw_tracepoint_args *ctx)
{
    if (is_dns_port(sock_remote_port((const void *)ctx->args[0])))
        note_send(ctx->args[0], 1);
    return 0;
}

/* args: struct sock *sk, int ret, int flags */
int end_tcp_send(struct bpf_raw_tracepoint_args *ctx)
{
    if (is_dns_port(sock_remote_port((const void *)ctx->args[0])))
        end_send();
    return 0;
}
