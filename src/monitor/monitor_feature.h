/* ebpf_monitor: every DNS query and A/AAAA answer with the process behind it. */
#ifndef EBPFSHIELD_MONITOR_FEATURE_H
#define EBPFSHIELD_MONITOR_FEATURE_H

#include <stdio.h>

#include "engine/feature.h"
#include "monitor/monitor_config.h"
#include "output/output.h"

/* 1024 pages (4 MiB) per CPU: a burst of tens of thousands of DNS frames fits. */
#define MONITOR_PERF_PAGES_PER_CPU 1024
#define MONITOR_WAKEUP_EVENTS 32       /* a burst wakes the loop once per 32 DNS packets */
#define MONITOR_BATCH_BYTES (4u << 20) /* a poll's samples sorted at most 4 MiB at a time */

/* Fills f with the monitor of the DNS ports and filter of cfg, printing its lines to out.
 * 0, or -1 with a message in e. */
int monitor_feature(struct feature *f, const struct monitor_config *cfg, const struct output *out,
                    struct error *e);

#endif
