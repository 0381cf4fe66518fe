#include "output/output.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "output/json_format.h"
#include "base/log.h"
#include "base/text.h"

static const char *proto_name(uint8_t proto)
{
    return proto == IPPROTO_TCP ? "TCP" : "UDP";
}

/* A line assembled field by field: the monitor prints one per DNS record, and printf's
 * parsing of a 15-field format was most of what a line cost. Cut (never overrun) at
 * OUTPUT_LINE_MAX, which the longest DNS line (a 1,004-character name) stays far below. */
#define OUTPUT_LINE_MAX 2048

struct line {
    char text[OUTPUT_LINE_MAX];
    size_t len;
};

static void put(struct line *l, const char *s)
{
    size_t n = strlen(s), room = sizeof(l->text) - l->len;
    if (n > room)
        n = room;
    memcpy(l->text + l->len, s, n);
    l->len += n;
}

static void put_u32(struct line *l, uint32_t v)
{
    char digits[10];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && l->len < sizeof(l->text))
        l->text[l->len++] = digits[--n];
}

/* key (with its leading space and "=") then the value. */
static void put_field(struct line *l, const char *key, const char *value)
{
    put(l, key);
    put(l, value);
}

static void put_number(struct line *l, const char *key, uint32_t value)
{
    put(l, key);
    put_u32(l, value);
}

void output_dns_line(FILE *out, const struct dns_origin *origin, const struct frame_info *frame,
                     const struct dns_item *item)
{
    char src[TEXT_ADDRESS_MAX] = "?", dst[TEXT_ADDRESS_MAX] = "?";
    const struct port_val *p = origin->proc;
    struct line l = {.len = 0};

    text_address(frame->family, frame->saddr, src, sizeof(src));
    text_address(frame->family, frame->daddr, dst, sizeof(dst));
    put_field(&l, "COMM=", origin->comm);
    put_number(&l, " PID=", p->pid);
    put_number(&l, " TGID=", p->tid); /* the original's key; like the original, the thread id */
    put_field(&l, " DEV=", origin->ifname);
    put_field(&l, " PROTO=", proto_name(frame->proto));
    put_field(&l, " SRC=", src);
    put_field(&l, " DST=", dst);
    put_number(&l, " SPT=", frame->sport);
    put_number(&l, " DPT=", frame->dport);
    put_number(&l, " UID=", p->uid);
    put_number(&l, " GID=", p->gid);
    put_field(&l, " DNS_QR=", item->qr ? "1" : "0");
    put_field(&l, " DNS_NAME=", item->name);
    put_field(&l, " DNS_TYPE=", item->type);
    if (item->qr)
        put_field(&l, " DNS_DATA=", item->data);
    fwrite_unlocked(l.text, 1, l.len, out);
    fputc_unlocked('\n', out);
}

void output_verbose_line(FILE *out, const char *comm, uint32_t pid, const char *ip, uint16_t port)
{
    fprintf(out, "\t%s (%u) %s:%u\n", comm, pid, ip, port);
}

void output_block_line(FILE *out, enum block_action block, const char *comm, uint32_t pid,
                       const char *ip, const char *dump_dir)
{
    switch (block) {
    case BLOCK_PRINT:
        fprintf(out, "Client:%s (pid:%u) touched a bad IP (ip-blacklist:%s)\n", comm, pid, ip);
        break;
    case BLOCK_DUMP:
        fprintf(out, "Client:%s (pid:%u) eBPFShield took a dump in %s/ (ip-blacklist:%s)\n", comm,
                pid, dump_dir, ip);
        break;
    case BLOCK_SUSPEND: /* the original's lines end with a space here and below */
        fprintf(out, "Client:%s (pid:%u) was suspended (ip-blacklist:%s) \n", comm, pid, ip);
        break;
    case BLOCK_KILL:
        fprintf(out, "Client:%s (pid:%u) was killed by eBPFShield (ip-blacklist:%s) \n", comm, pid,
                ip);
        break;
    case BLOCK_DENY: /* not in the original: worded like its other lines */
        fprintf(out, "Client:%s (pid:%u) was denied by eBPFShield (ip-blacklist:%s) \n", comm, pid,
                ip);
        break;
    }
}

