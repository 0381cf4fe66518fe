/* ebpf_monitor, pasted into both flow programs when the kernel's BTF gives the offsets
 * below: DNS written by packet sockets (AF_PACKET, whose frames pass no socket hook: root
 * in a container may write them), seen as a frame is queued on its device
 * (net:net_dev_queue), in the sender's context, in every namespace. A frame to a DNS port
 * is credited to the current task and shipped whole from its Ethernet header, as the
 * socket filter ships (TCP of the tool's own namespace: recorded in proc_ports for the
 * filter, which sees it leave). A frame sent with PACKET_QDISC_BYPASS goes straight to
 * the driver: no tracepoint, traffic-control program or packet tap sees it.
 * Compiled with (byte offsets, from the kernel's BTF: these structs change between
 * versions and configurations):
 *   MONITOR_SKB_SK, MONITOR_SKB_DEV, MONITOR_SKB_DATA, MONITOR_SKB_DATA_LEN   struct sk_buff
 *   MONITOR_DEV_IFINDEX, MONITOR_DEV_TYPE, MONITOR_DEV_NET                   struct net_device
 *   MONITOR_NET_COOKIE                                                       struct net */
#ifndef EBPFSHIELD_PACKET_SOCKETS_H
#define EBPFSHIELD_PACKET_SOCKETS_H

#include "monitor/dns_sockets.h"

#define PACKET_AF_PACKET_ 17
#define PACKET_ARPHRD_ETHER_ 1
#define PACKET_ARPHRD_LOOPBACK_ 772
#define PACKET_PARSE_ 256 /* the frame's first bytes read for its ports */
#define PACKET_PARSE_MASK_ (PACKET_PARSE_ - 1)

/* A sample and its frame, too big for the stack; per CPU, so at most 32 KiB in all (the
 * kernel's bound): a longer frame is cut, and its message warned about as truncated. */
#define PACKET_FRAME_MAX_ (32768 - sizeof(struct dns_sample))
struct packet_frame {
    struct dns_sample s;
    __u8 data[PACKET_FRAME_MAX_];
};

BPF_PERCPU_ARRAY(packet_frames, struct packet_frame, 1);

static inline __u64 kernel_word(const char *base, __u32 off)
{
    __u64 v = 0;
    bpf_probe_read_kernel(&v, sizeof(v), base + off);
    return v;
}

static inline __u16 frame16(const __u8 *d, __u32 off)
{
    return (__u16)d[off & PACKET_PARSE_MASK_] << 8 | d[(off + 1) & PACKET_PARSE_MASK_];
}

/* The transport header of an IPv6 frame, past up to SOCKET_IPV6_EXT_MAX_ extension
 * headers within its first lim bytes: its offset, or 0. */
static inline __u32 frame_ipv6_transport(const __u8 *d, __u32 lim, __u8 *proto)
{
    __u8 next = d[20];
    __u32 off = 54;
#pragma unroll
    for (int i = 0; i < SOCKET_IPV6_EXT_MAX_; i++) {
        if (!ipv6_is_extension(next))
            break;
        if (off + 8 > lim)
            return 0;
        __u8 len = d[(off + 1) & PACKET_PARSE_MASK_];
        __u8 following = d[off & PACKET_PARSE_MASK_];
        if (next == 44) {
            if (frame16(d, off + 2) & 0xfff8)
                return 0;
            off += 8;
        } else if (next == 51) {
            off += ((__u32)len + 2) * 4;
        } else {
            off += ((__u32)len + 1) * 8;
        }
        next = following;
    }
    if (ipv6_is_extension(next))
        return 0;
    *proto = next;
    return off;
}

/* The client-side flow of an Ethernet frame of len bytes: 0 and key filled when it is
 * UDP or TCP to a DNS port (read within its first PACKET_PARSE_ bytes). */
