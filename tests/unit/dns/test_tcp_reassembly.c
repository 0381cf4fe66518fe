/* tcp_reassembly on the real DNS-over-TCP payloads of tests/fixtures (tcp_*.tcp: the
 * 2-byte length prefix and the message; tcp_*.dns: the bare message) cut into segments in
 * every way a TCP stream can cut them, sent again, read out of order, lost, or mixed with
 * other flows. Each segment is an exact-size heap copy, freed once fed, so ASan sees any
 * read past it and any pointer kept to it; every message handed on is compared byte for
 * byte. */
#include "check.h"
#include "dns/dns_decode.h"
#include "fixture.h"
#include "dns/frame.h"
#include "dns/tcp_reassembly.h"
#include "testlib.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define MSGS_MAX 16
#define WINDOW (1u << 20) /* how far back a segment is still taken for a retransmission */

static const uint8_t none[1]; /* the payload of a segment without data */

/* The messages handed to the callback: the first MSGS_MAX kept, all counted. */
struct msgs {
    int n;
    size_t len[MSGS_MAX];
    uint8_t *data[MSGS_MAX];
};

static void collect(const uint8_t *msg, size_t len, void *ctx)
{
    struct msgs *m = ctx;

    if (m->n < MSGS_MAX) {
        m->len[m->n] = len;
        m->data[m->n] = copy_of(msg, len);
    }
    m->n++;
}

static void msgs_clear(struct msgs *m)
{
    for (int i = 0; i < m->n && i < MSGS_MAX; i++)
        free(m->data[i]);
    memset(m, 0, sizeof(*m));
}

/* Message i of m is exactly the len bytes at want. */
#define CHECK_MSG(m, i, want, len) check_msg(__LINE__, m, i, want, len)

static void check_msg(int line, const struct msgs *m, int i, const uint8_t *want, size_t len)
{
    if (i >= m->n || i >= MSGS_MAX) {
        fprintf(stderr, "%s:%d: message %d missing (%d messages)\n", __FILE__, line, i, m->n);
        check_failures++;
    } else if (m->len[i] != len || memcmp(m->data[i], want, len) != 0) {
        fprintf(stderr, "%s:%d: message %d: %zu bytes, want %zu (or other bytes)\n", __FILE__, line,
                i, m->len[i], len);
        check_failures++;
    }
}

/* The number of messages m holds is want (for a script's step at line). */
static void check_count_at(int line, int got, int want)
{
    if (got != want) {
        fprintf(stderr, "%s:%d: %d messages, want %d\n", __FILE__, line, got, want);
        check_failures++;
    }
}

/* The real payloads: the stream (prefix and message) and the bare message. */
struct dns_tcp {
    struct blob tcp, dns;
};

static struct dns_tcp qa, qaaaa, ra, raaaa;

static struct dns_tcp load_pair(const char *name)
{
    char file[64];
    struct dns_tcp p;

    snprintf(file, sizeof(file), "%s.tcp", name);
    p.tcp = load_fixture(file);
    snprintf(file, sizeof(file), "%s.dns", name);
    p.dns = load_fixture(file);
    if (p.tcp.len != p.dns.len + 2 || memcmp(p.tcp.data + 2, p.dns.data, p.dns.len) != 0) {
        fprintf(stderr, "%s: the .tcp is not the .dns behind its length\n", name);
        exit(2);
    }
    return p;
}

/* One direction of a connection: dig's, 127.0.0.1:42101 -> 127.0.0.1:53 unless said. */
static struct frame_info flow(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
    struct frame_info f = {.proto = IPPROTO_TCP, .sport = sport, .dport = dport};

    f.family = strchr(src, ':') ? AF_INET6 : AF_INET;
    test_addr(f.saddr, f.family, src);
    test_addr(f.daddr, f.family, dst);
    return f;
}

static struct frame_info dig_flow(void)
{
    return flow("127.0.0.1", 42101, "127.0.0.1", 53);
}

static struct frame_info nth_flow(unsigned i)
{
    return flow("127.0.0.1", (uint16_t)(10000 + i), "127.0.0.1", 53);
}

/* Feeds len bytes at p as one segment of fl starting at seq, of a socket of user owner. */
static void feed_of(uint32_t owner, struct tcp_reassembly *r, const struct frame_info *fl,
                    uint32_t seq, uint8_t flags, const uint8_t *p, size_t len, uint64_t now_ms,
                    struct msgs *m)
{
    struct frame_info f = *fl;
    uint8_t *copy = copy_of(p, len);

    f.seq = seq;
    f.tcp_flags = flags;
    f.payload = copy;
    f.payload_len = len;
    tcp_reassembly_segment(r, &f, owner, now_ms, collect, m);
    free(copy);
}

/* The same for root's sockets. */
static void feed(struct tcp_reassembly *r, const struct frame_info *fl, uint32_t seq, uint8_t flags,
                 const uint8_t *p, size_t len, uint64_t now_ms, struct msgs *m)
{
    feed_of(0, r, fl, seq, flags, p, len, now_ms, m);
}

/* Bytes [from, to) of stream as the segment at seq0 + from. */
static void feed_range(struct tcp_reassembly *r, const struct frame_info *fl, uint32_t seq0,
                       const uint8_t *stream, size_t from, size_t to, uint64_t now_ms,
                       struct msgs *m)
{
    feed(r, fl, seq0 + (uint32_t)from, 0, stream + from, to - from, now_ms, m);
}

static struct tcp_reassembly *new_r(void)
{
    struct tcp_reassembly *r = tcp_reassembly_new();

    if (!r) {
        fprintf(stderr, "tcp_reassembly_new failed\n");
        exit(2);
    }
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    return r;
}

/* Two messages back to back: what one direction of a connection carries. */
static size_t concat(uint8_t *buf, const struct blob *a, const struct blob *b)
{
    memcpy(buf, a->data, a->len);
    memcpy(buf + a->len, b->data, b->len);
    return a->len + b->len;
}

/* Message i of the streams of stream_of(). */
static const struct dns_tcp *nth_msg(size_t i)
{
    const struct dns_tcp *cycle[] = {&qa, &qaaaa, &ra, &raaaa};

    return cycle[i % 4];
}

/* n messages back to back (qa, qaaaa, ra, raaaa, qa, ...); message i at off[i], the end at
 * off[n]. */
static size_t stream_of(uint8_t *buf, size_t n, size_t *off)
{
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        off[i] = len;
        memcpy(buf + len, nth_msg(i)->tcp.data, nth_msg(i)->tcp.len);
        len += nth_msg(i)->tcp.len;
    }
    off[n] = len;
    return len;
}

/* Message k of stream_of() as one segment. */
static void feed_seg(struct tcp_reassembly *r, const struct frame_info *fl, uint32_t seq0,
                     const uint8_t *stream, const size_t *off, size_t k, uint8_t flags,
                     uint64_t now_ms, struct msgs *m)
{
    feed(r, fl, seq0 + (uint32_t)off[k], flags, stream + off[k], off[k + 1] - off[k], now_ms, m);
}

/* Message i of m is message k of stream_of(). */
#define CHECK_NTH(m, i, k) CHECK_MSG(m, i, nth_msg(k)->dns.data, nth_msg(k)->dns.len)

/* Offsets in a script: the end of the stream, and the end of its first message. */
#define END SIZE_MAX
#define FIRST_END (SIZE_MAX - 1)

/* One segment of a script: bytes [from, to) of the stream, fed at now_ms = its place + 1;
 * then m.n must be want_n (-1: not checked). */
