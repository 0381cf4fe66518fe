/* DNS over TCP reassembled per flow (RFC 1035 4.2.2: each message behind a 2-byte length):
 * a length prefix or a message split over segments, and several messages in one segment,
 * all come out as whole messages. Bounded: at most TCP_REASSEMBLY_FLOWS flows (the least
 * recently used makes room), one message of at most 65,535 bytes held per flow; a flow is
 * forgotten on FIN or RST, or when idle for TCP_REASSEMBLY_IDLE_MS. */
#ifndef EBPFSHIELD_TCP_REASSEMBLY_H
#define EBPFSHIELD_TCP_REASSEMBLY_H

#include <stddef.h>
#include <stdint.h>

#include "dns/frame.h"

#define TCP_REASSEMBLY_FLOWS 256
#define TCP_REASSEMBLY_IDLE_MS 30000

struct tcp_reassembly;

struct tcp_reassembly_stats {
    unsigned long long gaps;    /* segments after missing bytes: the message in hand is lost */
    unsigned long long evicted; /* flows dropped for room or idleness with a message unfinished */
};

/* Called with every complete DNS message (without its length prefix). */
typedef void (*tcp_message_fn)(const uint8_t *msg, size_t len, void *ctx);

/* NULL when out of memory. */
struct tcp_reassembly *tcp_reassembly_new(void);
void tcp_reassembly_free(struct tcp_reassembly *r);

/* Feeds the payload of one TCP segment (frame->proto == 6) seen at now_ms (a monotonic
 * clock). A retransmitted or overlapping part is skipped by sequence number; after a gap
 * the flow restarts at the new segment. */
void tcp_reassembly_segment(struct tcp_reassembly *r, const struct frame_info *frame,
                            uint64_t now_ms, tcp_message_fn fn, void *ctx);

const struct tcp_reassembly_stats *tcp_reassembly_stats(const struct tcp_reassembly *r);

#endif
