/* ebpf_monitor in user space: a dns_events sample (the process record, then the frame)
 * turned into the original's lines, one per A/AAAA question or answer. Free of libbcc. */
#ifndef EBPFSHIELD_MONITOR_HANDLER_H
#define EBPFSHIELD_MONITOR_HANDLER_H

#include <stddef.h>
#include <stdio.h>

struct monitor_stats {
    unsigned long long bad_packets; /* samples that could not be decoded */
};

/* Prints the sample's lines to out; an undecodable sample is warned about and counted. */
void monitor_handle_sample(struct monitor_stats *stats, const void *data, size_t size, FILE *out);

/* The statistics at exit, on the log stream (nothing when all went well). */
void monitor_report(const struct monitor_stats *stats);

#endif
