/* ebpf_monitor's kernel side. Two programs, as in the original: one fills the public table
 * proc_ports from the sending side (kprobes, or tracepoints where the kernel has no
 * kprobes), the socket filter reads it as extern, matches packets against it and ships
 * them to user space (monitor_handler.c). */
#include "monitor.h"

#include <stdlib.h>

#include "bpf_shim.h"
#include "bpf_texts.h"
#include "monitor_handler.h"

struct hook {
    int (*attach)(struct shim_bpf *b, const char *where, const char *prog, struct error *e);
    const char *where;
    const char *prog;
};

#define FLOW_HOOKS 2 /* one per protocol in kprobe mode; lookup + send in tracepoint mode */

/* The program that fills proc_ports in one attach mode, and where it hooks in. */
struct flow_program {
    const char *text;
    struct hook hooks[FLOW_HOOKS];
};

static const struct flow_program kprobe_flows = {
    bpf_text_kprobe_sendmsg,
    {{shim_attach_kprobe, "udp_sendmsg", "trace_udp_sendmsg"},
     {shim_attach_kprobe, "tcp_sendmsg", "trace_tcp_sendmsg"}},
};

static const struct flow_program tracepoint_flows = {
    bpf_text_tp_sendmsg,
    {{shim_attach_tracepoint, "fib:fib_table_lookup", "tracepoint__fib__fib_table_lookup"},
     {shim_attach_raw_tracepoint, "sock_send_length", "raw_tracepoint__sock_send_length"}},
};

struct monitor {
    FILE *out;
    struct shim_tables *tables; /* holds proc_ports for both programs */
    struct shim_bpf *flows;
    struct shim_bpf *filter;
    struct monitor_stats stats;
};

static int start_flows(struct monitor *m, enum attach_mode mode, struct error *e)
{
    const struct flow_program *p = mode == ATTACH_KPROBE ? &kprobe_flows : &tracepoint_flows;
    if (shim_init(&m->flows, p->text, NULL, "flow program", m->tables, e) != 0)
        return -1;
    for (size_t i = 0; i < FLOW_HOOKS; i++)
        if (p->hooks[i].attach(m->flows, p->hooks[i].where, p->hooks[i].prog, e) != 0)
            return -1;
    return 0;
}

static void stop(void *self)
{
    struct monitor *m = self;
    shim_destroy(m->filter); /* before the table storage it reads proc_ports from */
    shim_destroy(m->flows);
    shim_tables_free(m->tables);
    m->filter = m->flows = NULL;
    m->tables = NULL;
}

static int start(void *self, enum attach_mode mode, struct shim_bpf **events, struct error *e)
{
    struct monitor *m = self;
    if (shim_tables_new(&m->tables, e) != 0 || start_flows(m, mode, e) != 0 ||
        shim_init(&m->filter, bpf_text_dns_matching, NULL, "socket filter", m->tables, e) != 0 ||
        shim_attach_packet_socket(m->filter, "dns_matching", e) != 0) {
        stop(m);
        return -1;
    }
    *events = m->filter;
    return 0;
}

static void on_sample(void *self, const void *data, size_t size)
{
    struct monitor *m = self;
    monitor_handle_sample(&m->stats, data, size, m->out);
}

static void report(void *self)
{
    const struct monitor *m = self;
    monitor_report(&m->stats);
}

static void destroy(void *self)
{
    stop(self);
    free(self);
}

int monitor_feature(struct feature *f, FILE *out, struct error *e)
{
    struct monitor *m = calloc(1, sizeof(*m));
    if (!m)
        return error_set(e, "out of memory");
    m->out = out;
    *f = (struct feature){.self = m,
                          .events_table = "dns_events",
                          .start = start,
                          .on_sample = on_sample,
                          .report = report,
                          .stop = stop,
                          .destroy = destroy};
    return 0;
}
