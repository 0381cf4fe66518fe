/* libFuzzer target: a feed file (untrusted: downloaded lists) loaded from a directory
 * beside a fixed feed, once as it is and once as the allow-list too; both sets are looked
 * up, tiled into CIDRs and synced one into the other, then freed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "threatfeed/feeds.h"

static char dir[64], path[96], allow[96];

static int count(const struct feed_cidr *c, void *ctx)
{
    (void)c;
    ++*(size_t *)ctx;
    return 0;
}

static void write_file(const char *name, const void *data, size_t size)
{
    FILE *f = fopen(name, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

static void setup(void)
{
    static const char base[] = "10.0.0.0/8\n192.0.2.0-192.0.2.77\n2001:db8::/32\n";
    snprintf(dir, sizeof(dir), "/tmp/fuzz_feeds.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof(path), "%s/feed.txt", dir);
    snprintf(allow, sizeof(allow), "%s/allow", dir);
    char base_path[96];
    snprintf(base_path, sizeof(base_path), "%s/base.txt", dir);
    write_file(base_path, base, sizeof(base) - 1);
    log_set_stream(fopen("/dev/null", "w")); /* a warning per bad line would drown the run */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
    if (!dir[0])
        setup();
    write_file(path, data, size);
    write_file(allow, data, size);
    struct feed_registry *reg = feed_registry_new();
    struct feed_sources plain = {.dir = dir}, allowed = {.dir = dir, .allow = allow};
    struct error e;
    struct feed_set *a = feeds_load(&plain, reg, &e), *b = feeds_load(&allowed, reg, &e);
    size_t n = 0;
    feeds_lookup4(a, 0x0a000001u);
    feeds_lookup6(b, v6);
    feeds_sync(NULL, a, count, count, &n);
    feeds_sync(a, b, count, count, &n);
    feeds_sync(b, NULL, count, count, &n);
    feeds_free(a);
    feeds_free(b);
    feed_registry_free(reg);
    return 0;
}
