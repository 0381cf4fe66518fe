/* --inbound: an XDP program for the interfaces the guard watches, and a TC egress one
 * beside it. The source of every IPv4 and IPv6 packet (behind up to two VLAN tags), then
 * its destination, is looked up in the feeds' tries (feed_tries.h, with the allow-list
 * already cut out of them): IPv4-mapped, NAT64, 6to4 and IPv4-compatible addresses in the
 * IPv4 trie too. A packet arriving from a feed address is counted per protocol; one toward
 * a feed address that the kernel would route on (forwarded for a container, a VM or a
 * LAN), whatever made it, a raw or packet socket included, is counted as forwarded. The
 * egress program is the net under both and the guard's socket hooks: every packet leaving
 * the interface toward a feed address, whatever made it (the host's packet sockets, a
 * destination rewritten by DNAT after the XDP check, a tunnel's outer packet, the kernel
 * itself), is counted as sent out. Each is counted per listed address and interface
 * (inbound_sources), reported for its first packet and then at most once a minute, and
 * dropped when GUARD_REFUSE is 1. Anything else passes untouched, frames too short to
 * hold their headers included: the stack drops those itself.
 * Included by connect_guard.h when GUARD_INBOUND is 1; uses its perf output (events). */
#ifndef EBPFSHIELD_INBOUND_GUARD_H
#define EBPFSHIELD_INBOUND_GUARD_H

#include "common/net_abi.h"
#include "guard/feed_tries.h"

#define INBOUND_SOURCES 65536
#define INBOUND_LINKS 1024               /* src/guard/inbound.h's INBOUND_LINKS_MAX */
#ifndef INBOUND_REPORT_NS                /* (set shorter by a test) */
#define INBOUND_REPORT_NS 60000000000ULL /* a source's next sample at most a minute on */
#endif
#define INBOUND_VLAN_TAGS 2 /* 802.1Q, and 802.1ad's outer tag before it */
#define INBOUND_ETH_HLEN 14 /* the Ethernet header before any tag */
#ifndef TC_ACT_UNSPEC       /* linux/pkt_cls.h's */
#define TC_ACT_UNSPEC (-1)
#define TC_ACT_SHOT 2
#endif

/* Per-CPU LRU lists: a flood of spoofed sources evicting entries costs no shared lock. */
BPF_F_TABLE("lru_hash", struct inbound_key, struct inbound_source, inbound_sources, INBOUND_SOURCES,
            BPF_F_NO_COMMON_LRU);
BPF_PERCPU_ARRAY(inbound_counters, __u64, EBPFSHIELD_INBOUND_COUNTERS);

/* All interfaces' reports in the current second: a flood from many listed sources (a
 * listed /8 has 16 M) is reported EBPFSHIELD_INBOUND_REPORTS_PER_SEC a second at most. */
struct inbound_window {
    __u64 start;
    __u64 reported; /* 64 bits: the fetching add of 32 is refused by LLVM's BPF target */
};
BPF_ARRAY(inbound_budget, struct inbound_window, 1);

static inline void inbound_count_at(__u32 i)
{
    __u64 *n = inbound_counters.lookup(&i);
    if (n)
        *n += 1;
}

static inline void inbound_count(__u8 proto)
{
    inbound_count_at(proto == IPPROTO_TCP                     ? EBPFSHIELD_INBOUND_TCP
                     : proto == IPPROTO_UDP                   ? EBPFSHIELD_INBOUND_UDP
                     : proto == 1 || proto == 58 /* ICMPv6 */ ? EBPFSHIELD_INBOUND_ICMP
                                                              : EBPFSHIELD_INBOUND_OTHER);
}

/* 1 when a report may go now (within this second's budget), else 0 and counted. */
static inline int inbound_budget_left(__u64 now)
{
    __u32 zero = 0;
    struct inbound_window *w = inbound_budget.lookup(&zero);
    if (!w)
        return 1;
    if ((__s64)(now - w->start) >= 1000000000LL) {
        w->start = now;
        w->reported = 0;
    }
    /* A plain read first: once the second's budget is spent, a flood's packets do not
     * all take the shared cache line for an atomic add. */
    if (w->reported < EBPFSHIELD_INBOUND_REPORTS_PER_SEC &&
        __sync_fetch_and_add(&w->reported, 1) < EBPFSHIELD_INBOUND_REPORTS_PER_SEC)
        return 1;
    inbound_count_at(EBPFSHIELD_INBOUND_HELD);
    return 0;
}

