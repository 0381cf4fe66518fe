/* The feed tables written by fd against real kernel tables (created here, no program
 * loaded): map_fd.h's batched update and delete of a hash table (a key that is not there
 * skipped by a delete, the kernel stopping at it), and a set's CIDRs synced into two LPM
 * tries from nothing, then by a reload's thread to another set (feed_reload.h): the tries
 * hold exactly the addresses each feed file was written with. Needs root (CAP_BPF),
 * skipped (77) without it. */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/ebpfshield_events.h"
#include "engine/map_fd.h"
#include "guard/feed_reload.h"
#include "base/log.h"
#include "scratch.h"

static int failures;

static void expect(int ok, const char *what, uint64_t key)
{
    if (!ok) {
        fprintf(stderr, "FAIL: %s (key %llu)\n", what, (unsigned long long)key);
        failures++;
    }
}

static int sys_bpf(int cmd, union bpf_attr *a)
{
    return (int)syscall(__NR_bpf, cmd, a, sizeof(*a));
}

static int create(enum bpf_map_type type, unsigned key, unsigned value, unsigned max)
{
    union bpf_attr a = {.map_type = type, .key_size = key, .value_size = value, .max_entries = max};
    if (type != BPF_MAP_TYPE_ARRAY)
        a.map_flags = BPF_F_NO_PREALLOC;
    int fd = sys_bpf(BPF_MAP_CREATE, &a);
    if (fd < 0) {
        perror("BPF_MAP_CREATE");
        exit(1);
    }
    return fd;
}

/* 0 found (value in *v), 1 not there. */
static int lookup(int fd, const void *key, uint32_t *v)
{
    union bpf_attr a = {.map_fd = (uint32_t)fd, .key = (uintptr_t)key, .value = (uintptr_t)v};
    return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) == 0 ? 0 : 1;
}

static size_t count_keys(int fd, size_t key_size)
{
    unsigned char key[32] = {0}, next[32] = {0};
    union bpf_attr a = {.map_fd = (uint32_t)fd, .next_key = (uintptr_t)next};
    size_t n = 0;
    while (sys_bpf(BPF_MAP_GET_NEXT_KEY, &a) == 0) {
        memcpy(key, next, key_size);
        a.key = (uintptr_t)key;
        n++;
    }
    return n;
}

#define KEYS 3000

static void test_hash_batches(void)
{
    int fd = create(BPF_MAP_TYPE_HASH, 8, 4, 4096);
    static uint64_t keys[KEYS], gone[KEYS / 2 + 3];
    static uint32_t values[KEYS];
    struct error e;
    for (uint32_t i = 0; i < KEYS; i++) {
        keys[i] = 0x9e3779b97f4a7c15ULL * (i + 1);
        values[i] = i;
    }
    expect(map_fd_update_batch(fd, keys, 8, values, 4, MAP_FD_BATCH + 1, &e) != 0,
           "more than a batch refused", 0);
    for (size_t at = 0; at < KEYS; at += MAP_FD_BATCH) {
        size_t n = KEYS - at < MAP_FD_BATCH ? KEYS - at : MAP_FD_BATCH;
        expect(map_fd_update_batch(fd, keys + at, 8, values + at, 4, n, &e) == 0, "update", at);
    }
    for (size_t i = 0; i < KEYS; i++) {
        uint32_t v = UINT32_MAX;
        expect(lookup(fd, &keys[i], &v) == 0 && v == i, "set", keys[i]);
    }
    /* Every even key, with keys never set first, in the middle and last. */
    size_t n = 0;
    gone[n++] = 1;
    for (size_t i = 0; i < KEYS; i += 2) {
        gone[n++] = keys[i];
        if (i == KEYS / 2)
            gone[n++] = 2;
    }
    gone[n++] = 3;
    for (size_t at = 0; at < n; at += MAP_FD_BATCH) {
        size_t m = n - at < MAP_FD_BATCH ? n - at : MAP_FD_BATCH;
        expect(map_fd_delete_batch(fd, gone + at, 8, m, &e) == 0, "delete", at);
    }
    for (size_t i = 0; i < KEYS; i++) {
        uint32_t v;
        expect(lookup(fd, &keys[i], &v) == (i % 2 == 0 ? 1 : 0), i % 2 == 0 ? "deleted" : "kept",
               keys[i]);
    }
    close(fd);
}

