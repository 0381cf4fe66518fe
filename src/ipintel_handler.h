/* ebpf_ipintelligence in user space: a connect event checked against the feeds; on a hit
 * the --block action, then the original's line. Free of libbcc. */
#ifndef EBPFSHIELD_IPINTEL_HANDLER_H
#define EBPFSHIELD_IPINTEL_HANDLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "actions.h"
#include "feeds.h"

struct ipintel_handler {
    enum block_action block;
    bool verbose; /* print every connection */
    const char *dump_dir;
    const struct feed_set *feeds;
    unsigned long long hits;           /* connections to a feed address */
    unsigned long long failed_actions; /* hits whose action could not be carried out */
};

/* One netevent sample: the verbose line, and on a feed hit the action and its line. */
void ipintel_handle_sample(struct ipintel_handler *h, const void *data, size_t size, FILE *out);

/* The statistics at exit, on the log stream (nothing when there was no hit). */
void ipintel_report(const struct ipintel_handler *h);

#endif