/* The sample of ev's source when it is due: its first packet, or a minute after the last,
 * within the second's budget (else it tries again a second later). Two CPUs may both find
 * it due at once: then two samples, each with its total. */
static inline void inbound_report(void *ctx, struct inboundevent *ev)
{
    struct inbound_key key = {.ifindex = ev->ifindex, .family = ev->family, .toward = ev->toward};
    __builtin_memcpy(key.addr, ev->addr, sizeof(key.addr));
    struct inbound_source fresh = {0};
    struct inbound_source *s = inbound_sources.lookup_or_try_init(&key, &fresh);
    ev->ts_boot_ns = bpf_ktime_get_boot_ns();
    if (!s) { /* the map failed: said as a source seen for the first time */
        ev->packets = 1;
        if (inbound_budget_left(ev->ts_boot_ns))
            events.perf_submit(ctx, ev, sizeof(*ev));
        return;
    }
    ev->packets = __sync_fetch_and_add(&s->packets, 1) + 1;
    if (s->reported_at && (__s64)(ev->ts_boot_ns - s->reported_at) < (__s64)INBOUND_REPORT_NS)
        return;
    if (!inbound_budget_left(ev->ts_boot_ns)) { /* held: this source tries again in a second */
        s->reported_at = ev->ts_boot_ns + 1000000000ULL - INBOUND_REPORT_NS; /* signed above */
        return;
    }
    s->reported_at = ev->ts_boot_ns;
    events.perf_submit(ctx, ev, sizeof(*ev));
}

/* 1 when the IPv4 address a is in a feed: ev gets it as addr, and its feed. */
static inline int inbound_listed_v4(__u32 a, struct inboundevent *ev)
{
    ev->family = AF_INET;
    __builtin_memset(ev->addr, 0, sizeof(ev->addr));
    __builtin_memcpy(ev->addr, &a, sizeof(a));
    return feed_of_v4(a, &ev->feed);
}

/* 1 when the IPv6 address w, or the IPv4 host it carries (mapped, NAT64, 6to4,
 * compatible), is in a feed: ev gets the address as the feed lists it, and its feed. */
static inline int inbound_listed_v6(const __u32 *w, struct inboundevent *ev)
{
    if (w[0] == 0 && w[1] == 0 && w[2] == htonl(0xffff))
        return inbound_listed_v4(w[3], ev);
    ev->family = AF_INET6;
    __builtin_memcpy(ev->addr, w, sizeof(ev->addr));
    if (feed_of_v6((const __u8 *)w, &ev->feed))
        return 1;
    __u32 v4;
    return embedded_v4(w, &v4) && inbound_listed_v4(v4, ev);
}

/* The interface the kernel routes a packet arriving at ifindex from: a bridge port's
 * bridge, a bond slave's bond (set by user space as it links them); else ifindex. */
BPF_HASH(inbound_l3dev, __u32, __u32, INBOUND_LINKS);

/* The ports of the TCP or UDP header at l4 (0 when there is none or it is cut short):
 * policy routing may choose by them. */
static inline void inbound_ports(struct bpf_fib_lookup *fib, __u8 *l4, void *end)
{
    if ((fib->l4_protocol != IPPROTO_TCP && fib->l4_protocol != IPPROTO_UDP) ||
        (void *)(l4 + 4) > end)
        return;
    __builtin_memcpy(&fib->sport, l4, 2);
    __builtin_memcpy(&fib->dport, l4 + 2, 2);
}

/* 1 when the kernel would route the packet (fib: its addresses, protocol, ports and
 * TOS or flow label) arriving here on to another host. 0 when it is for this host (a feed
 * listing one of the host's own addresses must not cut the host off), broadcast or
 * multicast, has no route or a discarding one (blackhole, unreachable, prohibit), or
 * comes in where forwarding is off (then routing cannot pass it on either). */
