/* frame_decode on real frames captured on lo (tests/fixtures/README.md), on copies edited
 * to carry IP options, padding, bad headers, TCP flags or cuts, and on IPv6 frames (with
 * extension headers) built around the captured transport headers and DNS messages. */
#include "check.h"
#include "fixture.h"
#include "dns/frame.h"
#include "testlib.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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

static const uint8_t localhost[16] = {127, 0, 0, 1};

struct expect {
    const char *name;
    uint8_t proto;
    uint16_t sport, dport;
    const char *payload; /* fixture holding the expected transport payload */
    uint32_t seq;        /* TCP: the segment's sequence number (tcpdump -S) */
};

static const struct expect captured[] = {
    {"udp_query_a.frame", 17, 51676, 53, "udp_query_a.dns", 0},
    {"udp_response_a.frame", 17, 53, 51676, "udp_response_a.dns", 0},
    {"udp_query_aaaa.frame", 17, 44001, 53, "udp_query_aaaa.dns", 0},
    {"udp_response_aaaa.frame", 17, 53, 44001, "udp_response_aaaa.dns", 0},
    {"udp_response_cname.frame", 17, 53, 36805, "udp_response_cname.dns", 0},
    {"udp_response_txt.frame", 17, 53, 51396, "udp_response_txt.dns", 0},
    {"udp_response_nodata.frame", 17, 53, 39591, "udp_response_nodata.dns", 0},
    {"getent_query_a.frame", 17, 37605, 53, "getent_query_a.dns", 0},
    {"getent_query_aaaa.frame", 17, 37605, 53, "getent_query_aaaa.dns", 0},
    {"getent_response_a.frame", 17, 53, 37605, "getent_response_a.dns", 0},
    {"getent_response_aaaa.frame", 17, 53, 37605, "getent_response_aaaa.dns", 0},
    {"tcp_query_a.frame", 6, 42101, 53, "tcp_query_a.tcp", 0x6ac29348},
    {"tcp_response_a.frame", 6, 53, 42101, "tcp_response_a.tcp", 0x0cfea409},
    {"tcp_query_aaaa.frame", 6, 35787, 53, "tcp_query_aaaa.tcp", 0x2b791810},
    {"tcp_response_aaaa.frame", 6, 53, 35787, "tcp_response_aaaa.tcp", 0xd82e9c76},
};

static size_t header_len(uint8_t proto)
{
    return ETH_LEN + IP_LEN + (proto == 6 ? TCP_LEN_TS : UDP_LEN);
}

static void test_captured(const struct expect *e)
{
    struct blob frame = load_fixture(e->name), want = load_fixture(e->payload);
    struct frame_info fi;

    memset(&fi, 0xee, sizeof(fi));
    CHECK_INT(frame_decode(frame.data, frame.len, &fi), FRAME_OK);
    CHECK_INT(fi.proto, e->proto);
    CHECK_INT(fi.family, AF_INET);
    CHECK(memcmp(fi.saddr, localhost, 16) == 0); /* the 12 bytes after the IPv4 address: 0 */
    CHECK(memcmp(fi.daddr, localhost, 16) == 0);
    CHECK_INT(fi.seq, e->seq);  /* 0 for UDP */
    CHECK_INT(fi.tcp_flags, 0); /* PSH|ACK: neither FIN, SYN nor RST */
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
    CHECK_INT(decode_edited("udp_query_a.frame", ETH_LEN, 0x65, &fi), FRAME_NOT_IP);
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

/* Addresses come out in network order, source and destination apart (lo has one address),
 * in the first 4 bytes of the 16 with the rest zero. */
static void test_addresses(void)
{
    struct blob b = load_fixture("udp_query_a.frame");
    const uint8_t addrs[] = {192, 0, 2, 1, 198, 51, 100, 2};
    const uint8_t src[16] = {192, 0, 2, 1}, dst[16] = {198, 51, 100, 2};
    struct frame_info fi;

    memcpy(b.data + ETH_LEN + 12, addrs, sizeof(addrs));
    memset(&fi, 0xee, sizeof(fi));
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_OK);
    CHECK_INT(fi.family, AF_INET);
    CHECK(memcmp(fi.saddr, src, 16) == 0);
    CHECK(memcmp(fi.daddr, dst, 16) == 0);
    free(b.data);
}

