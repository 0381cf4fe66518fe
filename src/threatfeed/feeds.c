/* Threat feeds: the directory and allow-list read through trusted_path.h, the ranges
 * merged into labelled disjoint intervals, lookups, and the CIDR tiling for the tries. */
#include "threatfeed/feeds.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/trusted_path.h"

#define ALLOW_FEED UINT32_MAX

struct feed_registry {
    char **names;
    size_t n, cap;
};

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
};

struct feed_registry *feed_registry_new(void)
{
    return calloc(1, sizeof(struct feed_registry));
}

const char *feed_registry_name(const struct feed_registry *reg, uint32_t id)
{
    return reg && id < reg->n ? reg->names[id] : NULL;
}

void feed_registry_free(struct feed_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n; i++)
        free(reg->names[i]);
    free(reg->names);
    free(reg);
}

int64_t feed_registry_id(struct feed_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->n; i++)
        if (strcmp(reg->names[i], name) == 0)
            return (int64_t)i;
    if (reg->n == reg->cap) {
        size_t ncap = reg->cap ? 2 * reg->cap : 16;
        char **nv = reallocarray(reg->names, ncap, sizeof(*nv));
        if (!nv)
            return -1;
        reg->names = nv;
        reg->cap = ncap;
    }
    if (!(reg->names[reg->n] = strdup(name)))
        return -1;
    return (int64_t)reg->n++;
}

/* Feed files by their ending, as the original's *.txt; hidden ones (and the temporary
 * files of update-feeds.sh) are not. */
static bool is_feed_name(const char *name)
{
    static const char *const endings[] = {".txt", ".csv", ".netset", ".ipset"};
    size_t n = strlen(name);
    if (name[0] == '.')
        return false;
    for (size_t i = 0; i < sizeof(endings) / sizeof(endings[0]); i++) {
        size_t k = strlen(endings[i]);
        if (n > k && strcmp(name + n - k, endings[i]) == 0)
            return true;
    }
    return false;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The sorted feed file names of the directory open on dirfd; their count, or -1. */
static ssize_t list_feeds(int dirfd, const char *dir, char ***names, struct error *e)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    size_t n = 0, cap = 0;
    char **v = NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return error_set(e, "feeds: cannot read %s: %s", dir, strerror(errno));
    }
    struct dirent *de;
    for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
        if (!is_feed_name(de->d_name))
            continue;
        if (n == cap) {
            char **nv = reallocarray(v, cap ? 2 * cap : 16, sizeof(*nv));
            if (!nv)
                break;
            v = nv;
            cap = cap ? 2 * cap : 16;
        }
        if (!(v[n] = strdup(de->d_name)))
            break;
        n++;
    }
    int err = errno;
    closedir(d);
    if (err) {
        free_names(v, n);
        return error_set(e, "feeds: cannot read %s: %s", dir, strerror(err));
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_names);
    *names = v;
    return (ssize_t)n;
}

static void say_loaded(const char *path, const struct feed_file_stats *st)
{
    log_note("loaded %zu entries (%zu v4, %zu v6) from %s, %zu lines skipped", st->v4 + st->v6,
             st->v4, st->v6, path, st->skipped);
}