static inline int inbound_routed(struct xdp_md *ctx, struct bpf_fib_lookup *fib)
{
    __u32 in = ctx->ingress_ifindex;
    __u32 *l3 = inbound_l3dev.lookup(&in);
    fib->ifindex = l3 ? *l3 : in;
    int r = bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
    /* IPv6 forwards by all.forwarding alone, whatever the interface's own switch says (the
     * lookup's): asked again from loopback, whose switch follows all's. */
    if (r == BPF_FIB_LKUP_RET_FWD_DISABLED && fib->family == AF_INET6) {
        fib->ifindex = 1;
        r = bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
    }
    return r == BPF_FIB_LKUP_RET_SUCCESS || r == BPF_FIB_LKUP_RET_NO_NEIGH ||
           r == BPF_FIB_LKUP_RET_FRAG_NEEDED || r == BPF_FIB_LKUP_RET_UNSUPP_LWT;
}

/* The offset of the IP header in the Ethernet frame at data (behind up to
 * INBOUND_VLAN_TAGS tags, the outermost's id into ev), its EtherType into *proto: 0 when
 * the frame is cut short. */
static inline __u32 inbound_ip_offset(__u8 *eth, void *end, __u16 *proto, struct inboundevent *ev)
{
    if ((void *)(eth + INBOUND_ETH_HLEN) > end)
        return 0;
    __builtin_memcpy(proto, eth + 12, sizeof(*proto));
    __u32 off = INBOUND_ETH_HLEN;
#pragma unroll
    for (int i = 0; i < INBOUND_VLAN_TAGS; i++) {
        if (*proto != htons(ETH_P_8021Q) && *proto != htons(ETH_P_8021AD))
            break;
        __u8 *tag = eth + off;
        if ((void *)(tag + 4) > end)
            return 0;
        if (!ev->vlan)
            ev->vlan = ((__u16)tag[0] << 8 | tag[1]) & 0x0fff;
        __builtin_memcpy(proto, tag + 2, sizeof(*proto));
        off += 4;
    }
    return off;
}

/* 1 when the IPv4 or IPv6 packet at data + off is from a feed address, or (its source
 * clean) routed through this host toward one: ev gets the listed address, the other end,
 * the protocol and the feed. */
static inline int inbound_listed(struct xdp_md *ctx, void *data, void *end, __u32 off, __u16 proto,
                                 struct inboundevent *ev)
{
    __u8 *ip = (__u8 *)data + off;
    if (proto == htons(ETH_P_IP)) {
        if ((void *)(ip + 20) > end)
            return 0;
        __u32 src, dst;
        __builtin_memcpy(&src, ip + 12, sizeof(src));
        __builtin_memcpy(&dst, ip + 16, sizeof(dst));
        ev->proto = ip[9];
        if (inbound_listed_v4(src, ev)) {
            __builtin_memcpy(ev->other, &dst, sizeof(dst));
            return 1;
        }
        if (!inbound_listed_v4(dst, ev))
            return 0;
        struct bpf_fib_lookup fib = {.family = AF_INET,
                                     .tos = ip[1],
                                     .l4_protocol = ip[9],
                                     .ipv4_src = src,
                                     .ipv4_dst = dst};
        if ((ip[6] & 0x1f) == 0 && ip[7] == 0) /* the first fragment (or none) has the ports */
            inbound_ports(&fib, ip + (ip[0] & 0x0f) * 4, end);
        if (!inbound_routed(ctx, &fib))
            return 0;
        ev->toward = EBPFSHIELD_TOWARD_FORWARDED;
        __builtin_memcpy(ev->other, &src, sizeof(src));
        return 1;
    }
    if (proto != htons(ETH_P_IPV6) || (void *)(ip + 40) > end)
        return 0;
    __u32 src[4], dst[4];
    __builtin_memcpy(src, ip + 8, sizeof(src));
    __builtin_memcpy(dst, ip + 24, sizeof(dst));
    ev->proto = ip[6];
    ev->other_v6 = 1;
    if (inbound_listed_v6(src, ev)) {
        __builtin_memcpy(ev->other, dst, sizeof(dst));
        return 1;
    }
    if (!inbound_listed_v6(dst, ev))
        return 0;
    struct bpf_fib_lookup fib = {.family = AF_INET6, .l4_protocol = ip[6]};
    __builtin_memcpy(&fib.flowinfo, ip, 4);
    fib.flowinfo &= htonl(0x0fffffff); /* traffic class and flow label, as the kernel's */
    __builtin_memcpy(fib.ipv6_src, src, sizeof(src));
    __builtin_memcpy(fib.ipv6_dst, dst, sizeof(dst));
    inbound_ports(&fib, ip + 40, end);
    if (!inbound_routed(ctx, &fib))
        return 0;
    ev->toward = EBPFSHIELD_TOWARD_FORWARDED;
    __builtin_memcpy(ev->other, src, sizeof(src));
    return 1;
}

