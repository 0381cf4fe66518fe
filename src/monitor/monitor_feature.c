/* ebpf_monitor's kernel side. Two programs, as in the original: the socket filter
 * (dns_matching.c) owns the table proc_ports and the perf buffer dns_events, matches the
 * packets of the tool's network namespace against proc_ports and ships them; the flow
 * program (the socket hooks of dns_sockets.h on the cgroup-v2 root, with kprobes or
 * tracepoints for process names) fills proc_ports as a local socket sends, and ships the
 * DNS packets of every other namespace into the same perf buffer, so that user space
 * (monitor_handler.c) reads one stream in the kernel's order. */
#include "monitor/monitor_feature.h"

#include <ctype.h>
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "engine/bpf_shim.h"
#include "engine/bpf_texts.h"
#include "engine/kernel_btf.h"
#include "monitor/monitor_handler.h"
#include "base/cgroup_path.h"
#include "base/container_id.h"
#include "base/clock.h"
#include "base/proc_info.h"
#include "base/text.h"
#include "engine/sample_batch.h"

struct hook {
    int (*attach)(struct shim_bpf *b, const char *where, const char *prog, struct error *e);
    const char *where; /* NULL: the end of the list */
    const char *prog;
    const char *if_missing; /* optional hook: what is not seen without it */
};

#define FLOW_HOOKS 8 /* up to seven, then the end of the list */

/* The program that fills proc_ports in one attach mode, and where it hooks in. */
struct flow_program {
    const char *text;
    struct hook hooks[FLOW_HOOKS];
};

#define CLOSE_HOOK                                                                                 \
    {                                                                                              \
        shim_attach_tracepoint, "sock:inet_sock_set_state",                                        \
            "tracepoint__sock__inet_sock_set_state", NULL                                          \
    }

/* The returns first: a note is never made that nothing would remove. */
static const struct flow_program kprobe_flows = {
    bpf_text_kprobe_sendmsg,
    {{shim_attach_kretprobe, "udp_sendmsg", "trace_sendmsg_return", NULL},
     {shim_attach_kretprobe, "udpv6_sendmsg", "trace_sendmsg_return", NULL},
     {shim_attach_kretprobe, "tcp_sendmsg", "trace_sendmsg_return", NULL},
     {shim_attach_kprobe, "udp_sendmsg", "trace_udp_sendmsg", NULL},
     {shim_attach_kprobe, "udpv6_sendmsg", "trace_udp_sendmsg", NULL},
     {shim_attach_kprobe, "tcp_sendmsg", "trace_tcp_sendmsg", NULL},
     CLOSE_HOOK,
     {NULL, NULL, NULL, NULL}},
};

#define TCP_SENDER_UNSEEN "the sender of TCP on a socket another process connected"

static const struct flow_program tracepoint_flows = {
    bpf_text_tp_sendmsg,
    {{shim_attach_raw_tracepoint, "sock_send_length", "end_tcp_send", TCP_SENDER_UNSEEN},
     {shim_attach_raw_tracepoint, "tcp_sendmsg_locked", "note_tcp_send", TCP_SENDER_UNSEEN},
     CLOSE_HOOK,
     {NULL, NULL, NULL, NULL}},
};

