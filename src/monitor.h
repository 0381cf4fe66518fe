/* ebpf_monitor: every DNS query and A/AAAA answer with the process behind it. */
#ifndef EBPFSHIELD_MONITOR_H
#define EBPFSHIELD_MONITOR_H

#include <stdio.h>

#include "feature.h"

/* Fills f with the monitor, printing its lines to out. 0, or -1 with a message in e. */
int monitor_feature(struct feature *f, FILE *out, struct error *e);

#endif
