/* domain_set: which queried names a set of listed and allowed names covers (table), the
 * keys the kernel walk computes (every suffix of a wire name, in any letter case, has the
 * key of its lower-case dotted text), and a sync that never leaves the table with less
 * than one of the two sets. */
#include "check.h"
#include "threatfeed/domain_set.h"

#include <stdlib.h>
#include <string.h>

static const struct domain_hash hash = {.mult = 0x9e3779b97f4a7c15ULL, .seed = 42};

static void test_match(void)
{
    struct error e;
    struct domain_set *s = domain_set_new(&hash);
    CHECK(domain_set_add(s, "evil.example", 3, &e) == 0);
    CHECK(domain_set_add(s, "ads.example.com", 4, &e) == 0);
    CHECK(domain_set_add(s, "good.ads.example.com", DOMAIN_ALLOWED, &e) == 0);
    CHECK(domain_set_add(s, "evil.example", 9, &e) == 0); /* the first feed stays */
    CHECK(domain_set_add(s, "both.example", 5, &e) == 0);
    CHECK(domain_set_add(s, "both.example", DOMAIN_ALLOWED, &e) == 0);
    CHECK_INT(domain_set_listed(s), 2);
    CHECK_INT(domain_set_allowed(s), 2);
    static const struct {
        const char *query, *listed;
        uint32_t feed;
    } cases[] = {
        {"evil.example", "evil.example", 3},
        {"a.b.evil.example", "evil.example", 3},
        {"notevil.example", NULL, 0},
        {"example", NULL, 0},
        {"ads.example.com", "ads.example.com", 4},
        {"x.ads.example.com", "ads.example.com", 4},
        {"good.ads.example.com", NULL, 0},
        {"x.good.ads.example.com", NULL, 0},
        {"both.example", NULL, 0},
        {"evil.example.org", NULL, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t feed = 0;
        const char *got = domain_set_match(s, cases[i].query, &feed);
        if (cases[i].listed) {
            CHECK_STR(got, cases[i].listed);
            CHECK_INT(feed, cases[i].feed);
        } else if (got) {
            fprintf(stderr, "%s: listed as %s, want none\n", cases[i].query, got);
            check_failures++;
        }
    }
    domain_set_free(s);
}

/* The wire form of a dotted name, letters in the case given. */
static size_t wire_of(const char *name, uint8_t *wire)
{
    size_t n = 0;
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        wire[n++] = (uint8_t)len;
        memcpy(wire + n, name, len);
        n += len;
        name += len + (dot != NULL);
    }
    wire[n++] = 0;
    return n;
}

