/* A set's CIDRs into the LPM tries and its names into the domain table, in batches. */
#include "guard/feed_tables.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/ebpfshield_events.h"
#include "engine/map_fd.h"

/* The CIDRs of one family waiting for one batch call. */
struct trie_batch {
    int fd;
    size_t key_size, n;
    union {
        struct lpm_v4 v4[MAP_FD_BATCH];
        struct lpm_v6 v6[MAP_FD_BATCH];
    } keys;
    uint32_t feeds[MAP_FD_BATCH];
};

struct trie_sync {
    struct trie_batch v4, v6;
    bool put; /* what the batches wait for: puts, or deletes */
    struct error *e;
};

static int flush(struct trie_batch *b, bool put, struct error *e)
{
    size_t n = b->n;
    b->n = 0;
    if (put)
        return map_fd_update_batch(b->fd, &b->keys, b->key_size, b->feeds, sizeof(b->feeds[0]), n,
                                   e);
    return map_fd_delete_batch(b->fd, &b->keys, b->key_size, n, e);
}

static int flush_both(struct trie_sync *s)
{
    int rc = flush(&s->v4, s->put, s->e);
    return rc ? rc : flush(&s->v6, s->put, s->e);
}

/* c into its family's batch, whose call goes when full or when the other kind of change
 * starts (every put has returned before the first delete). */
static int add(const struct feed_cidr *c, struct trie_sync *s, bool put)
{
    if (put != s->put) {
        if (flush_both(s) != 0)
            return -1;
        s->put = put;
    }
    struct trie_batch *b = c->family == AF_INET ? &s->v4 : &s->v6;
    if (c->family == AF_INET) {
        b->keys.v4[b->n] = (struct lpm_v4){.prefixlen = c->prefix_len};
        memcpy(&b->keys.v4[b->n].addr, c->addr, sizeof(b->keys.v4[0].addr));
    } else {
        b->keys.v6[b->n] = (struct lpm_v6){.prefixlen = c->prefix_len};
        memcpy(b->keys.v6[b->n].addr, c->addr, sizeof(b->keys.v6[0].addr));
    }
    b->feeds[b->n++] = c->feed;
    return b->n == MAP_FD_BATCH ? flush(b, put, s->e) : 0;
}

static int put_cidr(const struct feed_cidr *c, void *ctx)
{
    return add(c, ctx, true);
}

static int del_cidr(const struct feed_cidr *c, void *ctx)
{
    return add(c, ctx, false);
}

struct names_sync {
    int fd;
    struct error *e;
};

static int put_names(const uint64_t *keys, const uint32_t *values, size_t n, void *ctx)
{
    struct names_sync *s = ctx;
    return map_fd_update_batch(s->fd, keys, sizeof(*keys), values, sizeof(*values), n, s->e);
}

static int del_names(const uint64_t *keys, const uint32_t *values, size_t n, void *ctx)
{
    (void)values;
    struct names_sync *s = ctx;
    return map_fd_delete_batch(s->fd, keys, sizeof(*keys), n, s->e);
}

int feed_tables_sync(const struct feed_tables *t, const struct feed_set *old,
                     const struct feed_set *new, struct error *e)
{
    struct trie_sync *s = malloc(sizeof(*s)); /* about 50 KiB of batches */
    if (!s)
        return error_set(e, "feeds: %s", strerror(ENOMEM));
    *s = (struct trie_sync){.v4 = {.fd = t->v4, .key_size = sizeof(struct lpm_v4)},
                            .v6 = {.fd = t->v6, .key_size = sizeof(struct lpm_v6)},
                            .put = true,
                            .e = e};
    int rc = feeds_sync(old, new, put_cidr, del_cidr, s);
    if (rc == 0)
        rc = flush_both(s);
    free(s);
    struct names_sync ns = {.fd = t->names, .e = e};
    if (rc == 0)
        rc = domain_set_sync(old ? feeds_domains(old) : NULL, feeds_domains(new), put_names,
                             del_names, &ns);
    uint32_t zero = 0, checked = domain_set_listed(feeds_domains(new)) > 0;
    return rc != 0 ? rc : map_fd_update(t->names_checked, &zero, &checked, e);
}
