/* ebpf_monitor: socket filter on a raw packet socket (all interfaces of the tool's network
 * namespace). Matches the TCP segments sent to a DNS port, over IPv4 or IPv6,
 * against proc_ports (filled by the socket hooks' egress program, monitor/dns_sockets.h,
 * just before a local socket's packet gets here) and ships the process record plus the
 * whole frame to user space; a packet of no recorded flow is shipped with pid 0. Loads
 * through LD_ABS
 * (load_byte/half/word) and bpf_skb_load_bytes, which end the program safely (or fail)
 * on a short packet. */
#include "common/net_abi.h"
#include "common/dns_ports.h"
#include "common/ebpfshield_events.h"

BPF_TABLE_PUBLIC("lru_hash", struct port_key, struct port_val, proc_ports,
                 EBPFSHIELD_PROC_PORTS_MAX);
BPF_PERF_OUTPUT(dns_events);
/* Frames the perf buffer had no room for (perf says so only at its next write). */
BPF_PERCPU_ARRAY(filter_unshipped, __u64, 1);

#define ETH_HLEN_ 14
#define IPV6_HLEN_ 40
#define IPV6_EXT_MAX_ 8 /* extension headers skipped before giving up (as dns_sockets.h) */
#define TCP_FLAGS_FIN_SYN_RST_ 0x07
/* 65535 less the record header (8), its size field (4) and port_val, 8-byte aligned */
#define FRAME_SUBMIT_MAX_ (65480 - sizeof(struct dns_sample))

/* The IPv4 header at ETH_HLEN_: *l4 its transport header, *end the end of its data. */
static inline int ipv4_transport(struct __sk_buff *skb, __u8 *proto, __u32 *l4, __u32 *end)
{
    __u32 ihl = (load_byte(skb, ETH_HLEN_) & 0x0f) * 4;
    if (ihl < 20 || (load_half(skb, ETH_HLEN_ + 6) & 0x1fff)) /* later fragment: no ports */
        return -1;
    *proto = load_byte(skb, ETH_HLEN_ + 9);
    *l4 = ETH_HLEN_ + ihl;
    *end = ETH_HLEN_ + load_half(skb, ETH_HLEN_ + 2);
    return 0;
}

/* The IPv6 header at ETH_HLEN_, past hop-by-hop, routing, destination-option,
 * authentication and (first) fragment headers. */
static inline int ipv6_transport(struct __sk_buff *skb, __u8 *proto, __u32 *l4, __u32 *end)
{
    __u8 next = load_byte(skb, ETH_HLEN_ + 6);
    __u32 off = ETH_HLEN_ + IPV6_HLEN_;
    *end = off + load_half(skb, ETH_HLEN_ + 4);
#pragma unroll
    for (int i = 0; i < IPV6_EXT_MAX_; i++) {
        if (next == 0 || next == 43 || next == 60) {
            __u8 len = load_byte(skb, off + 1);
            next = load_byte(skb, off);
            off += ((__u32)len + 1) * 8;
        } else if (next == 44) {
            if (load_half(skb, off + 2) & 0xfff8)
                return -1;
            next = load_byte(skb, off);
            off += 8;
        } else if (next == 51) { /* AH: its length in 4-byte units, less 2 */
            __u8 len = load_byte(skb, off + 1);
            next = load_byte(skb, off);
            off += ((__u32)len + 2) * 4;
        }
    }
    *proto = next;
    *l4 = off;
    return 0;
}

int dns_matching(struct __sk_buff *skb)
{
    __u16 ethertype = load_half(skb, 12);
    __u8 proto = 0;
    __u32 l4 = 0, end = 0;
    struct port_key key;
    __builtin_memset(&key, 0, sizeof(key));
    if (ethertype == ETH_P_IP) {
        if (ipv4_transport(skb, &proto, &l4, &end) != 0)
            return 0;
        key.family = AF_INET;
    } else if (ethertype == ETH_P_IPV6) {
        if (ipv6_transport(skb, &proto, &l4, &end) != 0)
            return 0;
        key.family = AF_INET6;
    } else {
        return 0;
    }
    /* UDP is shipped whole by the egress socket hook: here a datagram a link must cut
     * would come as fragments, and a GSO send perhaps cut into segments already. */
    if (proto != IPPROTO_TCP)
        return 0;
    /* Payload to decode, or SYN/FIN/RST: where user space's reassembly starts or ends. */
    if (l4 + (load_byte(skb, l4 + 12) >> 4) * 4 >= end &&
        !(load_byte(skb, l4 + 13) & TCP_FLAGS_FIN_SYN_RST_))
        return 0;
    /* Only what leaves: an answer is shipped by the socket hooks' ingress program when a
     * socket takes it (this socket sees forged and forwarded packets as well). */
    if (skb->ingress_ifindex != 0)
        return 0;
    key.proto = proto;
    key.lport = load_half(skb, l4);
    key.rport = load_half(skb, l4 + 2);
    if (!is_dns_port(key.rport))
        return 0;
    int rc;
    if (key.family == AF_INET)
        rc = bpf_skb_load_bytes(skb, ETH_HLEN_ + 12, key.laddr, 4) |
             bpf_skb_load_bytes(skb, ETH_HLEN_ + 16, key.raddr, 4);
    else
        rc = bpf_skb_load_bytes(skb, ETH_HLEN_ + 8, key.laddr, 16) |
             bpf_skb_load_bytes(skb, ETH_HLEN_ + 24, key.raddr, 16);
    if (rc != 0)
        return 0;
    /* Written by the egress program for this very packet; pid 0 when it could not tell
     * the process (user space counts it). */
    struct port_val *found = proc_ports.lookup(&key);
    struct dns_sample s;
    __builtin_memset(&s, 0, sizeof(s));
    if (found)
        s.proc = *found;
    s.proc.ifindex = skb->ifindex;
    s.proc.ts_ns = bpf_ktime_get_ns();
    /* A perf record's size is 16 bits: a longer frame would wrap it and corrupt the
     * buffer. What is cut off is left out; user space sees a truncated message. */
    __u32 len = skb->len;
    if (len > FRAME_SUBMIT_MAX_)
        len = FRAME_SUBMIT_MAX_;
    /* (BCC writes this call out as a statement of its own: its value goes through rc_out.) */
    int rc_out = dns_events.perf_submit_skb(skb, len, &s, sizeof(s));
    if (rc_out != 0) {
        int zero = 0;
        __u64 *n = filter_unshipped.lookup(&zero);
        if (n)
            (*n)++;
    }
    return 0;
}