void output_exited_line(FILE *out, const char *comm, uint32_t pid, const char *ip)
{
    fprintf(out, "Client:%s (pid:%u) exited before eBPFShield could act (ip-blacklist:%s) \n", comm,
            pid, ip);
}

void output_time(char *buf, size_t len, bool utc)
{
    struct timespec now;
    struct tm tm;
    char date[32], zone[8];
    clock_gettime(CLOCK_REALTIME, &now);
    if (utc)
        gmtime_r(&now.tv_sec, &tm);
    else
        localtime_r(&now.tv_sec, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(zone, sizeof(zone), "%z", &tm); /* +0100 */
    if (utc)
        snprintf(buf, len, "%s.%06ldZ", date, now.tv_nsec / 1000);
    else
        snprintf(buf, len, "%s.%03ld%.3s:%s", date, now.tv_nsec / 1000000, zone, zone + 3);
}

/* Takes the stream for one line and writes its prefixes: <PRI> for syslog, the time for
 * text with -t. */
static void begin_line(const struct output *o, int priority)
{
    flockfile(o->stream);
    if (o->syslog)
        fprintf(o->stream, "<%d>", priority);
    if (o->timestamp && o->format == OUTPUT_TEXT) {
        char now[OUTPUT_TIME_MAX];
        output_time(now, sizeof(now), false);
        fprintf(o->stream, "%s ", now);
    }
}

static void end_line(const struct output *o)
{
    funlockfile(o->stream);
}

#define DNS_PRIORITY (LOG_DAEMON | LOG_INFO)
#define CONNECTION_PRIORITY (LOG_DAEMON | LOG_INFO)
#define HIT_PRIORITY (LOG_AUTHPRIV | LOG_WARNING)

void output_dns_item(const struct output *o, const struct dns_origin *origin,
                     const struct frame_info *frame, const struct dns_item *item)
{
    begin_line(o, DNS_PRIORITY);
    output_dns_line(o->stream, origin, frame, item);
    end_line(o);
}

/* A JSON event (NULL: it could not be built) as one line. */
static void put_json(const struct output *o, int priority, char *line)
{
    if (!line) {
        log_warn("an event was not reported: out of memory");
        return;
    }
    begin_line(o, priority);
    fprintf(o->stream, "%s\n", line);
    end_line(o);
    free(line);
}

void output_dns_message(const struct output *o, const struct dns_origin *origin,
                        const struct frame_info *frame, const struct dns_summary *msg)
{
    put_json(o, DNS_PRIORITY, json_dns_message(origin, frame, msg));
}

void output_dns_unparsed(const struct output *o, const struct dns_origin *origin,
                         const struct frame_info *frame, const char *why, const uint8_t *msg,
                         size_t len)
{
    if (o->format == OUTPUT_JSON)
        put_json(o, DNS_PRIORITY, json_dns_unparsed(origin, frame, why, msg, len));
}

void output_connection(const struct output *o, const struct conn_event *c)
{
    if (o->format == OUTPUT_JSON) {
        put_json(o, CONNECTION_PRIORITY, json_connection(c));
        return;
    }
    begin_line(o, CONNECTION_PRIORITY);
    output_verbose_line(o->stream, c->comm, c->pid, c->ip, c->port);
    end_line(o);
}

void output_hit(const struct output *o, const struct conn_event *c, enum block_action block,
                enum hit_result result, const char *dump_dir)
{
    if (o->format == OUTPUT_JSON) {
        put_json(o, HIT_PRIORITY, json_hit(c, block, result, dump_dir));
        return;
    }
    begin_line(o, HIT_PRIORITY);
    if (result == HIT_EXITED)
        output_exited_line(o->stream, c->comm, c->pid, c->ip);
    else
        output_block_line(o->stream, result == HIT_NO_CORE ? BLOCK_KILL : block, c->comm, c->pid,
                          c->ip, dump_dir);
    end_line(o);
}
