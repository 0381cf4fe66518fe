#include "ipintel_handler.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ebpfshield_events.h"
#include "log.h"
#include "output.h"
#include "text.h"

/* The destination in its usual text form (an IPv4-mapped one as IPv4). */
static void destination(const struct netevent *ev, char *ip, size_t len)
{
    if (ev->family == AF_INET6) {
        inet_ntop(AF_INET6, ev->daddr6, ip, (socklen_t)len);
    } else {
        struct in_addr addr = {.s_addr = ev->daddr};
        inet_ntop(AF_INET, &addr, ip, (socklen_t)len);
    }
}

void ipintel_handle_sample(struct ipintel_handler *h, const void *data, size_t size, FILE *out)
{
    struct netevent ev;
    if (size < sizeof(ev)) {
        warn("skipped a connect event of %zu bytes", size);
        return;
    }
    memcpy(&ev, data, sizeof(ev)); /* the sample is not aligned for netevent */

    char comm[EBPFSHIELD_TASK_COMM_LEN + 1], ip[INET6_ADDRSTRLEN];
    text_printable(comm, sizeof(comm), ev.comm, sizeof(ev.comm));
    destination(&ev, ip, sizeof(ip));
    if (h->verbose)
        output_verbose_line(out, comm, ev.pid, ip, ntohs(ev.dport));
    if (!ev.hit)
        return;
    h->hits++;
    const char *feed = feed_registry_name(h->feeds, ev.feed);
    warn("%s (pid %u) connected to %s, listed in %s", comm, ev.pid, ip, feed ? feed : "a feed");
    /* The kernel refused the connection and signalled the process, unless it was exiting. */
    if (action_signal(h->block) && !ev.signalled) {
        h->failed_actions++;
        output_exited_line(out, comm, ev.pid, ip);
        return;
    }
    if (h->block != BLOCK_DUMP) {
        output_block_line(out, h->block, comm, ev.pid, ip, NULL);
        return;
    }
    struct dump_job job = {
        .target = {.pid = (pid_t)ev.pid, .tid = (pid_t)ev.tid, .event_boot_ns = ev.ts_boot_ns}};
    snprintf(job.comm, sizeof(job.comm), "%s", comm);
    snprintf(job.ip, sizeof(job.ip), "%s", ip);
    dump_worker_submit(h->dumps, &job);
}

void ipintel_report(const struct ipintel_handler *h)
{
    if (h->hits)
        warn("%llu connection(s) to feed addresses, %llu could not be acted on", h->hits,
             h->failed_actions);
}