static void test_keys(void)
{
    static const char *const names[] = {"a.b.evil.example", "EVIL.Example", "x", "a-b_c.d0"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        uint8_t wire[DOMAIN_WIRE_MAX];
        size_t n = wire_of(names[i], wire);
        char lower[256], text[DOMAIN_TEXT_MAX];
        size_t j = 0;
        for (; names[i][j]; j++)
            lower[j] =
                (char)(names[i][j] >= 'A' && names[i][j] <= 'Z' ? names[i][j] + 32 : names[i][j]);
        lower[j] = '\0';
        /* Each suffix (from each length byte) has its dotted text's key. */
        for (size_t at = 0; at < n - 1; at += (size_t)wire[at] + 1) {
            CHECK(domain_wire_to_text(wire + at, n - at, text) == 0);
            CHECK_INT(domain_key_wire(&hash, wire + at, n - at) == domain_key_dotted(&hash, text),
                      1);
        }
        CHECK(domain_wire_to_text(wire, n, text) == 0);
        CHECK_STR(text, lower);
    }
    /* Labels are length-prefixed: "ab.c" and "a.bc" differ. */
    CHECK(domain_key_dotted(&hash, "ab.c") != domain_key_dotted(&hash, "a.bc"));
    uint8_t bad[] = {3, 'a', 'b'};
    char text[DOMAIN_TEXT_MAX];
    CHECK(domain_wire_to_text(bad, sizeof(bad), text) == -1);
    uint8_t pointer[] = {0xc0, 12, 0};
    CHECK(domain_wire_to_text(pointer, sizeof(pointer), text) == -1);
    /* A '.' inside a label, a line break, a NUL: escaped, never a forged line. */
    uint8_t odd[] = {3, 'a', '.', 'B', 2, '\n', 0, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
    CHECK(domain_wire_to_text(odd, sizeof(odd), text) == 0);
    CHECK_STR(text, "a\\046b.\\010\\000.example");
    /* The longest text: 255 wire bytes of escaped bytes fit. */
    uint8_t wide[255];
    for (size_t i = 0; i < 254; i += 64) {
        size_t len = 254 - i - 1 < 63 ? 254 - i - 1 : 63;
        wide[i] = (uint8_t)len;
        memset(wide + i + 1, 0xff, len);
    }
    wide[254] = 0;
    CHECK(domain_wire_to_text(wide, sizeof(wide), text) == 0);
    CHECK(strlen(text) < DOMAIN_TEXT_MAX);
}

/* The table the sync callbacks keep: key -> value, with a check that it never lacks a
 * name both sets list (the gap a reload must not open). */
struct table {
    uint64_t keys[64];
    uint32_t values[64];
    size_t n;
    uint64_t must[4];
    size_t must_n, gaps;
};

static void put_one(struct table *t, uint64_t key, uint32_t value)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->keys[i] == key) {
            t->values[i] = value;
            return;
        }
    t->keys[t->n] = key;
    t->values[t->n++] = value;
}

static int put(const uint64_t *keys, const uint32_t *values, size_t n, void *ctx)
{
    for (size_t i = 0; i < n; i++)
        put_one(ctx, keys[i], values[i]);
    return 0;
}

static void del_one(struct table *t, uint64_t key)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->keys[i] == key) {
            t->keys[i] = t->keys[--t->n];
            t->values[i] = t->values[t->n];
        }
    for (size_t m = 0; m < t->must_n; m++) {
        int found = 0;
        for (size_t i = 0; i < t->n; i++)
            found |= t->keys[i] == t->must[m];
        t->gaps += !found;
    }
}

static int del(const uint64_t *keys, const uint32_t *values, size_t n, void *ctx)
{
    (void)values;
    for (size_t i = 0; i < n; i++)
        del_one(ctx, keys[i]);
    return 0;
}

static void test_sync(void)
{
    struct error e;
    struct domain_set *a = domain_set_new(&hash), *b = domain_set_new(&hash);
    const char *in_a[] = {"stays.example", "goes.example", "moves.example"};
    for (size_t i = 0; i < 3; i++)
        CHECK(domain_set_add(a, in_a[i], 1, &e) == 0);
    CHECK(domain_set_add(b, "stays.example", 1, &e) == 0);
    CHECK(domain_set_add(b, "moves.example", 2, &e) == 0);
    CHECK(domain_set_add(b, "new.example", DOMAIN_ALLOWED, &e) == 0);
    struct table t = {.must = {domain_key_dotted(&hash, "stays.example")}, .must_n = 1};
    CHECK(domain_set_sync(NULL, a, put, del, &t) == 0);
    CHECK_INT(t.n, 3);
    CHECK(domain_set_sync(a, b, put, del, &t) == 0);
    CHECK_INT(t.n, 3);
    CHECK_INT(t.gaps, 0);
    for (size_t i = 0; i < t.n; i++) {
        if (t.keys[i] == domain_key_dotted(&hash, "moves.example"))
            CHECK_INT(t.values[i], 2);
        CHECK(t.keys[i] != domain_key_dotted(&hash, "goes.example"));
    }
    domain_set_free(a);
    domain_set_free(b);
}

/* Batches: none empty or over DOMAIN_SYNC_BATCH, every key once, every put before the
 * first del (a reload's new names are all in before an old one goes). */
