#include "monitor/monitor_handler.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/types.h>

#include "dns/dns_decode.h"
#include "output/metrics_text.h"
#include "dns/dns_walk.h"
#include "common/ebpfshield_events.h"
#include "dns/frame.h"
#include "base/clock.h"
#include "base/log.h"
#include "output/format.h"
#include "output/output.h"
#include "base/proc_info.h"
#include "dns/tcp_reassembly.h"
#include "base/text.h"

#define REASON_MAX 160

/* Something counted per packet, and said at most once a second. */
struct problem {
    unsigned long long total, pending;
    struct log_rate rate;
};

/* Messages that printed no line in text mode (no question or answer of the types asked),
 * by the type of their first question: the types seen first, the rest together. */
#define TYPES_TALLIED 8
struct type_tally {
    unsigned long long total, other;
    struct {
        int type;
        unsigned long long count;
    } by[TYPES_TALLIED];
    size_t used;
};

struct monitor_handler {
    const struct output *out;
    struct monitor_filter filter;
    struct dns_ports dns;
    enum dns_types types;
    struct type_tally unprinted;
    struct problem contrary;     /* messages whose QR bit contradicts their direction */
    struct dns_summary *summary; /* a per-message format: the message being described */
    struct monitor_lookups lookups;
    struct dns_identity identity; /* the sample's, when the output shows it */
    struct problem unattributed;  /* packets whose process the kernel could not tell */
    struct tcp_reassembly *tcp;
    struct ifname_cache ifnames;
    struct problem skipped; /* undecodable packets and messages */
    char skipped_why[REASON_MAX];
    struct problem cut_msgs; /* messages with more lines than the bound */
    unsigned long long cut_lines_total, cut_lines_pending;
    unsigned long long tcp_gaps_seen;
    /* Messages by QR bit (0 query, 1 answer) and, for answers, response code (0-5 by
     * name, 6: any other). */
    unsigned long long messages[2][DNS_RCODES_NAMED + 1];
};

/* The sample being handled: where its lines come from. */
struct sample_ctx {
    struct monitor_handler *h;
    const struct dns_origin *origin;
    const struct frame_info *frame;
};

struct monitor_handler *monitor_handler_new(const struct output *out,
                                            const struct monitor_config *cfg,
                                            const struct monitor_lookups *lookups)
{
    struct monitor_handler *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->out = out;
    h->filter = cfg->filter;
    h->dns = cfg->dns;
    h->types = cfg->all_types ? DNS_TYPES_ALL : DNS_TYPES_ADDRESS;
    if (out->format->per_message && !(h->summary = malloc(sizeof(*h->summary)))) {
        free(h);
        return NULL;
    }
    h->lookups = *lookups;
    if (!(h->tcp = tcp_reassembly_new())) {
        free(h->summary);
        free(h);
        return NULL;
    }
    return h;
}

void monitor_handler_free(struct monitor_handler *h)
{
    if (!h)
        return;
    tcp_reassembly_free(h->tcp);
    free(h->summary);
    free(h);
}

static void say_skipped(struct monitor_handler *h)
{
    if (h->skipped.pending == 1)
        log_warn("skipped a DNS packet: %s", h->skipped_why);
    else
        log_warn("skipped %llu DNS packets, the last: %s", h->skipped.pending, h->skipped_why);
    h->skipped.pending = 0;
}

static void say_cut(struct monitor_handler *h)
{
    log_warn("%llu line(s) of %llu DNS message(s) not printed (at most %d lines per message)",
             h->cut_lines_pending, h->cut_msgs.pending, MONITOR_LINES_PER_MESSAGE);
    h->cut_msgs.pending = h->cut_lines_pending = 0;
}

static void say_unattributed(struct monitor_handler *h)
{
    log_warn("%llu DNS packet(s) whose process the kernel could not tell, not printed (%llu so "
             "far)",
             h->unattributed.pending, h->unattributed.total);
    h->unattributed.pending = 0;
}

static void say_contrary(struct monitor_handler *h)
{
    log_warn("%llu DNS message(s) whose QR bit contradicts their direction (a response sent "
             "to a DNS server port, or a query from one), printed as their direction says (%llu "
             "so far)",
             h->contrary.pending, h->contrary.total);
    h->contrary.pending = 0;
}