static void test_ethertype(void)
{
    struct frame_info fi;

    /* 0x86dd (IPv6) in front of the IPv4 header: version 4 is not IPv6 */
    CHECK_INT(decode_edited("udp_query_a.frame", 12, 0x86, &fi), FRAME_NOT_IP); /* 0x8600 */
    CHECK_INT(decode_edited("udp_query_a.frame", 13, 0x06, &fi), FRAME_NOT_IP); /* 0x0806 */
    struct blob b = load_fixture("udp_query_a.frame");
    put16(b.data + 12, 0x86dd);
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_NOT_IP);
    put16(b.data + 12, 0x8100); /* a VLAN tag whose inner type (the IP header's) is not IP */
    CHECK_INT(frame_decode(b.data, b.len, &fi), FRAME_NOT_IP);
    free(b.data);
}

/* A frame with tags (outer first) inserted after the MAC addresses; its length. */
static size_t tagged(const struct blob *b, const uint16_t *tpids, size_t n, uint8_t *out)
{
    memcpy(out, b->data, 12);
    for (size_t i = 0; i < n; i++) {
        put16(out + 12 + 4 * i, tpids[i]);
        put16(out + 14 + 4 * i, 0x2000); /* priority 1, VLAN 0 */
    }
    memcpy(out + 12 + 4 * n, b->data + 12, b->len - 12);
    return b->len + 4 * n;
}

/* 802.1Q and 802.1ad tags (a packet socket's frame may carry them): one or two are
 * skipped, a third is not; a frame cut inside a tag is truncated. */
static void test_vlan(void)
{
    const uint16_t one[] = {0x8100}, two[] = {0x88a8, 0x8100}, three[] = {0x8100, 0x8100, 0x8100};
    struct blob b = load_fixture("udp_query_a.frame");
    uint8_t buf[1024];
    struct frame_info plain, fi;
    CHECK_INT(frame_decode(b.data, b.len, &plain), FRAME_OK);
    size_t len = tagged(&b, one, 1, buf);
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_OK);
    CHECK_INT(fi.payload_len, plain.payload_len);
    CHECK(memcmp(fi.payload, b.data + (plain.payload - b.data), fi.payload_len) == 0);
    CHECK_INT(fi.dport, plain.dport);
    len = tagged(&b, two, 2, buf);
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_OK);
    CHECK_INT(fi.payload_len, plain.payload_len);
    len = tagged(&b, three, 3, buf);
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_NOT_IP);
    CHECK_INT(frame_decode(buf, 15, &fi), FRAME_TRUNCATED);
    free(b.data);
}

/* The TCP flags byte: FIN, SYN and RST come out, the others (ACK, PSH, URG, ECE, CWR) not. */
static void test_tcp_flags(void)
{
    const struct {
        uint8_t wire, want;
    } cases[] = {
        {0x18, 0},
        {0x11, FRAME_TCP_FIN},
        {0x02, FRAME_TCP_SYN},
        {0x12, FRAME_TCP_SYN},
        {0x04, FRAME_TCP_RST},
        {0x14, FRAME_TCP_RST},
        {0xff, FRAME_TCP_FIN | FRAME_TCP_SYN | FRAME_TCP_RST},
        {0xf8, 0},
    };
    struct frame_info fi;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_INT(decode_edited("tcp_response_a.frame", ETH_LEN + IP_LEN + 13, cases[i].wire, &fi),
                  FRAME_OK);
        CHECK_INT(fi.tcp_flags, cases[i].want);
        CHECK_INT(fi.seq, 0x0cfea409);
        CHECK_INT(fi.payload_len, 61);
    }
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
    const int statuses[] = {FRAME_OK,         FRAME_TRUNCATED,   FRAME_NOT_IP,
                            FRAME_BAD_HEADER, FRAME_NOT_UDP_TCP, FRAME_FRAGMENT};
    const size_t n = sizeof(statuses) / sizeof(statuses[0]);

    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            CHECK(strcmp(frame_strerror(statuses[i]), frame_strerror(statuses[j])) != 0);
    CHECK_STR(frame_strerror(FRAME_TRUNCATED), "truncated frame");
    CHECK_STR(frame_strerror(42), "unknown frame status");
}

/* IPv6 frames: the transport header and data of a captured frame (TCP with its timestamp
 * option) behind an IPv6 header and the extension headers of ext. */
static const char *const src6 = "2001:db8::1:2", *const dst6 = "::1";