/* In both modes: the socket hooks (dns_sockets.h). */
static const struct shim_cgroup_prog socket_hooks[] = {
    {"monitor_connect4", SHIM_CONNECT4}, {"monitor_connect6", SHIM_CONNECT6},
    {"monitor_sendmsg4", SHIM_SENDMSG4}, {"monitor_sendmsg6", SHIM_SENDMSG6},
    {"monitor_egress", SHIM_EGRESS},     {"monitor_ingress", SHIM_INGRESS}};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* What the kernel counts (dns_sockets.h's socket_counts, in its order), said at most once
 * a second while it grows, and in all at exit: "N packet(s) ..." */
enum kernel_tally { TALLY_NO_NETNS, TALLY_UNSHIPPED, TALLY_UNPARSED, TALLIES };
static const char *const tally_said[TALLIES] = {
    [TALLY_NO_NETNS] = "DNS packet(s) of sockets whose network namespace the kernel did not "
                       "tell (sockets connected before the tool started, on a kernel whose "
                       "cgroup_skb programs cannot ask): not printed",
    [TALLY_UNSHIPPED] = "DNS packet(s) dropped in the kernel: no room in the perf buffer",
    [TALLY_UNPARSED] = "packet(s) whose ports could not be read (past 8 IPv6 extension "
                       "headers, or beyond the first buffer of a packet socket's frame): not "
                       "read"};
#define FLAG_LEN 64

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
    bool all_netns;
    bool packet_sockets;         /* packet_sockets.h compiled in (the kernel's BTF read) */
    uint64_t own_netns;          /* this process's namespace's cookie */
    struct cgroup_paths cgroups; /* the names of sockets' cgroups */
    struct monitor_handler *handler;
    struct sample_batch *batch;        /* a poll's samples, handled in the kernel's order */
    struct shim_tables *tables;        /* holds proc_ports for both programs */
    unsigned long long tally[TALLIES]; /* at the last read (unshipped: both programs) */
    unsigned long long tally_told[TALLIES];
    struct log_rate tally_rate;
    struct shim_bpf *flows;
    struct shim_bpf *filter;
};

/* Names the processes that run already, as the kernel names those started from now on
 * (an entry the kernel made meanwhile is newer and stays), with their parents and
 * executables. */
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
        struct proc_exe exe;
        if (proc_comm_raw((pid_t)pid, comm, sizeof(comm)) != 0)
            continue;
        memset(&name, 0, sizeof(name));
        memcpy(name.comm, comm, strnlen(comm, sizeof(name.comm)));
        proc_ppid((pid_t)pid, &name.ppid);
        shim_table_insert(m->flows, "proc_names", &pid, &name, NULL);
        memset(&exe, 0, sizeof(exe));
        if (proc_exe((pid_t)pid, exe.path, sizeof(exe.path)) == 0)
            shim_table_insert(m->flows, "proc_exes", &pid, &exe, NULL);
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
        log_warn("%s: %s goes unseen", e->msg, h->if_missing);
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

/* The hooks on the cgroup-v2 root, whose fd then names sockets' cgroups. */
static int attach_socket_hooks(struct monitor *m, struct error *e)
{
    int root = attach_open_cgroup2_root(e);
    if (root < 0)
        return -1;
    int rc = shim_attach_cgroup_all(m->flows, socket_hooks, COUNT(socket_hooks), root, NULL, e);
    cgroup_paths_close(&m->cgroups);
    cgroup_paths_init(&m->cgroups, root);
    return rc;
}

/* What mode needs of the kernel, said before anything is compiled (a missing tracepoint
 * would only fail the compile on its type, with a page of clang errors). */
static int check_kernel(enum attach_mode mode, struct error *e)
{
    if (check_tracepoints(name_hooks, e) != 0)
        return -1;
    if (mode != ATTACH_TRACEPOINT || attach_skb_knows_task())
        return 0;
    struct utsname u;
    uname(&u);
    return error_set(e,
                     "tracepoint mode needs a kernel whose cgroup_skb programs may read the "
                     "sending task (Linux 6.2 and later), which kernel %s is not (kprobe mode "
                     "does not need it)",
                     u.release);
}

/* The kernel structs packet_sockets.h reads: -D<flag>=<offset of member in type>, whose
 * width must be size. */
