#include "dns/tcp_reassembly.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX_LEN 2
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
    bool desync; /* after a gap: no message boundary is known until the next SYN */
    struct flow_id id;
    uint32_t owner; /* the uid of the socket's process: whose room the flow takes */
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

#define TOMBS 1024 /* flows dropped holding something, remembered: per ring */

struct tombs {
    struct flow_id id[TOMBS];
    size_t next;
};

struct tcp_reassembly {
    struct flow flows[TCP_REASSEMBLY_FLOWS];
    struct tombs tombs[2]; /* others' flows, the system's */
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

static void bury(struct tcp_reassembly *r, const struct flow *f);

static void flow_release(struct tcp_reassembly *r, struct flow *f, bool count)
{
    if (count && (f->prefix_have > 0 || f->nheld > 0))
        r->stats.evicted++;
    if (count && (f->prefix_have > 0 || f->nheld > 0 || f->desync))
        bury(r, f);
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

static bool in_hand(const struct flow *f)
{
    return f->prefix_have > 0 || f->nheld > 0;
}

/* Users below this uid in the tool's own network namespace are the system's (Debian's
 * UID_MIN): their flows make room only for the system's, never for a user's. A user may
 * hold any number of uids (a rootless container's subordinate ids), and a container's
 * root is uid 0 too (its namespace tells it apart), so counting flows per uid alone
 * would not protect them. */
#define SYSTEM_UID_END 1000

/* Whose room a flow takes: a user of a network namespace. */
struct owner {
    uint64_t netns;
    uint32_t uid;
};

static bool is_system(const struct owner *o)
{
    return o->netns == 0 && o->uid < SYSTEM_UID_END;
}

static struct owner owner_of(const struct flow *f)
{
    return (struct owner){.netns = f->id.netns, .uid = f->owner};
}

/* A flow whose loss loses something: a message in hand, or that it is desynchronised. */
static bool holds(const struct flow *f)
{
    return in_hand(f) || f->desync;
}

static bool may_evict(const struct owner *incoming, const struct flow *held)
{
    struct owner o = owner_of(held);
    return !is_system(&o) || is_system(incoming);
}

static int by_owner(const void *a, const void *b)
{
    const struct owner *x = a, *y = b;
    if (x->netns != y->netns)
        return x->netns < y->netns ? -1 : 1;
    return (x->uid > y->uid) - (x->uid < y->uid);
}

/* Flows of o among the sorted owners[0..n). */
static size_t count_of(const struct owner *owners, size_t n, const struct owner *o)
{
    const struct owner *hit = bsearch(o, owners, n, sizeof(*owners), by_owner);
    if (!hit)
        return 0;
    const struct owner *lo = hit, *hi = hit;
    while (lo > owners && by_owner(lo - 1, o) == 0)
        lo--;
    while (hi + 1 < owners + n && by_owner(hi + 1, o) == 0)
        hi++;
    return (size_t)(hi - lo) + 1;
}

/* The slot to give up for a flow of incoming when none is free: the least recently used
 * flow that holds nothing, else, among those incoming may push out (may_evict), the least
 * recently used of the owners holding the most: a user's flows push out their own, or
 * those of a user holding as many, never the half-read message of one holding fewer, nor
 * the system's. NULL when there is none. */
static struct flow *victim(struct tcp_reassembly *r, const struct owner *incoming)
{
    struct owner owners[TCP_REASSEMBLY_FLOWS];
    size_t n = 0;
    struct flow *best = NULL;
    for (size_t i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct flow *f = &r->flows[i];
        if (!holds(f) && (!best || f->last_ms < best->last_ms))
            best = f;
        else if (holds(f) && may_evict(incoming, f))
            owners[n++] = owner_of(f);
    }
    if (best)
        return best;
    qsort(owners, n, sizeof(owners[0]), by_owner);
    size_t best_count = 0;
    for (size_t i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct flow *f = &r->flows[i];
        if (!may_evict(incoming, f))
            continue;
        struct owner o = owner_of(f);
        size_t count = count_of(owners, n, &o);
        if (!best || count > best_count || (count == best_count && f->last_ms < best->last_ms)) {
            best = f;
            best_count = count;
        }
    }
    return best;
}

/* Remembers that the flow f, dropped holding something, is not to be read from its next
 * segment: in a ring of the system's flows or one of the others', so that no user's
 * flows can push the system's out of memory. */
static void bury(struct tcp_reassembly *r, const struct flow *f)
{
    struct owner o = owner_of(f);
    struct tombs *t = &r->tombs[is_system(&o)];
    t->id[t->next++ % TOMBS] = f->id;
}

/* Whether the flow of id was dropped holding something (forgotten once asked). */
static bool exhume(struct tcp_reassembly *r, const struct flow_id *id)
{
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < TOMBS; i++)
            if (memcmp(&r->tombs[k].id[i], id, sizeof(*id)) == 0) {
                memset(&r->tombs[k].id[i], 0, sizeof(*id));
                return true;
            }
    return false;
}

/* The flow of id, or a free or idle slot made ready for it, or one given up (victim());
 * NULL when none may be (counted). A flow dropped with a message in hand comes back
 * desynchronised: its bytes would be read from inside a message. */
static struct flow *flow_find(struct tcp_reassembly *r, const struct flow_id *id, uint32_t owner,
                              uint64_t now_ms, bool *fresh)
{
    struct flow *spare = NULL;
    for (size_t i = 0; i < TCP_REASSEMBLY_FLOWS; i++) {
        struct flow *f = &r->flows[i];
        if (f->used && now_ms - f->last_ms > TCP_REASSEMBLY_IDLE_MS)
            flow_release(r, f, true); /* its own segment after so long comes back */
        if (f->used && memcmp(&f->id, id, sizeof(*id)) == 0) {
            *fresh = false;
            return f;
        }
        if (!spare && !f->used)
            spare = f;
    }
    const struct owner incoming = {.netns = id->netns, .uid = owner};
    if (!spare && !(spare = victim(r, &incoming))) {
        r->stats.ignored++;
        return NULL;
    }
    if (spare->used)
        flow_release(r, spare, true);
    spare->used = true;
    spare->id = *id;
    spare->owner = owner;
    spare->desync = exhume(r, id);
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
 * it (a retransmission, or a segment read late) skipped. A FIN or RST ends the flow where
 * the stream has reached its end, and is ignored (counted) anywhere else. Returns true
 * when the flow ended. */
static bool deliver(struct tcp_reassembly *r, struct flow *f, uint32_t seq, const uint8_t *p,
                    size_t len, uint8_t flags, tcp_message_fn fn, void *ctx)
{
    size_t seen = (size_t)(uint32_t)(f->next_seq - seq); /* seq is not ahead */
    if (seen < len) {
        f->next_seq = seq + (uint32_t)len;
        flow_consume(f, p + seen, len - seen, fn, ctx);
    }
    if (!(flags & (FRAME_TCP_FIN | FRAME_TCP_RST)))
        return false;
    if ((uint32_t)(seq + (uint32_t)len) != f->next_seq) {
        r->stats.ignored++;
        return false;
    }
    flow_release(r, f, false);
    return true;
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

/* Bytes that never came: the message in hand is lost, and no message boundary is known
 * until the connection's next SYN. */
static void desynchronise(struct tcp_reassembly *r, struct flow *f)
{
    r->stats.gaps++;
    message_reset(f);
    drop_held(f);
    f->desync = true;
}

/* A SYN (data from seq) on a flow already known: read late (after data of its own
 * connection, from another CPU's buffer) or sent again when its data start is behind the
 * expected byte, within the window: then taken like any segment. Else it opens a new
 * stream, unless that would lose a message in hand: then it is out of window (a stale or
 * forged one) and ignored. */
enum syn_kind { SYN_LATE, SYN_OPENS, SYN_IGNORED };

static enum syn_kind syn_kind(const struct flow *f, uint32_t seq)
{
    int32_t ahead = (int32_t)(seq - f->next_seq);
    if (f->desync)
        return SYN_OPENS;
    if (ahead <= 0 && ahead >= -TCP_REASSEMBLY_WINDOW)
        return SYN_LATE;
    return in_hand(f) ? SYN_IGNORED : SYN_OPENS;
}

void tcp_reassembly_segment(struct tcp_reassembly *r, const struct frame_info *frame,
                            uint32_t owner, uint64_t now_ms, tcp_message_fn fn, void *ctx)
{
    struct flow_id id;
    bool fresh;
    flow_id_of(frame, &id);
    struct flow *f = flow_find(r, &id, owner, now_ms, &fresh);
    if (!f)
        return;
    uint32_t seq = frame->seq;
    uint8_t flags = frame->tcp_flags;
    f->last_ms = now_ms;
    if (flags & FRAME_TCP_SYN) { /* data starts one past it */
        seq++;
        enum syn_kind kind = fresh ? SYN_OPENS : syn_kind(f, seq);
        if (kind == SYN_IGNORED) {
            r->stats.ignored++;
            return;
        }
        if (kind == SYN_OPENS) {
            message_reset(f);
            drop_held(f);
            f->desync = false;
            fresh = true;
        }
    }
    if (f->desync) {
        if (flags & (FRAME_TCP_FIN | FRAME_TCP_RST))
            flow_release(r, f, false);
        else
            r->stats.ignored++;
        return;
    }
    if (fresh)
        f->next_seq = seq;
    int32_t ahead = (int32_t)(seq - f->next_seq);
    if (ahead < -TCP_REASSEMBLY_WINDOW || ahead > TCP_REASSEMBLY_WINDOW) {
        r->stats.ignored++; /* out of window: an old segment, or not this stream's */
        return;
    }
    if (ahead > 0) {
        if (!hold(f, seq, frame->payload, frame->payload_len, flags))
            desynchronise(r, f); /* no room to wait for the bytes before it */
        return;
    }
    if (!deliver(r, f, seq, frame->payload, frame->payload_len, flags, fn, ctx))
        drain_held(r, f, fn, ctx);
}
