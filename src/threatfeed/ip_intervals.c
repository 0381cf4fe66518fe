/* Interval algebra on feed ranges: sorted, merged into disjoint intervals that keep the
 * label of the range that started first, and the allow-list subtracted. */
#include "threatfeed/feed_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/big_array.h"

/* Stable LSD radix sort of v by start, skipping the bytes all starts share (an IPv4-only
 * set sorts in 4 passes). */
static int sort_ranges(struct feed_range *v, size_t n)
{
    if (n < 2) /* sorted; and a set of names alone has no range at all */
        return 0;
    size_t count[16][256]; /* 32 KiB: on the stack, so that a reload's thread may sort too */
    struct feed_range *tmp = big_reallocarray(NULL, n, sizeof(*tmp)), *src = v, *dst = tmp;
    if (!tmp)
        return -1;
    memset(count, 0, sizeof(count));
    for (size_t i = 0; i < n; i++)
        for (unsigned b = 0; b < 16; b++)
            count[b][feed_addr_byte(v[i].start, b)]++;
    for (unsigned b = 0; b < 16; b++) {
        if (count[b][feed_addr_byte(v[0].start, b)] == n)
            continue;
        size_t pos = 0;
        for (unsigned k = 0; k < 256; k++) {
            size_t c = count[b][k];
            count[b][k] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[b][feed_addr_byte(src[i].start, b)]++] = src[i];
        struct feed_range *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof(*v));
    free(tmp);
    return 0;
}

void feed_interval_append(struct feed_ranges *out, feed_addr start, feed_addr end, uint32_t feed)
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
            feed_interval_append(&out, cur.start, cur.end, cur.feed);
            cur = x;
        } else if (x.end > cur.end && x.feed == cur.feed) {
            cur.end = x.end;
        } else if (x.end > cur.end) {
            feed_interval_append(&out, cur.start, cur.end, cur.feed);
            cur = (struct feed_range){cur.end + 1, x.end, x.feed};
        }
    }
    feed_interval_append(&out, cur.start, cur.end, cur.feed);
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
                feed_interval_append(out, s, a->v[k].start - 1, f->v[i].feed);
            if (a->v[k].end >= end)
                left = false;
            else
                s = a->v[k].end + 1;
        }
        if (left)
            feed_interval_append(out, s, end, f->v[i].feed);
    }
}

int feed_intervals(struct feed_ranges *ranges, struct feed_ranges *allow, struct feed_ranges *out)
{
    if (sort_ranges(ranges->v, ranges->n) != 0 ||
        (allow->n && sort_ranges(allow->v, allow->n) != 0))
        return -1;
    disjoint(ranges);
    if (allow->n)
        disjoint(allow);
    out->v = big_reallocarray(NULL, ranges->n + allow->n + 1, sizeof(*out->v));
    if (!out->v)
        return -1;
    subtract(ranges, allow, out);
    return 0;
}
