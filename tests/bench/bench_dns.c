/* Benchmark of the monitor's user-space path (not a test): frame_decode, then for TCP
 * tcp_reassembly (each round the segment that follows the last), then dns_decode_message
 * with ldns (at most MAX_LINES items formatted), on real captured frames (tests/fixtures).
 * Build and run from the source tree:
 *   gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Isrc -Ibpf_text -Itests/unit \
 *       src/dns/frame.c src/dns/dns_decode.c src/dns/dns_name.c src/dns/tcp_reassembly.c \
 *       src/base/text.c tests/bench/bench_dns.c \
 *       $(pkg-config --cflags --libs ldns) -o /tmp/bench_dns &&
 *   FIXTURES=tests/fixtures /tmp/bench_dns
 * Prints decoded frames per second and ns per frame for each fixture. */
#include "dns/dns_decode.h"
#include "fixture.h"
#include "dns/frame.h"
#include "dns/tcp_reassembly.h"

#include <time.h>

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
    if (run->messages >= 0 &&
        dns_decode_message(msg, len, MAX_LINES, count_item, &run->items, &why) >= 0)
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
                tcp_reassembly_segment(tcp, &fi, 1000, decode_message, &run);
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
    return 0;
}
