/* Where events go and in which form: the output's part of the command line. */
#ifndef EBPFSHIELD_OUTPUT_CONFIG_H
#define EBPFSHIELD_OUTPUT_CONFIG_H

#include <stdbool.h>

#include "output/format.h"

struct output_config {
    const struct output_format *format; /* --output */
    const char *file;                   /* --output-file: events there instead of stdout */
    bool syslog;                        /* --syslog: events to syslog(3) instead of stdout */
    bool timestamp;                     /* -t: text lines start with the time */
    bool context;                       /* --context: DNS lines end with NETNS= etc. */
    const char *metrics;                /* --metrics ADDR:PORT: /metrics served there */
};

#endif
