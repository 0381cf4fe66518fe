/* Private to threatfeed/: the layout of a loaded set, shared by its builders (feed_load.c,
 * ip_intervals.c), its readers (feed_set.c, cidr_tiling.c) and feed_sync.c. */
#ifndef EBPFSHIELD_FEED_INTERNAL_H
#define EBPFSHIELD_FEED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "threatfeed/feeds.h"

#define ALLOW_FEED UINT32_MAX /* the label of allow-list entries */

struct iv4 {
    uint32_t start, end, feed;
};

struct feed_set {
    const struct feed_registry *reg;
    struct iv4 *v4; /* sorted, disjoint */
    size_t n4;
    struct feed_range *v6; /* sorted, disjoint, outside the IPv4-mapped block */
    size_t n6;
    uint32_t *key4; /* the starts alone, searched: fewer cache lines than the intervals */
    feed_addr *key6;
    struct feeds_stats stats;
    struct domain_set *names; /* never NULL in a loaded set */
};

/* Byte i of a, from the least significant. */
static inline uint8_t feed_addr_byte(feed_addr a, unsigned i)
{
    return (uint8_t)(a >> (8 * i));
}

/* Appends [start, end] of feed to out (room is there), joining it to the last interval
 * when it continues it with the same label. */
void feed_interval_append(struct feed_ranges *out, feed_addr start, feed_addr end, uint32_t feed);

/* The ranges of the feeds (sorted and merged in place) less those of the allow-list (the
 * same) as disjoint labelled intervals, into out (caller frees out->v); -1 when out of
 * memory. */
int feed_intervals(struct feed_ranges *ranges, struct feed_ranges *allow, struct feed_ranges *out);

/* Fills set's intervals and search keys from disjoint intervals; -1 when out of memory
 * (what was allocated is the set's, for feeds_free). */
int feed_set_index(struct feed_set *set, const struct feed_ranges *iv);

/* The number of CIDRs that tile set's intervals of one family. */
size_t feed_set_count_cidrs(const struct feed_set *set, bool v6);

/* A walk over the CIDRs that tile a set, IPv4 first, each family in address order. */
struct cidr_iter {
    const struct feed_set *set;
    bool v6;
    size_t i;
    feed_addr pos;
    bool inside; /* pos is inside interval i */
};

/* The next CIDR into *c and its first address into *start; false at the end. */
bool feed_cidr_next(struct cidr_iter *it, struct feed_cidr *c, feed_addr *start);

#endif
