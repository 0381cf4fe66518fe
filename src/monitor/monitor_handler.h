/* ebpf_monitor in user space: a dns_events sample (the process record, then the frame)
 * turned into the original's lines, one per A/AAAA question or answer, at most
 * MONITOR_LINES_PER_MESSAGE per DNS message. DNS over TCP is reassembled per flow.
 * Problems (undecodable packets, lines past the bound) are counted, said at most once a
 * second, and totalled at exit. Free of libbcc. */
#ifndef EBPFSHIELD_MONITOR_HANDLER_H
#define EBPFSHIELD_MONITOR_HANDLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/monitor_config.h"
#include "output/output.h"

#define MONITOR_LINES_PER_MESSAGE 32
#define DNS_RCODES_NAMED 6 /* NOERROR to REFUSED */
#define DNS_HEADER_BYTES 12

struct monitor_handler;
struct port_val;
struct metrics_text;

/* Fills id (zeroed) for proc: its namespace (netns: a packet's; 0: the tool's own),
 * executable, cgroup path and container. */
typedef void (*identity_fn)(void *ctx, const struct port_val *proc, uint64_t netns,
                            struct dns_identity *id);

/* The kernel-facing side of the handler, called with ctx. */
struct monitor_lookups {
    identity_fn identity; /* NULL: no identity (JSON and --context go without) */
    void *ctx;
};

/* Events go to out, those of the processes cfg's filter lets through, of the record types
 * it asks (--qtype); samples the kernel could not attribute (pid 0) are counted, and so
 * are messages whose QR bit contradicts their direction (a response sent to one of cfg's
 * server ports, or a query from one): text prints them as their direction says. NULL when
 * out of memory. */
struct monitor_handler *monitor_handler_new(const struct output *out,
                                            const struct monitor_config *cfg,
                                            const struct monitor_lookups *lookups);
void monitor_handler_free(struct monitor_handler *h);

/* Prints the lines of one sample, size bytes as the kernel sent them, seen at now_ms
 * (monotonic_ms()). */
void monitor_handle_sample(struct monitor_handler *h, const void *data, size_t size,
                           uint64_t now_ms);

/* Says the problems counted since the last warning, once that is a second old. */
void monitor_handler_tick(struct monitor_handler *h, uint64_t now_ms);

/* Its counters for --metrics (metrics_text.h). */
void monitor_metrics(const struct monitor_handler *h, struct metrics_text *m);

/* The totals at exit, on the log stream (nothing when all went well). */
void monitor_report(struct monitor_handler *h);

#endif
