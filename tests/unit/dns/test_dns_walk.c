/* dns_walk on messages built to cost ldns dearly (compression-pointer chains and loops, in
 * owner names and in rdata name fields) and on their legitimate neighbours, which must
 * still decode; dns_decode_message on the flood message. */
#include "check.h"
#include "dns/dns_decode.h"
#include "dns/dns_walk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MSG_MAX 65535

struct msg {
    uint8_t b[MSG_MAX];
    size_t n;
};

static void put(struct msg *m, const void *data, size_t len)
{
    memcpy(m->b + m->n, data, len);
    m->n += len;
}

static void put16(struct msg *m, unsigned v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(m, b, 2);
}

static void pointer(struct msg *m, size_t target)
{
    put16(m, 0xc000u | (unsigned)target);
}

/* A header with the four counts; QR set for a response. */
static void header(struct msg *m, int qr, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
    m->n = 0;
    put16(m, 0x1234);
    put16(m, qr ? 0x8180 : 0x0100);
    put16(m, qd);
    put16(m, an);
    put16(m, ns);
    put16(m, ar);
}

static void set16(struct msg *m, size_t at, unsigned v)
{
    m->b[at] = (uint8_t)(v >> 8);
    m->b[at + 1] = (uint8_t)v;
}

static const uint8_t example[] = "\1a\7example\4test"; /* and its root byte */

/* An answer record's head: its owner the question's name (at 12), type, class IN, TTL
 * 300 and rdlength; its rdata follows. */
static void answer_head(struct msg *m, unsigned type, unsigned rdlength)
{
    pointer(m, 12);
    put16(m, type);
    put16(m, 1);
    put16(m, 0);
    put16(m, 300);
    put16(m, rdlength);
}

static int walk(const struct msg *m, const char **why)
{
    struct dns_layout layout;
    *why = NULL;
    return dns_walk(m->b, m->n, &layout, why);
}

static void check_refused(const struct msg *m, const char *reason)
{
    const char *why;
    CHECK_INT(walk(m, &why), -1);
    CHECK(why != NULL && strstr(why, reason) != NULL);
    if (why && !strstr(why, reason))
        fprintf(stderr, "  why: %s\n", why);
}

static void test_chains(void)
{
    struct msg *m = malloc(sizeof(*m));
    /* A chain of links cannot sit between records: it is reached through one question
     * whose name is a pointer to the chain's end, the chain placed in the rdata of a
     * record of a private type (opaque data to ldns, never decompressed). */
    for (unsigned hops = 126; hops <= 128; hops++) {
        header(m, 1, 1, 1, 0, 0);
        size_t name_at = m->n;
        put(m, example, sizeof(example));
        put16(m, 1);
        put16(m, 1);
        put(m, "\0", 1); /* the record: root owner, type 65280, class 1, TTL */
        put16(m, 65280);
        put16(m, 1);
        put16(m, 0);
        put16(m, 300);
        size_t rdlen_at = m->n;
        put16(m, 0);
        size_t rdata = m->n;
        size_t prev = name_at;
        for (unsigned i = 0; i + 1 < hops; i++) {
            size_t here = m->n;
            pointer(m, prev);
            prev = here;
        }
        set16(m, rdlen_at, (unsigned)(m->n - rdata));
        set16(m, 6, 2); /* a second answer: CNAME whose target is the chain's end */
        put(m, "\xc0\x0c", 2);
        put16(m, 5);
        put16(m, 1);
        put16(m, 0);
        put16(m, 300);
        put16(m, 2);
        pointer(m, prev);
        const char *why;
        /* the CNAME's name: one pointer to the chain's end, then hops - 1 links */
        if (hops <= DNS_WALK_HOPS_MAX) {
            CHECK_INT(walk(m, &why), 0);
        } else {
            check_refused(m, "more than 127 compression pointers");
        }
    }
    free(m);
}

/* Loops: a pointer to itself, two pointers to each other, in an owner name and in a name
 * field of rdata (MX: after its 2-byte preference); the same bytes in a record of a private
 * type are data, not a name. */
static void test_loops(void)
{
    struct msg *m = malloc(sizeof(*m));
    header(m, 0, 1, 0, 0, 0);
    pointer(m, 12);
    put16(m, 1);
    put16(m, 1);
    check_refused(m, "loop");

    header(m, 0, 2, 0, 0, 0);
    pointer(m, 18); /* question 1 at 12: to question 2's name */
    put16(m, 1);
    put16(m, 1);
    pointer(m, 12); /* question 2 at 18: back to question 1's */
    put16(m, 1);
    put16(m, 1);
    check_refused(m, "loop");

    for (int mx = 0; mx < 2; mx++) {
        header(m, 1, 1, 1, 0, 0);
        put(m, example, sizeof(example));
        put16(m, mx ? 15 : 65280);
        put16(m, 1);
        answer_head(m, mx ? 15 : 65280, 4);
        size_t at = m->n;
        put16(m, 10);       /* MX: its preference */
        pointer(m, at + 2); /* MX: a name pointing to itself */
        if (mx) {
            check_refused(m, "loop");
        } else {
            const char *why;
            CHECK_INT(walk(m, &why), 0);
        }
    }
    free(m);
}

/* A name made longer than 255 bytes by a prefix in front of a target the walk already
 * knows (the memo must not take the target's length for the name's). */
