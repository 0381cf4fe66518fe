/* frame_decode on real frames captured on lo (tests/fixtures/README.md) and on copies
 * edited to carry IP options, padding, bad headers or cuts. */
#include "check.h"
#include "fixture.h"
#include "frame.h"

#include <stdint.h>
#include <stdlib.h>

#define LOCALHOST 0x7f000001u
#define ETH_LEN 14
#define IP_LEN 20
#define UDP_LEN 8
#define TCP_LEN_TS 32 /* the captured TCP segments carry the timestamp option */

static void put16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static size_t get16(const uint8_t *p)
{
    return (size_t)p[0] << 8 | p[1];
}

struct expect {
    const char *name;
    uint8_t proto;
    uint16_t sport, dport;
    const char *payload; /* fixture holding the expected transport payload */
};

static const struct expect captured[] = {
    {"udp_query_a.frame", 17, 51676, 53, "udp_query_a.dns"},
    {"udp_response_a.frame", 17, 53, 51676, "udp_response_a.dns"},
    {"udp_query_aaaa.frame", 17, 44001, 53, "udp_query_aaaa.dns"},
    {"udp_response_aaaa.frame", 17, 53, 44001, "udp_response_aaaa.dns"},
    {"udp_response_cname.frame", 17, 53, 36805, "udp_response_cname.dns"},
    {"udp_response_txt.frame", 17, 53, 51396, "udp_response_txt.dns"},
    {"udp_response_nodata.frame", 17, 53, 39591, "udp_response_nodata.dns"},
    {"getent_query_a.frame", 17, 37605, 53, "getent_query_a.dns"},
    {"getent_query_aaaa.frame", 17, 37605, 53, "getent_query_aaaa.dns"},
    {"getent_response_a.frame", 17, 53, 37605, "getent_response_a.dns"},
    {"getent_response_aaaa.frame", 17, 53, 37605, "getent_response_aaaa.dns"},
    {"tcp_query_a.frame", 6, 42101, 53, "tcp_query_a.tcp"},
    {"tcp_response_a.frame", 6, 53, 42101, "tcp_response_a.tcp"},
    {"tcp_query_aaaa.frame", 6, 35787, 53, "tcp_query_aaaa.tcp"},
    {"tcp_response_aaaa.frame", 6, 53, 35787, "tcp_response_aaaa.tcp"},
};

static size_t header_len(uint8_t proto)
{
    return ETH_LEN + IP_LEN + (proto == 6 ? TCP_LEN_TS : UDP_LEN);
}

static void test_captured(const struct expect *e)
{
    struct blob frame = load_fixture(e->name), want = load_fixture(e->payload);
    struct frame_info fi;

    CHECK_INT(frame_decode(frame.data, frame.len, &fi), FRAME_OK);
    CHECK_INT(fi.proto, e->proto);
    CHECK_INT(fi.saddr, LOCALHOST);
    CHECK_INT(fi.daddr, LOCALHOST);
    CHECK_INT(fi.sport, e->sport);
    CHECK_INT(fi.dport, e->dport);
    CHECK_INT(fi.payload - frame.data, header_len(e->proto));
    CHECK_INT(fi.payload_len, want.len);
    CHECK(fi.payload_len == want.len && memcmp(fi.payload, want.data, want.len) == 0);
    free(frame.data);
    free(want.data);
}

/* The perf sample may carry bytes after the frame: the IP total length excludes them. */
static void test_padding(const char *name, size_t want_len)
{
    struct blob b = load_fixture(name);
    struct frame_info fi;

    memset(b.data + b.len, 0xaa, 7);
    uint8_t *padded = copy_of(b.data, b.len + 7);
    CHECK_INT(frame_decode(padded, b.len + 7, &fi), FRAME_OK);
    CHECK_INT(fi.payload_len, want_len);
    free(padded);
    free(b.data);
}