static const struct {
    const char *flag, *type, *member;
    size_t size;
} packet_offsets[] = {
    {"MONITOR_SKB_SK", "sk_buff", "sk", 8},
    {"MONITOR_SKB_DEV", "sk_buff", "dev", 8},
    {"MONITOR_SKB_DATA", "sk_buff", "data", 8},
    {"MONITOR_SKB_LEN", "sk_buff", "len", 4},
    {"MONITOR_SKB_DATA_LEN", "sk_buff", "data_len", 4},
    {"MONITOR_SK_NET", "sock_common", "skc_net.net", 8},
    {"MONITOR_DEV_IFINDEX", "net_device", "ifindex", 4},
    {"MONITOR_DEV_TYPE", "net_device", "type", 2},
    {"MONITOR_DEV_NET", "net_device", "nd_net.net", 8},
    {"MONITOR_NET_COOKIE", "net", "net_cookie", 8},
};

#define FLOW_FLAGS (6 + COUNT(packet_offsets))

/* packet_sockets.h's offsets into flags (returns how many), or none and a warning when
 * the kernel's BTF does not give them all. */
static size_t packet_socket_flags(char flags[][FLAG_LEN])
{
    struct kernel_btf *kb;
    struct kernel_member m;
    struct error e;
    size_t n = 0;
    if (kernel_btf_open(&kb, &e) == 0) {
        for (; n < COUNT(packet_offsets); n++) {
            if (kernel_btf_member(kb, packet_offsets[n].type, packet_offsets[n].member, &m, &e) !=
                0)
                break;
            if (m.size != packet_offsets[n].size) {
                error_set(&e, "the kernel's %s.%s is %zu bytes wide, not %zu",
                          packet_offsets[n].type, packet_offsets[n].member, m.size,
                          packet_offsets[n].size);
                break;
            }
            snprintf(flags[n], FLAG_LEN, "-D%s=%zu", packet_offsets[n].flag, m.offset);
        }
        kernel_btf_close(kb);
    }
    if (n == COUNT(packet_offsets))
        return n;
    log_warn("%s: DNS written by packet sockets (AF_PACKET) goes unseen", e.msg);
    return 0;
}

/* The flow program's flags: which perf buffer, which namespace is the tool's, what the
 * kernel's cgroup_skb programs may ask, where packet_sockets.h reads. Returns how many. */
static int flow_flags(struct monitor *m, char flags[][FLAG_LEN], size_t *n, struct error *e)
{
    int events_fd;
    if (shim_table_fd(m->filter, "dns_events", &events_fd, e) != 0 ||
        attach_own_netns(&m->own_netns, e) != 0)
        return -1;
    snprintf(flags[0], FLAG_LEN, "-DMONITOR_EVENTS_FD=%d", events_fd);
    snprintf(flags[1], FLAG_LEN, "-DMONITOR_OWN_NETNS=%lluULL", (unsigned long long)m->own_netns);
    snprintf(flags[2], FLAG_LEN, "-DMONITOR_ALL_NETNS=%d", m->all_netns);
    snprintf(flags[3], FLAG_LEN, "-DMONITOR_SKB_TASK=%d", attach_skb_knows_task());
    snprintf(flags[4], FLAG_LEN, "-DMONITOR_SKB_NETNS=%d", attach_skb_knows_netns());
    size_t offsets = packet_socket_flags(flags + 6);
    m->packet_sockets = offsets > 0;
    snprintf(flags[5], FLAG_LEN, "-DMONITOR_PACKET_SOCKETS=%d", m->packet_sockets);
    *n = 6 + offsets;
    return 0;
}

#define PACKET_UNSEEN "DNS written by packet sockets"

static const struct hook packet_socket_hooks[] = {
    {shim_attach_tracepoint, "net:net_dev_queue", "tracepoint__net__net_dev_queue", PACKET_UNSEEN},
    {NULL, NULL, NULL, NULL},
};

/* Kprobe mode: what goes to the driver past the queue (PACKET_QDISC_BYPASS, AF_XDP). */
static const struct hook direct_xmit_hooks[] = {
    {shim_attach_kprobe, "__dev_direct_xmit", "trace_dev_direct_xmit",
     "DNS written by packet sockets past the queue (PACKET_QDISC_BYPASS)"},
    {NULL, NULL, NULL, NULL},
};

