/* Benchmark of the threat-feed loader and lookup (not a test). Build and run from the
 * source tree:
 *   gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Isrc -Itests/unit src/feeds.c \
 *       tests/bench/bench_feeds.c -o /tmp/bench_feeds && /tmp/bench_feeds
 * Writes random feeds (fixed seed) to a mkdtemp() directory, then prints for each scenario
 * the load time, the merged interval count and random lookups per second. */
#include "feeds.h"
#include "scratch.h"

#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#define LOOKUPS 10000000u
#define LOADS 5

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

static void print_ip(FILE *f, uint32_t a)
{
    fprintf(f, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

/* Writes count random entries to dir/name, prefix lengths drawn from [min_len, 32]. */
static void write_feed(const char *dir, const char *name, unsigned count, unsigned min_len)
{
    char path[4200];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fprintf(f, "# benchmark feed\n");
    for (unsigned i = 0; i < count; i++) {
        unsigned len = min_len + rnd() % (33 - min_len);
        uint32_t mask = len ? UINT32_MAX << (32 - len) : 0;

        print_ip(f, rnd() & mask);
        fprintf(f, len == 32 ? "\n" : "/%u\n", len);
    }
    if (fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void run_scenario(const char *label, const char *dir, const uint32_t *addrs, size_t *peak)
{
    struct feed_set *set = NULL;
    struct error e;
    double t0 = now(), load, look;
    size_t hits = 0;

    for (int i = 0; i < LOADS; i++) {
        feeds_free(set);
        set = feeds_load_dir(dir, &e);
    }
    load = (now() - t0) / LOADS;
    if (!set) {
        fprintf(stderr, "%s: nothing loaded: %s\n", label, e.msg);
        exit(1);
    }
    t0 = now();
    for (unsigned i = 0; i < LOOKUPS; i++)
        hits += feeds_lookup(set, addrs[i]) != NULL;
    look = now() - t0;
    printf("%-34s files %zu  intervals %8zu  load %7.2f ms  lookups %6.1f M/s  hits %zu\n", label,
           feeds_file_count(set), feeds_interval_count(set), load * 1e3, LOOKUPS / look / 1e6,
           hits);
    if (feeds_interval_count(set) > *peak)
        *peak = feeds_interval_count(set);
    feeds_free(set);
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0700) != 0) {
        perror(path);
        exit(1);
    }
}

int main(void)
{
    uint32_t *addrs = malloc(LOOKUPS * sizeof(*addrs));
    char root[4096], dir[4200];
    size_t peak = 0;
    struct rusage ru;

    if (!addrs) {
        perror("bench_feeds");
        return 1;
    }
    scratch_dir_create(root, sizeof(root), "bench_feeds");
    for (unsigned i = 0; i < LOOKUPS; i++)
        addrs[i] = rnd();

    snprintf(dir, sizeof(dir), "%s/hosts", root);
    make_dir(dir);
    write_feed(dir, "hosts.txt", 100000, 32);
    run_scenario("100k random /32s, 1 feed", dir, addrs, &peak);

    snprintf(dir, sizeof(dir), "%s/cidrs", root);
    make_dir(dir);
    write_feed(dir, "cidrs.txt", 10000, 16);
    run_scenario("10k random CIDRs /16-/32, 1 feed", dir, addrs, &peak);

    /* Overlapping feeds: the sweep has to label every split segment. */
    snprintf(dir, sizeof(dir), "%s/mixed", root);
    make_dir(dir);
    write_feed(dir, "a.txt", 100000, 32);
    write_feed(dir, "b.txt", 10000, 8);
    write_feed(dir, "c.txt", 100000, 16);
    write_feed(dir, "d.txt", 1000000, 24);
    run_scenario("1.21M entries, 4 overlapping feeds", dir, addrs, &peak);

    getrusage(RUSAGE_SELF, &ru);
    printf("peak interval count %zu, peak RSS %ld MiB (incl. %u lookup keys)\n", peak,
           ru.ru_maxrss / 1024, LOOKUPS);
    free(addrs);
    scratch_dir_remove(root);
    return 0;
}