static inline int frame_dns_flow(const __u8 *d, __u32 len, struct port_key *key)
{
    __u32 lim = len < PACKET_PARSE_ ? len : PACKET_PARSE_, l4 = 0;
    __u8 proto = 0;
    if (lim < 54)
        return -1;
    __builtin_memset(key, 0, sizeof(*key));
    __u16 ethertype = frame16(d, 12);
    if (ethertype == ETH_P_IP) {
        __u32 ihl = (d[14] & 0x0f) * 4;
        if (ihl < 20 || (frame16(d, 20) & 0x1fff)) /* a later fragment: no ports */
            return -1;
        proto = d[23];
        l4 = 14 + ihl;
        key->family = AF_INET;
        __builtin_memcpy(key->laddr, d + 26, 4);
        __builtin_memcpy(key->raddr, d + 30, 4);
    } else if (ethertype == ETH_P_IPV6) {
        l4 = frame_ipv6_transport(d, lim, &proto);
        key->family = AF_INET6;
        __builtin_memcpy(key->laddr, d + 22, 16);
        __builtin_memcpy(key->raddr, d + 38, 16);
    }
    if (l4 == 0 || l4 + 4 > lim || (proto != IPPROTO_UDP && proto != IPPROTO_TCP))
        return -1;
    key->proto = proto;
    key->lport = frame16(d, l4);
    key->rport = frame16(d, l4 + 2);
    return is_dns_port(key->rport) ? 0 : -1;
}

TRACEPOINT_PROBE(net, net_dev_queue)
{
    const char *skb = (const char *)args->skbaddr;
    const char *sk = (const char *)kernel_word(skb, MONITOR_SKB_SK);
    __u16 family = 0, type = 0;
    if (!sk)
        return 0;
    bpf_probe_read_kernel(&family, sizeof(family),
                          sk + __builtin_offsetof(struct abi_sock_common, skc_family));
    if (family != PACKET_AF_PACKET_)
        return 0;
    const char *dev = (const char *)kernel_word(skb, MONITOR_SKB_DEV);
    bpf_probe_read_kernel(&type, sizeof(type), dev + MONITOR_DEV_TYPE);
    if (type != PACKET_ARPHRD_ETHER_ && type != PACKET_ARPHRD_LOOPBACK_)
        return 0;
    __u32 data_len = 0;
    bpf_probe_read_kernel(&data_len, sizeof(data_len), skb + MONITOR_SKB_DATA_LEN);
    const void *data = (const void *)kernel_word(skb, MONITOR_SKB_DATA);
    int zero = 0;
    struct packet_frame *f = packet_frames.lookup(&zero);
    if (!f)
        return 0;
    __u64 head = (__u32)args->len; /* 64 bits: the bound below is on the register used */
    head = head > data_len ? head - data_len : 0; /* the linear part: the frame's headers */
    if (head > PACKET_FRAME_MAX_)
        head = PACKET_FRAME_MAX_;
    struct port_key key;
    if (bpf_probe_read_kernel(f->data, head, data) != 0 || frame_dns_flow(f->data, head, &key) != 0)
        return 0;
    __u64 netns = kernel_word((const char *)kernel_word(dev, MONITOR_DEV_NET), MONITOR_NET_COOKIE);
    __builtin_memset(&f->s, 0, sizeof(f->s));
    current_process(&f->s.proc);
    f->s.proc.cgroup = bpf_get_current_cgroup_id();
    if (netns == MONITOR_OWN_NETNS) {
        if (key.proto == IPPROTO_TCP) { /* the socket filter ships it */
            proc_ports.update(&key, &f->s.proc);
            return 0;
        }
        netns = 0;
    } else if (!MONITOR_ALL_NETNS) {
        return 0;
    }
    int ifindex = 0;
    bpf_probe_read_kernel(&ifindex, sizeof(ifindex), dev + MONITOR_DEV_IFINDEX);
    f->s.netns = netns;
    f->s.proc.ifindex = ifindex;
    f->s.proc.ts_ns = bpf_ktime_get_ns();
    if (bpf_perf_event_output(args, (void *)bpf_pseudo_fd(1, MONITOR_EVENTS_FD), BPF_F_CURRENT_CPU,
                              f, sizeof(f->s) + head) != 0)
        socket_count(SOCKET_COUNT_UNSHIPPED);
    return 0;
}

#endif
