/* ebpf_monitor's kernel side. Two programs, as in the original: one fills the public table
 * proc_ports from the sending side (kprobes, or tracepoints where the kernel has no
 * kprobes) and names processes in proc_names; the socket filter reads proc_ports as
 * extern, matches packets against it and ships them to user space (monitor_handler.c). */
#include "monitor/monitor_feature.h"

#include <ctype.h>
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "engine/bpf_shim.h"
#include "engine/bpf_texts.h"
#include "monitor/monitor_handler.h"
#include "base/clock.h"
#include "base/proc_info.h"
#include "engine/sample_batch.h"

struct hook {
    int (*attach)(struct shim_bpf *b, const char *where, const char *prog, struct error *e);
    const char *where; /* NULL: the end of the list */
    const char *prog;
    const char *if_missing; /* optional hook: what is not seen without it */
};

#define FLOW_HOOKS 5 /* up to four, then the end of the list */

/* The program that fills proc_ports in one attach mode, and where it hooks in. */
struct flow_program {
    const char *text;
    struct hook hooks[FLOW_HOOKS];
};

static const struct flow_program kprobe_flows = {
    bpf_text_kprobe_sendmsg,
    {{shim_attach_kprobe, "udp_sendmsg", "trace_udp_sendmsg", NULL},
     {shim_attach_kprobe, "udpv6_sendmsg", "trace_udpv6_sendmsg", NULL},
     {shim_attach_kprobe, "tcp_sendmsg", "trace_tcp_sendmsg", NULL},
     {NULL, NULL, NULL, NULL}},
};

static const struct flow_program tracepoint_flows = {
    bpf_text_tp_sendmsg,
    {{shim_attach_tracepoint, "fib:fib_table_lookup", "tracepoint__fib__fib_table_lookup", NULL},
     {shim_attach_tracepoint, "fib6:fib6_table_lookup", "tracepoint__fib6__fib6_table_lookup",
      NULL},
     {shim_attach_tracepoint, "sock:sock_send_length", "tracepoint__sock__sock_send_length", NULL},
     {shim_attach_raw_tracepoint, "tcp_sendmsg_locked", "raw_tracepoint__tcp_sendmsg_locked",
      "the first DNS message of an IPv6 TCP connection from an unbound socket"}},
};

/* In both modes: processes named on exec, fork and rename (dns_flow.h). */
static const struct hook name_hooks[] = {
    {shim_attach_tracepoint, "sched:sched_process_exec", "tracepoint__sched__sched_process_exec",
     NULL},
    {shim_attach_tracepoint, "sched:sched_process_fork", "tracepoint__sched__sched_process_fork",
     NULL},
    {shim_attach_tracepoint, "task:task_rename", "tracepoint__task__task_rename", NULL},
    {NULL, NULL, NULL, NULL},
};

struct monitor {
    char ports_flag[DNS_PORTS_CFLAG_MAX];
    struct monitor_handler *handler;
    struct sample_batch *batch; /* a poll's samples, handled in the kernel's order */
    struct shim_tables *tables; /* holds proc_ports for both programs */
    struct shim_bpf *flows;
    struct shim_bpf *filter;
};

/* Names the processes that run already, as the kernel names those started from now on
 * (an entry the kernel made meanwhile is newer and stays). */
static void name_running_processes(struct monitor *m)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return;
    struct dirent *d;
    while ((d = readdir(proc)) != NULL) {
        if (!isdigit((unsigned char)d->d_name[0]))
            continue;
        __u32 pid = (__u32)strtoul(d->d_name, NULL, 10);
        char comm[64];
        struct proc_name name;
        if (proc_comm_raw((pid_t)pid, comm, sizeof(comm)) != 0)
            continue;
        memset(&name, 0, sizeof(name));
        memcpy(name.comm, comm, strnlen(comm, sizeof(name.comm)));
        shim_table_insert(m->flows, "proc_names", &pid, &name, NULL);
    }
    closedir(proc);
}

static int attach_hooks(struct shim_bpf *b, const struct hook *hooks, struct error *e)
{
    for (const struct hook *h = hooks; h->where; h++) {
        if (h->attach(b, h->where, h->prog, e) == 0)
            continue;
        if (!h->if_missing)
            return -1;
        log_warn("%s (this kernel has no %s: %s goes unseen)", e->msg, h->where, h->if_missing);
    }
    return 0;
}

