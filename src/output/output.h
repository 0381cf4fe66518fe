/* Where events go: one line per event on a stream, in the format --output chose
 * (format.h), with the prefixes --syslog and -t ask for. */
#ifndef EBPFSHIELD_OUTPUT_H
#define EBPFSHIELD_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output/event.h"

#define RUNNING_LINE "The program is running. Press Ctrl-C to abort."

struct output_format;

/* Where events go and in which form: one line per event on stream (a line_writer's, so
 * that a line is queued whole). Lines are written under the stream's lock: the dump
 * worker's thread writes too. */
struct output {
    FILE *stream;
    const struct output_format *format;
    bool timestamp; /* each line starts with the local time (not for structured formats) */
    bool syslog;    /* each line starts with <PRI>, taken off by the syslog writer */
    bool context;   /* text DNS lines end with the namespace, cgroup and container */
};

/* The events, each written by the output's format. A per-message format takes a DNS
 * message whole (output_dns_message, output_dns_unparsed), the others one A/AAAA item at
 * a time (output_dns_item): format.h. */
void output_dns_item(const struct output *o, const struct dns_origin *origin,
                     const struct frame_info *frame, const struct dns_item *item);
void output_dns_message(const struct output *o, const struct dns_origin *origin,
                        const struct frame_info *frame, const struct dns_summary *msg);
/* A DNS message ldns could not parse. */
void output_dns_unparsed(const struct output *o, const struct dns_origin *origin,
                         const struct frame_info *frame, const char *why, const uint8_t *msg,
                         size_t len);
void output_connection(const struct output *o, const struct conn_event *c);
void output_hit(const struct output *o, const struct conn_event *c, const struct hit_report *r);
void output_inbound(const struct output *o, const struct inbound_event *ev);

/* One event's line on its way to the stream: its format writes it between sink_begin,
 * which takes the stream and writes the prefixes, and sink_end. */
struct sink {
    const struct output *o;
    int priority;                /* syslog's, of the event's kind */
    const struct timespec *when; /* the event's time (NULL: now) */
};

FILE *sink_begin(const struct sink *s);
void sink_end(const struct sink *s);

#endif