struct step {
    size_t from, to;
    int want_n;
};

#define STEPS_MAX 6

/* Segments fed to a new reassembly, then the messages that came out checked against want. */
struct script {
    int line;
    struct step steps[STEPS_MAX];
};

static size_t resolve(size_t off, size_t first_end, size_t len)
{
    return off == END ? len : off == FIRST_END ? first_end : off;
}

static void run_script(const struct script *sc, const uint8_t *stream, size_t first_end, size_t len,
                       uint32_t seq, const struct blob *const *want, int nwant)
{
    const struct frame_info fl = dig_flow();
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    for (int i = 0; i < STEPS_MAX && sc->steps[i].to; i++) {
        const struct step *st = &sc->steps[i];
        feed_range(r, &fl, seq, stream, resolve(st->from, first_end, len),
                   resolve(st->to, first_end, len), (uint64_t)i + 1, &m);
        if (st->want_n >= 0)
            check_count_at(sc->line, m.n, st->want_n);
    }
    for (int i = 0; i < nwant; i++)
        check_msg(sc->line, &m, i, want[i]->data, want[i]->len);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* The captured frames themselves, query and response (two directions), through
 * frame_decode: each message comes out whole, and once only when the frame comes again. */
static void test_captured_frames(void)
{
    const char *names[] = {"tcp_query_a.frame", "tcp_response_a.frame"};
    const struct dns_tcp *want[] = {&qa, &ra};
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < 2; i++) {
            struct blob b = load_fixture(names[i]);
            uint8_t *f = copy_of(b.data, b.len);
            struct frame_info fi;
            CHECK_INT(frame_decode(f, b.len, &fi), FRAME_OK);
            tcp_reassembly_segment(r, &fi, 0, 1000, collect, &m);
            free(f);
            free(b.data);
        }
    }
    CHECK_INT(m.n, 2);
    CHECK_MSG(&m, 0, want[0]->dns.data, want[0]->dns.len);
    CHECK_MSG(&m, 1, want[1]->dns.data, want[1]->dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* A whole message; the length prefix alone, then the message; the prefix split 1+1; the
 * message byte by byte: nothing until the last byte, then the message. */
static void test_splits(const struct dns_tcp *p)
{
    const struct frame_info fl = dig_flow();
    const uint32_t seq = 0xfffffff0u; /* the sequence numbers wrap inside the message */
    const uint8_t *s = p->tcp.data;
    size_t len = p->tcp.len;
    static const struct script scripts[] = {
        {__LINE__, {{0, END, 1}}},
        {__LINE__, {{0, 2, 0}, {2, END, 1}}},
        {__LINE__, {{0, 1, -1}, {1, 2, 0}, {2, END, 1}}},
    };
    const struct blob *const want[] = {&p->dns};

    for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
        run_script(&scripts[i], s, len, len, seq, want, 1);

    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};
    for (size_t i = 0; i < len; i++) {
        feed_range(r, &fl, seq, s, i, i + 1, i, &m);
        CHECK_INT(m.n, i + 1 == len);
    }
    CHECK_MSG(&m, 0, p->dns.data, p->dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* Every cut of the message into three segments (empty ones included). */
static void test_all_cuts(const struct dns_tcp *p)
{
    const struct frame_info fl = dig_flow();
    size_t len = p->tcp.len;

    for (size_t i = 0; i <= len; i++) {
        for (size_t j = i; j <= len; j++) {
            struct tcp_reassembly *r = new_r();
            struct msgs m = {0};
            feed_range(r, &fl, 7, p->tcp.data, 0, i, 1, &m);
            feed_range(r, &fl, 7, p->tcp.data, i, j, 2, &m);
            CHECK_INT(m.n, j == len);
            feed_range(r, &fl, 7, p->tcp.data, j, len, 3, &m);
            CHECK_INT(m.n, 1);
            CHECK_MSG(&m, 0, p->dns.data, p->dns.len);
            CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
            msgs_clear(&m);
            tcp_reassembly_free(r);
        }
    }
}

/* Two and three messages in one segment, in order. */
static void test_several_in_one(void)
{
    const struct frame_info fl = dig_flow();
    uint8_t buf[512];
    size_t len = concat(buf, &ra.tcp, &raaaa.tcp);
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    feed(r, &fl, 1, 0, buf, len, 1, &m);
    CHECK_INT(m.n, 2);
    CHECK_MSG(&m, 0, ra.dns.data, ra.dns.len);
    CHECK_MSG(&m, 1, raaaa.dns.data, raaaa.dns.len);
    msgs_clear(&m);

    len = concat(buf, &qa.tcp, &qaaaa.tcp);
    memcpy(buf + len, qa.tcp.data, qa.tcp.len);
    len += qa.tcp.len;
    feed(r, &fl, 1 + (uint32_t)(ra.tcp.len + raaaa.tcp.len), 0, buf, len, 2, &m);
    CHECK_INT(m.n, 3);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    CHECK_MSG(&m, 1, qaaaa.dns.data, qaaaa.dns.len);
    CHECK_MSG(&m, 2, qa.dns.data, qa.dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* A message followed by the start of another (part of its prefix, all of it, or part of
 * the message): the first comes out, the second once its rest arrives. A lone incomplete
 * message never comes out, and a FIN drops it without counting it as evicted. */
static void test_trailing_part(void)
{
    const struct frame_info fl = dig_flow();
    uint8_t buf[512];
    size_t len = concat(buf, &ra.tcp, &raaaa.tcp);

    for (size_t cut = ra.tcp.len + 1; cut < len; cut++) {
        struct tcp_reassembly *r = new_r();
        struct msgs m = {0};
        feed_range(r, &fl, 100, buf, 0, cut, 1, &m);
        CHECK_INT(m.n, 1);
        CHECK_MSG(&m, 0, ra.dns.data, ra.dns.len);
        feed_range(r, &fl, 100, buf, cut, len, 2, &m);
        CHECK_INT(m.n, 2);
        CHECK_MSG(&m, 1, raaaa.dns.data, raaaa.dns.len);
        msgs_clear(&m);
        tcp_reassembly_free(r);
    }
    for (size_t cut = 0; cut < qaaaa.tcp.len; cut++) {
        struct tcp_reassembly *r = new_r();
        struct msgs m = {0};
        feed_range(r, &fl, 100, qaaaa.tcp.data, 0, cut, 1, &m);
        CHECK_INT(m.n, 0);
        feed(r, &fl, 100 + (uint32_t)cut, FRAME_TCP_FIN, none, 0, 2, &m);
        CHECK_INT(m.n, 0);
        CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
        tcp_reassembly_free(r);
    }
}

/* Retransmitted and overlapping segments: bytes already fed are skipped by sequence number
 * (the first copy wins), so no message comes out twice or altered. */
static void test_retransmissions(void)
{
    const struct frame_info fl = dig_flow();
    uint8_t buf[512];
    size_t len = concat(buf, &qa.tcp, &qaaaa.tcp), a = qa.tcp.len;
    const uint32_t seq = 5000;
    static const struct script scripts[] = {
        /* whole segments again */
        {__LINE__,
         {{0, FIRST_END, -1},
          {0, FIRST_END, 1},
          {FIRST_END, END, -1},
          {0, END, -1},
          {FIRST_END, END, 2}}},
        /* partial overlaps, one of them across the boundary between the messages; 60-70 is
         * wholly old, inside the second message */
        {__LINE__, {{0, 40, -1}, {10, 80, 1}, {60, 70, -1}, {60, END, 2}}},
    };
    const struct blob *const want[] = {&qa.dns, &qaaaa.dns};

    for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
        run_script(&scripts[i], buf, a, len, seq, want, 2);

    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    /* an overlap whose old part carries other bytes: the ones first seen are kept */
    feed_range(r, &fl, seq, buf, 0, 30, 1, &m);
    uint8_t *tail = copy_of(buf + 20, a - 20);
    memset(tail, 0xff, 10);
    feed(r, &fl, seq + 20, 0, tail, a - 20, 2, &m);
    free(tail);
    CHECK_INT(m.n, 1);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    /* as far back as the window, a segment is a retransmission (skipped) */
    feed(r, &fl, seq + (uint32_t)a - WINDOW, 0, qaaaa.tcp.data, qaaaa.tcp.len, 3, &m);
    CHECK_INT(m.n, 1);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    feed_range(r, &fl, seq, buf, a, len, 4, &m);
    CHECK_INT(m.n, 2);
    CHECK_MSG(&m, 1, qaaaa.dns.data, qaaaa.dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* Segments read out of order (samples of one flow read from two CPUs' perf buffers): those
 * ahead of the expected byte are held until the bytes before them come, then fed in order,
 * so the messages come out exactly as from the stream read at once, and no gap is counted.
 * The flow is known first (a message read in order, or its SYN): the first segment seen of
 * a flow is where its stream starts. */
static void test_out_of_order(void)
{
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    const struct frame_info fl = dig_flow();
    uint8_t buf[512];
    size_t len = concat(buf, &qa.tcp, &qaaaa.tcp), a = qa.tcp.len;
    const uint32_t seq = 0xffffffd0u; /* the sequence numbers wrap inside the stream */

    /* 2 then 1, at every cut */
    for (size_t i = 1; i < len; i++) {
        struct tcp_reassembly *r = new_r();
        struct msgs m = {0};
        feed(r, &fl, seq - (uint32_t)ra.tcp.len, 0, ra.tcp.data, ra.tcp.len, 1, &m);
        CHECK_INT(m.n, 1);
        feed_range(r, &fl, seq, buf, i, len, 2, &m);
        CHECK_INT(m.n, 1);
        feed_range(r, &fl, seq, buf, 0, i, 3, &m);
        CHECK_INT(m.n, 3);
        CHECK_MSG(&m, 0, ra.dns.data, ra.dns.len);
        CHECK_MSG(&m, 1, qa.dns.data, qa.dns.len);
        CHECK_MSG(&m, 2, qaaaa.dns.data, qaaaa.dns.len);
        CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
        CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
        msgs_clear(&m);
        tcp_reassembly_free(r);
    }

    /* three segments (empty ones included) in each of the 6 orders (3,1,2 among them), one
     * flow each, after the SYN: a message comes out as soon as all of its bytes and all
     * before it have come */
    for (size_t i = 0; i <= len; i++) {
        for (size_t j = i; j <= len; j++) {
            const size_t cut[4] = {0, i, j, len};
            struct tcp_reassembly *r = new_r();
            for (unsigned o = 0; o < 6; o++) {
                const struct frame_info f = nth_flow(o);
                struct msgs m = {0};
                bool got[3] = {false, false, false};
                feed(r, &f, seq - 1, FRAME_TCP_SYN, none, 0, 1, &m);
                for (int k = 0; k < 3; k++) {
                    int s = orders[o][k];
                    feed_range(r, &f, seq, buf, cut[s], cut[s + 1], 2 + k, &m);
                    got[s] = true;
                    size_t have = 0; /* bytes come without a hole from the start */
                    for (int t = 0; t < 3 && (got[t] || cut[t] == cut[t + 1]); t++)
                        have = cut[t + 1];
                    CHECK_INT(m.n, (have >= a) + (have >= len));
                }
                CHECK_INT(m.n, 2);
                CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
                CHECK_MSG(&m, 1, qaaaa.dns.data, qaaaa.dns.len);
                msgs_clear(&m);
            }
            CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
            CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
            tcp_reassembly_free(r);
        }
    }

    /* as many segments as a flow holds (8), read last first: all come out, in order, once
     * the first missing one comes */
    uint8_t big[1024];
    size_t off[11];
    stream_of(big, 10, off);
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};
    feed_seg(r, &fl, seq, big, off, 0, 0, 1, &m);
    CHECK_INT(m.n, 1);
    for (size_t k = 9; k >= 2; k--)
        feed_seg(r, &fl, seq, big, off, k, 0, 2, &m);
    CHECK_INT(m.n, 1);
    feed_seg(r, &fl, seq, big, off, 1, 0, 3, &m);
    CHECK_INT(m.n, 10);
    for (int k = 0; k < 10; k++)
        CHECK_NTH(&m, k, k);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* held segments that overlap each other, one held twice, and a segment filling the hole
     * that overlaps what was fed: each byte is fed once */
    r = new_r();
    feed_range(r, &fl, seq, buf, 0, 20, 1, &m);
    feed_range(r, &fl, seq, buf, 60, 100, 2, &m);
    feed_range(r, &fl, seq, buf, 40, 80, 3, &m);
    feed_range(r, &fl, seq, buf, 90, len, 4, &m);
    feed_range(r, &fl, seq, buf, 40, 80, 5, &m);
    CHECK_INT(m.n, 0);
    feed_range(r, &fl, seq, buf, 10, 50, 6, &m);
    CHECK_INT(m.n, 2);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    CHECK_MSG(&m, 1, qaaaa.dns.data, qaaaa.dns.len);
    feed_range(r, &fl, seq, buf, 0, len, 7, &m); /* all of it again */
    CHECK_INT(m.n, 2);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* Bytes that never come: only when a flow cannot hold one more segment (8 held, or 65,536
 * bytes) is a gap counted. Then no message boundary is known: the message in hand and the
 * held segments are dropped and nothing of the flow is read (each segment counted as
 * ignored) until its next SYN, whose stream is read again. (Before, the stream jumped to
 * the earliest held segment and read it as a message boundary: a message's inside could
 * be taken for messages.) */
static void test_loss(void)
{
    const struct frame_info fl = dig_flow();
    uint8_t big[1024];
    size_t off[13];
    const uint32_t seq = 0xffffff00u;
    stream_of(big, 12, off);
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    /* bytes 30.. of message 0 lost; segments 1..8 held (last first), segment 9 is one too
     * many: nothing comes out, then or later */
    feed(r, &fl, seq, 0, big, 30, 1, &m);
    for (size_t k = 8; k >= 1; k--)
        feed_seg(r, &fl, seq, big, off, k, 0, 2, &m);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    feed_seg(r, &fl, seq, big, off, 9, 0, 3, &m);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 1);
    feed_seg(r, &fl, seq, big, off, 10, 0, 4, &m);
    feed(r, &fl, seq + 30, 0, big + 30, off[1] - 30, 5, &m); /* the lost bytes, late */
    feed_seg(r, &fl, seq, big, off, 11, 0, 6, &m);
    CHECK_INT(m.n, 0);
    CHECK_INT(tcp_reassembly_stats(r)->ignored, 3);
    /* the next SYN of the ports: its stream is read */
    feed(r, &fl, 77, FRAME_TCP_SYN, none, 0, 7, &m);
    feed_seg(r, &fl, 78, big, off, 0, 0, 8, &m);
    feed_seg(r, &fl, 78, big, off, 1, 0, 9, &m);
    CHECK_INT(m.n, 2);
    CHECK_NTH(&m, 0, 0);
    CHECK_NTH(&m, 1, 1);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 1);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* a FIN or RST of the desynchronised flow forgets it: the ports' next segment starts
     * a flow (as one first seen mid-stream) */
    r = new_r();
    feed(r, &fl, seq, 0, big, 30, 1, &m);
    for (size_t k = 1; k <= 9; k++)
        feed_seg(r, &fl, seq, big, off, k, 0, 2, &m);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 1);
    feed(r, &fl, 12345, FRAME_TCP_RST, none, 0, 3, &m);
    feed_seg(r, &fl, 500, big, off, 0, 0, 4, &m);
    CHECK_INT(m.n, 1);
    CHECK_NTH(&m, 0, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* by bytes: qa, ra (never seen, or late), two long messages A and B of 40,000 and 25,535
     * bytes with their prefixes, then qaaaa. A, B and the first byte of qaaaa are held
     * (65,536 bytes, the most); its second byte is one too many: a gap, and only qa came
     * out. Or ra comes first and everything is fed without a gap. */
    const size_t la = 40000, lb = 25535;
    const size_t pa = qa.tcp.len + ra.tcp.len, pb = pa + la, pq = pb + lb;
    const size_t slen = pq + qaaaa.tcp.len;
    uint8_t *s = malloc(slen);
    concat(s, &qa.tcp, &ra.tcp);
    for (size_t i = pa; i < pq; i++)
        s[i] = (uint8_t)(i * 13 + 5);
    s[pa] = (uint8_t)((la - 2) >> 8);
    s[pa + 1] = (uint8_t)(la - 2);
    s[pb] = (uint8_t)((lb - 2) >> 8);
    s[pb + 1] = (uint8_t)(lb - 2);
    memcpy(s + pq, qaaaa.tcp.data, qaaaa.tcp.len);
    for (int late = 0; late < 2; late++) {
        r = new_r();
        feed_range(r, &fl, seq, s, 0, qa.tcp.len, 1, &m);
        feed_range(r, &fl, seq, s, pb, pq, 2, &m);
        feed_range(r, &fl, seq, s, pa, pb, 3, &m);
        feed_range(r, &fl, seq, s, pq, pq + 1, 4, &m);
        CHECK_INT(m.n, 1);
        CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
        if (late) { /* ra comes: all that is held is fed, no gap */
            feed_range(r, &fl, seq, s, qa.tcp.len, pa, 5, &m);
            CHECK_INT(m.n, 4);
            CHECK_MSG(&m, 1, ra.dns.data, ra.dns.len);
        }
        feed_range(r, &fl, seq, s, pq + 1, pq + 2, 6, &m); /* 1 byte */
        CHECK_INT(tcp_reassembly_stats(r)->gaps, !late);
        feed_range(r, &fl, seq, s, pq + 2, slen, 7, &m);
        CHECK_INT(tcp_reassembly_stats(r)->gaps, !late);
        CHECK_INT(m.n, late ? 5 : 1);
        CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
        if (late) {
            CHECK_MSG(&m, 2, s + pa + 2, la - 2);
            CHECK_MSG(&m, 3, s + pb + 2, lb - 2);
            CHECK_MSG(&m, 4, qaaaa.dns.data, qaaaa.dns.len);
        }
        CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
        msgs_clear(&m);
        tcp_reassembly_free(r);
    }
    free(s);

    /* the case the old jump got wrong: bytes 10..29 of qa lost, bytes 30.. held 8 times,
     * a ninth copy is a gap. Read from the start, bytes 30.. would be 00 01 (a 1-byte
     * message) and more: nothing comes out */
    const uint8_t *q = qa.tcp.data;
    size_t a = qa.tcp.len;
    r = new_r();
    feed(r, &fl, seq, 0, q, 10, 1, &m);
    for (int k = 0; k < 9; k++)
        feed(r, &fl, seq + 30, 0, q + 30, a - 30, 2, &m);
    feed(r, &fl, seq + (uint32_t)a, 0, qaaaa.tcp.data, qaaaa.tcp.len, 4, &m);
    CHECK_INT(m.n, 0);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 1);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* Segments further from the stream's place than the window, behind or ahead, are not
 * this stream's (very old, or forged): ignored, the message in hand kept. */
static void test_out_of_window(void)
{
    const struct frame_info fl = dig_flow();
    const uint8_t *q = qa.tcp.data;
    size_t a = qa.tcp.len;
    const uint32_t seq = 0xffffff00u;
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    feed(r, &fl, seq, 0, q, 30, 1, &m);
    feed(r, &fl, seq + 30 - WINDOW - 1, 0, qaaaa.tcp.data, qaaaa.tcp.len, 2, &m);
    feed(r, &fl, seq + 30 + WINDOW + 1, 0, qaaaa.tcp.data, qaaaa.tcp.len, 3, &m);
    CHECK_INT(m.n, 0);
    CHECK_INT(tcp_reassembly_stats(r)->ignored, 2);
    feed(r, &fl, seq + 30, 0, q + 30, a - 30, 4, &m);
    CHECK_INT(m.n, 1);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* A malformed message (5 bytes, shorter than a DNS header) then a good one in the same
 * segment: both are handed on, and the good one still decodes. So is an empty message. */
struct items {
    int n;
    struct dns_item first;
};

static void count_item(const struct dns_item *item, void *ctx)
{
    struct items *it = ctx;

    if (it->n++ == 0)
        it->first = *item;
}

static void test_malformed_then_good(void)
{
    const struct frame_info fl = dig_flow();
    const uint8_t bad[] = {0x00, 0x05, 0x12, 0x34, 0x81, 0x80, 0xff};
    const uint8_t empty[] = {0x00, 0x00};
    uint8_t buf[512];
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    memcpy(buf, bad, sizeof(bad));
    memcpy(buf + sizeof(bad), ra.tcp.data, ra.tcp.len);
    size_t len = sizeof(bad) + ra.tcp.len;
    memcpy(buf + len, empty, sizeof(empty));
    memcpy(buf + len + sizeof(empty), raaaa.tcp.data, raaaa.tcp.len);
    feed(r, &fl, 9, 0, buf, len, 1, &m);
    CHECK_INT(m.n, 2);
    CHECK_MSG(&m, 0, bad + 2, 5);
    CHECK_MSG(&m, 1, ra.dns.data, ra.dns.len);
    feed(r, &fl, 9 + (uint32_t)len, 0, buf + len, sizeof(empty) + raaaa.tcp.len, 2, &m);
    CHECK_INT(m.n, 4);
    CHECK_MSG(&m, 2, empty, 0);
    CHECK_MSG(&m, 3, raaaa.dns.data, raaaa.dns.len);

    const char *why = NULL;
    struct items it = {0};
    CHECK_INT(dns_decode_message(m.data[0], m.len[0], 32, DNS_TYPES_ADDRESS, count_item, &it, &why),
              -1);
    CHECK(why != NULL);
    CHECK_INT(dns_decode_message(m.data[2], m.len[2], 32, DNS_TYPES_ADDRESS, count_item, &it, NULL),
              -1);
    CHECK_INT(it.n, 0);
    CHECK_INT(dns_decode_message(m.data[1], m.len[1], 32, DNS_TYPES_ADDRESS, count_item, &it, NULL),
              1);
    CHECK_INT(it.n, 1);
    CHECK_STR(it.first.name, "a.example.test.");
    CHECK_STR(it.first.data, "10.1.2.3");
    CHECK_INT(dns_decode_message(m.data[3], m.len[3], 32, DNS_TYPES_ADDRESS, count_item, &it, NULL),
              1);
    CHECK_INT(it.n, 2);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* FIN and RST forget the flow where the stream has reached its end: a message in hand is
 * dropped (not counted as evicted), and the next segment starts a new flow wherever its
 * sequence number is (no gap). Anywhere else (behind: a stale one, or a forged one) they
 * are ignored, counted, and the message in hand goes on. */
static void test_fin_rst(void)
{
    const uint8_t flags[] = {FRAME_TCP_FIN, FRAME_TCP_RST, FRAME_TCP_FIN | FRAME_TCP_RST};
    const struct frame_info fl = dig_flow();
    const uint8_t *s = qa.tcp.data;
    size_t a = qa.tcp.len;

    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        struct tcp_reassembly *r = new_r();
        struct msgs m = {0};
        feed_range(r, &fl, 40, s, 0, 30, 1, &m);
        feed(r, &fl, 69, flags[i], none, 0, 2, &m); /* one byte behind the end: ignored */
        feed(r, &fl, 0, flags[i], none, 0, 2, &m);
        CHECK_INT(tcp_reassembly_stats(r)->ignored, 2);
        feed(r, &fl, 70, flags[i], none, 0, 2, &m); /* at the end: the flow is forgotten */
        /* the rest of the message is read as a new flow's start (see test_loss) */
        feed_range(r, &fl, 40, s, 30, a, 3, &m);
        CHECK_INT(m.n, 1);
        CHECK_MSG(&m, 0, (const uint8_t *)"", 1);
        feed(r, &fl, 40 + (uint32_t)a, flags[i], none, 0, 4, &m);
        /* a segment completing a message, with the flag: the message, then forgotten */
        feed_range(r, &fl, 40, s, 0, 30, 5, &m);
        feed(r, &fl, 70, flags[i], s + 30, a - 30, 6, &m);
        CHECK_INT(m.n, 2);
        CHECK_MSG(&m, 1, qa.dns.data, qa.dns.len);
        feed(r, &fl, 123456, 0, qaaaa.tcp.data, qaaaa.tcp.len, 7, &m);
        CHECK_INT(m.n, 3);
        CHECK_MSG(&m, 2, qaaaa.dns.data, qaaaa.dns.len);
        CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
        CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
        CHECK_INT(tcp_reassembly_stats(r)->ignored, 2);
        msgs_clear(&m);
        tcp_reassembly_free(r);
    }
    /* a forged RST behind, then the message completes */
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};
    feed_range(r, &fl, 40, s, 0, 30, 1, &m);
    feed(r, &fl, 40, FRAME_TCP_RST, none, 0, 2, &m);
    feed_range(r, &fl, 40, s, 30, a, 3, &m);
    CHECK_INT(m.n, 1);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* SYN: the data starts one past its sequence number. On a known flow, a SYN whose data
 * would start ahead of the expected byte, or further back than the window, is a new
 * connection on the same ports when that loses nothing (no message in hand, no segment
 * held): the stream restarts there. With a message in hand it is out of window (stale, or
 * forged to push the message out): ignored, counted. Any other is a SYN read late (after
 * data of its own connection, from another CPU's buffer, or sent again): ignored but for
 * its payload, taken like any segment's. */
static void test_syn(void)
{
    const struct frame_info fl = dig_flow();
    const uint32_t isn = 0xffffffffu; /* the first data byte is at 0 */
    uint8_t buf[512];
    size_t off[5];
    size_t a = qa.tcp.len;
    stream_of(buf, 4, off);
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    /* the SYN sent again before any data (its data would start at the expected byte),
     * with message 1 held: still held */
    feed(r, &fl, isn, FRAME_TCP_SYN, none, 0, 1, &m);
    feed(r, &fl, isn, FRAME_TCP_SYN, none, 0, 2, &m);
    feed_seg(r, &fl, isn + 1, buf, off, 1, 0, 3, &m);
    feed(r, &fl, isn, FRAME_TCP_SYN, none, 0, 4, &m);
    CHECK_INT(m.n, 0);
    feed_seg(r, &fl, isn + 1, buf, off, 0, 0, 5, &m);
    CHECK_INT(m.n, 2);
    CHECK_NTH(&m, 0, 0);
    CHECK_NTH(&m, 1, 1);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* data, then its own SYN read late, again with a message in hand, and again with a
     * segment held: each time ignored, nothing lost */
    r = new_r();
    feed_seg(r, &fl, isn + 1, buf, off, 0, 0, 1, &m);
    feed(r, &fl, isn, FRAME_TCP_SYN, none, 0, 2, &m);
    CHECK_INT(m.n, 1);
    feed(r, &fl, isn + 1 + (uint32_t)off[1], 0, buf + off[1], 30, 3, &m);
    feed(r, &fl, isn, FRAME_TCP_SYN, none, 0, 4, &m);
    feed(r, &fl, isn + 1 + (uint32_t)off[1] + 30, 0, buf + off[1] + 30, off[2] - off[1] - 30, 5,
         &m);
    CHECK_INT(m.n, 2);
    feed_seg(r, &fl, isn + 1, buf, off, 3, 0, 6, &m);
    feed(r, &fl, isn, FRAME_TCP_SYN, none, 0, 7, &m);
    CHECK_INT(m.n, 2);
    feed_seg(r, &fl, isn + 1, buf, off, 2, 0, 8, &m);
    CHECK_INT(m.n, 4);
    for (int k = 0; k < 4; k++)
        CHECK_NTH(&m, k, k);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* a SYN one byte ahead of the expected byte while a message is in hand and a segment
     * held: ignored, and the message completes; once nothing is in hand, a SYN ahead is a
     * new connection (its data are read from it) */
    r = new_r();
    feed_range(r, &fl, 1000, buf, 0, 30, 1, &m);
    feed_seg(r, &fl, 1000, buf, off, 1, 0, 2, &m); /* held */
    feed(r, &fl, 1030, FRAME_TCP_SYN, none, 0, 3, &m);
    CHECK_INT(tcp_reassembly_stats(r)->ignored, 1);
    feed_range(r, &fl, 1000, buf, 30, off[1], 4, &m);
    CHECK_INT(m.n, 2);
    CHECK_NTH(&m, 0, 0);
    CHECK_NTH(&m, 1, 1);
    feed(r, &fl, 77777, FRAME_TCP_SYN, none, 0, 5, &m);
    feed(r, &fl, 77778, 0, qaaaa.tcp.data, qaaaa.tcp.len, 6, &m);
    CHECK_INT(m.n, 3);
    CHECK_MSG(&m, 2, qaaaa.dns.data, qaaaa.dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* a SYN whose data would start exactly as far back as the window is one read late (and
     * its data, a retransmission, is skipped); one byte further back, a new connection */
    r = new_r();
    const uint32_t next = 5000 + (uint32_t)a;
    feed(r, &fl, 5000, 0, qa.tcp.data, a, 1, &m);
    feed(r, &fl, next - WINDOW - 1, FRAME_TCP_SYN, none, 0, 2, &m);
    feed(r, &fl, next - WINDOW, 0, qaaaa.tcp.data, qaaaa.tcp.len, 3, &m);
    CHECK_INT(m.n, 1);
    feed(r, &fl, next - WINDOW - 2, FRAME_TCP_SYN, none, 0, 4, &m);
    feed(r, &fl, next - WINDOW - 1, 0, qaaaa.tcp.data, qaaaa.tcp.len, 5, &m);
    CHECK_INT(m.n, 2);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    CHECK_MSG(&m, 1, qaaaa.dns.data, qaaaa.dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* data on the SYN itself (TCP Fast Open), then the next message; the SYN and its data
     * sent again afterwards: nothing comes out twice */
    r = new_r();
    feed(r, &fl, 500, FRAME_TCP_SYN, qa.tcp.data, a, 1, &m);
    feed(r, &fl, 501 + (uint32_t)a, 0, qaaaa.tcp.data, qaaaa.tcp.len, 2, &m);
    feed(r, &fl, 500, FRAME_TCP_SYN, qa.tcp.data, a, 3, &m);
    CHECK_INT(m.n, 2);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    CHECK_MSG(&m, 1, qaaaa.dns.data, qaaaa.dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* a SYN with data read late, its data partly new: the new part is fed (here the second
     * half of a message whose first half came first) */
    r = new_r();
    feed(r, &fl, 501, 0, qa.tcp.data, 30, 1, &m);
    feed(r, &fl, 500, FRAME_TCP_SYN, qa.tcp.data, a, 2, &m);
    CHECK_INT(m.n, 1);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* FIN or RST on a held segment: the flow ends when that segment is fed (after its data),
 * not before, and whatever is held beyond it goes with the flow; the next segment starts a
 * new flow wherever it is. */
static void test_held_fin(void)
{
    const uint8_t flags[] = {FRAME_TCP_FIN, FRAME_TCP_RST, FRAME_TCP_FIN | FRAME_TCP_RST};
    const struct frame_info fl = dig_flow();
    uint8_t buf[1024];
    size_t off[11];
    stream_of(buf, 10, off);

    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        /* message 1 with the flag held, message 3 held beyond it */
        struct tcp_reassembly *r = new_r();
        struct msgs m = {0};
        feed_range(r, &fl, 40, buf, 0, 30, 1, &m);
        feed_seg(r, &fl, 40, buf, off, 1, flags[i], 2, &m);
        feed_seg(r, &fl, 40, buf, off, 3, 0, 3, &m);
        CHECK_INT(m.n, 0);
        feed_range(r, &fl, 40, buf, 30, off[1], 4, &m);
        CHECK_INT(m.n, 2);
        CHECK_NTH(&m, 0, 0);
        CHECK_NTH(&m, 1, 1);
        /* message 2 would have reached the held message 3; the flow is new instead */
        feed_seg(r, &fl, 40, buf, off, 2, 0, 5, &m);
        CHECK_INT(m.n, 3);
        CHECK_NTH(&m, 2, 2);
        feed_seg(r, &fl, 40, buf, off, 3, 0, 6, &m); /* in order after message 2 */
        CHECK_INT(m.n, 4);
        CHECK_NTH(&m, 3, 3);
        CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
        CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
        msgs_clear(&m);
        tcp_reassembly_free(r);

        /* an empty segment with the flag, held at the end of message 1: once reached, the
         * flow is gone, and message 0 sent again is a new flow's first message */
        r = new_r();
        feed_seg(r, &fl, 40, buf, off, 0, 0, 1, &m);
        feed(r, &fl, 40 + (uint32_t)off[2], flags[i], none, 0, 2, &m);
        feed_seg(r, &fl, 40, buf, off, 0, 0, 3, &m); /* old: skipped */
        CHECK_INT(m.n, 1);
        feed_seg(r, &fl, 40, buf, off, 1, 0, 4, &m);
        CHECK_INT(m.n, 2);
        feed_seg(r, &fl, 40, buf, off, 0, 0, 5, &m);
        CHECK_INT(m.n, 3);
        CHECK_NTH(&m, 0, 0);
        CHECK_NTH(&m, 1, 1);
        CHECK_NTH(&m, 2, 0);
        CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
        CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
        msgs_clear(&m);
        tcp_reassembly_free(r);

        /* held segments 1..8, 3 with the flag, 9 one too many: a gap, the held flag goes
         * with the rest; the flow is desynchronised until a SYN (or a FIN/RST of its own) */
        r = new_r();
        feed_range(r, &fl, 40, buf, 0, 30, 1, &m);
        for (size_t k = 1; k <= 8; k++)
            feed_seg(r, &fl, 40, buf, off, k, k == 3 ? flags[i] : 0, 2, &m);
        CHECK_INT(m.n, 0);
        feed_seg(r, &fl, 40, buf, off, 9, 0, 3, &m);
        CHECK_INT(tcp_reassembly_stats(r)->gaps, 1);
        feed_seg(r, &fl, 40, buf, off, 9, 0, 4, &m);
        CHECK_INT(m.n, 0);
        feed(r, &fl, 9, FRAME_TCP_SYN, none, 0, 5, &m);
        feed_seg(r, &fl, 10, buf, off, 0, 0, 6, &m);
        CHECK_INT(m.n, 1);
        CHECK_NTH(&m, 0, 0);
        CHECK_INT(tcp_reassembly_stats(r)->gaps, 1);
        CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
        msgs_clear(&m);
        tcp_reassembly_free(r);

        /* the flag on a segment in order ends the flow with its held segments: not evicted
         * (seen when the flow would be idle) */
        r = new_r();
        feed_seg(r, &fl, 40, buf, off, 0, 0, 1, &m);
        feed_seg(r, &fl, 40, buf, off, 2, 0, 2, &m);
        feed(r, &fl, 40 + (uint32_t)off[1], flags[i], none, 0, 3, &m);
        const struct frame_info other = nth_flow(0);
        feed_seg(r, &other, 40, buf, off, 0, 0, 3 + TCP_REASSEMBLY_IDLE_MS + 1, &m);
        CHECK_INT(m.n, 2);
        CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
        CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
        msgs_clear(&m);
        tcp_reassembly_free(r);
    }
}

/* A flow released for room or idleness counts as evicted when it had segments held, even
 * with no message unfinished; what it held goes with it (its missing bytes, coming later,
 * start a new flow, and the held message does not follow them). */
static void test_evict_held(void)
{
    const struct frame_info fa = nth_flow(0), fb = nth_flow(1), fc = nth_flow(2);
    uint8_t buf[512];
    size_t off[4];
    stream_of(buf, 3, off);
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    /* idle: a with message 2 held, b with nothing; both idle when c comes */
    feed_seg(r, &fa, 0, buf, off, 0, 0, 0, &m);
    feed_seg(r, &fa, 0, buf, off, 2, 0, 0, &m);
    feed_seg(r, &fb, 0, buf, off, 0, 0, 0, &m);
    CHECK_INT(m.n, 2);
    feed_seg(r, &fc, 0, buf, off, 0, 0, TCP_REASSEMBLY_IDLE_MS + 1, &m);
    CHECK_INT(m.n, 3);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 1);
    /* a comes back: dropped with a segment held, its bytes are not a message's start
     * (desynchronised until its next SYN) */
    feed_seg(r, &fa, 0, buf, off, 1, 0, TCP_REASSEMBLY_IDLE_MS + 2, &m);
    CHECK_INT(m.n, 3);
    CHECK_INT(tcp_reassembly_stats(r)->ignored, 1);
    feed(r, &fa, 99, FRAME_TCP_SYN, none, 0, TCP_REASSEMBLY_IDLE_MS + 3, &m);
    feed_seg(r, &fa, 100, buf, off, 0, 0, TCP_REASSEMBLY_IDLE_MS + 4, &m);
    CHECK_INT(m.n, 4);
    CHECK_NTH(&m, 3, 0);
    /* b, idle with nothing in hand, comes back as a new flow read from its segment */
    feed_seg(r, &fb, 0, buf, off, 1, 0, 2 * TCP_REASSEMBLY_IDLE_MS + 5, &m);
    CHECK_INT(m.n, 5);
    CHECK_NTH(&m, 4, 1);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 1);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* for room: flow 0, the least recently used, has message 2 held; the others nothing:
     * they make room (not evicted), and flow 0's held message follows its missing one */
    r = new_r();
    for (unsigned i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct frame_info fl = nth_flow(i);
        feed_seg(r, &fl, 1000 * i, buf, off, 0, 0, i + 1, &m);
        if (i == 0)
            feed_seg(r, &fl, 0, buf, off, 2, 0, 1, &m);
    }
    CHECK_INT(m.n, TCP_REASSEMBLY_FLOWS);
    msgs_clear(&m);
    struct frame_info f256 = nth_flow(256), f257 = nth_flow(257);
    feed_seg(r, &f256, 0, buf, off, 0, 0, 300, &m);
    feed_seg(r, &f257, 0, buf, off, 0, 0, 301, &m);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    feed_seg(r, &fa, 0, buf, off, 1, 0, 302, &m);
    CHECK_INT(m.n, 4);
    CHECK_NTH(&m, 2, 1);
    CHECK_NTH(&m, 3, 2);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* More than TCP_REASSEMBLY_FLOWS flows: the least recently used flow with nothing in hand
 * makes room (not evicted: it loses nothing). Whether a flow was forgotten shows in a
 * segment after missing bytes: a known flow holds it, a new one starts there. */
static void test_lru(void)
{
    const uint8_t *s = qa.tcp.data;
    size_t a = qa.tcp.len;
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    CHECK_INT(TCP_REASSEMBLY_FLOWS, 256);
    for (unsigned i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct frame_info fl = nth_flow(i);
        feed_range(r, &fl, 1000 * i, s, 0, i == 0 || i == 3 ? 30 : a, i + 1, &m);
    }
    CHECK_INT(m.n, TCP_REASSEMBLY_FLOWS - 2);
    msgs_clear(&m);
    struct frame_info f0 = nth_flow(0), f1 = nth_flow(1), f3 = nth_flow(3);
    struct frame_info f255 = nth_flow(255);
    for (unsigned i = 256; i < 259; i++) { /* room made by flows 1, 2 and 4 */
        struct frame_info fl = nth_flow(i);
        feed_range(r, &fl, 1000 * i, s, 0, a, 300 + i - 256, &m);
    }
    CHECK_INT(m.n, 3);
    msgs_clear(&m);
    feed_range(r, &f0, 0, s, 30, a, 303, &m); /* flows 0 and 3 were kept: they complete */
    feed_range(r, &f3, 3000, s, 30, a, 304, &m);
    CHECK_INT(m.n, 2);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    CHECK_MSG(&m, 1, qa.dns.data, qa.dns.len);
    msgs_clear(&m);
    /* flow 1 was forgotten (room: flow 5): the segment starts it anew; flow 255 was not:
     * the segment is held until the 100 bytes before it come (a 98-byte message) */
    feed(r, &f1, 1000 + (uint32_t)a + 100, 0, qaaaa.tcp.data, qaaaa.tcp.len, 305, &m);
    CHECK_INT(m.n, 1);
    feed(r, &f255, 255000 + (uint32_t)a + 100, 0, qaaaa.tcp.data, qaaaa.tcp.len, 306, &m);
    CHECK_INT(m.n, 1);
    uint8_t filler[100] = {0, 98};
    for (size_t i = 2; i < sizeof(filler); i++)
        filler[i] = (uint8_t)i;
    feed(r, &f255, 255000 + (uint32_t)a, 0, filler, sizeof(filler), 307, &m);
    CHECK_INT(m.n, 3);
    CHECK_MSG(&m, 0, qaaaa.dns.data, qaaaa.dns.len);
    CHECK_MSG(&m, 1, filler + 2, 98);
    CHECK_MSG(&m, 2, qaaaa.dns.data, qaaaa.dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* One user cannot push out another's half-read message: root's message is split; nobody
 * opens 300 flows of one byte each (each a message in hand). The table full, nobody's own
 * least recently used flows make room (evicted, counted), root's stays and completes. With
 * two users holding as many, the least recently used of either goes. A system user's flow
 * is never pushed out for another user's, however many uids that one has. */
static void test_fairness(void)
{
    const uint8_t *s = qa.tcp.data;
    size_t a = qa.tcp.len;
    const uint32_t nobody = 65534, other = 1000;
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};
    const struct frame_info root = dig_flow();

    feed_range(r, &root, 7000, s, 0, 30, 1, &m);
    for (unsigned i = 0; i < 300; i++) {
        struct frame_info fl = nth_flow(i);
        feed_of(nobody, r, &fl, 0, 0, s, 1, 2 + i, &m);
    }
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 300 - (TCP_REASSEMBLY_FLOWS - 1));
    feed_range(r, &root, 7000, s, 30, a, 400, &m);
    CHECK_INT(m.n, 1);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    /* nobody's newest flow kept: its message completes */
    struct frame_info last = nth_flow(299);
    feed_of(nobody, r, &last, 1, 0, s + 1, a - 1, 401, &m);
    CHECK_INT(m.n, 2);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* 128 flows in hand each for nobody and for another user, then a third user's flow:
     * the least recently used of the two (nobody's first) goes; root's next flow too */
    r = new_r();
    for (unsigned i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct frame_info fl = nth_flow(i);
        feed_of(i % 2 ? other : nobody, r, &fl, 0, 0, s, 1, 1 + i, &m);
    }
    struct frame_info third = flow("127.0.0.2", 999, "127.0.0.1", 53);
    feed_of(7, r, &third, 0, 0, s, 1, 300, &m);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 1);
    struct frame_info f0 = nth_flow(0), f1 = nth_flow(1);
    feed_of(other, r, &f1, 1, 0, s + 1, a - 1, 301, &m); /* kept */
    CHECK_INT(m.n, 1);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    feed_of(nobody, r, &f0, 1, 0, s + 1, a - 1, 302, &m); /* forgotten: desynchronised */
    CHECK_INT(m.n, 1);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* 255 users (a rootless container's subordinate uids) with a flow in hand each: root's
     * older half-read message is never theirs to push out (a system user's); each new
     * flow of theirs pushes out the least recently used of theirs, which, coming back
     * with the rest of a message carrying a whole DNS message inside, reads nothing */
    r = new_r();
    feed_range(r, &root, 7000, s, 0, 30, 1, &m);
    for (unsigned i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct frame_info fl = nth_flow(i);
        feed_of(100000 + i, r, &fl, 0, 0, s, 1, 2 + i, &m);
    }
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 1); /* flow 0's, by flow 255 */
    uint8_t inner[512] = {0};
    memcpy(inner + 1, qaaaa.tcp.data, qaaaa.tcp.len); /* after the first byte: a message */
    feed_of(100000, r, &f0, 1, 0, inner + 1, qaaaa.tcp.len, 400, &m);
    CHECK_INT(m.n, 0);
    feed_range(r, &root, 7000, s, 30, a, 401, &m);
    CHECK_INT(m.n, 1);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* a table full of root's half-read messages: another user's new flow is not read
     * (counted), root's are kept */
    r = new_r();
    for (unsigned i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct frame_info fl = nth_flow(i);
        feed_of(0, r, &fl, 0, 0, s, 1, 1 + i, &m);
    }
    feed_of(nobody, r, &third, 0, 0, qa.tcp.data, a, 300, &m);
    CHECK_INT(m.n, 0);
    CHECK_INT(tcp_reassembly_stats(r)->ignored, 1);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    feed_of(0, r, &f0, 1, 0, s + 1, a - 1, 301, &m);
    CHECK_INT(m.n, 1);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* Flows idle for more than TCP_REASSEMBLY_IDLE_MS are forgotten when another flow is
 * looked up, and count as evicted only with a message unfinished; such a flow comes back
 * desynchronised. */
static void test_idle(void)
{
    const struct frame_info fa = nth_flow(0), fb = nth_flow(1), fc = nth_flow(2);
    const uint8_t *s = qa.tcp.data;
    size_t a = qa.tcp.len;
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    CHECK_INT(TCP_REASSEMBLY_IDLE_MS, 30000);
    feed_range(r, &fa, 0, s, 0, 30, 0, &m);
    feed_range(r, &fb, 0, s, 0, a, 30000, &m); /* exactly the idle time: a is kept */
    feed_range(r, &fa, 0, s, 30, a, 30000, &m);
    CHECK_INT(m.n, 2);
    CHECK_MSG(&m, 1, qa.dns.data, qa.dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 0);
    feed_range(r, &fa, (uint32_t)a, s, 0, 30, 30000, &m); /* the next message, unfinished */
    feed_range(r, &fc, 0, s, 0, a, 60001, &m);            /* a and b idle: both forgotten */
    CHECK_INT(m.n, 3);
    CHECK_INT(tcp_reassembly_stats(r)->evicted, 1);
    /* a comes back: dropped with a message in hand, it is not read until its next SYN
     * (before, the message's rest was read as a new flow's start: a 1-byte message) */
    feed_range(r, &fa, (uint32_t)a, s, 30, a, 60001, &m);
    CHECK_INT(m.n, 3);
    CHECK_INT(tcp_reassembly_stats(r)->ignored, 1);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

/* The two directions of one connection are two flows, and so are flows that differ only in
 * an address or the family: interleaved byte by byte, each message comes out whole. */
static void test_directions(void)
{
    struct frame_info fl[] = {
        flow("127.0.0.1", 42101, "127.0.0.1", 53), flow("127.0.0.1", 53, "127.0.0.1", 42101),
        flow("7f00:1::", 42101, "7f00:1::", 53), /* the same 16 address bytes as IPv4 */
        flow("127.0.0.1", 42101, "127.0.0.2", 53), flow("::1", 42101, "::1", 53),
    };
    const struct dns_tcp *p[] = {&qa, &ra, &raaaa, &qaaaa, &ra};
    const uint32_t seq[] = {0x6ac29348, 0x0cfea409, 1, 1, 0xfffffffe};
    const size_t n = sizeof(fl) / sizeof(fl[0]);
    struct tcp_reassembly *r = new_r();
    struct msgs m[5] = {{0}};

    for (size_t i = 0; i < 80; i++) {
        for (size_t f = 0; f < n; f++) {
            if (i < p[f]->tcp.len)
                feed_range(r, &fl[f], seq[f], p[f]->tcp.data, i, i + 1, i, &m[f]);
            CHECK_INT(m[f].n, i + 1 >= p[f]->tcp.len);
        }
    }
    for (size_t f = 0; f < n; f++)
        CHECK_MSG(&m[f], 0, p[f]->dns.data, p[f]->dns.len);
    CHECK_INT(tcp_reassembly_stats(r)->gaps, 0);
    for (size_t f = 0; f < n; f++)
        msgs_clear(&m[f]);
    tcp_reassembly_free(r);
}

/* The longest message a prefix can announce, 65,535 bytes (a real response, then bytes up
 * to that length), over 45 segments of a 1460-byte MSS. */
static void test_longest(void)
{
    const struct frame_info fl = dig_flow();
    size_t len = 2 + 65535;
    uint8_t *s = malloc(len);
    struct tcp_reassembly *r = new_r();
    struct msgs m = {0};

    s[0] = s[1] = 0xff;
    for (size_t i = 0; i < 65535; i++)
        s[2 + i] = i < ra.dns.len ? ra.dns.data[i] : (uint8_t)(i * 7);
    for (size_t off = 0; off < len; off += 1460) {
        feed_range(r, &fl, 1, s, off, off + 1460 < len ? off + 1460 : len, 1, &m);
        CHECK_INT(m.n, off + 1460 >= len);
    }
    CHECK_MSG(&m, 0, s + 2, 65535);
    msgs_clear(&m);
    tcp_reassembly_free(r);
    tcp_reassembly_free(NULL);
    free(s);
}

/* A container's root is uid 0 too: its namespace tells it apart, so its flows never push
 * out the host's root's; and the host's system flows dropped with a message in hand are
 * remembered apart, so a user's flood of its own evictions cannot make them forgotten. */
static void test_system_flows(void)
{
    const uint8_t *s = qa.tcp.data;
    size_t a = qa.tcp.len;
    struct msgs m = {0};
    const struct frame_info root = dig_flow();
    struct tcp_reassembly *r = new_r();

    feed_range(r, &root, 7000, s, 0, 30, 1, &m);
    for (unsigned i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct frame_info fl = nth_flow(i);
        fl.netns = 4242; /* a container's */
        feed_of(0, r, &fl, 0, 0, s, 1, 2 + i, &m);
    }
    feed_range(r, &root, 7000, s, 30, a, 400, &m);
    CHECK_INT(m.n, 1);
    CHECK_MSG(&m, 0, qa.dns.data, qa.dns.len);
    msgs_clear(&m);
    tcp_reassembly_free(r);

    /* root's flow idles out mid-message; nobody then makes 1,300 flows of one byte each,
     * each pushing out one of its own; root's rest, carrying a whole message inside, is
     * not read */
    r = new_r();
    feed_range(r, &root, 7000, s, 0, 30, 1, &m);
    for (unsigned i = 0; i < 1300; i++) {
        struct frame_info fl = nth_flow(i);
        feed_of(65534, r, &fl, 0, 0, s, 1, TCP_REASSEMBLY_IDLE_MS + 2 + i, &m);
    }
    uint8_t inner[512] = {0};
    memcpy(inner, qaaaa.tcp.data, qaaaa.tcp.len);
    feed(r, &root, 7030, 0, inner, qaaaa.tcp.len, TCP_REASSEMBLY_IDLE_MS + 2000, &m);
    CHECK_INT(m.n, 0);
    msgs_clear(&m);
    tcp_reassembly_free(r);
}

int main(void)
{
    qa = load_pair("tcp_query_a");
    qaaaa = load_pair("tcp_query_aaaa");
    ra = load_pair("tcp_response_a");
    raaaa = load_pair("tcp_response_aaaa");

    test_captured_frames();
    test_splits(&qa);
    test_splits(&raaaa);
    test_all_cuts(&qa);
    test_all_cuts(&ra);
    test_several_in_one();
    test_trailing_part();
    test_retransmissions();
    test_out_of_order();
    test_loss();
    test_out_of_window();
    test_malformed_then_good();
    test_fin_rst();
    test_syn();
    test_held_fin();
    test_evict_held();
    test_lru();
    test_fairness();
    test_system_flows();
    test_idle();
    test_directions();
    test_longest();

    struct dns_tcp *all[] = {&qa, &qaaaa, &ra, &raaaa};
    for (size_t i = 0; i < 4; i++) {
        free(all[i]->tcp.data);
        free(all[i]->dns.data);
    }
    CHECK_DONE();
}
