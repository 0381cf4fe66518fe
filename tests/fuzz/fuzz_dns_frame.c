/* libFuzzer target: a captured frame as the socket filter ships it (untrusted: any packet
 * to or from a DNS port), through frame_decode, the ldns-based DNS decoder and, for TCP,
 * the per-flow reassembly. The TCP payload (and, whatever it decodes to, the whole input) is
 * read as a DNS-over-TCP stream and cut into segments fed to one tcp_reassembly: where it
 * is cut, what is sent again, on how many flows, with which sequence numbers, is derived
 * from the input. Without lost bytes, the messages that come out must be exactly those of
 * the stream read at once; a second pass loses, reorders and flags segments over many
 * flows and idle times. Any mismatch aborts. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/dns_decode.h"
#include "dns/frame.h"
#include "dns/tcp_reassembly.h"

#define FLOWS_MAX 4
#define BACK_MAX 100   /* how far a retransmission reaches back */
#define DIRTY_STEPS 64 /* segments of the second pass */

static void item(const struct dns_item *it, void *ctx)
{
    ++*(size_t *)ctx;
    volatile char sink = it->name[0] ^ it->data[0] ^ it->type[0]; /* what a line prints */
    (void)sink;
}

/* dns_decode_message must report min(count, max) items, or say why it failed. */
static void decode(const uint8_t *msg, size_t len, size_t max)
{
    size_t calls = 0;
    const char *why = NULL;
    long n = dns_decode_message(msg, len, max, DNS_TYPES_ADDRESS, item, &calls, &why);
    if (n < 0 ? why == NULL : calls != ((size_t)n < max ? (size_t)n : max))
        abort();
}

