/* --output json: each event as one JSON object with Elastic Common Schema field names,
 * built and escaped by json-c. The fields of each kind are listed in README.md ("JSON
 * events"). */
#ifndef EBPFSHIELD_JSON_FORMAT_H
#define EBPFSHIELD_JSON_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "output/output.h"

/* Each returns the event as one line without its newline (malloc'd), or NULL when out of
 * memory. */
char *json_dns_message(const struct dns_origin *origin, const struct frame_info *frame,
                       const struct dns_summary *msg);
/* A DNS message ldns could not parse: the flow, why, and its first bytes in hex, so that a
 * malformed message (a way to slip data past a DNS log) is still seen. */
char *json_dns_unparsed(const struct dns_origin *origin, const struct frame_info *frame,
                        const char *why, const uint8_t *msg, size_t len);
char *json_connection(const struct conn_event *c);
char *json_hit(const struct conn_event *c, enum block_action block, enum hit_result result,
               const char *dump_dir);

#endif