/* Feed A lists 10.0.0.0 + 4i for i < V4 (never adjacent: each stays a /32) and V6 IPv6
 * /64s; feed B the upper half of A's IPv4 addresses and V4 / 2 more above them. */
#define V4 5000u
#define V6 300u

static uint32_t addr_a(uint32_t i)
{
    return 0x0a000000u + 4 * i;
}

static void write_feed(const char *dir, const char *name, uint32_t from, uint32_t to, bool v6)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    for (uint32_t i = from; i < to; i++) {
        uint32_t a = addr_a(i);
        fprintf(f, "%u.%u.%u.%u\n", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
    }
    for (uint32_t i = 0; v6 && i < V6; i++)
        fprintf(f, "2001:db8:%x:%x::/64\n", i >> 8, (i & 255) * 2);
    fclose(f);
}

/* The tries hold exactly IPv4 addresses [from, to) and, when v6, the V6 /64s. */
static void expect_tries(const struct feed_tables *t, uint32_t from, uint32_t to, bool v6,
                         const char *when)
{
    expect(count_keys(t->v4, sizeof(struct lpm_v4)) == to - from, when, to - from);
    expect(count_keys(t->v6, sizeof(struct lpm_v6)) == (v6 ? V6 : 0), when, V6);
    for (uint32_t i = from; i < to; i++) {
        struct lpm_v4 k = {.prefixlen = 32, .addr = htonl(addr_a(i))}, near = k;
        near.addr = htonl(addr_a(i) + 1);
        uint32_t feed;
        expect(lookup(t->v4, &k, &feed) == 0 && lookup(t->v4, &near, &feed) == 1, when, i);
    }
}

static struct feed_set *load(const struct feed_sources *src, struct feed_registry *reg)
{
    struct error e;
    struct feed_set *set = feeds_load(src, reg, &e);
    if (!set) {
        fprintf(stderr, "FAIL: %s\n", e.msg);
        exit(1);
    }
    return set;
}

static void test_sync_and_reload(void)
{
    char dir[256];
    scratch_dir_create(dir, sizeof(dir), "ebpfshield-feed-tables");
    struct feed_tables t = {.v4 = create(BPF_MAP_TYPE_LPM_TRIE, sizeof(struct lpm_v4), 4, 4 * V4),
                            .v6 = create(BPF_MAP_TYPE_LPM_TRIE, sizeof(struct lpm_v6), 4, 4 * V6),
                            .names = create(BPF_MAP_TYPE_HASH, 8, 4, 16),
                            .names_checked = create(BPF_MAP_TYPE_ARRAY, 4, 4, 1)};
    struct feed_sources src = {.dir = dir};
    struct feed_registry *reg = feed_registry_new();
    struct error e;
    write_feed(dir, "a.txt", 0, V4, true);
    struct feed_set *a = load(&src, reg);
    expect(feed_tables_sync(&t, NULL, a, &e) == 0, "sync from nothing", 0);
    expect_tries(&t, 0, V4, true, "feed A in the tries");

    char a_path[512];
    snprintf(a_path, sizeof(a_path), "%s/a.txt", dir);
    unlink(a_path);
    write_feed(dir, "b.txt", V4 / 2, V4 + V4 / 2, false);
    struct feed_reload *r;
    expect(feed_reload_start(&r, &src, reg, &t, a, &e) == 0, "reload started", 0);
    for (int waited = 0; !feed_reload_done(r) && waited < 30000; waited++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    expect(feed_reload_done(r), "reload done within 30 s", 0);
    struct feed_set *b = feed_reload_end(r, &e);
    expect(b != NULL, "reload's set", 0);
    expect_tries(&t, V4 / 2, V4 + V4 / 2, false, "feed B in the tries after the reload");
    uint32_t zero = 0, checked = 1;
    expect(lookup(t.names_checked, &zero, &checked) == 0 && checked == 0, "no name to check", 0);

    feeds_free(a);
    feeds_free(b);
    feed_registry_free(reg);
    scratch_dir_remove(dir);
}

int main(void)
{
    if (geteuid() != 0) {
        puts("skipped: creating a kernel table needs root");
        return 77;
    }
    test_hash_batches();
    test_sync_and_reload();
    if (failures)
        return 1;
    puts("ok: batched updates and deletes; a set into the tries, then a reload's in a thread");
    return 0;
}
