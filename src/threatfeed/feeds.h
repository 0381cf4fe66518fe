/* Threat feeds: the feed files of a directory (feed_file.h gives the formats) less an
 * allow-list, merged into disjoint address intervals, each labelled with a feed that
 * lists it; searched in O(log n), and tiled into the fewest CIDRs for the kernel's tries.
 * A set is built whole and replaced whole: a reload loads a new set and syncs the tries
 * from the old one to it. */
#ifndef EBPFSHIELD_FEEDS_H
#define EBPFSHIELD_FEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "threatfeed/domain_set.h"
#include "threatfeed/feed_file.h"
#include "base/log.h"

/* The most CIDRs of one family a set may need (the kernel's tries hold twice as many,
 * so that a reload can put the new set in before it takes the old one out). */
#define FEEDS_CIDRS_MAX (1u << 22)

/* The feed file names seen since start, by id: an id in a trie or an event keeps its
 * name across reloads. */
struct feed_registry;

struct feed_registry *feed_registry_new(void);
/* The id of name, added when new; -1 when out of memory. */
int64_t feed_registry_id(struct feed_registry *reg, const char *name);
/* The name of feed id, or NULL. */
const char *feed_registry_name(const struct feed_registry *reg, uint32_t id);
void feed_registry_free(struct feed_registry *reg);

/* Where a set comes from. */
struct feed_sources {
    const char *dir;   /* its *.txt, *.csv, *.netset, *.ipset, *.hosts and *.rpz files, hidden
                        * ones left out */
    const char *allow; /* an allow-list in the same formats, or NULL: it wins over every feed */
    bool allow_wide;   /* accept entries wider than an IPv4 /8 or an IPv6 /16 */
    const struct domain_hash *names; /* the keys of domain names (NULL: names are skipped) */
};

struct feed_set;

/* Loads a set, naming its feeds in reg (which must outlive it). The directory, every feed
 * file and the allow-list are opened by trusted_path.h's rules: one that another user
 * could change fails the load. A feed file that cannot be read or is over a bound is
 * skipped with a warning; each file read prints its summary line. Returns NULL with a
 * message in e when the load fails, the allow-list cannot be read whole, no feed holds an
 * entry (errno ENODATA; EINVAL for the others) or a family needs more than FEEDS_CIDRS_MAX
 * CIDRs. */
struct feed_set *feeds_load(const struct feed_sources *src, struct feed_registry *reg,
                            struct error *e);
void feeds_free(struct feed_set *set);

/* Reads one file as a feed, by the same rules, into *st and prints its summary line:
 * 0, or -1 with a message in e when it is refused (for --check-feed). */
int feeds_check_file(const char *path, bool allow_wide, struct feed_file_stats *st,
                     struct error *e);

/* The name of a feed that lists addr, or NULL (an allowed address is listed by none). */
const char *feeds_lookup4(const struct feed_set *set, uint32_t addr); /* host order */
const char *feeds_lookup6(const struct feed_set *set, const uint8_t addr[16]);

struct feeds_stats {
    size_t files;          /* feed files loaded */
    size_t v4, v6;         /* entries read from them */
    size_t allowed;        /* entries of the allow-list */
    size_t cidrs4, cidrs6; /* what the tries need */
    size_t names;          /* domain names listed (domain_set.h) */
    size_t names_allowed;  /* domain names allowed (--allow, exceptions) */
};

struct feeds_stats feeds_stats(const struct feed_set *set);

/* The set's domain names (empty when its sources took none). */
const struct domain_set *feeds_domains(const struct feed_set *set);

/* One CIDR of a set; addr in network order (IPv4 in its first 4 bytes). */
struct feed_cidr {
    int family; /* AF_INET or AF_INET6 */
    unsigned prefix_len;
    uint32_t feed;
    uint8_t addr[16];
};

typedef int (*feeds_cidr_fn)(const struct feed_cidr *c, void *ctx);

/* Turns a trie holding old's CIDRs (old NULL: none) into one holding new's without a
 * moment of less: put() for each CIDR of new that old lacks or labels otherwise, then
 * del() for each of old that new lacks. Stops at the first non-zero return and returns it. */
int feeds_sync(const struct feed_set *old, const struct feed_set *new, feeds_cidr_fn put,
               feeds_cidr_fn del, void *ctx);

#endif
