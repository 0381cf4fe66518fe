/* The listed and allowed domain names of a feed set, as the kernel's domain table holds
 * them (bpf_text/common/domain_hash.h: one 64-bit key per name, valued with its feed's
 * id or DOMAIN_ALLOWED), and as user space checks a hit: a queried name is listed when
 * it or a name above it is, and none of them is allowed. Names are kept too, so that a
 * hit is confirmed by name, never by key alone. Built whole, replaced whole. */
#ifndef EBPFSHIELD_DOMAIN_SET_H
#define EBPFSHIELD_DOMAIN_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"
#include "common/domain_hash.h"

/* The most names a set may hold (the kernel's table holds twice as many, so that a
 * reload puts the new set in before the old one goes). */
#define DOMAIN_SET_MAX (1u << 21)

/* The run's hash constants, compiled into the kernel programs. */
struct domain_hash {
    uint64_t mult; /* odd */
    uint64_t seed;
};

/* Draws the constants from getrandom(2); 0, or -1 with a message in e. */
int domain_hash_draw(struct domain_hash *h, struct error *e);

/* The table key of a name in wire form (wire_len bytes, the root's 0 last), or of the
 * lower-case dotted name (no trailing dot), as the kernel computes it. */
uint64_t domain_key_wire(const struct domain_hash *h, const uint8_t *wire, size_t wire_len);
uint64_t domain_key_dotted(const struct domain_hash *h, const char *name);

/* Room for a wire name as text: every byte as \DDD, the dots, the NUL. */
#define DOMAIN_TEXT_MAX (4 * DOMAIN_WIRE_MAX + 1)

/* The dotted, lower-case text of a wire name ("." for the root; bytes other than letters,
 * digits, '-' and '_' as \DDD); -1 when wire is not a whole, uncompressed name of at most
 * wire_len bytes. */
int domain_wire_to_text(const uint8_t *wire, size_t wire_len, char out[DOMAIN_TEXT_MAX]);

struct domain_set;

struct domain_set *domain_set_new(const struct domain_hash *h);
void domain_set_free(struct domain_set *s);

/* Adds a lower-case dotted name listed by feed (or allowed: feed DOMAIN_ALLOWED, which
 * wins over any feed). 0, or -1 with a message in e when out of memory or over
 * DOMAIN_SET_MAX. A name listed by two feeds keeps the first. */
int domain_set_add(struct domain_set *s, const char *name, uint32_t feed, struct error *e);

/* Adds every name of from (a sibling of s: the same constants, its keys reused) to s, as
 * domain_set_add would one by one: 0, or -1 with a message in e (s then holds part of
 * from). */
int domain_set_merge(struct domain_set *s, const struct domain_set *from, struct error *e);

/* A new empty set with s's constants, or NULL when out of memory. */
struct domain_set *domain_set_sibling(const struct domain_set *s);

size_t domain_set_listed(const struct domain_set *s);  /* names with a feed */
size_t domain_set_allowed(const struct domain_set *s); /* allowed names */

/* The listed name that name (lower-case dotted) is, or lies under, with its feed; NULL
 * when there is none or an allowed name covers it. */
const char *domain_set_match(const struct domain_set *s, const char *name, uint32_t *feed);

/* At most this many keys a domain_set_sync() callback is given at once. */
#define DOMAIN_SYNC_BATCH 1024

/* n keys (1 to DOMAIN_SYNC_BATCH) and their values. */
typedef int (*domain_keys_fn)(const uint64_t *keys, const uint32_t *values, size_t n, void *ctx);

/* Turns a table holding old's keys (old NULL: none) into one holding next's without a
 * moment of less: put() for the keys of next that old lacks or values otherwise, then,
 * once every put() has returned, del() for those of old that next lacks (with old's
 * values). Keys come in batches, so that a kernel table takes many in one system call.
 * Stops at the first non-zero return and returns it. Both sets must use the same
 * constants. */
int domain_set_sync(const struct domain_set *old, const struct domain_set *next, domain_keys_fn put,
                    domain_keys_fn del, void *ctx);

#endif
