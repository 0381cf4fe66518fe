/* The width bounds of feed entries and files: a wrong or hostile feed must not cut a host
 * off from the Internet or from its own network. */
#include "threatfeed/width_policy.h"

#include <stdint.h>

#define WIDE_V4_BITS 24      /* an IPv4 /8 */
#define WIDE_V6_BITS 112     /* an IPv6 /16 */
#define WIDE_FILE_V4_BITS 28 /* what one file may cover: 1/16 of IPv4 */
#define WIDE_FILE_V6_BITS 116

/* Wider than an IPv6 /16, or covering more than an IPv4 /8 of the IPv4-mapped block (an
 * IPv6 entry such as ::/80 covers all of IPv4). */
bool feed_is_wide(const struct feed_range *r)
{
    const feed_addr v4_last = FEED_V4_BASE | UINT32_MAX;
    feed_addr lo = r->start > FEED_V4_BASE ? r->start : FEED_V4_BASE;
    feed_addr hi = r->end < v4_last ? r->end : v4_last;
    if (r->end - r->start >= (feed_addr)1 << WIDE_V6_BITS)
        return true;
    return lo <= hi && hi - lo >= (feed_addr)1 << WIDE_V4_BITS;
}

/* Addresses a host talks to itself or its own network with: a wide entry (a bogon list's
 * 10.0.0.0/8) must not cut a host off from them. As IPv4-mapped or IPv6 prefixes. */
static const struct {
    feed_addr net;
    unsigned len;
} special_use[] = {
    {FEED_V4_BASE, 96 + 8},
    {FEED_V4_BASE | 0x0a000000u, 96 + 8},
    {FEED_V4_BASE | 0x64400000u, 96 + 10},
    {FEED_V4_BASE | 0x7f000000u, 96 + 8},
    {FEED_V4_BASE | 0xa9fe0000u, 96 + 16},
    {FEED_V4_BASE | 0xac100000u, 96 + 12},
    {FEED_V4_BASE | 0xc0a80000u, 96 + 16},
    {FEED_V4_BASE | 0xe0000000u, 96 + 4},
    {FEED_V4_BASE | 0xffffffffu, 128},
    {0, 127}, /* :: and ::1 */
    {(feed_addr)0xfe80 << 112, 10},
    {(feed_addr)0xfc00 << 112, 7},
    {(feed_addr)0xff00 << 112, 8},
};

/* Wider than an IPv4 /24 or an IPv6 /48, and over special-use addresses. */
bool feed_wide_over_special_use(const struct feed_range *r)
{
    unsigned bits = feed_addr_is_v4(r->start) ? 8 : 80;
    if (r->end - r->start < (feed_addr)1 << bits)
        return false;
    for (size_t i = 0; i < sizeof(special_use) / sizeof(special_use[0]); i++) {
        unsigned len = special_use[i].len;
        feed_addr last = special_use[i].net | (len == 128 ? 0 : ~(feed_addr)0 >> len);
        if (r->start <= last && r->end >= special_use[i].net)
            return true;
    }
    return false;
}

/* A file may not cover more than 1/16 of IPv4 (or 16 IPv6 /16s) without --allow-wide:
 * 256 /8s would be all of IPv4, each entry within bounds. */
bool feed_file_too_wide(const char *path, feed_addr cover4, feed_addr cover6, struct error *e)
{
    if (cover4 > (feed_addr)1 << WIDE_FILE_V4_BITS)
        error_set(e,
                  "%s: covers %llu IPv4 addresses, more than 1/16 of IPv4, file refused (use "
                  "--allow-wide)",
                  path, (unsigned long long)cover4);
    else if (cover6 > (feed_addr)1 << WIDE_FILE_V6_BITS)
        error_set(e, "%s: covers more than 16 IPv6 /16s, file refused (use --allow-wide)", path);
    else
        return false;
    return true;
}