void monitor_handler_tick(struct monitor_handler *h, uint64_t now_ms)
{
    if (h->contrary.pending && log_due(&h->contrary.rate, now_ms))
        say_contrary(h);
    if (h->unattributed.pending && log_due(&h->unattributed.rate, now_ms))
        say_unattributed(h);
    if (h->skipped.pending && log_due(&h->skipped.rate, now_ms))
        say_skipped(h);
    if (h->cut_msgs.pending && log_due(&h->cut_msgs.rate, now_ms))
        say_cut(h);
}

static void skip(struct monitor_handler *h, const char *what, const char *why)
{
    h->skipped.total++;
    h->skipped.pending++;
    snprintf(h->skipped_why, sizeof(h->skipped_why), "%s: %s", what, why);
}

static void print_item(const struct dns_item *item, void *ctx)
{
    const struct sample_ctx *s = ctx;
    output_dns_item(s->h->out, s->origin, s->frame, item);
}

/* A per-message format: the whole message, one event. */
static void describe_message(const uint8_t *msg, size_t len, struct sample_ctx *s)
{
    const char *why = NULL;
    if (dns_summarize(msg, len, s->h->summary, &why) != 0) {
        skip(s->h, "DNS message", why);
        output_dns_unparsed(s->h->out, s->origin, s->frame, why, msg, len);
    } else
        output_dns_message(s->h->out, s->origin, s->frame, s->h->summary);
}

/* 1 when f comes from one of the server ports (an answer), 0 when it goes to one (a
 * query), -1 when its ports do not tell (both or neither are). */
static int ports_say_answer(const struct monitor_handler *h, const struct frame_info *f)
{
    bool to = dns_ports_has(&h->dns, f->dport), from = dns_ports_has(&h->dns, f->sport);
    return to == from ? -1 : from;
}

/* A response sent to a server port (from a port that is not one), or a query from one
 * (to a port that is not one): the message is not what its direction says. */
static bool contradicts_direction(const struct monitor_handler *h, const struct frame_info *f,
                                  const uint8_t *msg, size_t len)
{
    if (len < 3)
        return false; /* no QR bit: the decoder says why */
    int answer = ports_say_answer(h, f);
    return answer >= 0 && (msg[2] >> 7) != answer;
}

static void tally_type(struct type_tally *t, int type)
{
    t->total++;
    for (size_t i = 0; i < t->used; i++)
        if (t->by[i].type == type) {
            t->by[i].count++;
            return;
        }
    if (t->used == TYPES_TALLIED) {
        t->other++;
        return;
    }
    t->by[t->used].type = type;
    t->by[t->used++].count = 1;
}

/* The lines of one message as its QR bit says. */
static void print_message(const uint8_t *msg, size_t len, struct sample_ctx *s)
{
    const char *why = NULL;
    long items =
        dns_decode_message(msg, len, MONITOR_LINES_PER_MESSAGE, s->h->types, print_item, s, &why);
    if (items < 0) {
        skip(s->h, "DNS message", why);
    } else if (items == 0) {
        tally_type(&s->h->unprinted, dns_first_question_type(msg, len));
    } else if (items > MONITOR_LINES_PER_MESSAGE) {
        unsigned long long cut = (unsigned long long)items - MONITOR_LINES_PER_MESSAGE;
        s->h->cut_msgs.total++;
        s->h->cut_msgs.pending++;
        s->h->cut_lines_total += cut;
        s->h->cut_lines_pending += cut;
    }
}

/* For --metrics: a message with a whole header, as a query or an answer as its lines
 * take it (its direction where the ports tell it, else its QR bit), answers by response
 * code. */
static void count_message(struct monitor_handler *h, const struct frame_info *f, const uint8_t *msg,
                          size_t len)
{
    if (len < DNS_HEADER_BYTES)
        return; /* counted as undecodable */
    int by_ports = ports_say_answer(h, f);
    unsigned answer = by_ports >= 0 ? (unsigned)by_ports : msg[2] >> 7, rcode = msg[3] & 0x0f;
    h->messages[answer][!answer ? 0 : rcode < DNS_RCODES_NAMED ? rcode : DNS_RCODES_NAMED]++;
}

