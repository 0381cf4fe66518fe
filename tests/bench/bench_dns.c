/* Benchmark of the monitor's user-space path (not a test): frame_decode, then
 * dns_decode_payload with ldns, on real captured frames (tests/fixtures). Build and run
 * from the source tree:
 *   gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Isrc -Ibpf_text -Itests/unit \
 *       src/frame.c src/dns_decode.c tests/bench/bench_dns.c $(pkg-config --cflags --libs ldns) \
 *       -o /tmp/bench_dns && FIXTURES=tests/fixtures /tmp/bench_dns
 * Prints decoded frames per second and ns per frame for each fixture. */
#include "dns_decode.h"
#include "fixture.h"
#include "frame.h"

#include <time.h>

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
        unsigned long items = 0;
        double t0 = now_s();
        for (int r = 0; r < ROUNDS; r++) {
            struct frame_info fi;
            const char *why;
            if (frame_decode(b.data, b.len, &fi) != FRAME_OK ||
                dns_decode_payload(fi.proto, fi.payload, fi.payload_len, count_item, &items, &why) <
                    0) {
                fprintf(stderr, "%s does not decode\n", frames[i]);
                return 1;
            }
        }
        double dt = now_s() - t0;
        printf("%-28s %9.0f frames/s %7.0f ns/frame %lu items\n", frames[i], ROUNDS / dt,
               dt / ROUNDS * 1e9, items / ROUNDS);
        free(b.data);
    }
    return 0;
}
