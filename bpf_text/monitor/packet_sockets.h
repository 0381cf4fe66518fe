/* ebpf_monitor, pasted into both flow programs when the kernel's BTF gives the offsets
 * below: DNS written by packet sockets (AF_PACKET; AF_XDP in copy mode), whose frames pass
 * no socket hook (root in a container may write them), seen as a frame is queued on its
 * device (net:net_dev_queue) or handed to the driver past the queue (kprobe mode: a
 * kprobe on __dev_direct_xmit, for PACKET_QDISC_BYPASS and AF_XDP), in the writer's
 * context, in every namespace. A frame to a DNS port is credited to the current task and
 * shipped whole from its Ethernet header, as the socket filter ships (an untagged TCP
 * frame of the tool's own namespace: recorded in proc_ports for the filter, which sees
 * it leave). A frame queued again past its socket's namespace (bridged or routed on from
 * a container's veth) is not the writer's any more: left to the namespace it left. A
 * frame whose ports are not in its first buffer (PACKET_TX_RING, frames of a page and
 * more) or behind more than SOCKET_IPV6_EXT_MAX_ extension headers is counted.
 * Compiled with (byte offsets, from the kernel's BTF: these structs change between
 * versions and configurations):
 *   MONITOR_SKB_SK, MONITOR_SKB_DEV, MONITOR_SKB_DATA, MONITOR_SKB_LEN,
 *   MONITOR_SKB_DATA_LEN                                 struct sk_buff
 *   MONITOR_SK_NET                                       struct sock_common
 *   MONITOR_DEV_IFINDEX, MONITOR_DEV_TYPE, MONITOR_DEV_NET   struct net_device
 *   MONITOR_NET_COOKIE                                   struct net */
#ifndef EBPFSHIELD_PACKET_SOCKETS_H
#define EBPFSHIELD_PACKET_SOCKETS_H

#include "monitor/dns_sockets.h"

#define PACKET_AF_PACKET_ 17
#define PACKET_AF_XDP_ 44
#define PACKET_ARPHRD_ETHER_ 1
#define PACKET_ARPHRD_LOOPBACK_ 772
#define PACKET_PARSE_ 2048 /* the frame's first bytes read for its ports */
#define PACKET_PARSE_MASK_ (PACKET_PARSE_ - 1)
#define PACKET_VLAN_TAGS_ 2 /* 802.1Q / 802.1ad tags skipped */

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

/* The transport header of an IPv6 header at l3, past up to SOCKET_IPV6_EXT_MAX_ extension
 * headers within the frame's first lim bytes: its offset, 0 when unreadable or a later
 * fragment, 1 when the ports lie beyond lim or past the headers followed. */
static inline __u32 frame_ipv6_transport(const __u8 *d, __u32 l3, __u32 lim, __u8 *proto)
{
    __u8 next = d[(l3 + 6) & PACKET_PARSE_MASK_];
    __u32 off = l3 + 40;
#pragma unroll
    for (int i = 0; i < SOCKET_IPV6_EXT_MAX_; i++) {
        if (!ipv6_is_extension(next))
            break;
        if (off + 8 > lim)
            return 1;
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
        return 1;
    *proto = next;
    return off;
}

/* The client-side flow of an Ethernet frame whose first lim bytes are read: 0 and key
 * filled when it is UDP or TCP to a DNS port; -1 when it is not; -2 when its ports could
 * not be read (beyond lim, or past the extension headers followed). *tagged: 1 when it
 * carried a VLAN tag. */
static inline int frame_dns_flow(const __u8 *d, __u32 lim, struct port_key *key, int *tagged)
{
    __u32 l3 = 14, l4 = 0;
    __u8 proto = 0;
    __u16 ethertype = frame16(d, 12);
    __builtin_memset(key, 0, sizeof(*key));
#pragma unroll
    for (int i = 0; i < PACKET_VLAN_TAGS_; i++) {
        if (ethertype != 0x8100 && ethertype != 0x88a8)
            break;
        ethertype = frame16(d, l3 + 2);
        l3 += 4;
    }
    *tagged = l3 > 14;
    if (ethertype != ETH_P_IP && ethertype != ETH_P_IPV6)
        return -1;
    if (l3 + 40 > lim)
        return -2;
    if (ethertype == ETH_P_IP) {
        __u32 ihl = (d[(l3 & PACKET_PARSE_MASK_)] & 0x0f) * 4;
        if (ihl < 20 || (frame16(d, l3 + 6) & 0x1fff)) /* a later fragment: no ports */
            return -1;
        proto = d[(l3 + 9) & PACKET_PARSE_MASK_];
        l4 = l3 + ihl;
        key->family = AF_INET;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            key->laddr[i] = d[(l3 + 12 + i) & PACKET_PARSE_MASK_];
            key->raddr[i] = d[(l3 + 16 + i) & PACKET_PARSE_MASK_];
        }
    } else {
        l4 = frame_ipv6_transport(d, l3, lim, &proto);
        if (l4 <= 1)
            return l4 == 1 ? -2 : -1;
        key->family = AF_INET6;
#pragma unroll
        for (int i = 0; i < 16; i++) {
            key->laddr[i] = d[(l3 + 8 + i) & PACKET_PARSE_MASK_];
            key->raddr[i] = d[(l3 + 24 + i) & PACKET_PARSE_MASK_];
        }
    }
    if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
        return -1;
    if (l4 + 4 > lim)
        return -2;
    key->proto = proto;
    key->lport = frame16(d, l4);
    key->rport = frame16(d, l4 + 2);
    return is_dns_port(key->rport) ? 0 : -1;
}

