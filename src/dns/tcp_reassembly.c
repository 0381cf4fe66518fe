#include "dns/tcp_reassembly.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX_LEN 2
/* How far behind a segment may start and still be taken for a retransmission. */
#define TCP_REASSEMBLY_WINDOW (1 << 20)
/* Segments that arrive before earlier ones (the perf buffer is per CPU, so samples of
 * one flow sent from two CPUs may be read out of order) are held, this many and this many
 * bytes per flow, until the bytes before them come; beyond that those are taken as lost. */
#define HELD_MAX 8
#define HELD_BYTES_MAX 65536u

/* One direction of one TCP connection. */
struct flow_id {
    uint64_t netns;
    int family;
    uint8_t saddr[16], daddr[16];
    uint16_t sport, dport;
};

struct flow {
    bool used;
    struct flow_id id;
    uint64_t last_ms;
    uint32_t next_seq;  /* of the next byte expected */
    uint8_t prefix[2];  /* the length prefix being read */
    size_t prefix_have; /* 0..2 */
    size_t msg_len;     /* with prefix_have == 2: the message being read */
    size_t msg_have;    /* bytes of it in buf */
    uint8_t *buf;       /* msg_len bytes, allocated for a message split over segments */
    struct held {
        uint32_t seq;
        uint8_t flags;
        size_t len;
        uint8_t *data;
    } held[HELD_MAX];
    size_t nheld, held_bytes;
};

struct tcp_reassembly {
    struct flow flows[TCP_REASSEMBLY_FLOWS];
    struct tcp_reassembly_stats stats;
};

struct tcp_reassembly *tcp_reassembly_new(void)
{
    return calloc(1, sizeof(struct tcp_reassembly));
}

static void drop_held(struct flow *f)
{
    for (size_t i = 0; i < f->nheld; i++)
        free(f->held[i].data);
    f->nheld = f->held_bytes = 0;
}

static void flow_release(struct tcp_reassembly *r, struct flow *f, bool count)
{
    if (count && (f->prefix_have > 0 || f->nheld > 0))
        r->stats.evicted++;
    free(f->buf);
    drop_held(f);
    memset(f, 0, sizeof(*f));
}

void tcp_reassembly_free(struct tcp_reassembly *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < TCP_REASSEMBLY_FLOWS; i++)
        flow_release(r, &r->flows[i], false);
    free(r);
}

const struct tcp_reassembly_stats *tcp_reassembly_stats(const struct tcp_reassembly *r)
{
    return &r->stats;
}

static void flow_id_of(const struct frame_info *fr, struct flow_id *id)
{
    memset(id, 0, sizeof(*id));
    id->netns = fr->netns;
    id->family = fr->family;
    memcpy(id->saddr, fr->saddr, sizeof(id->saddr));
    memcpy(id->daddr, fr->daddr, sizeof(id->daddr));
    id->sport = fr->sport;
    id->dport = fr->dport;
}

/* The flow of id, or a free, idle or least recently used slot made ready for it. */
static struct flow *flow_find(struct tcp_reassembly *r, const struct flow_id *id, uint64_t now_ms,
                              bool *fresh)
{
    struct flow *spare = NULL;
    for (size_t i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct flow *f = &r->flows[i];
        if (f->used && now_ms - f->last_ms > TCP_REASSEMBLY_IDLE_MS)
            flow_release(r, f, true); /* its own segment after so long starts afresh */
        if (f->used && memcmp(&f->id, id, sizeof(*id)) == 0) {
            *fresh = false;
            return f;
        }
        if (!spare || (spare->used && (!f->used || f->last_ms < spare->last_ms)))
            spare = f;
    }
    if (spare->used)
        flow_release(r, spare, true);
    spare->used = true;
    spare->id = *id;
    *fresh = true;
    return spare;
}

static void message_reset(struct flow *f)
{
    free(f->buf);
    f->buf = NULL;
    f->prefix_have = f->msg_have = f->msg_len = 0;
}

/* Feeds in-order payload bytes to the message parser of f. */
static void flow_consume(struct flow *f, const uint8_t *p, size_t len, tcp_message_fn fn, void *ctx)
{
    while (len > 0) {
        if (f->prefix_have < PREFIX_LEN) {
            f->prefix[f->prefix_have++] = *p++;
            len--;
            if (f->prefix_have == PREFIX_LEN)
                f->msg_len = (size_t)f->prefix[0] << 8 | f->prefix[1];
            if (f->prefix_have < PREFIX_LEN || f->msg_len > 0)
                continue;
            fn(p, 0, ctx); /* an empty message: reported (and refused) as such */
            message_reset(f);
            continue;
        }
        size_t take = f->msg_len - f->msg_have;
        if (take > len)
            take = len;
        if (f->msg_have == 0 && take == f->msg_len) { /* whole in this segment: no copy */
            fn(p, take, ctx);
        } else {
            if (!f->buf && !(f->buf = malloc(f->msg_len))) {
                message_reset(f); /* out of memory: this message is lost */
                return;
            }
            memcpy(f->buf + f->msg_have, p, take);
            f->msg_have += take;
            if (f->msg_have == f->msg_len)
                fn(f->buf, f->msg_len, ctx);
            else
                take = len; /* all consumed, the message continues in a later segment */
        }
        p += take;
        len -= take;
        if (f->msg_have == f->msg_len || f->msg_have == 0)
            message_reset(f);
    }
}

