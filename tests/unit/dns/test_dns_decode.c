/* dns_decode on real DNS messages between dig/getent and dnsmasq (tests/fixtures/README.md)
 * and on copies of them that are cut, edited or made of many questions or answers (the
 * bound on the items reported). */
#include "check.h"
#include "fixture.h"
#include "dns/dns_decode.h"
#include "testlib.h"

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

/* Decodes the bare message of fixture name with dns_decode_message; returns its count. */
static long decode_fixture(const char *name, struct items *it)
{
    struct blob b = load_fixture(name);
    uint8_t *msg = copy_of(b.data, b.len);
    const char *why = NULL;

    memset(it, 0, sizeof(*it));
    long rc = dns_decode_message(msg, b.len, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, it, &why);
    if (rc < 0)
        fprintf(stderr, "%s: %s\n", name, why);
    free(msg);
    free(b.data);
    return rc;
}

static void test_queries(void)
{
    struct items it;

    CHECK_INT(decode_fixture("udp_query_a.dns", &it), 1);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 0, "a.example.test.", "A", "");
    CHECK_INT(decode_fixture("udp_query_aaaa.dns", &it), 1);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 0, "b.example.test.", "AAAA", "");
    CHECK_INT(decode_fixture("udp_query_txt.dns", &it), 0);
    CHECK_INT(it.n, 0);
}

static void test_responses(void)
{
    struct items it;

    CHECK_INT(decode_fixture("udp_response_a.dns", &it), 1);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 1, "a.example.test.", "A", "10.1.2.3");
    CHECK_INT(decode_fixture("udp_response_aaaa.dns", &it), 1);
    CHECK_INT(it.n, 1);
    check_item(&it, 0, 1, "b.example.test.", "AAAA", "fd00::7");
    /* CNAME c -> a, then the A record: only the A, under its own owner */
    CHECK_INT(decode_fixture("udp_response_cname.dns", &it), 1);
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
        CHECK_INT(
            dns_decode_message(b.data, b.len, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, &why), 1);
        free(b.data);
    }
    CHECK_INT(it.n, 4);
    check_item(&it, 0, 0, "b.example.test.", "A", "");
    check_item(&it, 1, 0, "b.example.test.", "AAAA", "");
    check_item(&it, 2, 1, "b.example.test.", "A", "10.9.8.7");
    check_item(&it, 3, 1, "b.example.test.", "AAAA", "fd00::7");
}

/* The messages dig sent and received over TCP: the TCP payload (tcp_*.tcp) is the 2-byte
 * length prefix and then the bare message (tcp_*.dns), which decodes like the UDP one.
 * Splitting a TCP stream into messages is tcp_reassembly's (test_tcp_reassembly.c). */
static void test_tcp(void)
{
    const char *names[] = {"tcp_query_a", "tcp_response_a", "tcp_query_aaaa", "tcp_response_aaaa"};
    const int qr[] = {0, 1, 0, 1};
    const char *name[] = {"a.example.test.", "a.example.test.", "b.example.test.",
                          "b.example.test."};
    const char *type[] = {"A", "A", "AAAA", "AAAA"};
    const char *data[] = {"", "10.1.2.3", "", "fd00::7"};
    char file[64];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(file, sizeof(file), "%s.tcp", names[i]);
        struct blob tcp = load_fixture(file);
        snprintf(file, sizeof(file), "%s.dns", names[i]);
        struct blob dns = load_fixture(file);
        struct items it;
        CHECK_INT(tcp.len, dns.len + 2);
        CHECK_INT((size_t)tcp.data[0] << 8 | tcp.data[1], dns.len);
        CHECK(tcp.len == dns.len + 2 && memcmp(tcp.data + 2, dns.data, dns.len) == 0);
        CHECK_INT(decode_fixture(file, &it), 1);
        CHECK_INT(it.n, 1);
        check_item(&it, 0, qr[i], name[i], type[i], data[i]);
        /* with its length prefix, it is no DNS message */
        uint8_t *seg = copy_of(tcp.data, tcp.len);
        memset(&it, 0, sizeof(it));
        CHECK_INT(
            dns_decode_message(seg, tcp.len, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, NULL), -1);
        CHECK_INT(it.n, 0);
        free(seg);
        free(tcp.data);
        free(dns.data);
    }
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
        CHECK_INT(dns_decode_message(msg, cut, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, &why),
                  -1);
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
    /* a message shorter than a header; the same behind a TCP length prefix is garbage too
     * (test_tcp_reassembly.c hands such a message on, followed by a good one) */
    const uint8_t garbage[] = {0x00, 0x05, 0x12, 0x34, 0x81, 0x80, 0xff};
    CHECK_INT(dns_decode_message(garbage + 2, 5, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, &why),
              -1);
    CHECK(why != NULL);
    why = NULL;
    CHECK_INT(dns_decode_message(garbage, sizeof(garbage), MAX_ITEMS, DNS_TYPES_ADDRESS, collect,
                                 &it, &why),
              -1);
    CHECK(why != NULL);
    CHECK_INT(dns_decode_message(garbage, 0, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, NULL), -1);
    CHECK_INT(it.n, 0);
}

/* An answer count beyond the records present is malformed, not a shorter message. */
static void test_bad_count(void)
{
    struct blob b = load_fixture("getent_response_a.dns");
    const char *why = NULL;
    struct items it = {0};

    b.data[7] = 2; /* ANCOUNT */
    CHECK_INT(dns_decode_message(b.data, b.len, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, &why),
              -1);
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
    CHECK_INT(dns_decode_message(b.data, 44, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, NULL), 0);
    CHECK_INT(it.n, 0);
    free(b.data);
}