static uint32_t next_rand(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u; /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* One flow of the first pass: the stream read at once says which message comes next. */
struct flow_check {
    struct frame_info f;
    uint32_t isn; /* sequence number of stream byte 0 */
    size_t sent;  /* stream bytes fed so far, in order */
    const uint8_t *stream;
    size_t len;
    size_t next; /* offset of the next message's length prefix */
    size_t max;
};

static void check_message(const uint8_t *msg, size_t len, void *ctx)
{
    struct flow_check *c = ctx;
    if (c->len - c->next < 2)
        abort();
    size_t want = (size_t)c->stream[c->next] << 8 | c->stream[c->next + 1];
    if (len != want || want > c->len - c->next - 2 ||
        (len && memcmp(msg, c->stream + c->next + 2, len) != 0))
        abort();
    c->next += 2 + len;
    decode(msg, len, c->max);
}

static void feed(struct tcp_reassembly *r, const struct frame_info *flow, uint32_t seq,
                 uint8_t flags, const uint8_t *p, size_t len, uint64_t now_ms, tcp_message_fn fn,
                 void *ctx)
{
    struct frame_info f = *flow;
    f.proto = 6;
    f.seq = seq;
    f.tcp_flags = flags;
    f.payload = p;
    f.payload_len = len;
    tcp_reassembly_segment(r, &f, 0, now_ms, fn, ctx);
}

/* First pass: the stream on 1 to FLOWS_MAX flows, cut in pieces of up to maxpiece bytes,
 * some sent again (whole or in part), none lost. */
static void exact_pass(const struct frame_info *flow, const uint8_t *s, size_t len, uint32_t seed,
                       size_t max)
{
    struct tcp_reassembly *r = tcp_reassembly_new();
    struct flow_check c[FLOWS_MAX];
    uint32_t rnd = seed;
    unsigned flows = 1 + next_rand(&rnd) % FLOWS_MAX;
    size_t maxpiece = 1 + next_rand(&rnd) % (next_rand(&rnd) & 1 ? 8 : 1460);
    if (!r)
        abort();
    for (unsigned i = 0; i < flows; i++) {
        c[i] = (struct flow_check){
            .f = *flow, .isn = seed + i * 0x9e3779b9u, .stream = s, .len = len, .max = max};
        c[i].f.sport = (uint16_t)(flow->sport + i);
        if (next_rand(&rnd) & 1) /* the handshake seen: data starts one past the SYN */
            feed(r, &c[i].f, c[i].isn - 1, FRAME_TCP_SYN, s, 0, 1, check_message, &c[i]);
    }
    for (unsigned done = 0; done < flows;) {
        struct flow_check *f = &c[next_rand(&rnd) % flows];
        if (f->sent == len && ++done) {
            f->sent = len + 1; /* counted once */
            continue;
        }
        if (f->sent > len)
            continue;
        uint32_t x = next_rand(&rnd);
        size_t back = x % 4 == 0 ? (x >> 8) % ((f->sent < BACK_MAX ? f->sent : BACK_MAX) + 1) : 0;
        size_t left = len - f->sent;
        size_t fwd = left ? 1 + (x >> 16) % (left < maxpiece ? left : maxpiece) : 0;
        size_t start = f->sent - back, end = f->sent + fwd;
        uint8_t flags = end == len && x % 8 == 1 ? FRAME_TCP_FIN : 0;
        feed(r, &f->f, f->isn + (uint32_t)start, flags, s + start, end - start, 1, check_message,
             f);
        f->sent = end;
        if (x % 16 == 3 && end > 0) /* a wholly old segment */
            feed(r, &f->f, f->isn, 0, s, (x >> 4) % end, 1, check_message, f);
    }
    /* what is left is one incomplete message (or nothing) */
    for (unsigned i = 0; i < flows; i++) {
        size_t tail = len - c[i].next;
        if (tail >= 2 && ((size_t)s[c[i].next] << 8 | s[c[i].next + 1]) <= tail - 2)
            abort();
    }
    const struct tcp_reassembly_stats *st = tcp_reassembly_stats(r);
    if (st->gaps || st->evicted)
        abort();
    tcp_reassembly_free(r);
}

static void decode_message(const uint8_t *msg, size_t len, void *ctx)
{
    if (len > 65535)
        abort();
    decode(msg, len, *(size_t *)ctx);
}

/* Second pass: pieces of the stream anywhere, on up to 300 flows (more than the table
 * holds) in both directions, with jumps in sequence and time and FIN/SYN/RST flags. */
static void dirty_pass(const struct frame_info *flow, const uint8_t *s, size_t len, uint32_t seed,
                       size_t max)
{
    struct tcp_reassembly *r = tcp_reassembly_new();
    uint32_t rnd = seed ^ 0x5bd1e995u;
    /* more flows than the table holds in 1 input of 8 only: each new one scans it all */
    unsigned flows = 1 + next_rand(&rnd) % (next_rand(&rnd) % 8 ? 8 : 300);
    uint64_t now = 0;
    unsigned long long gaps = 0;
    if (!r)
        abort();
    for (int step = 0; step < DIRTY_STEPS; step++) {
        uint32_t x = next_rand(&rnd), y = next_rand(&rnd);
        struct frame_info f = *flow;
        f.sport = (uint16_t)(flow->sport + x % flows);
        if (y & 1) { /* the other direction */
            memcpy(f.saddr, flow->daddr, sizeof(f.saddr));
            memcpy(f.daddr, flow->saddr, sizeof(f.daddr));
            f.sport = flow->dport;
            f.dport = (uint16_t)(flow->sport + x % flows);
        }
        size_t start = len ? (x >> 9) % (len + 1) : 0;
        size_t end = start + (y >> 8) % (len - start + 1);
        uint32_t seq = seed + (uint32_t)start + (y % 8 == 0 ? next_rand(&rnd) : 0);
        uint8_t flags = y % 8 == 1 ? (uint8_t)(x & 7) : 0;
        now += y % 16 == 2 ? (x >> 3) % 40000 : (x >> 3) % 10;
        feed(r, &f, seq, flags, s + start, end - start, now, decode_message, &max);
        /* one segment is at most one gap (no room to hold it: the flow desynchronised) */
        const struct tcp_reassembly_stats *st = tcp_reassembly_stats(r);
        if (st->gaps < gaps || st->gaps > gaps + 1)
            abort();
        gaps = st->gaps;
    }
    tcp_reassembly_free(r);
}

static void tcp_passes(const struct frame_info *flow, const uint8_t *s, size_t len, uint32_t seed,
                       size_t max)
{
    exact_pass(flow, s, len, seed, max);
    dirty_pass(flow, s, len, seed, max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct frame_info f;
    size_t max = size ? data[size - 1] % 40 : 0; /* items formatted per message */
    uint32_t seed = (uint32_t)size * 2654435761u;
    for (size_t i = 0; i < size && i < 4; i++)
        seed = seed << 8 ^ data[i] ^ seed >> 24;

    int status = frame_decode(data, size, &f);
    if (status == FRAME_OK) {
        if (f.payload < data || f.payload_len > size || f.payload + f.payload_len > data + size)
            abort();
        if (f.proto == 6)
            tcp_passes(&f, f.payload, f.payload_len, f.seq ^ seed, max);
        else
            decode(f.payload, f.payload_len, max);
    }
    /* The DNS decoder on its own; unless it was a TCP frame, the input as a TCP stream. */
    decode(data, size, max);
    if (status != FRAME_OK || f.proto != 6) {
        struct frame_info raw = {.proto = 6, .family = AF_INET, .sport = 40000, .dport = 53};
        raw.saddr[0] = raw.daddr[0] = 127;
        raw.saddr[3] = raw.daddr[3] = 1;
        tcp_passes(&raw, data, size, seed, max);
    }
    return 0;
}
