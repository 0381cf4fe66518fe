/* A reload's changes to the tries: the CIDRs of the new set the old one lacks, then those
 * of the old one the new set lacks, found by walking both tilings in step. */
#include "threatfeed/feed_internal.h"

#include <sys/socket.h>

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
    bool have_b = feed_cidr_next(&ib, &cb, &sb);
    while (feed_cidr_next(&ia, &ca, &sa)) {
        while (have_b && cmp_cidr(&cb, sb, &ca, sa) < 0)
            have_b = feed_cidr_next(&ib, &cb, &sb);
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
