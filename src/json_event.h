/* --output json: each event as one JSON object with Elastic Common Schema field names,
 * built and escaped by json-c. The fields of each kind are listed in README.md ("JSON
 * events"). */
#ifndef EBPFSHIELD_JSON_EVENT_H
#define EBPFSHIELD_JSON_EVENT_H

#include <stdio.h>

#include "output.h"

/* Each writes one object and a newline to out. */
void json_dns_message(FILE *out, const struct dns_origin *origin, const struct frame_info *frame,
                      const struct dns_summary *msg);
void json_connection(FILE *out, const struct conn_event *c);
void json_hit(FILE *out, const struct conn_event *c, enum block_action block,
              enum hit_result result, const char *dump_dir);

#endif
