#include "engine/sample_batch.h"

#include <stdlib.h>
#include <string.h>

struct item {
    uint64_t ts;
    size_t seq; /* order added: the tie-break that keeps the sort stable */
    size_t off, size;
};

struct sample_batch {
    sample_fn fn;
    void *ctx;
    size_t max_bytes;
    unsigned char *bytes;
    size_t used, cap;
    struct item *items;
    size_t count, items_cap;
};

struct sample_batch *sample_batch_new(size_t max_bytes, sample_fn fn, void *ctx)
{
    struct sample_batch *b = calloc(1, sizeof(*b));
    if (b)
        *b = (struct sample_batch){.fn = fn, .ctx = ctx, .max_bytes = max_bytes};
    return b;
}

/* Room for n more bytes and one more item. */
static int make_room(struct sample_batch *b, size_t n)
{
    if (b->used + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64 * 1024;
        while (cap < b->used + n)
            cap *= 2;
        unsigned char *bytes = realloc(b->bytes, cap);
        if (!bytes)
            return -1;
        b->bytes = bytes;
        b->cap = cap;
    }
    if (b->count == b->items_cap) {
        size_t cap = b->items_cap ? 2 * b->items_cap : 256;
        struct item *items = realloc(b->items, cap * sizeof(*items));
        if (!items)
            return -1;
        b->items = items;
        b->items_cap = cap;
    }
    return 0;
}

void sample_batch_add(struct sample_batch *b, uint64_t ts, const void *data, size_t size)
{
    if (b->used + size > b->max_bytes)
        sample_batch_flush(b);
    if (size > b->max_bytes || make_room(b, size) != 0) {
        sample_batch_flush(b); /* what came before goes first */
        b->fn(b->ctx, data, size);
        return;
    }
    memcpy(b->bytes + b->used, data, size);
    b->items[b->count] = (struct item){.ts = ts, .seq = b->count, .off = b->used, .size = size};
    b->count++;
    b->used += size;
}

static int by_time(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void sample_batch_flush(struct sample_batch *b)
{
    if (b->count > 1)
        qsort(b->items, b->count, sizeof(*b->items), by_time);
    for (size_t i = 0; i < b->count; i++)
        b->fn(b->ctx, b->bytes + b->items[i].off, b->items[i].size);
    b->count = 0;
    b->used = 0;
}

void sample_batch_free(struct sample_batch *b)
{
    if (!b)
        return;
    free(b->bytes);
    free(b->items);
    free(b);
}
