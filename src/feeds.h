/* Threat feeds: every *.txt of a directory, one IPv4 or IPv6 address or CIDR per line. The
 * IPv4 entries are merged into one sorted array of disjoint intervals searched in
 * O(log n), each labelled with the first feed (in load order) that holds it. */
#ifndef EBPFSHIELD_FEEDS_H
#define EBPFSHIELD_FEEDS_H

#include <stdint.h>
#include <stddef.h>

#include "log.h"

struct feed_set;

/* An IPv6 network of a feed (host bits cleared). */
struct feed_net6 {
    uint8_t addr[16];
    uint8_t prefix_len;
    uint32_t feed; /* index in load order */
};

/* One IPv4 CIDR: addr (host order) / prefix_len, of feed (index in load order). */
typedef void (*feeds_cidr4_fn)(uint32_t addr, unsigned prefix_len, uint32_t feed, void *ctx);

/* Loads every *.txt in dir (sorted by name). Lines that are not an address, a CIDR, a
 * comment or blank are warned about as "file:line: reason" and skipped, and so are files
 * that cannot be read. Returns NULL with a message in e when the directory cannot be read
 * or holds no usable entry. */
struct feed_set *feeds_load_dir(const char *dir, struct error *e);

/* Returns the file name (basename) of the first feed, in load order, that holds addr
 * (host byte order), or NULL. */
const char *feeds_lookup(const struct feed_set *set, uint32_t addr);

/* Number of disjoint intervals after merging; for messages and benchmarks. */
size_t feeds_interval_count(const struct feed_set *set);
size_t feeds_file_count(const struct feed_set *set);

/* The merged IPv4 intervals as disjoint CIDRs (the fewest that tile them), in address
 * order, to fn when it is not NULL; returns their number. */
size_t feeds_foreach_cidr4(const struct feed_set *set, feeds_cidr4_fn fn, void *ctx);

/* The IPv6 networks, in load order; *count is their number. */
const struct feed_net6 *feeds_v6(const struct feed_set *set, size_t *count);

void feeds_free(struct feed_set *set);

#endif
