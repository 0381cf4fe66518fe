#include "output.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#include "json_event.h"
#include "log.h"

static const char *proto_name(uint8_t proto)
{
    return proto == IPPROTO_TCP ? "TCP" : "UDP";
}

void output_dns_line(FILE *out, const struct dns_origin *origin, const struct frame_info *frame,
                     const struct dns_item *item)
{
    char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
    const struct port_val *p = origin->proc;

    inet_ntop(frame->family, frame->saddr, src, sizeof(src));
    inet_ntop(frame->family, frame->daddr, dst, sizeof(dst));
    /* TGID= is the original's key; like the original, it carries the thread id. */
    fprintf(out,
            "COMM=%s PID=%u TGID=%u DEV=%s PROTO=%s SRC=%s DST=%s SPT=%u DPT=%u UID=%u GID=%u "
            "DNS_QR=%d DNS_NAME=%s DNS_TYPE=%s",
            origin->comm, p->pid, p->tid, origin->ifname, proto_name(frame->proto), src, dst,
            frame->sport, frame->dport, p->uid, p->gid, item->qr, item->name, item->type);
    if (item->qr)
        fprintf(out, " DNS_DATA=%s", item->data);
    fputc('\n', out);
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
        warn("an event was not reported: out of memory");
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
