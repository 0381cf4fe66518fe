/* ebpf_ipintelligence in user space: a connect event, already checked against the feeds
 * (and refused, with the action's signal sent) in the kernel, printed; on a hit with
 * --block dump, the core taken. Free of libbcc. */
#ifndef EBPFSHIELD_IPINTEL_HANDLER_H
#define EBPFSHIELD_IPINTEL_HANDLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "actions.h"

struct ipintel_handler {
    enum block_action block;
    bool verbose; /* print every connection */
    const char *dump_dir;
    unsigned long long hits;           /* connections to a feed address */
    unsigned long long failed_actions; /* hits whose action could not be carried out */
};

/* One netevent sample: the verbose line, and on a feed hit the dump and the line. */
void ipintel_handle_sample(struct ipintel_handler *h, const void *data, size_t size, FILE *out);

/* The statistics at exit, on the log stream (nothing when there was no hit). */
void ipintel_report(const struct ipintel_handler *h);

#endif