struct batches {
    size_t puts, dels, calls, bad_sizes, puts_after_del;
    uint64_t key_sum;
};

static int count_puts(const uint64_t *keys, const uint32_t *values, size_t n, void *ctx)
{
    (void)values;
    struct batches *b = ctx;
    b->calls++;
    b->bad_sizes += n == 0 || n > DOMAIN_SYNC_BATCH;
    b->puts_after_del += b->dels > 0;
    b->puts += n;
    for (size_t i = 0; i < n; i++)
        b->key_sum += keys[i];
    return 0;
}

static int count_dels(const uint64_t *keys, const uint32_t *values, size_t n, void *ctx)
{
    (void)values;
    struct batches *b = ctx;
    b->calls++;
    b->bad_sizes += n == 0 || n > DOMAIN_SYNC_BATCH;
    b->dels += n;
    for (size_t i = 0; i < n; i++)
        b->key_sum -= keys[i];
    return 0;
}

static int fail_second(const uint64_t *keys, const uint32_t *values, size_t n, void *ctx)
{
    (void)keys;
    (void)values;
    (void)n;
    return ++*(int *)ctx == 2 ? 7 : 0;
}

static void test_sync_batches(void)
{
    struct error e;
    struct domain_set *a = domain_set_new(&hash), *b = domain_set_new(&hash);
    char name[64];
    /* a: n0 .. n2999; b: n1000 .. n5499 (n1000 .. n1999 with another feed). */
    uint64_t put_keys = 0, del_keys = 0;
    for (int i = 0; i < 5500; i++) {
        snprintf(name, sizeof(name), "n%d.example", i);
        if (i < 3000)
            CHECK(domain_set_add(a, name, 1, &e) == 0);
        if (i >= 1000)
            CHECK(domain_set_add(b, name, i < 2000 ? 2 : 1, &e) == 0);
        if (i < 1000)
            del_keys += domain_key_dotted(&hash, name);
        else if (i < 2000 || i >= 3000)
            put_keys += domain_key_dotted(&hash, name);
    }
    struct batches got = {0};
    CHECK(domain_set_sync(NULL, b, count_puts, count_dels, &got) == 0);
    CHECK_INT(got.puts, 4500);
    CHECK_INT(got.calls, (4500 + DOMAIN_SYNC_BATCH - 1) / DOMAIN_SYNC_BATCH);
    got = (struct batches){0};
    CHECK(domain_set_sync(a, b, count_puts, count_dels, &got) == 0);
    CHECK_INT(got.puts, 3500); /* 1,000 revalued, 2,500 new */
    CHECK_INT(got.dels, 1000);
    CHECK_INT(got.bad_sizes, 0);
    CHECK_INT(got.puts_after_del, 0);
    CHECK(got.key_sum == put_keys - del_keys);
    int calls = 0;
    CHECK_INT(domain_set_sync(NULL, b, fail_second, count_dels, &calls), 7);
    CHECK_INT(calls, 2); /* stopped at the failing batch */
    domain_set_free(a);
    domain_set_free(b);
}

static void test_many(void)
{
    struct error e;
    struct domain_set *s = domain_set_new(&hash);
    char name[64];
    for (int i = 0; i < 100000; i++) {
        snprintf(name, sizeof(name), "n%d.example", i);
        CHECK(domain_set_add(s, name, (uint32_t)(i % 7), &e) == 0);
    }
    CHECK_INT(domain_set_listed(s), 100000);
    uint32_t feed = 99;
    CHECK_STR(domain_set_match(s, "www.n99999.example", &feed), "n99999.example");
    CHECK_INT(feed, 99999 % 7);
    CHECK(domain_set_match(s, "n100000.example", &feed) == NULL);
    domain_set_free(s);
}

int main(void)
{
    test_match();
    test_keys();
    test_sync();
    test_sync_batches();
    test_many();
    CHECK_DONE();
}
