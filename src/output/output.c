#include "output/output.h"

#include <syslog.h>

#include "output/format.h"

#define DNS_PRIORITY (LOG_DAEMON | LOG_INFO)
#define CONNECTION_PRIORITY (LOG_DAEMON | LOG_INFO)
#define HIT_PRIORITY (LOG_AUTHPRIV | LOG_WARNING)

/* <PRI> for syslog, the local time with -t. */
FILE *sink_begin(const struct sink *s)
{
    const struct output *o = s->o;
    flockfile(o->stream);
    if (o->syslog)
        fprintf(o->stream, "<%d>", s->priority);
    if (o->timestamp && !o->format->structured) {
        char now[OUTPUT_TIME_MAX];
        output_time(now, sizeof(now), false, s->when);
        fprintf(o->stream, "%s ", now);
    }
    return o->stream;
}

void sink_end(const struct sink *s)
{
    funlockfile(s->o->stream);
}

void output_dns_item(const struct output *o, const struct dns_origin *origin,
                     const struct frame_info *frame, const struct dns_item *item)
{
    o->format->dns_item(&(struct sink){o, DNS_PRIORITY, &origin->when}, origin, frame, item);
}

void output_dns_message(const struct output *o, const struct dns_origin *origin,
                        const struct frame_info *frame, const struct dns_summary *msg)
{
    o->format->dns_message(&(struct sink){o, DNS_PRIORITY, &origin->when}, origin, frame, msg);
}

void output_dns_unparsed(const struct output *o, const struct dns_origin *origin,
                         const struct frame_info *frame, const char *why, const uint8_t *msg,
                         size_t len)
{
    o->format->dns_unparsed(&(struct sink){o, DNS_PRIORITY, &origin->when}, origin, frame, why, msg,
                            len);
}

void output_connection(const struct output *o, const struct conn_event *c)
{
    o->format->connection(&(struct sink){o, CONNECTION_PRIORITY, NULL}, c);
}

void output_hit(const struct output *o, const struct conn_event *c, const struct hit_report *r)
{
    o->format->hit(&(struct sink){o, HIT_PRIORITY, NULL}, c, r);
}

void output_inbound(const struct output *o, const struct inbound_event *ev)
{
    o->format->inbound(&(struct sink){o, HIT_PRIORITY, NULL}, ev);
}
