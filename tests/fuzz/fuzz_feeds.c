/* libFuzzer target: a feed file (untrusted: downloaded lists) loaded from a directory,
 * then looked up, tiled into CIDRs and freed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "feeds.h"

static char dir[64], path[96];

static void count(uint32_t addr, unsigned prefix_len, uint32_t feed, void *ctx)
{
    (void)addr;
    (void)prefix_len;
    (void)feed;
    ++*(size_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/fuzz_feeds.XXXXXX");
        if (!mkdtemp(dir))
            abort();
        snprintf(path, sizeof(path), "%s/feed.txt", dir);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    struct error e;
    struct feed_set *set = feeds_load_dir(dir, &e);
    if (set) {
        size_t n = 0, n6;
        feeds_lookup(set, 0x7f000002u);
        feeds_foreach_cidr4(set, count, &n);
        feeds_v6(set, &n6);
        feeds_free(set);
    }
    return 0;
}
