/* A loaded set: its intervals apart by family, searched for lookups, its figures. */
#include "threatfeed/feed_internal.h"

#include <stdlib.h>

#include "base/big_array.h"

/* The intervals of the IPv4-mapped block into set->v4, the rest into set->v6. */
int feed_set_index(struct feed_set *set, const struct feed_ranges *iv)
{
    const feed_addr lo = FEED_V4_BASE, hi = FEED_V4_BASE | UINT32_MAX;
    set->v4 = big_reallocarray(NULL, iv->n + 1, sizeof(*set->v4));
    set->v6 = big_reallocarray(NULL, iv->n + 2, sizeof(*set->v6));
    if (!set->v4 || !set->v6)
        return -1;
    struct feed_ranges v6 = {.v = set->v6};
    for (size_t i = 0; i < iv->n; i++) {
        struct feed_range r = iv->v[i];
        if (r.start < lo)
            feed_interval_append(&v6, r.start, r.end < lo ? r.end : lo - 1, r.feed);
        if (r.end > hi)
            feed_interval_append(&v6, r.start > hi ? r.start : hi + 1, r.end, r.feed);
        if (r.start <= hi && r.end >= lo)
            set->v4[set->n4++] = (struct iv4){(uint32_t)(r.start < lo ? lo : r.start),
                                              (uint32_t)(r.end > hi ? hi : r.end), r.feed};
    }
    set->n6 = v6.n;
    set->key4 = big_reallocarray(NULL, set->n4 + 1, sizeof(*set->key4));
    set->key6 = big_reallocarray(NULL, set->n6 + 1, sizeof(*set->key6));
    if (!set->key4 || !set->key6)
        return -1;
    for (size_t i = 0; i < set->n4; i++)
        set->key4[i] = set->v4[i].start;
    for (size_t i = 0; i < set->n6; i++)
        set->key6[i] = set->v6[i].start;
    return 0;
}

void feeds_free(struct feed_set *set)
{
    if (!set)
        return;
    free(set->v4);
    free(set->v6);
    free(set->key4);
    free(set->key6);
    domain_set_free(set->names);
    free(set);
}

/* The index of the last key <= x (keys sorted), or SIZE_MAX: a branchless binary search
 * that prefetches both of its next probes. */
#define LAST_LE(type)                                                                              \
    static size_t last_le_##type(const type *key, size_t n, type x)                                \
    {                                                                                              \
        const type *base = key;                                                                    \
        if (n == 0 || key[0] > x)                                                                  \
            return SIZE_MAX;                                                                       \
        while (n > 1) {                                                                            \
            size_t half = n / 2;                                                                   \
            __builtin_prefetch(base + half / 2);                                                   \
            __builtin_prefetch(base + half + half / 2);                                            \
            base = base[half] <= x ? base + half : base;                                           \
            n -= half;                                                                             \
        }                                                                                          \
        return (size_t)(base - key);                                                               \
    }
LAST_LE(uint32_t)
LAST_LE(feed_addr)

const char *feeds_lookup4(const struct feed_set *set, uint32_t addr)
{
    size_t i = set ? last_le_uint32_t(set->key4, set->n4, addr) : SIZE_MAX;
    if (i == SIZE_MAX || set->v4[i].end < addr)
        return NULL;
    return feed_registry_name(set->reg, set->v4[i].feed);
}

const char *feeds_lookup6(const struct feed_set *set, const uint8_t addr[16])
{
    feed_addr a = 0;
    for (int i = 0; i < 16; i++)
        a = a << 8 | addr[i];
    if (feed_addr_is_v4(a))
        return feeds_lookup4(set, (uint32_t)a);
    size_t i = set ? last_le_feed_addr(set->key6, set->n6, a) : SIZE_MAX;
    if (i == SIZE_MAX || set->v6[i].end < a)
        return NULL;
    return feed_registry_name(set->reg, set->v6[i].feed);
}

struct feeds_stats feeds_stats(const struct feed_set *set)
{
    return set ? set->stats : (struct feeds_stats){0};
}

const struct domain_set *feeds_domains(const struct feed_set *set)
{
    return set->names;
}
