/* sample_batch: samples added out of time order (as two CPUs' rings are read one after
 * the other) come out oldest first, equal times in the order added, bytes intact; a batch
 * that fills flushes itself first; a sample larger than the batch goes straight through,
 * after what was held; flush empties it. */
#include "check.h"
#include "engine/sample_batch.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SEEN_MAX 64

struct seen {
    int count;
    char text[SEEN_MAX][32];
};

static void record(void *ctx, const void *data, size_t size)
{
    struct seen *s = ctx;
    if (s->count < SEEN_MAX)
        snprintf(s->text[s->count], sizeof(s->text[0]), "%.*s", (int)size, (const char *)data);
    s->count++;
}

static void add(struct sample_batch *b, uint64_t ts, const char *text)
{
    sample_batch_add(b, ts, text, strlen(text));
}

int main(void)
{
    struct seen s = {0};
    struct sample_batch *b = sample_batch_new(1 << 20, record, &s);
    if (!b)
        return 2;

    /* CPU 1's ring (a query at 10, another at 30), then CPU 0's (answers at 20 and 40). */
    add(b, 10, "query 1");
    add(b, 30, "query 2");
    add(b, 20, "answer 1");
    add(b, 40, "answer 2");
    add(b, 20, "answer 1 again"); /* same time: after the first */
    CHECK_INT(s.count, 0);        /* nothing before the flush */
    sample_batch_flush(b);
    CHECK_INT(s.count, 5);
    CHECK_STR(s.text[0], "query 1");
    CHECK_STR(s.text[1], "answer 1");
    CHECK_STR(s.text[2], "answer 1 again");
    CHECK_STR(s.text[3], "query 2");
    CHECK_STR(s.text[4], "answer 2");
    sample_batch_flush(b);
    CHECK_INT(s.count, 5); /* emptied */

    /* 1,000 samples in reverse order through several buffer growths. */
    s.count = 0;
    char text[32];
    for (int i = 999; i >= 0; i--) {
        snprintf(text, sizeof(text), "%04d", i);
        add(b, (uint64_t)i, text);
    }
    sample_batch_flush(b);
    CHECK_INT(s.count, 1000);
    int in_order = 1;
    for (int i = 0; i < SEEN_MAX; i++) {
        snprintf(text, sizeof(text), "%04d", i);
        in_order &= strcmp(s.text[i], text) == 0;
    }
    CHECK(in_order);
    sample_batch_free(b);

    /* A batch of 16 bytes: the third 6-byte sample flushes the first two; a 20-byte one
     * goes straight through after what is held. */
    s = (struct seen){0};
    if (!(b = sample_batch_new(16, record, &s)))
        return 2;
    add(b, 5, "late-a");
    add(b, 1, "early");
    add(b, 0, "third!");
    CHECK_INT(s.count, 2);
    CHECK_STR(s.text[0], "early");
    CHECK_STR(s.text[1], "late-a");
    add(b, 9, "twenty bytes sample!");
    CHECK_INT(s.count, 4);
    CHECK_STR(s.text[2], "third!");
    CHECK_STR(s.text[3], "twenty bytes sample!");
    sample_batch_free(b);
    sample_batch_free(NULL);
    CHECK_DONE();
}
