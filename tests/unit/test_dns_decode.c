/* dns_decode on real DNS messages between dig/getent and dnsmasq (tests/fixtures/README.md)
 * and on copies of them that are concatenated, cut or edited. */
#include "check.h"
#include "fixture.h"
#include "dns_decode.h"

#include <stdint.h>
#include <stdlib.h>

#define MAX_ITEMS 8

struct items {
    int n;
    struct dns_item item[MAX_ITEMS];
};

static void collect(const struct dns_item *item, void *ctx)
{
    struct items *it = ctx;

    if (it->n < MAX_ITEMS)
        it->item[it->n] = *item;
    it->n++;
}

static void check_item(const struct items *it, int i, int qr, const char *name, const char *type,
                       const char *data)
{
    if (i >= it->n) {
        fprintf(stderr, "item %d missing (%d items)\n", i, it->n);
        check_failures++;
        return;
    }
    CHECK_INT(it->item[i].qr, qr);
    CHECK_STR(it->item[i].name, name);
    CHECK_STR(it->item[i].type, type);
    CHECK_STR(it->item[i].data, data);
}

/* Decodes the bare message of fixture name with dns_decode_message; returns its status. */
static int decode_fixture(const char *name, struct items *it)
{
    struct blob b = load_fixture(name);
    uint8_t *msg = copy_of(b.data, b.len);
    const char *why = NULL;

    memset(it, 0, sizeof(*it));
    int rc = dns_decode_message(msg, b.len, collect, it, &why);
    if (rc < 0)
        fprintf(stderr, "%s: %s\n", name, why);
    free(msg);
    free(b.data);
    return rc;
}

static void test_queries(void)
{
    struct items it;

    CHECK_INT(decode_fixture("udp_query_a.dns", &it), 0);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 0, "a.example.test.", "A", "");
    CHECK_INT(decode_fixture("udp_query_aaaa.dns", &it), 0);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 0, "b.example.test.", "AAAA", "");
    CHECK_INT(decode_fixture("udp_query_txt.dns", &it), 0);
    CHECK_INT(it.n, 0);
}

static void test_responses(void)
{
    struct items it;

    CHECK_INT(decode_fixture("udp_response_a.dns", &it), 0);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 1, "a.example.test.", "A", "10.1.2.3");
    CHECK_INT(decode_fixture("udp_response_aaaa.dns", &it), 0);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 1, "b.example.test.", "AAAA", "fd00::7");
    /* CNAME c -> a, then the A record: only the A, under its own owner */
    CHECK_INT(decode_fixture("udp_response_cname.dns", &it), 0);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 1, "a.example.test.", "A", "10.1.2.3");
    CHECK_INT(decode_fixture("udp_response_txt.dns", &it), 0);
    CHECK_INT(it.n, 0);
    CHECK_INT(decode_fixture("udp_response_nodata.dns", &it), 0); /* QR=1, no answer */
    CHECK_INT(it.n, 0);
}

/* glibc's getaddrinfo: the A and AAAA queries from one socket, each in its own datagram. */
static void test_getent(void)
{
    const char *names[] = {"getent_query_a.dns", "getent_query_aaaa.dns", "getent_response_a.dns",
                           "getent_response_aaaa.dns"};
    struct items it = {0};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct blob b = load_fixture(names[i]);
        const char *why = NULL;
        CHECK_INT(dns_decode_payload(17, b.data, b.len, collect, &it, &why), 1);
        free(b.data);
    }
    CHECK_INT(it.n, 4);
    check_item(&it, 0, 0, "b.example.test.", "A", "");
    check_item(&it, 1, 0, "b.example.test.", "AAAA", "");
    check_item(&it, 2, 1, "b.example.test.", "A", "10.9.8.7");
    check_item(&it, 3, 1, "b.example.test.", "AAAA", "fd00::7");
}

/* Decodes the TCP payload made of fixture a then the first b_len bytes of fixture b. */
static int decode_tcp(const char *a, const char *b, size_t b_len, struct items *it)
{
    struct blob first = load_fixture(a), second = load_fixture(b);
    const char *why = NULL;

    memcpy(first.data + first.len, second.data, b_len);
    uint8_t *seg = copy_of(first.data, first.len + b_len);
    memset(it, 0, sizeof(*it));
    int rc = dns_decode_payload(6, seg, first.len + b_len, collect, it, &why);
    free(seg);
    free(first.data);
    free(second.data);
    return rc;
}

static void test_tcp(void)
{
    struct items it;

    CHECK_INT(decode_tcp("tcp_query_a.tcp", "tcp_query_a.tcp", 0, &it), 1);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 0, "a.example.test.", "A", "");
    CHECK_INT(decode_tcp("tcp_response_aaaa.tcp", "tcp_response_aaaa.tcp", 0, &it), 1);
    check_item(&it, 0, 1, "b.example.test.", "AAAA", "fd00::7");
    /* two length-prefixed messages back to back (73 bytes: the whole second one) */
    CHECK_INT(decode_tcp("tcp_response_a.tcp", "tcp_response_aaaa.tcp", 73, &it), 2);
    CHECK_INT(it.n, 2);
    check_item(&it, 0, 1, "a.example.test.", "A", "10.1.2.3");
    check_item(&it, 1, 1, "b.example.test.", "AAAA", "fd00::7");
    /* an incomplete trailing message, with or without its whole length prefix */
    for (size_t cut = 1; cut < 73; cut++) {
        CHECK_INT(decode_tcp("tcp_response_a.tcp", "tcp_response_aaaa.tcp", cut, &it), 1);
        CHECK_INT(it.n, 1);
    }
    /* a lone incomplete message */
    struct blob b = load_fixture("tcp_query_aaaa.tcp");
    for (size_t cut = 0; cut < b.len; cut++) {
        uint8_t *seg = copy_of(b.data, cut);
        CHECK_INT(dns_decode_payload(6, seg, cut, collect, &it, NULL), 0);
        free(seg);
    }
    free(b.data);
}

