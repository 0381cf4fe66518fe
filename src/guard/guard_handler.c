#include "guard/guard_handler.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "common/ebpfshield_events.h"
#include "base/log.h"
#include "output/metrics_text.h"
#include "output/output.h"
#include "base/text.h"
#include "guard/peer_netns.h"

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
    c->domain[0] = c->listed[0] = c->question[0] = c->resolved[0] = '\0';
}

/* The name the process had resolved to an address hit's destination, into c->resolved. */
static void describe_resolved(const struct guard_handler *h, const struct netevent *ev,
                              struct conn_event *c)
{
    struct resolved_key key = {.pid = ev->pid, .family = ev->family};
    if (ev->family == AF_INET6)
        memcpy(key.addr, ev->daddr6, sizeof(key.addr));
    else
        memcpy(key.addr, &ev->daddr, sizeof(ev->daddr));
    struct resolved_name rec;
    if (!h->resolved || !h->resolved(h->resolved_ctx, &key, &rec) ||
        rec.expires_boot_ns < ev->ts_boot_ns)
        return;
    size_t len = rec.name_len < sizeof(rec.name) ? rec.name_len : sizeof(rec.name);
    if (domain_wire_to_text(rec.name, len, c->resolved) != 0)
        c->resolved[0] = '\0';
}

/* A domain hit's name (the queried one, and the listed one above it) into c, confirmed
 * against the set in use: the kernel matched a hash, this matches the name. */
static void describe_domain(const struct guard_handler *h, const struct domainevent *d,
                            struct conn_event *c)
{
    size_t qlen = d->question_len < sizeof(d->question) ? d->question_len : sizeof(d->question);
    if (qlen && domain_wire_to_text(d->question, qlen, c->question) != 0)
        snprintf(c->question, sizeof(c->question), "(unreadable name)");
    size_t len = d->name_len < sizeof(d->name) ? d->name_len : sizeof(d->name);
    if (domain_wire_to_text(d->name, len, c->domain) != 0) {
        snprintf(c->domain, sizeof(c->domain), "(unreadable name)");
        return;
    }
    uint32_t feed;
    const char *listed =
        h->set && *h->set ? domain_set_match(feeds_domains(*h->set), c->domain, &feed) : NULL;
    if (!listed) {
        log_warn("%s: matched in the kernel, not in the domain feeds now (reloaded, or a hash "
                 "collision)",
                 c->domain);
        return;
    }
    snprintf(c->listed, sizeof(c->listed), "%s", listed);
    c->feed = feed_registry_name(h->feeds, feed);
}

/* The sample as a connection, and for a domain hit its name: 0, or -1 when it is cut. */
static int read_sample(const struct guard_handler *h, const void *data, size_t size,
                       struct netevent *ev, struct conn_event *c)
{
    if (size < sizeof(*ev))
        return -1;
    memcpy(ev, data, sizeof(*ev)); /* the sample is not aligned for netevent */
    describe(h, ev, c);
    if (ev->hit == EBPFSHIELD_HIT_ADDRESS)
        describe_resolved(h, ev, c);
    if (ev->hit != EBPFSHIELD_HIT_DOMAIN)
        return 0;
    struct domainevent d;
    if (size < sizeof(d)) { /* a pending hit whose name the kernel's table lost */
        snprintf(c->domain, sizeof(c->domain), "(name lost)");
        return 0;
    }
    memcpy(&d, data, sizeof(d));
    describe_domain(h, &d, c);
    return 0;
}

/* The target of ev's process, pinned (dump_target_pin): 0, or -1 with a message in e. */
static int pin_event(const struct netevent *ev, struct dump_target *t, struct error *e)
{
    *t = (struct dump_target){.pid = (pid_t)ev->pid,
                              .tid = (pid_t)ev->tid,
                              .uid = ev->uid,
                              .event_boot_ns = ev->ts_boot_ns,
                              .start_ns = ev->start_ns,
                              .pid_ino = ev->pid_ino};
    return dump_target_pin(t, e); /* now, before its pid can be reused */
}

/* A suspended process frozen where it stopped, so that no SIGCONT resumes it (once: a
 * process whose threads were refused together is held by the first). */
static void hold_suspended(const struct guard_handler *h, const struct netevent *ev)
{
    struct dump_target t;
    struct error e;
    if (pin_event(ev, &t, &e) != 0) {
        log_warn("pid %u exited before it could be frozen", ev->pid);
        return;
    }
    if (!victim_hold_holds(t.pid, "") &&
        victim_hold_freeze(h->cgroot, h->holds, t.pid, t.pidfd, ev->ts_boot_ns, &t.hold, &e) != 0)
        log_warn("%s", e.msg);
    else if (h->frozen)
        h->frozen(h->ctx, ev->pid);
    dump_target_unpin(&t);
}