/* Inserts n option bytes (NOPs, then EOL) after the IPv4 header, fixing IHL and length. */
static void test_ip_options(const char *name, size_t n)
{
    struct blob b = load_fixture(name);
    uint8_t *f = malloc(b.len + n);
    struct frame_info plain, fi;

    CHECK_INT(frame_decode(b.data, b.len, &plain), FRAME_OK);
    memcpy(f, b.data, ETH_LEN + IP_LEN);
    memset(f + ETH_LEN + IP_LEN, 0x01, n - 1);
    f[ETH_LEN + IP_LEN + n - 1] = 0x00;
    memcpy(f + ETH_LEN + IP_LEN + n, b.data + ETH_LEN + IP_LEN, b.len - ETH_LEN - IP_LEN);
    f[ETH_LEN] = (uint8_t)(0x40 | (IP_LEN + n) / 4);
    put16(f + ETH_LEN + 2, get16(f + ETH_LEN + 2) + n);

    CHECK_INT(frame_decode(f, b.len + n, &fi), FRAME_OK);
    CHECK_INT(fi.sport, plain.sport);
    CHECK_INT(fi.dport, plain.dport);
    CHECK_INT(fi.payload - f, (plain.payload - b.data) + (ptrdiff_t)n);
    CHECK(fi.payload_len == plain.payload_len &&
          memcmp(fi.payload, plain.payload, plain.payload_len) == 0);
    free(f);
    free(b.data);
}

/* Every cut of a real frame: the status follows the headers present, never a payload
 * past the cut (the copy is exact-size for ASan). */
static void test_truncations(const struct expect *e)
{
    struct blob b = load_fixture(e->name);
    size_t headers = header_len(e->proto);

    for (size_t cut = 0; cut < b.len; cut++) {
        uint8_t *f = copy_of(b.data, cut);
        struct frame_info fi;
        int status = frame_decode(f, cut, &fi);
        CHECK_INT(status, cut < headers ? FRAME_TRUNCATED : FRAME_OK);
        if (status == FRAME_OK) {
            CHECK(fi.payload >= f && fi.payload + fi.payload_len <= f + cut);
            CHECK_INT(fi.payload_len, cut - headers);
        }
        free(f);
    }
    free(b.data);
}

/* Decodes a copy of name with byte off set to value; returns the status. */
static int decode_edited(const char *name, size_t off, uint8_t value, struct frame_info *fi)
{
    struct blob b = load_fixture(name);

    b.data[off] = value;
    int status = frame_decode(b.data, b.len, fi);
    free(b.data);
    return status;
}

static void test_bad_ip_header(void)
{
    struct frame_info fi;
    struct blob b = load_fixture("udp_query_a.frame");

    /* byte 0: version and IHL; byte 9: protocol (1 is ICMP) */
    CHECK_INT(decode_edited("udp_query_a.frame", ETH_LEN, 0x44, &fi), FRAME_BAD_HEADER);
    CHECK_INT(decode_edited("udp_query_a.frame", ETH_LEN, 0x40, &fi), FRAME_BAD_HEADER);
    CHECK_INT(decode_edited("udp_query_a.frame", ETH_LEN, 0x65, &fi), FRAME_NOT_IPV4);
    CHECK_INT(decode_edited("udp_query_a.frame", ETH_LEN + 9, 1, &fi), FRAME_NOT_UDP_TCP);
    /* IHL 15 (60 bytes) in a 54-byte capture */
    b.data[ETH_LEN] = 0x4f;
    CHECK_INT(frame_decode(b.data, ETH_LEN + 40, &fi), FRAME_TRUNCATED);
    /* total length shorter than the header */
    b.data[ETH_LEN] = 0x45;
    put16(b.data + ETH_LEN + 2, 19);
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_BAD_HEADER);
    free(b.data);
}