/* Every cut of a real message is rejected with a reason, before any item is reported
 * (ldns checks each section against the header's counts). */
static void check_cuts(const char *name)
{
    struct blob b = load_fixture(name);

    for (size_t cut = 0; cut < b.len; cut++) {
        struct items it = {0};
        const char *why = NULL;
        uint8_t *msg = copy_of(b.data, cut);
        CHECK_INT(dns_decode_message(msg, cut, collect, &it, &why), -1);
        CHECK(why != NULL && why[0] != '\0');
        CHECK_INT(it.n, 0);
        free(msg);
    }
    free(b.data);
}

static void test_malformed(void)
{
    const char *names[] = {"udp_response_a.dns", "udp_response_aaaa.dns", "udp_response_cname.dns",
                           "getent_response_aaaa.dns", "udp_query_a.dns"};
    const char *why = NULL;
    struct items it = {0};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        check_cuts(names[i]);
    /* a TCP segment whose complete message is garbage */
    const uint8_t garbage[] = {0x00, 0x05, 0x12, 0x34, 0x81, 0x80, 0xff};
    CHECK_INT(dns_decode_payload(6, garbage, sizeof(garbage), collect, &it, &why), -1);
    CHECK(why != NULL);
    CHECK_INT(dns_decode_payload(17, garbage + 2, 5, collect, &it, NULL), -1);
    CHECK_INT(it.n, 0);
}

/* An answer count beyond the records present is malformed, not a shorter message. */
static void test_bad_count(void)
{
    struct blob b = load_fixture("getent_response_a.dns");
    const char *why = NULL;
    struct items it = {0};

    b.data[7] = 2; /* ANCOUNT */
    CHECK_INT(dns_decode_message(b.data, b.len, collect, &it, &why), -1);
    CHECK(why != NULL);
    CHECK_INT(it.n, 0);
    free(b.data);
}

/* An A answer with an empty rdata (RDLENGTH 0) has no address to report. */
static void test_empty_rdata(void)
{
    struct blob b = load_fixture("getent_response_a.dns");
    struct items it = {0};

    CHECK_INT(b.len, 48);
    b.data[43] = 0; /* RDLENGTH of the only answer, which ends the message */
    CHECK_INT(dns_decode_message(b.data, 44, collect, &it, NULL), 0);
    CHECK_INT(it.n, 0);
    free(b.data);
}

/* Bytes that are not printable reach the caller as \DDD escapes, dots as "\.". */
static void test_escaped_names(void)
{
    struct blob q = load_fixture("udp_query_a.dns"), r = load_fixture("getent_response_a.dns");
    struct items it = {0};

    q.data[13] = 0x1b; /* the 'a' of the first label becomes ESC */
    CHECK_INT(dns_decode_message(q.data, q.len, collect, &it, NULL), 0);
    check_item(&it, 0, 0, "\\027.example.test.", "A", "");
    /* the answer's owner is a pointer to the question name: both are escaped */
    r.data[13] = '.';
    r.data[15] = ' ';
    r.data[16] = 0xff;
    it.n = 0;
    CHECK_INT(dns_decode_message(r.data, r.len, collect, &it, NULL), 0);
    check_item(&it, 0, 1, "\\..\\032\\255ample.test.", "A", "10.9.8.7");
    free(q.data);
    free(r.data);
}

/* The longest wire name (255 bytes), every byte escaped, fits in dns_item.name whole. */
static void test_longest_name(void)
{
    const uint8_t header[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    const uint8_t labels[] = {63, 63, 63, 61};
    uint8_t msg[sizeof(header) + 255 + 4];
    size_t off = sizeof(header);
    struct items it = {0};

    memcpy(msg, header, sizeof(header));
    for (size_t i = 0; i < sizeof(labels); i++) {
        msg[off++] = labels[i];
        memset(msg + off, 0xff, labels[i]);
        off += labels[i];
    }
    msg[off++] = 0;
    memcpy(msg + off, "\0\1\0\1", 4); /* QTYPE A, QCLASS IN */
    CHECK_INT(dns_decode_message(msg, off + 4, collect, &it, NULL), 0);
    CHECK_INT(it.n, 1);
    CHECK_INT(strlen(it.item[0].name), (63 * 3 + 61) * 4 + 4);
    CHECK_STR(it.item[0].name + strlen(it.item[0].name) - 5, "\\255.");
}

int main(void)
{
    test_queries();
    test_responses();
    test_getent();
    test_tcp();
    test_malformed();
    test_bad_count();
    test_empty_rdata();
    test_escaped_names();
    test_longest_name();
    CHECK_DONE();
}
