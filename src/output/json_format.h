/* --output json: each event as one JSON object with Elastic Common Schema field names,
 * built and escaped by output/json_tree.c. The fields of each kind are listed in README.md ("JSON
 * events"). The format itself is json_format in format.c's table; these build its lines. */
#ifndef EBPFSHIELD_JSON_FORMAT_H
#define EBPFSHIELD_JSON_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "output/event.h"

struct agent_identity;

#define ECS_VERSION "8.11.0" /* the ECS release whose field names the events use */

/* The host and agent every later event names (host.*, agent.*; ecs.version always), or
 * NULL for none: set once, before any event is built. */
void ecs_agent_set(const struct agent_identity *agent);

/* Each returns the event as one line without its newline (malloc'd), or NULL when out of
 * memory. */
char *ecs_dns_message(const struct dns_origin *origin, const struct frame_info *frame,
                      const struct dns_summary *msg);
/* A DNS message ldns could not parse: the flow, why, and its first bytes in hex, so that a
 * malformed message (a way to slip data past a DNS log) is still seen. */
char *ecs_dns_unparsed(const struct dns_origin *origin, const struct frame_info *frame,
                       const char *why, const uint8_t *msg, size_t len);
char *ecs_connection(const struct conn_event *c);
char *ecs_hit(const struct conn_event *c, const struct hit_report *r);
char *ecs_inbound(const struct inbound_event *ev);

#endif