void monitor_metrics(const struct monitor_handler *h, struct metrics_text *m)
{
    static const char *const rcodes[DNS_RCODES_NAMED + 1] = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "other"};
    metrics_family(m, "ebpfshield_dns_messages_total", "counter",
                   "DNS messages seen, by type (query or answer, as the QR bit says) and, for "
                   "answers, response code.");
    metrics_sample(m, "ebpfshield_dns_messages_total", h->messages[0][0], "type", "query",
                   (const char *)NULL);
    for (size_t i = 0; i <= DNS_RCODES_NAMED; i++)
        metrics_sample(m, "ebpfshield_dns_messages_total", h->messages[1][i], "type", "answer",
                       "rcode", rcodes[i], (const char *)NULL);
    metrics_single(m, "ebpfshield_dns_undecodable_total", "counter",
                   "DNS packets and messages that could not be decoded.", h->skipped.total);
    metrics_single(m, "ebpfshield_dns_unattributed_total", "counter",
                   "DNS packets whose process the kernel could not tell.", h->unattributed.total);
    metrics_single(m, "ebpfshield_dns_lines_cut_total", "counter",
                   "Lines of DNS messages not printed: more than the bound per message.",
                   h->cut_lines_total);
}

/* A message whose QR bit contradicts its direction is counted, and printed as its
 * direction says (JSON: as it is, ports and header shown): what is sent to a server port
 * prints its questions, never an answer line someone forged; what comes from one prints
 * its answers. Setting the bit hides nothing. */
static void decode_message(const uint8_t *msg, size_t len, void *ctx)
{
    struct sample_ctx *s = ctx;
    count_message(s->h, s->frame, msg, len);
    bool contrary = contradicts_direction(s->h, s->frame, msg, len);
    if (contrary) {
        s->h->contrary.total++;
        s->h->contrary.pending++;
    }
    if (s->h->out->format->per_message) {
        describe_message(msg, len, s);
        return;
    }
    if (!contrary) {
        print_message(msg, len, s);
        return;
    }
    uint8_t *flipped = malloc(len);
    if (!flipped) {
        skip(s->h, "DNS message", "out of memory");
        return;
    }
    memcpy(flipped, msg, len);
    flipped[2] ^= 0x80; /* the QR bit */
    print_message(flipped, len, s);
    free(flipped);
}

/* A UDP packet's messages: one, or for a GSO send (segment bytes each, the last shorter)
 * as many as the receivers get. */
static void decode_datagrams(const struct frame_info *frame, uint16_t segment,
                             struct sample_ctx *ctx)
{
    if (segment == 0) {
        decode_message(frame->payload, frame->payload_len, ctx);
        return;
    }
    for (size_t at = 0; at < frame->payload_len; at += segment) {
        size_t left = frame->payload_len - at;
        decode_message(frame->payload + at, left < segment ? left : segment, ctx);
    }
}

/* The process's name: recorded in the kernel with the flow, else /proc, else the
 * sending thread's. */
static void process_name(const struct port_val *proc, char *buf, size_t len)
{
    if (proc->comm_is_process)
        text_printable(buf, len, proc->comm, sizeof(proc->comm));
    else
        proc_comm((pid_t)proc->pid, proc->comm, sizeof(proc->comm), buf, len);
}

/* The head and the frame of a sample; -1 (counted) when they do not decode. */
static int split_sample(struct monitor_handler *h, const void *data, size_t size,
                        struct dns_sample *head, struct frame_info *frame)
{
    if (size < sizeof(*head)) {
        skip(h, "sample", "shorter than its process record");
        return -1;
    }
    memcpy(head, data, sizeof(*head)); /* the sample is not aligned for dns_sample */
    const uint8_t *packet = (const uint8_t *)data + sizeof(*head);
    size_t len = size - sizeof(*head);
    int st =
        head->from_socket ? frame_decode_ip(packet, len, frame) : frame_decode(packet, len, frame);
    if (st != FRAME_OK) {
        skip(h, "frame", frame_strerror(st));
        return -1;
    }
    frame->netns = head->netns;
    return 0;
}

static void reassemble(struct monitor_handler *h, const struct frame_info *frame, uint64_t now_ms,
                       struct sample_ctx *ctx)
{
    tcp_reassembly_segment(h->tcp, frame, ctx->origin->proc->uid, now_ms, decode_message, ctx);
    unsigned long long gaps = tcp_reassembly_stats(h->tcp)->gaps;
    if (gaps != h->tcp_gaps_seen) {
        h->tcp_gaps_seen = gaps;
        skip(h, "TCP segment",
             "bytes before it were never seen: the connection's DNS messages are lost until its "
             "next SYN");
    }
}

/* A packet whose process the kernel could not tell (pid 0): counted, said at most once a
 * second. */
static void unattributed(struct monitor_handler *h)
{
    h->unattributed.total++;
    h->unattributed.pending++;
}

