/* Threat feeds: every *.txt of a directory, one IPv4 address or CIDR per line, merged into
 * one sorted array of disjoint intervals searched in O(log n). */
#ifndef EBPFSHIELD_FEEDS_H
#define EBPFSHIELD_FEEDS_H

#include <stdint.h>
#include <stddef.h>

#include "log.h"

struct feed_set;

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

void feeds_free(struct feed_set *set);

#endif
