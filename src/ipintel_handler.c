#include "ipintel_handler.h"

#include <arpa/inet.h>
#include <string.h>

#include "ebpfshield_events.h"
#include "log.h"
#include "output.h"
#include "text.h"

void ipintel_handle_sample(struct ipintel_handler *h, const void *data, size_t size, FILE *out)
{
    struct netevent ev;
    if (size < sizeof(ev)) {
        warn("skipped a connect event of %zu bytes", size);
        return;
    }
    memcpy(&ev, data, sizeof(ev)); /* the sample is not aligned for netevent */

    char comm[EBPFSHIELD_TASK_COMM_LEN + 1], ip[INET_ADDRSTRLEN];
    text_printable(comm, sizeof(comm), ev.comm, sizeof(ev.comm));
    struct in_addr addr = {.s_addr = ev.daddr};
    inet_ntop(AF_INET, &addr, ip, sizeof(ip));
    if (h->verbose)
        output_verbose_line(out, comm, ev.pid, ip, ntohs(ev.dport));
    if (!feeds_lookup(h->feeds, ntohl(ev.daddr)))
        return;
    h->hits++;
    struct error e;
    if (action_take(h->block, (pid_t)ev.pid, ev.ts_boot_ns, h->dump_dir, &e) != 0) {
        h->failed_actions++;
        warn("%s", e.msg);
        return;
    }
    output_block_line(out, h->block, comm, ev.pid, ip, h->dump_dir);
}

void ipintel_report(const struct ipintel_handler *h)
{
    if (h->hits)
        warn("%llu connection(s) to feed addresses, %llu could not be acted on", h->hits,
             h->failed_actions);
}