/* A tracepoint the program needs that this kernel lacks: said before the compile, which
 * would only fail on its missing type (a page of clang errors). */
static int check_tracepoints(const struct hook *hooks, struct error *e)
{
    for (const struct hook *h = hooks; h->where; h++) {
        if (h->attach != shim_attach_tracepoint || h->if_missing ||
            attach_tracepoint_exists(h->where))
            continue;
        struct utsname u;
        uname(&u);
        return error_set(e,
                         "tracepoint mode needs the %s tracepoint, which kernel %s does not "
                         "have (kprobe mode does not need it)",
                         h->where, u.release);
    }
    return 0;
}

static int start_flows(struct monitor *m, enum attach_mode mode, struct error *e)
{
    const struct flow_program *p = mode == ATTACH_KPROBE ? &kprobe_flows : &tracepoint_flows;
    const char *const cflags[] = {m->ports_flag, NULL};
    if (check_tracepoints(name_hooks, e) != 0 || check_tracepoints(p->hooks, e) != 0)
        return -1;
    if (shim_init(&m->flows, p->text, cflags, "flow program", m->tables, e) != 0)
        return -1;
    if (attach_hooks(m->flows, name_hooks, e) != 0 || attach_hooks(m->flows, p->hooks, e) != 0)
        return -1;
    name_running_processes(m);
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
    const char *const cflags[] = {m->ports_flag, NULL};
    if (shim_tables_new(&m->tables, e) != 0 || start_flows(m, mode, e) != 0 ||
        shim_init(&m->filter, bpf_text_dns_matching, cflags, "socket filter", m->tables, e) != 0 ||
        shim_attach_packet_socket(m->filter, "dns_matching", e) != 0) {
        stop(m);
        return -1;
    }
    *events = m->filter;
    return 0;
}

static int lookup_flow(void *self, const struct port_key *key, struct port_val *val)
{
    struct monitor *m = self;
    return m->flows ? shim_table_lookup(m->flows, "proc_ports", key, val, NULL) : -1;
}

static void handle(void *self, const void *data, size_t size)
{
    struct monitor *m = self;
    monitor_handle_sample(m->handler, data, size, monotonic_ms());
}

/* Held until the poll ends, then handled in the order the socket filter saw the packets
 * (a sample too short to say when goes first: the handler counts it as skipped). */
static void on_sample(void *self, const void *data, size_t size)
{
    struct monitor *m = self;
    uint64_t ts = 0;
    if (size >= sizeof(struct port_val))
        memcpy(&ts, (const char *)data + offsetof(struct port_val, ts_ns), sizeof(ts));
    sample_batch_add(m->batch, ts, data, size);
}

static void tick(void *self)
{
    struct monitor *m = self;
    sample_batch_flush(m->batch);
    monitor_handler_tick(m->handler, monotonic_ms());
}

static void report(void *self)
{
    struct monitor *m = self;
    sample_batch_flush(m->batch); /* what an error path left held */
    monitor_report(m->handler);
}

static void destroy(void *self)
{
    struct monitor *m = self;
    stop(m);
    sample_batch_free(m->batch);
    monitor_handler_free(m->handler);
    free(m);
}

int monitor_feature(struct feature *f, const struct monitor_config *cfg, const struct output *out,
                    struct error *e)
{
    struct monitor *m = calloc(1, sizeof(*m));
    if (!m || !(m->handler = monitor_handler_new(out, &cfg->filter, lookup_flow, m)) ||
        !(m->batch = sample_batch_new(MONITOR_BATCH_BYTES, handle, m))) {
        if (m)
            monitor_handler_free(m->handler);
        free(m);
        return error_set(e, "out of memory");
    }
    dns_ports_cflag(&cfg->dns, m->ports_flag);
    *f = (struct feature){.self = m,
                          .events_table = "dns_events",
                          .perf_pages_per_cpu = MONITOR_PERF_PAGES_PER_CPU,
                          .wakeup_events = MONITOR_WAKEUP_EVENTS,
                          .start = start,
                          .on_sample = on_sample,
                          .tick = tick,
                          .report = report,
                          .stop = stop,
                          .destroy = destroy};
    return 0;
}
