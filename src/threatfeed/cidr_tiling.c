/* The fewest CIDRs that tile a set's intervals, as the kernel's LPM tries hold them. */
#include "threatfeed/feed_internal.h"

#include <sys/socket.h>

static void cidr_fill(struct feed_cidr *c, bool v6, feed_addr start, unsigned bits, uint32_t feed)
{
    unsigned width = v6 ? 128 : 32;
    *c = (struct feed_cidr){
        .family = v6 ? AF_INET6 : AF_INET, .prefix_len = width - bits, .feed = feed};
    for (unsigned i = 0; i < width / 8; i++)
        c->addr[i] = feed_addr_byte(start, width / 8 - 1 - i);
}

bool feed_cidr_next(struct cidr_iter *it, struct feed_cidr *c, feed_addr *start)
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

size_t feed_set_count_cidrs(const struct feed_set *set, bool v6)
{
    struct cidr_iter it = {.set = set, .v6 = v6};
    struct feed_cidr c;
    feed_addr start;
    size_t n = 0;
    while (feed_cidr_next(&it, &c, &start) && (c.family == AF_INET6) == v6)
        n++;
    return n;
}