/* Reads one file of the set; -1 only when the load must fail (e says why). */
static int load_feed(int dirfd, const char *dir, const char *name, struct feed_registry *reg,
                     const struct feed_sources *src, struct feed_ranges *ranges,
                     struct feeds_stats *stats, struct error *e)
{
    struct feed_file_stats st;
    struct error why;
    char path[4096 + 256];
    snprintf(path, sizeof(path), "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    int64_t id = feed_registry_id(reg, name);
    if (id < 0)
        return error_set(e, "feeds: %s", strerror(ENOMEM));
    int fd = trusted_openat(dirfd, dir, name, O_RDONLY | O_NONBLOCK, "feed", &why);
    if (fd < 0 && errno == EPERM)
        return error_set(e, "%s", why.msg);
    if (fd < 0 || feed_file_parse(fd, path, (uint32_t)id, src->allow_wide, ranges, &st, &why)) {
        log_warn("%s", why.msg);
        if (fd >= 0)
            close(fd);
        return 0;
    }
    close(fd);
    say_loaded(path, &st);
    stats->files++;
    stats->v4 += st.v4;
    stats->v6 += st.v6;
    return 0;
}

/* The allow-list must be read whole: without it, allowed peers would be cut off. */
static int load_allow(const struct feed_sources *src, struct feed_ranges *allow,
                      struct feeds_stats *stats, struct error *e)
{
    struct feed_file_stats st;
    int fd = trusted_open(src->allow, O_RDONLY | O_NONBLOCK, "allow-list", e);
    if (fd < 0)
        return -1;
    /* No width bound: a wide allowed range blocks nothing. */
    int rc = feed_file_parse(fd, src->allow, ALLOW_FEED, true, allow, &st, e);
    close(fd);
    if (rc == 0) {
        say_loaded(src->allow, &st);
        stats->allowed = st.v4 + st.v6;
    }
    if (rc == 0 && st.skipped)
        return error_set(e, "allow-list %s: %zu line(s) not understood: it must load whole",
                         src->allow, st.skipped);
    return rc;
}

static int load_dir(const struct feed_sources *src, struct feed_registry *reg,
                    struct feed_ranges *ranges, struct feeds_stats *stats, struct error *e)
{
    char **names = NULL;
    int dirfd = trusted_open(src->dir, O_RDONLY | O_DIRECTORY, "feeds", e);
    if (dirfd < 0)
        return -1;
    ssize_t n = list_feeds(dirfd, src->dir, &names, e);
    int rc = n < 0 ? -1 : 0;
    for (ssize_t i = 0; rc == 0 && i < n; i++)
        rc = load_feed(dirfd, src->dir, names[i], reg, src, ranges, stats, e);
    free_names(names, n > 0 ? (size_t)n : 0);
    close(dirfd);
    return rc;
}

static uint8_t byte_of(feed_addr a, unsigned i)
{
    return (uint8_t)(a >> (8 * i));
}

/* Stable LSD radix sort of v by start, skipping the bytes all starts share (an IPv4-only
 * set sorts in 4 passes). */
static int sort_ranges(struct feed_range *v, size_t n)
{
    static size_t count[16][256];
    struct feed_range *tmp = reallocarray(NULL, n, sizeof(*tmp)), *src = v, *dst = tmp;
    if (!tmp)
        return -1;
    memset(count, 0, sizeof(count));
    for (size_t i = 0; i < n; i++)
        for (unsigned b = 0; b < 16; b++)
            count[b][byte_of(v[i].start, b)]++;
    for (unsigned b = 0; b < 16; b++) {
        if (count[b][byte_of(v[0].start, b)] == n)
            continue;
        size_t pos = 0;
        for (unsigned k = 0; k < 256; k++) {
            size_t c = count[b][k];
            count[b][k] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[b][byte_of(src[i].start, b)]++] = src[i];
        struct feed_range *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof(*v));
    free(tmp);
    return 0;
}

/* Appends [start, end] of feed to out (room is there), joining it to the last interval
 * when it continues it with the same label. */
static void emit(struct feed_ranges *out, feed_addr start, feed_addr end, uint32_t feed)
{
    struct feed_range *last = out->n ? &out->v[out->n - 1] : NULL;
    if (last && last->feed == feed && last->end + 1 == start && last->end != ~(feed_addr)0) {
        last->end = end;
        return;
    }
    out->v[out->n++] = (struct feed_range){start, end, feed};
}

/* Sorted ranges (in place) into disjoint intervals: where ranges overlap, the one that
 * started first keeps its label. */
static void disjoint(struct feed_ranges *r)
{
    struct feed_ranges out = {.v = r->v};
    struct feed_range cur = r->v[0];
    /* out.n never passes the index read: each range adds at most one interval. */
    for (size_t i = 1; i < r->n; i++) {
        struct feed_range x = r->v[i];
        if (x.start > cur.end) {
            emit(&out, cur.start, cur.end, cur.feed);
            cur = x;
        } else if (x.end > cur.end && x.feed == cur.feed) {
            cur.end = x.end;
        } else if (x.end > cur.end) {
            emit(&out, cur.start, cur.end, cur.feed);
            cur = (struct feed_range){cur.end + 1, x.end, x.feed};
        }
    }
    emit(&out, cur.start, cur.end, cur.feed);
    r->n = out.n;
}

/* f (disjoint, labelled) less a (disjoint) into out, which has room for f.n + a.n. */
static void subtract(const struct feed_ranges *f, const struct feed_ranges *a,
                     struct feed_ranges *out)
{
    size_t j = 0;
    for (size_t i = 0; i < f->n; i++) {
        feed_addr s = f->v[i].start, end = f->v[i].end;
        bool left = true;
        while (j < a->n && a->v[j].end < s)
            j++;
        for (size_t k = j; left && k < a->n && a->v[k].start <= end; k++) {
            if (a->v[k].start > s)
                emit(out, s, a->v[k].start - 1, f->v[i].feed);
            if (a->v[k].end >= end)
                left = false;
            else
                s = a->v[k].end + 1;
        }
        if (left)
            emit(out, s, end, f->v[i].feed);
    }
}

/* The intervals of the IPv4-mapped block into set->v4, the rest into set->v6. */
static int split_families(struct feed_set *set, const struct feed_ranges *iv)
{
    const feed_addr lo = FEED_V4_BASE, hi = FEED_V4_BASE | UINT32_MAX;
    set->v4 = reallocarray(NULL, iv->n + 1, sizeof(*set->v4));
    set->v6 = reallocarray(NULL, iv->n + 2, sizeof(*set->v6));
    if (!set->v4 || !set->v6)
        return -1;
    struct feed_ranges v6 = {.v = set->v6};
    for (size_t i = 0; i < iv->n; i++) {
        struct feed_range r = iv->v[i];
        if (r.start < lo)
            emit(&v6, r.start, r.end < lo ? r.end : lo - 1, r.feed);
        if (r.end > hi)
            emit(&v6, r.start > hi ? r.start : hi + 1, r.end, r.feed);
        if (r.start <= hi && r.end >= lo)
            set->v4[set->n4++] = (struct iv4){(uint32_t)(r.start < lo ? lo : r.start),
                                              (uint32_t)(r.end > hi ? hi : r.end), r.feed};
    }
    set->n6 = v6.n;
    set->key4 = reallocarray(NULL, set->n4 + 1, sizeof(*set->key4));
    set->key6 = reallocarray(NULL, set->n6 + 1, sizeof(*set->key6));
    if (!set->key4 || !set->key6)
        return -1;
    for (size_t i = 0; i < set->n4; i++)
        set->key4[i] = set->v4[i].start;
    for (size_t i = 0; i < set->n6; i++)
        set->key6[i] = set->v6[i].start;
    return 0;
}

struct cidr_iter {
    const struct feed_set *set;
    bool v6;
    size_t i;
    feed_addr pos;
    bool inside; /* pos is inside interval i */
};

static void cidr_fill(struct feed_cidr *c, bool v6, feed_addr start, unsigned bits, uint32_t feed)
{
    unsigned width = v6 ? 128 : 32;
    *c = (struct feed_cidr){
        .family = v6 ? AF_INET6 : AF_INET, .prefix_len = width - bits, .feed = feed};
    for (unsigned i = 0; i < width / 8; i++)
        c->addr[i] = byte_of(start, width / 8 - 1 - i);
}

/* The next CIDR of the set, IPv4 first, each family in address order; false at the end. */
static bool cidr_next(struct cidr_iter *it, struct feed_cidr *c, feed_addr *start)
{
    for (;;) {
        const struct feed_set *s = it->set;
        if (!s || (it->v6 && it->i >= s->n6))
            return false;
        if (!it->v6 && it->i >= s->n4) {
            *it = (struct cidr_iter){.set = s, .v6 = true};
            continue;
        }
        feed_addr end = it->v6 ? s->v6[it->i].end : s->v4[it->i].end;
        uint32_t feed = it->v6 ? s->v6[it->i].feed : s->v4[it->i].feed;
        if (!it->inside)
            it->pos = it->v6 ? s->v6[it->i].start : s->v4[it->i].start;
        unsigned bits = feed_block_bits(it->pos, end);
        cidr_fill(c, it->v6, it->pos, bits, feed);
        *start = it->pos;
        feed_addr last = bits == 128 ? ~(feed_addr)0 : it->pos + (((feed_addr)1 << bits) - 1);
        it->inside = last != end;
        if (it->inside)
            it->pos = last + 1;
        else
            it->i++;
        return true;
    }
}

static size_t count_cidrs(const struct feed_set *set, bool v6)
{
    struct cidr_iter it = {.set = set, .v6 = v6};
    struct feed_cidr c;
    feed_addr start;
    size_t n = 0;
    while (cidr_next(&it, &c, &start) && (c.family == AF_INET6) == v6)
        n++;
    return n;
}

/* Merges the loaded ranges into set; -1 when out of memory. */
static int build(struct feed_set *set, struct feed_ranges *ranges, struct feed_ranges *allow)
{
    struct feed_ranges iv = {0};
    if (sort_ranges(ranges->v, ranges->n) != 0 ||
        (allow->n && sort_ranges(allow->v, allow->n) != 0))
        return -1;
    disjoint(ranges);
    if (allow->n)
        disjoint(allow);
    iv.v = reallocarray(NULL, ranges->n + allow->n + 1, sizeof(*iv.v));
    if (!iv.v)
        return -1;
    subtract(ranges, allow, &iv);
    int rc = split_families(set, &iv);
    free(iv.v);
    return rc;
}

struct feed_set *feeds_load(const struct feed_sources *src, struct feed_registry *reg,
                            struct error *e)
{
    struct feed_ranges ranges = {0}, allow = {0};
    struct feed_set *set = calloc(1, sizeof(*set));
    int rc = set ? 0 : error_set(e, "feeds: %s", strerror(ENOMEM));
    if (rc == 0 && src->allow)
        rc = load_allow(src, &allow, &set->stats, e);
    if (rc == 0)
        rc = load_dir(src, reg, &ranges, &set->stats, e);
    bool empty = rc == 0 && ranges.n == 0;
    if (empty)
        rc = error_set(e, "no usable feed in %s", src->dir);
    if (rc == 0 && build(set, &ranges, &allow) != 0)
        rc = error_set(e, "feeds: %s", strerror(ENOMEM));
    free(ranges.v);
    free(allow.v);
    if (rc == 0) {
        set->reg = reg;
        set->stats.cidrs4 = count_cidrs(set, false);
        set->stats.cidrs6 = count_cidrs(set, true);
        if (set->stats.cidrs4 > FEEDS_CIDRS_MAX || set->stats.cidrs6 > FEEDS_CIDRS_MAX)
            rc = error_set(e, "feeds in %s need %zu IPv4 and %zu IPv6 CIDRs, more than %u",
                           src->dir, set->stats.cidrs4, set->stats.cidrs6, FEEDS_CIDRS_MAX);
    }
    if (rc != 0) {
        feeds_free(set);
        errno = empty ? ENODATA : EINVAL;
        return NULL;
    }
    return set;
}

void feeds_free(struct feed_set *set)
{
    if (!set)
        return;
    free(set->v4);
    free(set->v6);
    free(set->key4);
    free(set->key6);
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

/* Order of two CIDRs of one tiling: family, then start (starts are unique in a family). */
static int cmp_cidr(const struct feed_cidr *a, feed_addr as, const struct feed_cidr *b,
                    feed_addr bs)
{
    if (a->family != b->family)
        return a->family == AF_INET ? -1 : 1;
    if (as != bs)
        return as < bs ? -1 : 1;
    return (a->prefix_len > b->prefix_len) - (a->prefix_len < b->prefix_len);
}

/* fn for each CIDR of a that b lacks (with the same label too when same_label). */
static int walk_missing(const struct feed_set *a, const struct feed_set *b, bool same_label,
                        feeds_cidr_fn fn, void *ctx)
{
    struct cidr_iter ia = {.set = a}, ib = {.set = b};
    struct feed_cidr ca, cb;
    feed_addr sa, sb;
    bool have_b = cidr_next(&ib, &cb, &sb);
    while (cidr_next(&ia, &ca, &sa)) {
        while (have_b && cmp_cidr(&cb, sb, &ca, sa) < 0)
            have_b = cidr_next(&ib, &cb, &sb);
        if (have_b && cmp_cidr(&cb, sb, &ca, sa) == 0 && (!same_label || cb.feed == ca.feed))
            continue;
        int rc = fn(&ca, ctx);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int feeds_sync(const struct feed_set *old, const struct feed_set *new, feeds_cidr_fn put,
               feeds_cidr_fn del, void *ctx)
{
    int rc = walk_missing(new, old, true, put, ctx);
    return rc ? rc : walk_missing(old, new, false, del, ctx);
}

int feeds_check_file(const char *path, bool allow_wide, struct feed_file_stats *st, struct error *e)
{
    struct feed_ranges r = {0};
    int fd = trusted_open(path, O_RDONLY | O_NONBLOCK, "feed", e);
    if (fd < 0)
        return -1;
    int rc = feed_file_parse(fd, path, 0, allow_wide, &r, st, e);
    close(fd);
    free(r.v);
    if (rc == 0)
        say_loaded(path, st);
    return rc;
}