/* A hit's explanation on the log stream, beside its line. */
static void explain_hit(const struct conn_event *c)
{
    const char *feed = c->feed ? c->feed : "a feed";
    const char *as = c->listed[0] ? " as " : "";
    if (c->question[0])
        log_warn("%s (pid %u) got an answer from %s for %s through %s, listed%s%s in %s", c->comm,
                 c->pid, c->ip, c->question, c->domain, as, c->listed, feed);
    else if (c->domain[0])
        log_warn("%s (pid %u) asked %s for %s, listed%s%s in %s", c->comm, c->pid, c->ip, c->domain,
                 as, c->listed, feed);
    else if (c->resolved[0])
        log_warn("%s (pid %u) connected to %s (resolved from %s), listed in %s", c->comm, c->pid,
                 c->ip, c->resolved, feed);
    else
        log_warn("%s (pid %u) connected to %s, listed in %s", c->comm, c->pid, c->ip, feed);
}

/* An inboundevent sample (--inbound): its line. */
static void handle_inbound(struct guard_handler *h, const void *data)
{
    struct inboundevent ev;
    memcpy(&ev, data, sizeof(ev));
    _Static_assert(INBOUND_FROM == EBPFSHIELD_TOWARD_FROM &&
                       INBOUND_FORWARDED == EBPFSHIELD_TOWARD_FORWARDED &&
                       INBOUND_LEAVING == EBPFSHIELD_TOWARD_LEAVING,
                   "inbound_where follows inboundevent.toward");
    if (ev.toward > EBPFSHIELD_TOWARD_LEAVING)
        return;
    struct inbound_event in = {.feed = feed_registry_name(h->feeds, ev.feed),
                               .packets = ev.packets,
                               .vlan = ev.vlan,
                               .proto = ev.proto,
                               .ipv6 = ev.family == AF_INET6,
                               .other_ipv6 = ev.other_v6,
                               .where = ev.toward,
                               .dropped = ev.dropped,
                               .block = block_actions[h->block].name};
    char name[IF_NAMESIZE];
    text_address(in.ipv6 ? AF_INET6 : AF_INET, ev.addr, in.ip, sizeof(in.ip));
    text_address(in.other_ipv6 ? AF_INET6 : AF_INET, ev.other, in.other, sizeof(in.other));
    if (if_indextoname(ev.ifindex, name)) /* any byte but white space: kept printable */
        text_printable(in.ifname, sizeof(in.ifname), name, strnlen(name, sizeof(name)));
    else
        snprintf(in.ifname, sizeof(in.ifname), "if%u", ev.ifindex);
    if (in.where == INBOUND_FORWARDED && peer_netns_name(ev.ifindex, in.netns) != 0)
        in.netns[0] = '\0';
    h->inbound_reports++;
    output_inbound(h->out, &in);
}

/* 1 when a sample of size bytes holds a record of record_size: the kernel pads a sample to
 * 8n + 4 bytes, and the guard's records are told apart by their sizes. */
static bool sample_of(size_t size, size_t record_size)
{
    return size >= record_size && size < record_size + 8;
}

void guard_handle_sample(struct guard_handler *h, const void *data, size_t size)
{
    struct netevent ev;
    struct conn_event c;
    struct guard_notice n;
    _Static_assert(sizeof(n) + 8 <= sizeof(ev), "a padded notice must be shorter than an event");
    _Static_assert(sizeof(n) + 8 <= sizeof(struct inboundevent) &&
                       sizeof(struct inboundevent) + 8 <= sizeof(ev),
                   "samples are told apart by their padded sizes");
    if (sample_of(size, sizeof(n))) {
        memcpy(&n, data, sizeof(n));
        if (n.kind == EBPFSHIELD_NOTICE_WAITING && h->waiting)
            h->waiting(h->ctx);
        if (n.kind == EBPFSHIELD_NOTICE_REPEATS)
            guard_report_repeats(h, n.tgid, n.count, "ended");
        return;
    }
    if (sample_of(size, sizeof(struct inboundevent))) {
        handle_inbound(h, data);
        return;
    }
    if (read_sample(h, data, size, &ev, &c) != 0) {
        log_warn("skipped a connect event of %zu bytes", size);
        return;
    }
    if (h->verbose && ev.hit != EBPFSHIELD_HIT_DOMAIN)
        output_connection(h->out, &c);
    if (!ev.hit)
        return;
    h->hits++;
    h->domain_hits += c.domain[0] != '\0';
    if (ev.repeats) {
        h->repeats += ev.repeats;
        log_warn("%s (pid %u): %u more hit(s) before this one, not printed one by one (a flood: "
                 "at most 10 a second are)",
                 c.comm, c.pid, ev.repeats);
    }
    explain_hit(&c);
    /* The kernel refused the connection and signalled the process, unless it was exiting. */
    const struct block_action_info *action = &block_actions[h->block];
    if (c.question[0]) { /* an answer's hit: dropped when refusing, never signalled */
        struct hit_report r =
            block_hit_report(action->refuses ? BLOCK_DENY : BLOCK_PRINT, HIT_ACTED, NULL);
        output_hit(h->out, &c, &r);
        return;
    }
    if (action->signal && !ev.signalled) {
        h->failed_actions++;
        struct hit_report r = block_hit_report(h->block, HIT_EXITED, NULL);
        output_hit(h->out, &c, &r);
        return;
    }
    if (!action->dumps) {
        if (h->freeze)
            hold_suspended(h, &ev);
        struct hit_report r = block_hit_report(h->block, HIT_ACTED, NULL);
        output_hit(h->out, &c, &r);
        return;
    }
    struct dump_job job = {.conn = c};
    struct error e;
    if (pin_event(&ev, &job.target, &e) != 0) {
        log_warn("%s", e.msg);
        h->failed_actions++;
        struct hit_report r = block_hit_report(h->block, HIT_EXITED, NULL);
        output_hit(h->out, &c, &r);
        return;
    }
    if (h->freeze && !victim_hold_holds(job.target.pid, "") &&
        victim_hold_freeze(h->cgroot, h->holds, job.target.pid, job.target.pidfd, ev.ts_boot_ns,
                           &job.target.hold, &e) != 0)
        log_warn("%s", e.msg);
    dump_worker_submit(h->dumps, &job);
}

