/* DNS over TCP reassembled per flow (RFC 1035 4.2.2: each message behind a 2-byte length):
 * a length prefix or a message split over segments, and several messages in one segment,
 * all come out as whole messages. Bounded: at most TCP_REASSEMBLY_FLOWS flows, one message
 * of at most 65,535 bytes held per flow; a flow is forgotten on FIN or RST (where its
 * stream ends), or when idle for TCP_REASSEMBLY_IDLE_MS. When no slot is free, a flow with
 * nothing in hand makes room, else one of the user holding the most flows with a message
 * in hand (users counted per network namespace), never a system user's (uid below 1000 in
 * the tool's namespace) for another user: a user cannot push out another's half-read
 * message by opening flows (with none to give up, the new flow is not read: counted).
 * After bytes that never come (a gap), a flow is desynchronised: nothing of it is read
 * until its next SYN, since no message boundary is known; so is a flow that comes back
 * after it was dropped holding a message (the last 1,024 of the system's and of the
 * others' remembered apart). A
 * SYN that would lose a message in hand, a FIN or RST anywhere but at the stream's end,
 * and a segment more than TCP_REASSEMBLY_WINDOW from it are ignored (counted). */
#ifndef EBPFSHIELD_TCP_REASSEMBLY_H
#define EBPFSHIELD_TCP_REASSEMBLY_H

#include <stddef.h>
#include <stdint.h>

#include "dns/frame.h"

#define TCP_REASSEMBLY_FLOWS 256
#define TCP_REASSEMBLY_IDLE_MS 30000
/* How far from the stream's place a segment may be and still belong to it. */
#define TCP_REASSEMBLY_WINDOW (1 << 20)

struct tcp_reassembly;

struct tcp_reassembly_stats {
    unsigned long long gaps;    /* flows desynchronised by missing bytes */
    unsigned long long evicted; /* flows dropped for room or idleness with a message unfinished */
    unsigned long long ignored; /* segments out of window, of a desynchronised flow, or of a
                                 * flow with no room */
};

/* Called with every complete DNS message (without its length prefix). */
typedef void (*tcp_message_fn)(const uint8_t *msg, size_t len, void *ctx);

/* NULL when out of memory. */
struct tcp_reassembly *tcp_reassembly_new(void);
void tcp_reassembly_free(struct tcp_reassembly *r);

/* Feeds the payload of one TCP segment (frame->proto == 6) of a socket of user owner, seen
 * at now_ms (a monotonic clock). A retransmitted or overlapping part is skipped by
 * sequence number; a segment ahead is held until the bytes before it come (at most 8 and
 * 64 KiB a flow, as samples from two CPUs may be read out of order), else a gap. A flow
 * first seen without its SYN (opened before the tool) is read from its first segment. */
void tcp_reassembly_segment(struct tcp_reassembly *r, const struct frame_info *frame,
                            uint32_t owner, uint64_t now_ms, tcp_message_fn fn, void *ctx);

const struct tcp_reassembly_stats *tcp_reassembly_stats(const struct tcp_reassembly *r);

#endif
