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

#include "log.h"

#define FEED_LINE_MAX 4096                /* bytes, without the line break */
#define FEED_FILE_MAX ((size_t)256 << 20) /* bytes */
#define FEED_WARNINGS_MAX 10

/* An address as a number: IPv6 as is, IPv4 as its IPv4-mapped IPv6 address ::ffff:a.b.c.d,
 * so that both kinds sort and merge together. */
typedef unsigned __int128 feed_addr;

#define FEED_V4_BASE (((feed_addr)0xffff) << 32)

static inline bool feed_addr_is_v4(feed_addr a)
{
    return (a >> 32) == 0xffff;
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
};

/* Appends the entries of the regular file open on fd (named path in messages) to out,
 * labelled feed. Entries wider than an IPv4 /8 or an IPv6 /16 are skipped unless
 * allow_wide. Returns 0, or -1 with a message in e and out as it was, when the file is
 * refused: larger than FEED_FILE_MAX, a line longer than FEED_LINE_MAX, a read error or
 * no memory. */
int feed_file_parse(int fd, const char *path, uint32_t feed, bool allow_wide,
                    struct feed_ranges *out, struct feed_file_stats *st, struct error *e);

#endif