static void test_length_through_memo(void)
{
    struct msg *m = malloc(sizeof(*m));
    header(m, 0, 2, 0, 0, 0);
    size_t first = m->n;
    for (int i = 0; i < 3; i++) { /* 3 labels of 63: 192 bytes, root byte apart */
        uint8_t label[64] = {63};
        memset(label + 1, 'x', 63);
        put(m, label, sizeof(label));
    }
    put(m, "\0\0\1\0\1", 5);
    uint8_t label[64] = {63};
    memset(label + 1, 'y', 63);
    put(m, label, sizeof(label)); /* 64 + 192 = 256 > 254 */
    pointer(m, first);
    put16(m, 1);
    put16(m, 1);
    check_refused(m, "longer than 255 bytes");
    label[0] = 61; /* 62 + 192 = 254: the longest name */
    m->n -= 4 + 2 + 64;
    put(m, label, 62);
    pointer(m, first);
    put16(m, 1);
    put16(m, 1);
    const char *why;
    CHECK_INT(walk(m, &why), 0);
    free(m);
}

static void count_item(const struct dns_item *item, void *ctx)
{
    (void)item;
    ++*(long *)ctx;
}

/* The flood: a 64 KiB query of questions, each a pointer into one chain of 2,700
 * pointers (ldns: 70 ms a message), is refused by the walk; the same questions behind a
 * chain of 100 are decoded, the first 32 reported and all counted. */
static void test_flood_message(void)
{
    struct msg *m = malloc(sizeof(*m));
    for (int legit = 0; legit < 2; legit++) {
        unsigned links = legit ? 100 : 2700;
        header(m, 0, 1, 0, 0, 0);
        put(m, example, sizeof(example));
        put16(m, 1);
        put16(m, 1);
        size_t prev = 12;
        unsigned questions = 1;
        /* link i is itself a question whose name points at the previous one's */
        for (unsigned i = 0; i < links; i++) {
            size_t here = m->n;
            pointer(m, prev);
            put16(m, 1);
            put16(m, 1);
            prev = here;
            questions++;
        }
        while (m->n + 6 <= MSG_MAX - 6) {
            pointer(m, prev);
            put16(m, 1);
            put16(m, 1);
            questions++;
        }
        set16(m, 4, questions);
        const char *why = NULL;
        long items = 0;
        long got = dns_decode_message(m->b, m->n, 32, DNS_TYPES_ADDRESS, count_item, &items, &why);
        if (legit) {
            CHECK_INT(got, questions);
            CHECK_INT(items, 32);
        } else {
            CHECK_INT(got, -1);
            CHECK(why && strstr(why, "more than 127 compression pointers"));
        }
    }
    free(m);
}

static void first_item(const struct dns_item *item, void *ctx)
{
    struct dns_item *first = ctx;
    if (!first->name[0])
        *first = *item;
}

/* A TXT answer of 65,000 one-byte strings: ldns would allocate the whole rdata again for
 * each (4 GiB); described from the wire in RFC 3597's generic form instead, cut to fit. */
static void test_many_fields(void)
{
    struct msg *m = malloc(sizeof(*m));
    header(m, 1, 1, 1, 0, 0);
    put(m, example, sizeof(example));
    put16(m, 16);
    put16(m, 1);
    answer_head(m, 16, 65000);
    memset(m->b + m->n, 0, 65000);
    m->n += 65000;
    struct dns_item first = {0};
    const char *why = NULL;
    CHECK_INT(dns_decode_message(m->b, m->n, 32, DNS_TYPES_ALL, first_item, &first, &why), 1);
    CHECK_STR(first.name, "a.example.test.");
    CHECK_STR(first.type, "TXT");
    CHECK(strncmp(first.data, "\\# 65000 000000", 15) == 0);
    CHECK_INT(strlen(first.data), sizeof(first.data) - 1);
    struct dns_summary *sum = malloc(sizeof(*sum));
    CHECK_INT(dns_summarize(m->b, m->n, sum, &why), 0);
    CHECK_INT(sum->answer_count, 1);
    CHECK(strncmp(sum->answers[0].data, "\\# 65000 000000", 15) == 0);
    CHECK_INT(sum->answers[0].ttl, 300);
    free(sum);
    free(m);
}

/* 63 TXT answers of 1,024 empty strings each (1 MiB of ldns allocations each): ldns
 * parses records while their cost adds up to 1 MiB a message, the rest are described in
 * the generic form. */
static void test_rdata_budget(void)
{
    struct msg *m = malloc(sizeof(*m));
    header(m, 1, 1, 63, 0, 0);
    put(m, example, sizeof(example));
    put16(m, 16);
    put16(m, 1);
    for (int i = 0; i < 63; i++) {
        answer_head(m, 16, 1024);
        memset(m->b + m->n, 0, 1024);
        m->n += 1024;
    }
    struct dns_summary *sum = malloc(sizeof(*sum));
    const char *why = NULL;
    CHECK_INT(dns_summarize(m->b, m->n, sum, &why), 0);
    CHECK(sum->answer_count >= 2);
    CHECK(strncmp(sum->answers[0].data, "\"\" \"\"", 5) == 0);
    CHECK(strncmp(sum->answers[1].data, "\\# 1024 0000", 12) == 0);
    free(sum);
    free(m);
}

int main(void)
{
    test_chains();
    test_loops();
    test_length_through_memo();
    test_flood_message();
    test_many_fields();
    test_rdata_budget();
    CHECK_DONE();
}
