/* Benchmark of the monitor's user-space path (not a test): frame_decode, then for TCP
 * tcp_reassembly (each round the segment that follows the last), then dns_decode_message
 * with ldns (at most MAX_LINES items formatted), on real captured frames (tests/fixtures).
 * Build and run from the source tree:
 *   gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Isrc -Ibpf_text -Itests/unit \
 *       src/dns/frame.c src/dns/dns_decode.c src/dns/dns_walk.c src/dns/dns_name.c \
 *       src/dns/tcp_reassembly.c \
 *       src/base/text.c tests/bench/bench_dns.c \
 *       $(pkg-config --cflags --libs ldns) -o /tmp/bench_dns &&
 *   FIXTURES=tests/fixtures /tmp/bench_dns
 * Prints decoded frames per second and ns per frame for each fixture; then, for 64 KiB
 * queries of questions whose names are pointers into one chain of LINKS pointers (the
 * flood of issue 22: 2,700), microseconds per message for dns_decode_message and, side by
 * side, for ldns_wire2pkt parsing the whole message (what the monitor did before dns_walk). */
#include "dns/dns_decode.h"
#include "fixture.h"
#include "dns/frame.h"
#include "dns/tcp_reassembly.h"

#include <time.h>

#include <ldns/ldns.h>

#define MAX_LINES 32 /* as the monitor's MONITOR_LINES_PER_MESSAGE */

#define ROUNDS 200000

static const char *const frames[] = {
    "udp_query_a.frame",        "udp_response_a.frame", "udp_response_aaaa.frame",
    "udp_response_cname.frame", "tcp_response_a.frame", "getent_response_aaaa.frame",
};

static void count_item(const struct dns_item *item, void *ctx)
{
    (void)item;
    ++*(unsigned long *)ctx;
}

/* A message and what it decoded to, or -1 for the whole run. */
struct run {
    unsigned long items;
    long messages;
};

static void decode_message(const uint8_t *msg, size_t len, void *ctx)
{
    struct run *run = ctx;
    const char *why;
    if (run->messages >= 0 && dns_decode_message(msg, len, MAX_LINES, DNS_TYPES_ADDRESS, count_item,
                                                 &run->items, &why) >= 0)
        run->messages++;
    else
        run->messages = -1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A 64 KiB query: a.example.test. A, then questions whose names each point at the one
 * before for links questions, then questions pointing at the last link to fill it. */
static size_t chain_query(uint8_t *m, size_t size, unsigned links, unsigned *questions)
{
    static const uint8_t head[] = {0x12, 0x34, 0x01, 0x00, 0,   1,   0,   0,   0,   0,   0,
                                   0,    1,    'a',  7,    'e', 'x', 'a', 'm', 'p', 'l', 'e',
                                   4,    't',  'e',  's',  't', 0,   0,   1,   0,   1};
    size_t n = sizeof(head), prev = 12;
    memcpy(m, head, n);
    *questions = 1;
    for (unsigned i = 0; n + 6 <= size; i++, ++*questions) {
        size_t here = n;
        m[n++] = (uint8_t)(0xc0 | prev >> 8);
        m[n++] = (uint8_t)prev;
        memcpy(m + n, "\0\1\0\1", 4);
        n += 4;
        if (i < links)
            prev = here;
    }
    m[4] = (uint8_t)(*questions >> 8);
    m[5] = (uint8_t)*questions;
    return n;
}

static int flood_messages(void)
{
    static uint8_t m[65535];
    const unsigned chains[] = {100, 2700};
    for (size_t c = 0; c < 2; c++) {
        unsigned questions;
        size_t len = chain_query(m, sizeof(m), chains[c], &questions);
        int rounds = 20;
        struct run run = {0};
        double t0 = now_s();
        long got = 0;
        for (int r = 0; r < rounds; r++) {
            const char *why;
            got = dns_decode_message(m, len, MAX_LINES, DNS_TYPES_ADDRESS, count_item, &run.items,
                                     &why);
        }
        double ours = (now_s() - t0) / rounds;
        t0 = now_s();
        for (int r = 0; r < rounds; r++) {
            ldns_pkt *pkt = NULL;
            if (ldns_wire2pkt(&pkt, m, len) == LDNS_STATUS_OK)
                ldns_pkt_free(pkt);
        }
        double whole = (now_s() - t0) / rounds;
        long want = chains[c] <= 126 ? (long)questions : -1;
        if (got != want)
            printf("MISMATCH: %u links: decoded %ld, want %ld\n", chains[c], got, want);
        printf("%5u-pointer chain, %u questions, %zu bytes: dns_decode_message %8.1f us "
               "(%s), ldns_wire2pkt %8.1f us\n",
               chains[c], questions, len, ours * 1e6, got < 0 ? "refused" : "decoded", whole * 1e6);
    }
    return 0;
}

int main(void)
{
    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        struct blob b = load_fixture(frames[i]);
        struct tcp_reassembly *tcp = tcp_reassembly_new();
        struct run run = {0};
        double t0 = now_s();
        for (int r = 0; r < ROUNDS; r++) {
            struct frame_info fi;
            if (!tcp || frame_decode(b.data, b.len, &fi) != FRAME_OK) {
                run.messages = -1;
                break;
            }
            if (fi.proto == 6) {
                fi.seq += (uint32_t)(r * fi.payload_len); /* the next segment, not a copy */
                tcp_reassembly_segment(tcp, &fi, 0, 1000, decode_message, &run);
            } else {
                decode_message(fi.payload, fi.payload_len, &run);
            }
        }
        double dt = now_s() - t0;
        if (run.messages != ROUNDS) {
            fprintf(stderr, "%s does not decode\n", frames[i]);
            return 1;
        }
        printf("%-28s %9.0f frames/s %7.0f ns/frame %lu items\n", frames[i], ROUNDS / dt,
               dt / ROUNDS * 1e9, run.items / ROUNDS);
        tcp_reassembly_free(tcp);
        free(b.data);
    }
    return flood_messages();
}