/* Addresses come out in host order, source and destination apart (lo has one address). */
static void test_addresses(void)
{
    struct blob b = load_fixture("udp_query_a.frame");
    const uint8_t addrs[] = {192, 0, 2, 1, 198, 51, 100, 2};
    struct frame_info fi;

    memcpy(b.data + ETH_LEN + 12, addrs, sizeof(addrs));
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_OK);
    CHECK_INT(fi.saddr, 0xc0000201u);
    CHECK_INT(fi.daddr, 0xc6336402u);
    free(b.data);
}

static void test_ethertype(void)
{
    struct frame_info fi;

    CHECK_INT(decode_edited("udp_query_a.frame", 12, 0x86, &fi), FRAME_NOT_IPV4); /* 0x86dd */
    CHECK_INT(decode_edited("udp_query_a.frame", 13, 0x06, &fi), FRAME_NOT_IPV4); /* 0x0806 */
}

static void test_fragments(void)
{
    struct blob b = load_fixture("udp_response_a.frame");
    struct frame_info fi;
    uint8_t *flags = b.data + ETH_LEN + 6;

    put16(flags, 0x2000 | 1); /* MF, offset 8 bytes */
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_FRAGMENT);
    put16(flags, 185); /* last fragment: no MF, offset 1480 bytes */
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_FRAGMENT);
    put16(flags, 0x2000); /* first fragment: its transport header is there */
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_OK);
    CHECK_INT(fi.sport, 53);
    CHECK_INT(fi.payload_len, 59);
    free(b.data);
}

static void test_udp_length(void)
{
    struct blob b = load_fixture("udp_response_a.frame");
    uint8_t *udp_len = b.data + ETH_LEN + IP_LEN + 4;
    struct frame_info fi;

    put16(udp_len, 7);
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_BAD_HEADER);
    put16(udp_len, UDP_LEN + 10);
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_OK);
    CHECK_INT(fi.payload_len, 10);
    put16(udp_len, 1000); /* longer than the IP data: the IP data bounds it */
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_OK);
    CHECK_INT(fi.payload_len, 59);
    free(b.data);
}

static void test_tcp_data_offset(void)
{
    struct blob b = load_fixture("tcp_query_a.frame");
    uint8_t *doff = b.data + ETH_LEN + IP_LEN + 12;
    struct frame_info fi;

    *doff = 0x40;
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_BAD_HEADER);
    *doff = 0x00;
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_BAD_HEADER);
    /* 60-byte TCP header in 40 bytes of IP data */
    *doff = 0xf0;
    put16(b.data + ETH_LEN + 2, IP_LEN + 40);
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_TRUNCATED);
    free(b.data);
}

static void test_strerror(void)
{
    const int statuses[] = {FRAME_OK,         FRAME_TRUNCATED,   FRAME_NOT_IPV4,
                            FRAME_BAD_HEADER, FRAME_NOT_UDP_TCP, FRAME_FRAGMENT};
    const size_t n = sizeof(statuses) / sizeof(statuses[0]);

    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            CHECK(strcmp(frame_strerror(statuses[i]), frame_strerror(statuses[j])) != 0);
    CHECK_STR(frame_strerror(FRAME_TRUNCATED), "truncated frame");
    CHECK_STR(frame_strerror(42), "unknown frame status");
}

int main(void)
{
    for (size_t i = 0; i < sizeof(captured) / sizeof(captured[0]); i++) {
        test_captured(&captured[i]);
        test_truncations(&captured[i]);
    }
    test_padding("udp_response_a.frame", 59);
    test_padding("tcp_query_a.frame", 57);
    test_ip_options("udp_query_a.frame", 4);
    test_ip_options("udp_response_aaaa.frame", 8);
    test_ip_options("tcp_response_a.frame", 4);
    test_ip_options("tcp_query_aaaa.frame", 8);
    test_bad_ip_header();
    test_addresses();
    test_ethertype();
    test_fragments();
    test_udp_length();
    test_tcp_data_offset();
    test_strerror();
    CHECK_DONE();
}