int inbound_check(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct inboundevent ev = {.ifindex = ctx->ingress_ifindex};
    __u16 proto;
    __u32 off = inbound_ip_offset(data, end, &proto, &ev);
    if (!off || !inbound_listed(ctx, data, end, off, proto, &ev))
        return XDP_PASS;
    if (ev.toward)
        inbound_count_at(EBPFSHIELD_INBOUND_FORWARDED);
    else
        inbound_count(ev.proto);
    ev.dropped = GUARD_REFUSE;
    inbound_report(ctx, &ev);
    return GUARD_REFUSE ? XDP_DROP : XDP_PASS;
}

/* 1 when the IPv4 or IPv6 packet at data + off goes to a feed address: ev gets it, its
 * sender as the other end, the protocol and the feed. */
static inline int leaving_listed(void *data, void *end, __u32 off, __u16 proto,
                                 struct inboundevent *ev)
{
    __u8 *ip = (__u8 *)data + off;
    ev->toward = EBPFSHIELD_TOWARD_LEAVING;
    if (proto == htons(ETH_P_IP)) {
        if ((void *)(ip + 20) > end)
            return 0;
        __u32 dst;
        __builtin_memcpy(&dst, ip + 16, sizeof(dst));
        __builtin_memcpy(ev->other, ip + 12, 4);
        ev->proto = ip[9];
        return inbound_listed_v4(dst, ev);
    }
    if (proto != htons(ETH_P_IPV6) || (void *)(ip + 40) > end)
        return 0;
    __u32 dst[4];
    __builtin_memcpy(dst, ip + 24, sizeof(dst));
    __builtin_memcpy(ev->other, ip + 8, 16);
    ev->other_v6 = 1;
    ev->proto = ip[6];
    return inbound_listed_v6(dst, ev);
}

/* The TC egress program (a TCX link): TC_ACT_SHOT for a packet toward a feed address when
 * GUARD_REFUSE is 1, else TC_ACT_UNSPEC, which lets the interface's next program (another
 * tool's) have its say. */
int leaving_check(struct __sk_buff *skb)
{
    /* a VLAN device's tag is in the packet's metadata here, not in its data */
    struct inboundevent ev = {.ifindex = skb->ifindex, .vlan = skb->vlan_tci & 0x0fff};
    __u16 proto;
    void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
    if ((long)(end - data) < (long)skb->len) { /* the headers maybe beyond the linear part */
        __u32 all = INBOUND_ETH_HLEN + 4 * INBOUND_VLAN_TAGS + 40;
        bpf_skb_pull_data(skb, skb->len < all ? skb->len : all);
        data = (void *)(long)skb->data;
        end = (void *)(long)skb->data_end;
    }
    __u32 off = inbound_ip_offset(data, end, &proto, &ev);
    if (!off || !leaving_listed(data, end, off, proto, &ev))
        return TC_ACT_UNSPEC;
    inbound_count_at(EBPFSHIELD_INBOUND_LEAVING);
    ev.dropped = GUARD_REFUSE;
    inbound_report(skb, &ev);
    return GUARD_REFUSE ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

#endif