/* Bytes that are not printable reach the caller as \DDD escapes, dots as "\.". */
static void test_escaped_names(void)
{
    struct blob q = load_fixture("udp_query_a.dns"), r = load_fixture("getent_response_a.dns");
    struct items it = {0};

    q.data[13] = 0x1b; /* the 'a' of the first label becomes ESC */
    CHECK_INT(dns_decode_message(q.data, q.len, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, NULL),
              1);
    check_item(&it, 0, 0, "\\027.example.test.", "A", "");
    /* the answer's owner is a pointer to the question name: both are escaped */
    r.data[13] = '.';
    r.data[15] = ' ';
    r.data[16] = 0xff;
    it.n = 0;
    CHECK_INT(dns_decode_message(r.data, r.len, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, NULL),
              1);
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
    CHECK_INT(dns_decode_message(msg, off + 4, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, NULL),
              1);
    CHECK_INT(it.n, 1);
    CHECK_INT(strlen(it.item[0].name), (63 * 3 + 61) * 4 + 4);
    CHECK_STR(it.item[0].name + strlen(it.item[0].name) - 5, "\\255.");
}

/* Only the first max A/AAAA questions are reported, in order; all of them are counted. */
static void test_max_questions(void)
{
    const uint16_t qtypes[] = {1, 28, 16}; /* A, AAAA, TXT (neither counted nor reported) */
    const char *want[] = {"q00", "q01", "q03", "q04", "q06", "q07", "q09", "q10"};
    struct blob q = load_fixture("udp_query_a.dns");
    uint8_t buf[2048];
    size_t len = test_dns_questions(buf, sizeof(buf), q.data, 40, qtypes, 3);
    uint8_t *msg = copy_of(buf, len);
    const size_t maxes[] = {0, 1, 8, 26, 27, 28, (size_t)-1};
    struct items it;

    for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
        memset(&it, 0, sizeof(it));
        CHECK_INT(dns_decode_message(msg, len, maxes[i], DNS_TYPES_ADDRESS, collect, &it, NULL),
                  27);
        CHECK_INT(it.n, maxes[i] < 27 ? maxes[i] : 27);
    }
    memset(&it, 0, sizeof(it));
    CHECK_INT(dns_decode_message(msg, len, MAX_ITEMS, DNS_TYPES_ADDRESS, collect, &it, NULL), 27);
    CHECK_INT(it.n, MAX_ITEMS);
    for (int i = 0; i < MAX_ITEMS; i++) {
        char name[32];
        snprintf(name, sizeof(name), "%s.example.test.", want[i]);
        check_item(&it, i, 0, name, i % 2 ? "AAAA" : "A", "");
    }
    /* 40 A questions: the monitor's case of more lines than it prints */
    const uint16_t a[] = {1};
    free(msg);
    len = test_dns_questions(buf, sizeof(buf), q.data, 40, a, 1);
    msg = copy_of(buf, len);
    memset(&it, 0, sizeof(it));
    CHECK_INT(dns_decode_message(msg, len, 32, DNS_TYPES_ADDRESS, collect, &it, NULL), 40);
    CHECK_INT(it.n, 32);
    check_item(&it, 7, 0, "q07.example.test.", "A", "");
    free(msg);
    free(q.data);
}

/* The same bound on the answers of a response: the real response to a.example.test. A with
 * its answer repeated n times, 10.1.2.<i>. */
static void test_max_answers(void)
{
    struct blob r = load_fixture("udp_response_a.dns");
    const size_t header = 12, question = 20, answer = 16, n = 12;
    uint8_t buf[512];
    struct items it = {0};

    memcpy(buf, r.data, header + question);
    buf[7] = (uint8_t)n; /* ANCOUNT */
    buf[11] = 0;         /* ARCOUNT: the OPT record is left out */
    for (size_t i = 0; i < n; i++) {
        uint8_t *rr = buf + header + question + i * answer;
        memcpy(rr, r.data + header + question, answer);
        rr[answer - 1] = (uint8_t)i;
    }
    size_t len = header + question + n * answer;
    uint8_t *msg = copy_of(buf, len);
    CHECK_INT(dns_decode_message(msg, len, 3, DNS_TYPES_ADDRESS, collect, &it, NULL), (long)n);
    CHECK_INT(it.n, 3);
    check_item(&it, 0, 1, "a.example.test.", "A", "10.1.2.0");
    check_item(&it, 1, 1, "a.example.test.", "A", "10.1.2.1");
    check_item(&it, 2, 1, "a.example.test.", "A", "10.1.2.2");
    memset(&it, 0, sizeof(it));
    CHECK_INT(dns_decode_message(msg, len, 0, DNS_TYPES_ADDRESS, collect, &it, NULL), (long)n);
    CHECK_INT(it.n, 0);
    /* an answer without an address (the second: RDLENGTH 0, its 4 bytes gone) is neither
     * reported nor counted */
    free(msg);
    uint8_t *second = buf + header + question + answer;
    memmove(second + 12, second + answer, len - (header + question + 2 * answer));
    second[11] = 0;
    len -= 4;
    msg = copy_of(buf, len);
    memset(&it, 0, sizeof(it));
    CHECK_INT(dns_decode_message(msg, len, 2, DNS_TYPES_ADDRESS, collect, &it, NULL), (long)n - 1);
    CHECK_INT(it.n, 2);
    check_item(&it, 0, 1, "a.example.test.", "A", "10.1.2.0");
    check_item(&it, 1, 1, "a.example.test.", "A", "10.1.2.2");
    free(msg);
    free(r.data);
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
    test_max_questions();
    test_max_answers();
    CHECK_DONE();
}
