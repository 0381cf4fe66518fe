#include "monitor_handler.h"

#include <string.h>

#include "dns_decode.h"
#include "ebpfshield_events.h"
#include "frame.h"
#include "log.h"
#include "output.h"
#include "proc_info.h"

struct line_ctx {
    FILE *out;
    const struct dns_origin *origin;
    const struct frame_info *frame;
};

static void print_item(const struct dns_item *item, void *ctx)
{
    const struct line_ctx *l = ctx;
    output_dns_line(l->out, l->origin, l->frame, item);
}

static void skip(struct monitor_stats *stats, const char *what, const char *why)
{
    stats->bad_packets++;
    warn("skipped a DNS packet: %s: %s", what, why);
}

void monitor_handle_sample(struct monitor_stats *stats, const void *data, size_t size, FILE *out)
{
    struct port_val proc;
    if (size < sizeof(proc)) {
        skip(stats, "sample", "shorter than its process record");
        return;
    }
    memcpy(&proc, data, sizeof(proc)); /* the sample is not aligned for port_val */

    struct frame_info frame;
    int st = frame_decode((const uint8_t *)data + sizeof(proc), size - sizeof(proc), &frame);
    if (st != FRAME_OK) {
        skip(stats, "frame", frame_strerror(st));
        return;
    }
    char comm[EBPFSHIELD_COMM_LEN], ifname[32];
    proc_comm((pid_t)proc.pid, proc.comm, sizeof(proc.comm), comm, sizeof(comm));
    proc_ifname(proc.ifindex, ifname, sizeof(ifname));
    struct dns_origin origin = {.proc = &proc, .comm = comm, .ifname = ifname};
    struct line_ctx ctx = {.out = out, .origin = &origin, .frame = &frame};
    const char *why = NULL;
    if (dns_decode_payload(frame.proto, frame.payload, frame.payload_len, print_item, &ctx, &why) <
        0)
        skip(stats, "DNS message", why);
}

void monitor_report(const struct monitor_stats *stats)
{
    if (stats->bad_packets)
        warn("%llu DNS packet(s) could not be decoded", stats->bad_packets);
}