static int start_flows(struct monitor *m, enum attach_mode mode, struct error *e)
{
    const struct flow_program *p = mode == ATTACH_KPROBE ? &kprobe_flows : &tracepoint_flows;
    char flags[FLOW_FLAGS][FLAG_LEN];
    const char *cflags[FLOW_FLAGS + 2] = {m->ports_flag};
    size_t n = 0;
    if (flow_flags(m, flags, &n, e) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        cflags[i + 1] = flags[i];
    if (shim_init(&m->flows, p->text, cflags, "flow program", m->tables, e) != 0)
        return -1;
    if (attach_hooks(m->flows, name_hooks, e) != 0 || attach_hooks(m->flows, p->hooks, e) != 0 ||
        (m->packet_sockets && attach_hooks(m->flows, packet_socket_hooks, e) != 0) ||
        (m->packet_sockets && mode == ATTACH_KPROBE &&
         attach_hooks(m->flows, direct_xmit_hooks, e) != 0))
        return -1;
    name_running_processes(m);
    return attach_socket_hooks(m, e);
}

/* The sum over CPUs of entry index of the per-CPU counters table of b (0 when unread). */
static unsigned long long kernel_count(struct shim_bpf *b, const char *table, int index)
{
    struct error e;
    unsigned long long n = 0;
    if (b && shim_percpu_sum(b, table, index, &n, &e) != 0)
        n = 0;
    return n;
}

/* What the kernel counted, kept past stop for the report. */
static void read_counts(struct monitor *m)
{
    if (!m->flows || !m->filter)
        return;
    for (int i = 0; i < TALLIES; i++)
        m->tally[i] = kernel_count(m->flows, "socket_counts", i);
    m->tally[TALLY_UNSHIPPED] += kernel_count(m->filter, "filter_unshipped", 0);
}

static void stop(void *self)
{
    struct monitor *m = self;
    read_counts(m);
    shim_destroy(m->flows); /* its programs write into the filter's tables */
    shim_destroy(m->filter);
    shim_tables_free(m->tables);
    m->filter = m->flows = NULL;
    m->tables = NULL;
}

/* The filter first: the flow program names its perf buffer and proc_ports, read from
 * before any hook writes into it; the filter is attached to its packet socket last, once
 * every socket hook records. */
static int start(void *self, enum attach_mode mode, const struct events_opener *opener,
                 struct shim_bpf **events, struct error *e)
{
    struct monitor *m = self;
    const char *const cflags[] = {m->ports_flag, NULL};
    if (check_kernel(mode, e) != 0)
        return -1;
    if (shim_tables_new(&m->tables, e) != 0 ||
        shim_init(&m->filter, bpf_text_dns_matching, cflags, "socket filter", m->tables, e) != 0 ||
        opener->open(opener->ctx, m->filter, e) != 0 || start_flows(m, mode, e) != 0 ||
        shim_attach_packet_socket(m->filter, "dns_matching", e) != 0) {
        stop(m);
        return -1;
    }
    *events = m->filter;
    return 0;
}

/* The handler's identity of a packet's process: its executable (/proc's, the file itself,
 * while the process lives; else the name its exec was given, as the kernel kept it), its
 * socket's cgroup and the container that names it. */
static void identify(void *self, const struct port_val *proc, uint64_t netns,
                     struct dns_identity *id)
{
    struct monitor *m = self;
    struct proc_exe exe;
    __u32 pid = proc->pid;
    id->netns = netns ? netns : m->own_netns;
    if (proc_exe((pid_t)pid, exe.path, sizeof(exe.path)) == 0 ||
        (m->flows && shim_table_lookup(m->flows, "proc_exes", &pid, &exe, NULL) == 0))
        text_printable(id->exe, sizeof(id->exe), exe.path, sizeof(exe.path));
    cgroup_path_of(&m->cgroups, proc->cgroup, monotonic_ms(), id->cgroup, sizeof(id->cgroup));
    struct container_ref *c = &id->container;
    if (container_of_cgroup(id->cgroup, strlen(id->cgroup), c) == 0 &&
        !cgroup_dir_is_roots(&m->cgroups, id->cgroup, c->scope_len))
        memset(c, 0, sizeof(*c)); /* a user's cgroup named like a runtime's */
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
    if (size >= sizeof(struct dns_sample))
        memcpy(&ts, (const char *)data + offsetof(struct port_val, ts_ns), sizeof(ts));
    sample_batch_add(m->batch, ts, data, size);
}

static void say_tallies(struct monitor *m, uint64_t now_ms)
{
    if (!log_due(&m->tally_rate, now_ms))
        return;
    read_counts(m);
    for (int i = 0; i < TALLIES; i++) {
        if (m->tally[i] == m->tally_told[i])
            continue;
        log_warn("%llu %s (%llu so far)", m->tally[i] - m->tally_told[i], tally_said[i],
                 m->tally[i]);
        m->tally_told[i] = m->tally[i];
    }
}

static void tick(void *self)
{
    struct monitor *m = self;
    uint64_t now = monotonic_ms();
    sample_batch_flush(m->batch);
    monitor_handler_tick(m->handler, now);
    say_tallies(m, now);
}

static void metrics(void *self, struct metrics_text *mt)
{
    const struct monitor *m = self;
    monitor_metrics(m->handler, mt);
}

static void report(void *self)
{
    struct monitor *m = self;
    sample_batch_flush(m->batch); /* what an error path left held */
    monitor_report(m->handler);
    for (int i = 0; i < TALLIES; i++)
        if (m->tally[i])
            log_warn("%llu %s, in all", m->tally[i], tally_said[i]);
}

static void destroy(void *self)
{
    struct monitor *m = self;
    stop(m);
    cgroup_paths_close(&m->cgroups);
    sample_batch_free(m->batch);
    monitor_handler_free(m->handler);
    free(m);
}

#define PRIVILEGED_PORTS 1024 /* below it, only root (CAP_NET_BIND_SERVICE) may bind */

/* A DNS port any user may bind: whoever listens there is taken for a DNS server. */
static void warn_bindable_ports(const struct dns_ports *dns)
{
    for (size_t i = 0; i < dns->count; i++)
        if (dns->port[i] >= PRIVILEGED_PORTS)
            log_warn("--dns-port %u: any user may bind a port from %d on; a process of theirs "
                     "listening on %u is taken for a DNS server, and what is sent to it for DNS",
                     dns->port[i], PRIVILEGED_PORTS, dns->port[i]);
}

int monitor_feature(struct feature *f, const struct monitor_config *cfg, const struct output *out,
                    struct error *e)
{
    struct monitor *m = calloc(1, sizeof(*m));
    if (m)
        cgroup_paths_init(&m->cgroups, -1);
    const struct monitor_lookups lookups = {identify, m};
    if (!m || !(m->handler = monitor_handler_new(out, cfg, &lookups)) ||
        !(m->batch = sample_batch_new(MONITOR_BATCH_BYTES, handle, m))) {
        if (m)
            monitor_handler_free(m->handler);
        free(m);
        return error_set(e, "out of memory");
    }
    dns_ports_cflag(&cfg->dns, m->ports_flag);
    m->all_netns = !cfg->own_netns_only;
    warn_bindable_ports(&cfg->dns);
    *f = (struct feature){.self = m,
                          .events_table = "dns_events",
                          .perf_pages_per_cpu = MONITOR_PERF_PAGES_PER_CPU,
                          .wakeup_events = MONITOR_WAKEUP_EVENTS,
                          .start = start,
                          .on_sample = on_sample,
                          .tick = tick,
                          .report = report,
                          .metrics = metrics,
                          .stop = stop,
                          .destroy = destroy};
    return 0;
}
