#include "guard/guard_handler.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/ebpfshield_events.h"
#include "base/log.h"
#include "output/output.h"
#include "base/text.h"

/* The destination in its usual text form (an IPv4-mapped one as IPv4). */
static void destination(const struct netevent *ev, char *ip, size_t len)
{
    if (ev->family == AF_INET6) {
        text_address(AF_INET6, ev->daddr6, ip, len);
    } else {
        struct in_addr addr = {.s_addr = ev->daddr};
        text_address(AF_INET, &addr, ip, len);
    }
}

static void describe(const struct guard_handler *h, const struct netevent *ev, struct conn_event *c)
{
    text_printable(c->comm, sizeof(c->comm), ev->comm, sizeof(ev->comm));
    destination(ev, c->ip, sizeof(c->ip));
    c->feed = ev->hit ? feed_registry_name(h->feeds, ev->feed) : NULL;
    c->pid = ev->pid;
    c->tid = ev->tid;
    c->uid = ev->uid;
    c->gid = ev->gid;
    c->port = ntohs(ev->dport);
    c->proto = ev->proto;
    c->ipv6 = ev->family == AF_INET6;
}

void guard_handle_sample(struct guard_handler *h, const void *data, size_t size)
{
    struct netevent ev;
    if (size < sizeof(ev)) {
        log_warn("skipped a connect event of %zu bytes", size);
        return;
    }
    memcpy(&ev, data, sizeof(ev)); /* the sample is not aligned for netevent */

    struct conn_event c;
    describe(h, &ev, &c);
    if (h->verbose)
        output_connection(h->out, &c);
    if (!ev.hit)
        return;
    h->hits++;
    log_warn("%s (pid %u) connected to %s, listed in %s", c.comm, c.pid, c.ip,
             c.feed ? c.feed : "a feed");
    /* The kernel refused the connection and signalled the process, unless it was exiting. */
    const struct block_action_info *action = &block_actions[h->block];
    if (action->signal && !ev.signalled) {
        h->failed_actions++;
        struct hit_report r = block_hit_report(h->block, HIT_EXITED, NULL);
        output_hit(h->out, &c, &r);
        return;
    }
    if (!action->dumps) {
        struct hit_report r = block_hit_report(h->block, HIT_ACTED, NULL);
        output_hit(h->out, &c, &r);
        return;
    }
    struct dump_job job = {
        .target = {.pid = (pid_t)ev.pid, .tid = (pid_t)ev.tid, .event_boot_ns = ev.ts_boot_ns},
        .conn = c};
    dump_worker_submit(h->dumps, &job);
}

void guard_report(const struct guard_handler *h)
{
    if (h->hits)
        log_warn("%llu connection(s) to feed addresses, %llu could not be acted on", h->hits,
                 h->failed_actions);
}
