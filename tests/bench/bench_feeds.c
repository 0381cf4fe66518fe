/* Benchmark of the threat-feed loader and lookups (not a test). Build and run from the
 * source tree:
 *   gcc -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Isrc -Ibpf_text -Itests/unit \
 *       $(find src/threatfeed -name '*.c') src/base/trusted_path.c src/base/log.c \
 *       src/base/big_array.c src/base/text.c tests/bench/bench_feeds.c -o /tmp/bench_feeds
 *   /tmp/bench_feeds
 * Writes random feeds (fixed seed) to a private directory, then prints for each scenario
 * the entries written and loaded (MISMATCH when they differ), the time to parse and
 * merge them (best of LOADS), the time to tile them into the kernel's CIDRs, and the time
 * per lookup of random IPv4 and IPv6 addresses. */
#include "threatfeed/feeds.h"
#include "scratch.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#define LOOKUPS 4000000u
#define LOADS 3

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: reproducible and fast enough not to weigh on the figures. */
static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static FILE *open_feed(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fprintf(f, "# benchmark feed\n");
    return f;
}

static void close_feed(FILE *f)
{
    if (fclose(f) != 0) {
        perror("fclose");
        exit(1);
    }
}

/* count IPv4 entries, prefix lengths from min_len to 32 (none wider than a /8). */
static size_t write_v4(const char *dir, const char *name, unsigned count, unsigned min_len)
{
    FILE *f = open_feed(dir, name);
    for (unsigned i = 0; i < count; i++) {
        unsigned len = min_len + rnd() % (33 - min_len);
        uint32_t a = rnd() & (len ? UINT32_MAX << (32 - len) : 0);
        fprintf(f, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
        fprintf(f, len == 32 ? "\n" : "/%u\n", len);
    }
    close_feed(f);
    return count;
}

/* count IPv6 entries in 2001:db8::/32 and 2a00::/12, prefix lengths 48 to 128. */
static size_t write_v6(const char *dir, const char *name, unsigned count)
{
    FILE *f = open_feed(dir, name);
    for (unsigned i = 0; i < count; i++) {
        unsigned len = 48 + rnd() % 81;
        fprintf(f, "%s:%x:%x:%x:%x:%x:%x/%u\n", i % 2 ? "2001:db8" : "2a0f:1", rnd() & 0xffff,
                rnd() & 0xffff, rnd() & 0xffff, rnd() & 0xffff, rnd() & 0xffff, rnd() & 0xffff,
                len);
    }
    close_feed(f);
    return count;
}

static int count_cidr(const struct feed_cidr *c, void *ctx)
{
    (void)c;
    ++*(size_t *)ctx;
    return 0;
}

struct keys {
    uint32_t *v4;
    uint8_t (*v6)[16];
};

/* Random keys; half of the IPv6 ones inside the benchmark's prefixes, so that the search
 * goes deep. */
static struct keys make_keys(void)
{
    struct keys k = {malloc(LOOKUPS * sizeof(*k.v4)), malloc(LOOKUPS * sizeof(*k.v6))};
    if (!k.v4 || !k.v6) {
        perror("malloc");
        exit(1);
    }
    for (unsigned i = 0; i < LOOKUPS; i++) {
        k.v4[i] = rnd();
        for (int b = 0; b < 16; b += 4) {
            uint32_t r = rnd();
            memcpy(k.v6[i] + b, &r, 4);
        }
        k.v6[i][0] = 0x20;
        k.v6[i][1] = i % 2 ? 0x01 : 0x0f;
        k.v6[i][2] = i % 2 ? 0x0d : 0x00;
        k.v6[i][3] = i % 2 ? 0xb8 : 0x01;
    }
    return k;
}

static void run_scenario(const char *label, const char *dir, size_t written, const struct keys *k)
{
    struct feed_registry *reg = feed_registry_new();
    /* Speed, not policy: random wide entries must not be refused for width. */
    struct feed_sources src = {.dir = dir, .allow_wide = true};
    struct feed_set *set = NULL;
    struct error e;
    double best = 1e9;
    for (int i = 0; i < LOADS; i++) {
        feeds_free(set);
        double t0 = now();
        set = feeds_load(&src, reg, &e);
        double t = now() - t0;
        best = t < best ? t : best;
    }
    if (!set) {
        fprintf(stderr, "%s: nothing loaded: %s\n", label, e.msg);
        exit(1);
    }
    struct feeds_stats st = feeds_stats(set);
    size_t cidrs = 0, hits4 = 0, hits6 = 0;
    double t0 = now();
    feeds_sync(NULL, set, count_cidr, count_cidr, &cidrs);
    double tile = now() - t0;
    t0 = now();
    for (unsigned i = 0; i < LOOKUPS; i++)
        hits4 += feeds_lookup4(set, k->v4[i]) != NULL;
    double look4 = now() - t0;
    t0 = now();
    for (unsigned i = 0; i < LOOKUPS; i++)
        hits6 += feeds_lookup6(set, k->v6[i]) != NULL;
    double look6 = now() - t0;
    printf("%-36s written %8zu loaded %8zu%s  load %6.1f ms  tile %6.1f ms (%zu CIDRs)  "
           "lookup v4 %5.1f ns v6 %5.1f ns  hits %zu/%zu\n",
           label, written, st.v4 + st.v6, written == st.v4 + st.v6 ? "" : " MISMATCH", best * 1e3,
           tile * 1e3, cidrs, look4 / LOOKUPS * 1e9, look6 / LOOKUPS * 1e9, hits4, hits6);
    feeds_free(set);
    feed_registry_free(reg);
}

static void make_dir(char *dir, size_t len, const char *root, const char *name)
{
    snprintf(dir, len, "%s/%s", root, name);
    if (mkdir(dir, 0700) != 0) {
        perror(dir);
        exit(1);
    }
}

int main(void)
{
    char root[4096], dir[4200];
    struct rusage ru;
    struct keys k = make_keys();
    log_set_stream(fopen("/dev/null", "w")); /* the summary line of every load */
    scratch_dir_create(root, sizeof(root), "bench_feeds");

    make_dir(dir, sizeof(dir), root, "hosts4");
    run_scenario("1M random IPv4 /32, 1 feed", dir, write_v4(dir, "hosts.txt", 1000000, 32), &k);

    make_dir(dir, sizeof(dir), root, "nets6");
    run_scenario("1M random IPv6 /48-/128, 1 feed", dir, write_v6(dir, "nets6.txt", 1000000), &k);

    /* Overlapping feeds: the merge has to label every split piece. */
    make_dir(dir, sizeof(dir), root, "mixed");
    size_t n = write_v4(dir, "a.txt", 100000, 32) + write_v4(dir, "b.txt", 10000, 8) +
               write_v4(dir, "c.txt", 100000, 16) + write_v4(dir, "d.txt", 1000000, 24) +
               write_v6(dir, "e.txt", 100000);
    run_scenario("1.31M entries, 5 overlapping feeds", dir, n, &k);

    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %ld MiB (incl. %u lookup keys of each family)\n", ru.ru_maxrss / 1024,
           LOOKUPS);
    free(k.v4);
    free(k.v6);
    scratch_dir_remove(root);
    return 0;
}