/* The identity of proc's process and socket, when the output shows it (else NULL). */
static const struct dns_identity *identify(struct monitor_handler *h, const struct port_val *proc,
                                           uint64_t netns)
{
    if (!h->lookups.identity || !(h->out->format->structured || h->out->context))
        return NULL;
    struct dns_identity *id = &h->identity;
    memset(id, 0, sizeof(*id));
    h->lookups.identity(h->lookups.ctx, proc, netns, id);
    return id;
}

static bool wanted(const struct monitor_filter *f, const struct port_val *proc, const char *comm)
{
    return (!f->by_pid || proc->pid == f->pid) && (!f->by_uid || proc->uid == f->uid) &&
           (!f->comm || strcmp(comm, f->comm) == 0);
}

/* The lines of a sample whose process is known. */
static void handle_known(struct monitor_handler *h, const struct dns_sample *head,
                         const struct frame_info *frame, uint64_t now_ms)
{
    const struct port_val *proc = &head->proc;
    char comm[EBPFSHIELD_TASK_COMM_LEN + 1], ifname[32];
    process_name(proc, comm, sizeof(comm));
    if (!wanted(&h->filter, proc, comm))
        return;
    if (head->netns != 0) /* a device of another namespace: its index */
        snprintf(ifname, sizeof(ifname), "%u", proc->ifindex);
    else
        proc_ifname_cached(&h->ifnames, proc->ifindex, now_ms, ifname, sizeof(ifname));
    struct dns_origin origin = {.proc = proc,
                                .comm = comm,
                                .ifname = ifname,
                                .netns = head->netns,
                                .identity = identify(h, proc, head->netns)};
    clock_real_of_monotonic(proc->ts_ns, &origin.when);
    struct sample_ctx ctx = {.h = h, .origin = &origin, .frame = frame};
    if (frame->proto == IPPROTO_TCP)
        reassemble(h, frame, now_ms, &ctx);
    else
        decode_datagrams(frame, head->gso_size, &ctx);
}

void monitor_handle_sample(struct monitor_handler *h, const void *data, size_t size,
                           uint64_t now_ms)
{
    struct dns_sample head;
    struct frame_info frame;
    if (split_sample(h, data, size, &head, &frame) == 0) {
        if (head.proc.pid == 0)
            unattributed(h);
        else
            handle_known(h, &head, &frame, now_ms);
    }
    monitor_handler_tick(h, now_ms);
}

/* "TXT 5, HTTPS 4, other 2" */
static void format_tally(const struct type_tally *t, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i <= t->used && used < size; i++) {
        char name[24] = "other";
        unsigned long long n = i < t->used ? t->by[i].count : t->other;
        if (n == 0)
            continue;
        if (i < t->used && t->by[i].type < 0)
            snprintf(name, sizeof(name), "no question");
        else if (i < t->used)
            dns_type_name((uint16_t)t->by[i].type, name, sizeof(name));
        int w = snprintf(buf + used, size - used, "%s%s %llu", used ? ", " : "", name, n);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

void monitor_report(struct monitor_handler *h)
{
    if (h->contrary.pending)
        say_contrary(h);
    if (h->unprinted.total) {
        char types[256];
        format_tally(&h->unprinted, types, sizeof(types));
        if (h->types == DNS_TYPES_ALL)
            log_warn("%llu DNS message(s) printed no line: no question or answer (by question "
                     "type: %s)",
                     h->unprinted.total, types);
        else
            log_warn("%llu DNS message(s) printed no line: no question or answer of type A or "
                     "AAAA (by question type: %s); --qtype all prints every type",
                     h->unprinted.total, types);
    }
    if (h->skipped.pending)
        say_skipped(h);
    if (h->cut_msgs.pending)
        say_cut(h);
    if (h->skipped.total)
        log_warn("%llu DNS packet(s) could not be decoded in all", h->skipped.total);
    if (h->cut_msgs.total)
        log_warn("%llu line(s) of %llu DNS message(s) not printed in all", h->cut_lines_total,
                 h->cut_msgs.total);
    if (h->unattributed.pending)
        say_unattributed(h);
    if (h->unattributed.total)
        log_warn("%llu DNS packet(s) whose process the kernel could not tell in all",
                 h->unattributed.total);
    const struct tcp_reassembly_stats *tcp = tcp_reassembly_stats(h->tcp);
    if (tcp->evicted)
        log_warn("%llu unfinished DNS-over-TCP message(s) dropped for room or idleness",
                 tcp->evicted);
    if (tcp->ignored)
        log_warn("%llu TCP segment(s) ignored: out of window, or of a connection desynchronised "
                 "by a gap",
                 tcp->ignored);
}