/* A frame of len bytes (skb at the kernel address skb) on its way to a device: shipped
 * when a packet socket wrote it to a DNS port. */
static inline int packet_frame(void *ctx, const char *skb, __u32 len)
{
    const char *sk = (const char *)kernel_word(skb, MONITOR_SKB_SK);
    __u16 family = 0, type = 0;
    if (!sk)
        return 0;
    bpf_probe_read_kernel(&family, sizeof(family),
                          sk + __builtin_offsetof(struct abi_sock_common, skc_family));
    if (family != PACKET_AF_PACKET_ && family != PACKET_AF_XDP_)
        return 0;
    const char *dev = (const char *)kernel_word(skb, MONITOR_SKB_DEV);
    bpf_probe_read_kernel(&type, sizeof(type), dev + MONITOR_DEV_TYPE);
    if (type != PACKET_ARPHRD_ETHER_ && type != PACKET_ARPHRD_LOOPBACK_)
        return 0;
    /* forwarded on past the writer's namespace: not the writer's context any more */
    const char *net = (const char *)kernel_word(dev, MONITOR_DEV_NET);
    if ((__u64)net != kernel_word(sk, MONITOR_SK_NET))
        return 0;
    __u32 data_len = 0;
    bpf_probe_read_kernel(&data_len, sizeof(data_len), skb + MONITOR_SKB_DATA_LEN);
    const char *data = (const char *)kernel_word(skb, MONITOR_SKB_DATA);
    int zero = 0, tagged = 0;
    struct packet_frame *f = packet_frames.lookup(&zero);
    if (!f)
        return 0;
    /* 64 bits: the bounds below are on the registers the calls use */
    __u64 head = len > data_len ? len - data_len : 0; /* the linear part */
    __u64 lim = head < PACKET_PARSE_ ? head : PACKET_PARSE_;
    if (lim < 14 || bpf_probe_read_kernel(f->data, lim, data) != 0)
        return 0;
    struct port_key key;
    int flow = frame_dns_flow(f->data, lim, &key, &tagged);
    if (flow == -2)
        socket_count(SOCKET_COUNT_UNPARSED);
    if (flow != 0)
        return 0;
    if (head > PACKET_FRAME_MAX_)
        head = PACKET_FRAME_MAX_;
    if (head > PACKET_PARSE_) {
        __u64 rest = head - PACKET_PARSE_;
        /* never true; kept by the barrier (the compiler knows it), for 6.1's verifier,
         * which follows paths it cannot tell are impossible */
        asm volatile("" : "+r"(rest));
        if (rest > PACKET_FRAME_MAX_ - PACKET_PARSE_)
            return 0;
        if (bpf_probe_read_kernel(f->data + PACKET_PARSE_, rest, data + PACKET_PARSE_) != 0)
            return 0;
    }
    __u64 netns = kernel_word(net, MONITOR_NET_COOKIE); /* 0: unreadable */
    __builtin_memset(&f->s, 0, sizeof(f->s));
    if (netns == 0) {
        socket_count(SOCKET_COUNT_NO_NETNS);
        return 0;
    }
    current_process(&f->s.proc);
    f->s.proc.cgroup = bpf_get_current_cgroup_id();
    if (netns == MONITOR_OWN_NETNS) {
        if (key.proto == IPPROTO_TCP && !tagged) { /* the socket filter ships it */
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
    if (bpf_perf_event_output(ctx, (void *)bpf_pseudo_fd(1, MONITOR_EVENTS_FD), BPF_F_CURRENT_CPU,
                              f, sizeof(f->s) + head) != 0)
        socket_count(SOCKET_COUNT_UNSHIPPED);
    return 0;
}

TRACEPOINT_PROBE(net, net_dev_queue)
{
    return packet_frame(args, (const char *)args->skbaddr, args->len);
}

#endif