static size_t to_ipv6(const struct blob *v4, const struct test_ext *ext, size_t n_ext, uint8_t *buf,
                      size_t cap)
{
    size_t l4 = ETH_LEN + IP_LEN;
    struct test_frame t = {.family = AF_INET6, .proto = v4->data[ETH_LEN + 9], .raw = true};

    test_addr(t.saddr, AF_INET6, src6);
    test_addr(t.daddr, AF_INET6, dst6);
    t.n_ext = n_ext;
    for (size_t i = 0; i < n_ext; i++)
        t.ext[i] = ext[i];
    return test_frame_build(buf, cap, &t, v4->data + l4, v4->len - l4);
}

static size_t ext_len(const struct test_ext *ext, size_t n_ext)
{
    size_t len = 0;

    for (size_t i = 0; i < n_ext; i++)
        len += test_ext_len(&ext[i]);
    return len;
}

/* A captured frame moved to IPv6, decoded whole and cut at every byte. */
static void check_ipv6(const struct expect *e, const struct test_ext *ext, size_t n_ext)
{
    struct blob v4 = load_fixture(e->name), want = load_fixture(e->payload);
    uint8_t buf[1024], s[16], d[16];
    size_t len = to_ipv6(&v4, ext, n_ext, buf, sizeof(buf));
    size_t headers = header_len(e->proto) - IP_LEN + TEST_IPV6_LEN + ext_len(ext, n_ext);
    struct frame_info fi;

    test_addr(s, AF_INET6, src6);
    test_addr(d, AF_INET6, dst6);
    for (size_t cut = 0; cut <= len; cut++) {
        uint8_t *f = copy_of(buf, cut);
        memset(&fi, 0xee, sizeof(fi));
        int status = frame_decode(f, cut, &fi);
        CHECK_INT(status, cut < headers ? FRAME_TRUNCATED : FRAME_OK);
        if (status == FRAME_OK) {
            CHECK_INT(fi.family, AF_INET6);
            CHECK_INT(fi.proto, e->proto);
            CHECK(memcmp(fi.saddr, s, 16) == 0);
            CHECK(memcmp(fi.daddr, d, 16) == 0);
            CHECK_INT(fi.sport, e->sport);
            CHECK_INT(fi.dport, e->dport);
            CHECK_INT(fi.seq, e->seq);
            CHECK_INT(fi.tcp_flags, 0);
            CHECK_INT(fi.payload - f, headers);
            CHECK_INT(fi.payload_len, cut - headers);
            CHECK(memcmp(fi.payload, want.data, fi.payload_len) == 0);
        }
        free(f);
    }
    CHECK_INT(len - headers, want.len);
    free(v4.data);
    free(want.data);
}

static void test_ipv6(void)
{
    const struct test_ext hop = {IPPROTO_HOPOPTS, 0, 0}, hop16 = {IPPROTO_HOPOPTS, 1, 0},
                          routing = {IPPROTO_ROUTING, 2, 0}, dest = {IPPROTO_DSTOPTS, 0, 0},
                          first_frag = {IPPROTO_FRAGMENT, 0, 1}, /* offset 0, more fragments */
        whole_frag = {IPPROTO_FRAGMENT, 0, 0};                   /* an atomic fragment (RFC 6946) */
    const struct test_ext four[] = {hop16, dest, routing, first_frag};
    const struct test_ext ah = {IPPROTO_AH, 4, 0}; /* 24 bytes: a 96-bit ICV */
    const struct test_ext eight[] = {hop16, dest, routing, ah, dest, dest, dest, first_frag};

    for (size_t i = 0; i < sizeof(captured) / sizeof(captured[0]); i++)
        check_ipv6(&captured[i], NULL, 0);
    check_ipv6(&captured[1], &hop, 1);
    check_ipv6(&captured[1], &hop16, 1);
    check_ipv6(&captured[12], &routing, 1);
    check_ipv6(&captured[3], &dest, 1);
    check_ipv6(&captured[3], &first_frag, 1);
    check_ipv6(&captured[0], &whole_frag, 1);
    check_ipv6(&captured[3], &ah, 1);
    check_ipv6(&captured[12], four, 4);
    check_ipv6(&captured[12], eight, 8); /* as many as the kernel programs follow */
    check_ipv6(&captured[9], eight, 8);
}

