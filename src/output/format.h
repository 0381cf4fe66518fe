/* An output format: how each kind of event is written, chosen once by --output. A format is
 * one file (text_format.c, json_format.c) defining its struct output_format, and one row of
 * the table in format.c. */
#ifndef EBPFSHIELD_FORMAT_H
#define EBPFSHIELD_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/event.h"

struct sink;

struct output_format {
    const char *name; /* as --output takes it */
    const char *help; /* its words in --help, starting with its name */
    /* DNS: one event per message (dns_message, or dns_unparsed for one that does not
     * parse), else one per A/AAAA question or answer (dns_item); the others are NULL. */
    bool per_message;
    /* Each line is an object for machines: it carries its own time (no -t) and nothing
     * else may go on its stream (the running line goes to the log). */
    bool structured;
    void (*dns_item)(const struct sink *s, const struct dns_origin *origin,
                     const struct frame_info *frame, const struct dns_item *item);
    void (*dns_message)(const struct sink *s, const struct dns_origin *origin,
                        const struct frame_info *frame, const struct dns_summary *msg);
    void (*dns_unparsed)(const struct sink *s, const struct dns_origin *origin,
                         const struct frame_info *frame, const char *why, const uint8_t *msg,
                         size_t len);
    void (*connection)(const struct sink *s, const struct conn_event *c);
    /* A feed hit once its action is done (or failed: r->result). */
    void (*hit)(const struct sink *s, const struct conn_event *c, const struct hit_report *r);
    /* Packets from a feed address at an interface (--inbound). */
    void (*inbound)(const struct sink *s, const struct inbound_event *ev);
};

/* Every format, the default (text) first, then NULL. */
extern const struct output_format *const output_formats[];

/* The format --output names name, or NULL. */
const struct output_format *output_format_named(const char *name);

#endif
