/* The feeds as LPM tries, shared by every program of the guard's text: the connect and
 * send hooks look up destinations (connect_guard.h), the XDP program sources
 * (inbound_guard.h). An IPv6 address that carries an IPv4 one (NAT64, 6to4,
 * IPv4-compatible) is looked up in the IPv4 trie too. Needs GUARD_V4_ENTRIES and
 * GUARD_V6_ENTRIES (the tries' sizes), and GUARD_NAT64_LOCAL where --nat64-prefix is set. */
#ifndef EBPFSHIELD_FEED_TRIES_H
#define EBPFSHIELD_FEED_TRIES_H

#include "common/ebpfshield_events.h"

BPF_LPM_TRIE(feeds_v4, struct lpm_v4, __u32, GUARD_V4_ENTRIES);
BPF_LPM_TRIE(feeds_v6, struct lpm_v6, __u32, GUARD_V6_ENTRIES);

/* 1 when daddr (network order) is in a feed; *feed is its index. */
static inline int feed_of_v4(__u32 daddr, __u32 *feed)
{
    struct lpm_v4 key = {.prefixlen = 32, .addr = daddr};
    __u32 *found = feeds_v4.lookup(&key);
    if (!found)
        return 0;
    *feed = *found;
    return 1;
}

static inline int feed_of_v6(const __u8 *addr, __u32 *feed)
{
    struct lpm_v6 key = {.prefixlen = 128};
    __builtin_memcpy(key.addr, addr, sizeof(key.addr));
    __u32 *found = feeds_v6.lookup(&key);
    if (!found)
        return 0;
    *feed = *found;
    return 1;
}

/* The IPv4 address an IPv6 one carries, by the conventions that reach an IPv4 host
 * through it: NAT64's well-known prefix 64:ff9b::/96 (RFC 6052; a translator sends to
 * the IPv4 host), 6to4's 2002:AABB:CCDD::/48 (RFC 3056) and the IPv4-compatible ::/96
 * (RFC 4291, deprecated; :: and ::1 excluded). 1 and *v4 (network order) when one does. */
static inline int embedded_v4(const __u32 w[4], __u32 *v4)
{
#ifdef GUARD_NAT64_LOCAL
    const __u32 local[3] = {GUARD_NAT64_LOCAL}; /* --nat64-prefix, as loaded from memory */
    if (w[0] == local[0] && w[1] == local[1] && w[2] == local[2]) {
        *v4 = w[3];
        return 1;
    }
#endif
    __u32 w0 = ntohl(w[0]);
    if (w0 >> 16 == 0x2002) {
        *v4 = htonl(w0 << 16 | ntohl(w[1]) >> 16);
        return 1;
    }
    if ((w0 != 0 && w0 != 0x0064ff9b) || w[1] != 0 || w[2] != 0 || (w0 == 0 && ntohl(w[3]) <= 1))
        return 0;
    *v4 = w[3];
    return 1;
}

/* 1 when the IPv6 address w is in a feed, or carries an IPv4 address that is. */
static inline int feed_of_v6_any(const __u32 w[4], __u32 *feed)
{
    __u32 v4;
    return feed_of_v6((const __u8 *)w, feed) || (embedded_v4(w, &v4) && feed_of_v4(v4, feed));
}

#endif