void guard_report_repeats(struct guard_handler *h, uint32_t pid, uint32_t count, const char *state)
{
    h->repeats += count;
    log_warn("pid %u %s: %u more hit(s), not printed one by one (a flood)", pid, state, count);
}

void guard_metrics(const struct guard_handler *h, unsigned long long unsaid,
                   unsigned long long dumps_failed, struct metrics_text *m)
{
    const char *action = block_actions[h->block].name;
    metrics_family(m, "ebpfshield_feed_hits_total", "counter",
                   "Feed hits (address: a connection to a feed address; domain: a DNS message "
                   "for a feed name), by the --block action taken.");
    metrics_sample(m, "ebpfshield_feed_hits_total", h->hits - h->domain_hits, "kind", "address",
                   "action", action, (const char *)NULL);
    metrics_sample(m, "ebpfshield_feed_hits_total", h->domain_hits, "kind", "domain", "action",
                   action, (const char *)NULL);
    metrics_single(m, "ebpfshield_actions_failed_total", "counter",
                   "Hits whose action could not be carried out (the process exited first, or "
                   "its core failed).",
                   h->failed_actions + dumps_failed);
    metrics_single(m, "ebpfshield_flood_hits_total", "counter",
                   "Hits of floods counted by the kernel and not printed one by one (a running "
                   "flooder's, when its next line or its end says them).",
                   h->repeats + h->unsaid + unsaid);
    metrics_single(m, "ebpfshield_inbound_lines_total", "counter",
                   "Lines about packets from or toward feed addresses at --inbound interfaces.",
                   h->inbound_reports);
}

void guard_report(const struct guard_handler *h)
{
    if (h->hits)
        log_warn("%llu connection(s) to feed addresses, %llu could not be acted on", h->hits,
                 h->failed_actions);
    if (h->repeats || h->unsaid)
        log_warn("%llu more hit(s) of floods counted, not printed one by one (%llu of them not "
                 "said per process: a user's flood, or a pid reused)",
                 h->repeats + h->unsaid, h->unsaid);
    if (h->domain_hits)
        log_warn("%llu DNS message(s) for feed names among them", h->domain_hits);
    if (h->egress_dropped)
        log_warn("%llu packet(s) to feed addresses dropped at egress with no line: no hook "
                 "saw their call (a socket connected before the start, a ping socket, a "
                 "routing header), and the task that let them out need not be their sender",
                 h->egress_dropped);
    if (h->dropped_unread)
        log_warn("%llu DNS message(s) dropped unread (several questions, a compressed or "
                 "malformed name, a GSO or fragmented send, urgent data)",
                 h->dropped_unread);
    if (h->answers_listed)
        log_note("%llu DNS answer(s) to a question for a feed name", h->answers_listed);
    if (h->inbound[EBPFSHIELD_INBOUND_COUNTERS])
        log_warn("%llu packet(s) from or toward feed addresses %s at the interfaces of "
                 "--inbound (from them: tcp %llu, udp %llu, icmp %llu, other %llu; routed "
                 "toward them: %llu; sent out toward them: %llu), %llu line(s) about them, "
                 "%llu held back by the limit of %d a second",
                 h->inbound[EBPFSHIELD_INBOUND_COUNTERS],
                 block_actions[h->block].refuses ? "dropped" : "let through",
                 h->inbound[EBPFSHIELD_INBOUND_TCP], h->inbound[EBPFSHIELD_INBOUND_UDP],
                 h->inbound[EBPFSHIELD_INBOUND_ICMP], h->inbound[EBPFSHIELD_INBOUND_OTHER],
                 h->inbound[EBPFSHIELD_INBOUND_FORWARDED], h->inbound[EBPFSHIELD_INBOUND_LEAVING],
                 h->inbound_reports, h->inbound[EBPFSHIELD_INBOUND_HELD],
                 EBPFSHIELD_INBOUND_REPORTS_PER_SEC);
    if (h->held_partial)
        log_note("%llu TCP segment(s) to a DNS port held back until their question was whole",
                 h->held_partial);
}