/* One segment of f in the stream's terms: the bytes after next_seq are fed, those before
 * it (a retransmission, or a segment read late) skipped. Returns true when FIN or RST ended
 * the flow. */
static bool deliver(struct tcp_reassembly *r, struct flow *f, uint32_t seq, const uint8_t *p,
                    size_t len, uint8_t flags, tcp_message_fn fn, void *ctx)
{
    size_t seen = (size_t)(uint32_t)(f->next_seq - seq); /* seq is not ahead */
    if (seen < len) {
        f->next_seq = seq + (uint32_t)len;
        flow_consume(f, p + seen, len - seen, fn, ctx);
    }
    if (flags & (FRAME_TCP_FIN | FRAME_TCP_RST)) {
        flow_release(r, f, false);
        return true;
    }
    return false;
}

/* Feeds the held segments that the stream has reached; true when one ended the flow. */
static bool drain_held(struct tcp_reassembly *r, struct flow *f, tcp_message_fn fn, void *ctx)
{
    for (size_t i = 0; i < f->nheld;) {
        struct held h = f->held[i];
        if ((int32_t)(h.seq - f->next_seq) > 0) {
            i++;
            continue;
        }
        f->held[i] = f->held[--f->nheld];
        f->held_bytes -= h.len;
        bool ended = deliver(r, f, h.seq, h.data, h.len, h.flags, fn, ctx);
        free(h.data);
        if (ended)
            return true;
        i = 0; /* next_seq moved: look again from the start */
    }
    return false;
}

static bool hold(struct flow *f, uint32_t seq, const uint8_t *p, size_t len, uint8_t flags)
{
    if (f->nheld == HELD_MAX || f->held_bytes + len > HELD_BYTES_MAX)
        return false;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return false;
    memcpy(copy, p, len);
    f->held[f->nheld++] = (struct held){.seq = seq, .flags = flags, .len = len, .data = copy};
    f->held_bytes += len;
    return true;
}

/* The bytes before the earliest held segment (or seq) are taken as lost. */
static void skip_gap(struct tcp_reassembly *r, struct flow *f, uint32_t seq)
{
    r->stats.gaps++;
    message_reset(f);
    for (size_t i = 0; i < f->nheld; i++)
        if ((int32_t)(f->held[i].seq - seq) < 0)
            seq = f->held[i].seq;
    f->next_seq = seq;
}

void tcp_reassembly_segment(struct tcp_reassembly *r, const struct frame_info *frame,
                            uint64_t now_ms, tcp_message_fn fn, void *ctx)
{
    struct flow_id id;
    bool fresh;
    flow_id_of(frame, &id);
    struct flow *f = flow_find(r, &id, now_ms, &fresh);
    uint32_t seq = frame->seq;
    uint8_t flags = frame->tcp_flags;
    f->last_ms = now_ms;
    if (flags & FRAME_TCP_SYN) { /* data starts one past it */
        seq++;
        int32_t ahead = (int32_t)(seq - f->next_seq);
        if (!fresh && (ahead > 0 || ahead < -TCP_REASSEMBLY_WINDOW)) { /* a new connection */
            message_reset(f);
            drop_held(f);
            fresh = true;
        }
    }
    if (fresh)
        f->next_seq = seq;
    int32_t ahead = (int32_t)(seq - f->next_seq);
    if (ahead < -TCP_REASSEMBLY_WINDOW) { /* far behind: a new stream, restarted here */
        r->stats.gaps++;
        message_reset(f);
        drop_held(f);
        f->next_seq = seq;
    }
    if ((int32_t)(seq - f->next_seq) > 0 && hold(f, seq, frame->payload, frame->payload_len, flags))
        return;                             /* until the bytes before it come */
    if ((int32_t)(seq - f->next_seq) > 0) { /* no room to wait: those bytes are lost */
        skip_gap(r, f, seq);
        if (drain_held(r, f, fn, ctx))
            return;
        if ((int32_t)(seq - f->next_seq) > 0) {
            r->stats.gaps++; /* still ahead of what is held: dropped */
            return;
        }
    }
    if (!deliver(r, f, seq, frame->payload, frame->payload_len, flags, fn, ctx))
        drain_held(r, f, fn, ctx);
}