/* Decodes the captured frame name moved to IPv6 behind ext; returns the status. */
static int decode_ipv6(const char *name, const struct test_ext *ext, size_t n_ext,
                       struct frame_info *fi)
{
    struct blob v4 = load_fixture(name);
    uint8_t buf[4096];
    size_t len = to_ipv6(&v4, ext, n_ext, buf, sizeof(buf));
    uint8_t *f = copy_of(buf, len);
    int status = frame_decode(f, len, fi);

    free(f);
    free(v4.data);
    return status;
}

static void test_ipv6_refused(void)
{
    const struct test_ext hop = {IPPROTO_HOPOPTS, 0, 0}, dest = {IPPROTO_DSTOPTS, 0, 0};
    const struct test_ext nine[] = {hop, dest, dest, dest, dest, dest, dest, dest, dest};
    const struct test_ext later[] = {{IPPROTO_FRAGMENT, 0, 1 << 3 | 1}}; /* offset 8, MF */
    const struct test_ext last[] = {{IPPROTO_FRAGMENT, 0, 185 << 3}};    /* offset 1480 */
    const struct test_ext hop_later[] = {hop, {IPPROTO_FRAGMENT, 0, 1 << 3}};
    const struct test_ext huge[] = {{IPPROTO_HOPOPTS, 255, 0}};
    struct frame_info fi;

    CHECK_INT(decode_ipv6("udp_response_a.frame", later, 1, &fi), FRAME_FRAGMENT);
    CHECK_INT(decode_ipv6("udp_response_a.frame", last, 1, &fi), FRAME_FRAGMENT);
    CHECK_INT(decode_ipv6("tcp_response_a.frame", hop_later, 2, &fi), FRAME_FRAGMENT);
    /* a ninth extension header is not followed: its type is taken for the transport */
    CHECK_INT(decode_ipv6("udp_response_a.frame", nine, 9, &fi), FRAME_NOT_UDP_TCP);
    /* 2 KiB of hop-by-hop options are followed */
    CHECK_INT(decode_ipv6("udp_response_a.frame", huge, 1, &fi), FRAME_OK);
    CHECK_INT(fi.payload_len, 59);

    struct blob v4 = load_fixture("udp_response_a.frame");
    uint8_t buf[512];
    size_t len = to_ipv6(&v4, NULL, 0, buf, sizeof(buf));
    uint8_t *ip = buf + ETH_LEN;
    buf[ETH_LEN + 6] = 58; /* ICMPv6 */
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_NOT_UDP_TCP);
    buf[ETH_LEN + 6] = 59; /* no next header */
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_NOT_UDP_TCP);
    buf[ETH_LEN + 6] = IPPROTO_UDP;
    ip[0] = 0x45; /* an IPv4 header behind 0x86dd */
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_NOT_IP);
    ip[0] = 0x60;
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_OK);
    /* the payload length bounds the packet: padding after it is not payload, a length
     * shorter than the UDP header leaves it truncated, 0 (a jumbogram) is not decoded */
    memset(buf + len, 0xaa, 9);
    CHECK_INT(frame_decode(buf, len + 9, &fi), FRAME_OK);
    CHECK_INT(fi.payload_len, 59);
    put16(ip + 4, UDP_LEN + 10);
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_OK);
    CHECK_INT(fi.payload_len, 10);
    put16(ip + 4, UDP_LEN - 1);
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_TRUNCATED);
    put16(ip + 4, 0);
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_TRUNCATED);
    put16(ip + 4, 65535); /* longer than the capture: the capture bounds it */
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_OK);
    CHECK_INT(fi.payload_len, 59);
    /* a header length past the packet: 2 KiB of hop-by-hop options claimed, 8 bytes there */
    len = to_ipv6(&v4, &hop, 1, buf, sizeof(buf));
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_OK);
    ip[TEST_IPV6_LEN + 1] = 255;
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_TRUNCATED);
    ip[TEST_IPV6_LEN + 1] = 9; /* 80 bytes: past the end of the 75-byte payload */
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_TRUNCATED);
    ip[TEST_IPV6_LEN + 1] = 8; /* 72 bytes: 3 left for the 8-byte UDP header */
    CHECK_INT(frame_decode(buf, len, &fi), FRAME_TRUNCATED);
    free(v4.data);
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
    test_vlan();
    test_fragments();
    test_udp_length();
    test_tcp_data_offset();
    test_tcp_flags();
    test_ipv6();
    test_ipv6_refused();
    test_strerror();
    CHECK_DONE();
}
