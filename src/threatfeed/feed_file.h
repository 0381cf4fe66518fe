/* One feed file (or the allow-list) read into address ranges. Formats, one entry per line:
 * an IPv4 or IPv6 address, a CIDR (host bits are masked), a range "a-b"; Spamhaus DROP
 * ("1.10.16.0/20 ; SBL256894"), FireHOL netsets, DShield's block list ("start<TAB>end
 * <TAB>bits..."), Tor's exit list ("ExitAddress <ip> <date>"), and CSV files whose header
 * (which may be a comment, as in abuse.ch's) names a "dst_ip" or "ip" column. Comments
 * start with # or ;. Lines that are none of these are skipped with a warning, at most
 * FEED_WARNINGS_MAX per file, then a count; a summary line ends each file. */
#ifndef EBPFSHIELD_FEED_FILE_H
#define EBPFSHIELD_FEED_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"

#define FEED_LINE_MAX 4096                /* bytes, without the line break */
#define FEED_FILE_MAX ((size_t)256 << 20) /* bytes */
#define FEED_WARNINGS_MAX 10
#define FEED_FILE_CIDRS_MAX (1u << 21) /* what one file's entries may take in a trie */

/* An address as a number: IPv6 as is, IPv4 as its IPv4-mapped IPv6 address ::ffff:a.b.c.d,
 * so that both kinds sort and merge together. */
typedef unsigned __int128 feed_addr;

#define FEED_V4_BASE (((feed_addr)0xffff) << 32)

static inline bool feed_addr_is_v4(feed_addr a)
{
    return (a >> 32) == 0xffff;
}

static inline unsigned feed_trailing_zeros(feed_addr a)
{
    uint64_t lo = (uint64_t)a, hi = (uint64_t)(a >> 64);
    return lo ? (unsigned)__builtin_ctzll(lo) : hi ? 64u + (unsigned)__builtin_ctzll(hi) : 128u;
}

static inline unsigned feed_floor_log2(feed_addr a) /* a > 0 */
{
    uint64_t hi = (uint64_t)(a >> 64);
    return hi ? 127u - (unsigned)__builtin_clzll(hi) : 63u - (unsigned)__builtin_clzll((uint64_t)a);
}

/* Bits of the largest aligned block at start that stays inside [start, end]. */
static inline unsigned feed_block_bits(feed_addr start, feed_addr end)
{
    if (end - start == ~(feed_addr)0)
        return 128;
    unsigned by_size = feed_floor_log2(end - start + 1), by_alignment = feed_trailing_zeros(start);
    return by_size < by_alignment ? by_size : by_alignment;
}

/* The number of CIDRs that tile [start, end]. */
static inline size_t feed_cidr_count(feed_addr start, feed_addr end)
{
    size_t n = 1;
    for (unsigned bits;
         (bits = feed_block_bits(start, end)) < 128 && start + (((feed_addr)1 << bits) - 1) != end;
         n++)
        start += (feed_addr)1 << bits;
    return n;
}

/* Every address from start to end, listed by feed. */
struct feed_range {
    feed_addr start, end;
    uint32_t feed;
};

struct feed_ranges {
    struct feed_range *v;
    size_t n, cap;
};

struct feed_file_stats {
    size_t v4, v6;  /* entries accepted */
    size_t skipped; /* lines that are not an entry, a comment, a header or blank */
    size_t names;   /* domain names accepted (domain_line.h) */
};

struct domain_set;

/* Appends the entries of the regular file open on fd (named path in messages) to out,
 * labelled feed, and its domain names to names (NULL: domain lines are not entries). Entries wider
 * than an IPv4 /8 or an IPv6 /16 are skipped unless allow_wide, and so are entries wider than an
 * IPv4 /24 or an IPv6 /48 over loopback, private, link-local or multicast addresses. Returns 0, or
 * -1 with a message in e and out as it was, when the file is refused: larger than FEED_FILE_MAX, a
 * line longer than FEED_LINE_MAX, entries needing more than FEED_FILE_CIDRS_MAX CIDRs, names over
 * DOMAIN_SET_MAX in the set (which keeps those added), covering more than
 * 1/16 of IPv4 (unless allow_wide), a read error or no memory. */
int feed_file_parse(int fd, const char *path, uint32_t feed, bool allow_wide,
                    struct feed_ranges *out, struct domain_set *names, struct feed_file_stats *st,
                    struct error *e);

#endif
