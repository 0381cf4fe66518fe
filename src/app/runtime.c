#include "app/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "engine/bpf_shim.h"
#include "app/capabilities.h"
#include "base/clock.h"
#include "engine/compiler_memory.h"
#include "guard/guard_feature.h"
#include "output/line_writer.h"
#include "base/log.h"
#include "monitor/monitor_feature.h"
#include "output/agent_identity.h"
#include "output/format.h"
#include "output/json_format.h"
#include "output/metrics_server.h"
#include "output/metrics_text.h"
#include "output/output.h"
#include "output/output_file.h"
#include "engine/stderr_filter.h"

#define POLL_MS 250
#define METRICS_PERIOD_MS 1000 /* how fresh /metrics is */
/* Samples below a feature's wakeup mark are read at least this often. */
#define BATCH_MS 100
/* At exit, what the kernel sent before the programs went is read for at most this long. */
#define FINAL_DRAIN_MS 1000
/* Lines kept while standard output is not read, and how long the exit waits for them. */
#define OUTPUT_QUEUE_BYTES (16u << 20)
#define OUTPUT_DRAIN_MS 250
/* The same for the log (standard error): a hit's feed line, warnings. */
#define LOG_QUEUE_BYTES (1u << 20)

static volatile sig_atomic_t exiting, reload_requested;

static void on_signal(int sig)
{
    (void)sig;
    exiting = 1;
}

static void on_hangup(int sig)
{
    (void)sig;
    reload_requested = 1;
}

static void set_handler(int sig, void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* From the start on, SIGHUP asks for a reload (it used to end the tool); one that comes
 * while the programs compile is served once they run. */
static void install_hangup(void)
{
    set_handler(SIGHUP, on_hangup, SA_RESTART);
}

/* Installed once the programs run (before, SIGINT ends the tool at once: nothing of it
 * outlives its fds). No SA_RESTART: a blocking poll returns at once with EINTR. */
static void install_signals(void)
{
    set_handler(SIGINT, on_signal, 0);
    set_handler(SIGTERM, on_signal, 0);
    signal(SIGPIPE, SIG_IGN);
}

/* The events (standard output, --output-file or --syslog) and the log (standard error),
 * each behind a writer thread. */
struct outputs {
    struct line_writer *out, *log;
    struct metrics_server *metrics; /* --metrics, once listening; NULL: none (yet) */
    struct metrics_addr metrics_at; /* where (family 0: no --metrics) */
    struct output events;           /* on out's stream */
    struct agent_identity agent;    /* named by JSON events */
    const char *file;               /* --output-file, reopened on SIGHUP */
};

/* SIGHUP: the output file opened anew (logrotate moved it), the feeds reloaded. */
static void reload(struct feature *f, const struct outputs *io)
{
    struct error e;
    reload_requested = 0;
    if (io->file) {
        int fd = output_file_open(io->file, &e);
        if (fd < 0)
            log_warn("SIGHUP: events go on to the file opened before: %s", e.msg);
        else
            line_writer_reopen(io->out, fd);
    }
    if (!f->reload && !io->file)
        log_warn("SIGHUP: nothing to reload");
    else if (f->reload && f->reload(f->self, &e) != 0)
        log_warn("reload failed, the feeds in use stay: %s", e.msg);
}

/* The running line goes where the original printed it, standard output, unless events of a
 * structured format fill it: then to the log, so that every line there is an event. */
static void say_running(const struct outputs *io)
{
    if (io->file || io->events.syslog) {
        fputs(RUNNING_LINE "\n", stdout);
        fflush(stdout);
    } else if (io->events.format->structured) {
        log_note("%s", RUNNING_LINE);
    } else {
        fprintf(io->events.stream, "%s\n", RUNNING_LINE);
    }
}

/* --syslog: something must listen on /dev/log, or every event would vanish unsaid
 * (syslog(3) drops messages it cannot send). Tried as syslog(3) does: datagram, then
 * stream. */
static int syslog_listens(struct error *e)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX, .sun_path = _PATH_LOG};
    int err = 0;
    for (int i = 0; i < 2; i++) {
        int fd = socket(AF_UNIX, (i ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
        int rc = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&addr, sizeof(addr));
        err = errno;
        if (fd >= 0)
            close(fd);
        if (rc == 0)
            return 0;
    }
    return error_set(e, "--syslog: no syslog daemon listens on %s: %s", _PATH_LOG, strerror(err));
}

/* The events' writer and its stream: standard output, --output-file or --syslog. */
static int open_events(const struct output_config *cfg, struct outputs *io, struct error *e)
{
    struct line_target t = {.fd = STDOUT_FILENO};
    const char *name = "standard output";
    if (cfg->file) {
        if ((t.fd = output_file_open(cfg->file, e)) < 0)
            return -1;
        t.owned = true;
        name = cfg->file;
        io->file = cfg->file;
    } else if (cfg->syslog) {
        if (syslog_listens(e) != 0)
            return -1;
        openlog("ebpfshield-bcc", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        t = (struct line_target){.fd = -1, .syslog = true};
        name = "syslog";
    }
    if (cfg->format->structured) {
        agent_identity_load(&io->agent);
        ecs_agent_set(&io->agent);
    }
    io->events = (struct output){.format = cfg->format,
                                 .timestamp = cfg->timestamp,
                                 .syslog = cfg->syslog,
                                 .context = cfg->context};
    if (!(io->out = line_writer_open(&t, name, OUTPUT_QUEUE_BYTES, &io->events.stream, e))) {
        if (t.owned)
            close(t.fd);
        return -1;
    }
    return 0;
}

#define METRICS_RETRY_MS 10000

/* --metrics: listens on its address, or says why not and that it tries again (every
 * METRICS_RETRY_MS): a port another user took first must not keep the guard from
 * running. */
static void listen_metrics(struct outputs *io, bool first)
{
    struct error e;
    char where[METRICS_ADDR_TEXT_MAX];
    if (!(io->metrics = metrics_server_start(&io->metrics_at, &e))) {
        if (first)
            log_warn("%s; the tool runs without it and tries again every %d s", e.msg,
                     METRICS_RETRY_MS / 1000);
        return;
    }
    log_note("metrics: http://%s/metrics", metrics_addr_text(&io->metrics_at, where));
}

static int open_metrics(const struct output_config *cfg, struct outputs *io, struct error *e)
{
    if (!cfg->metrics)
        return 0;
    if (metrics_addr_parse(cfg->metrics, &io->metrics_at, e) != 0)
        return -1;
    listen_metrics(io, true);
    return 0;
}

struct loop {
    struct feature *feature;
    struct outputs *io;
    const char *feature_name;
    struct metrics_text metrics; /* the text last published */
    uint64_t metrics_ms;         /* when */
    uint64_t metrics_retry_ms;   /* when listening was last tried */
    time_t started;
    unsigned long long lost, lost_pending; /* perf samples the kernel had to drop */
    struct log_rate lost_rate;
    bool holding;         /* the events' writer is held for the samples of this poll */
    uint64_t consumed_ms; /* when every buffer was last read, woken or not */
};

static void on_sample(void *ctx, void *data, int size)
{
    struct loop *l = ctx;
    if (!l->holding) {
        line_writer_hold(l->io->out);
        l->holding = true;
    }
    if (size >= 0)
        l->feature->on_sample(l->feature->self, data, (size_t)size);
}

static void on_lost(void *ctx, unsigned long long lost)
{
    struct loop *l = ctx;
    l->lost += lost;
    l->lost_pending += lost;
}

/* The metrics of the run and of its feature, published for --metrics. */
static void publish_metrics(struct loop *l)
{
    struct metrics_text *m = &l->metrics;
    metrics_text_reset(m);
    metrics_family(m, "ebpfshield_info", "gauge", "The running agent: its version and feature.");
    metrics_sample(m, "ebpfshield_info", 1, "version", EBPFSHIELD_VERSION, "feature",
                   l->feature_name, (const char *)NULL);
    metrics_single(m, "ebpfshield_start_time_seconds", "gauge",
                   "When the agent started, in seconds since the epoch.",
                   (unsigned long long)l->started);
    metrics_single(m, "ebpfshield_events_lost_total", "counter",
                   "Events the kernel dropped: the perf buffer was full.", l->lost);
    metrics_family(m, "ebpfshield_lines_dropped_total", "counter",
                   "Lines not written: nobody read the stream, or writes failed.");
    metrics_sample(m, "ebpfshield_lines_dropped_total", line_writer_dropped(l->io->out), "stream",
                   "events", (const char *)NULL);
    metrics_sample(m, "ebpfshield_lines_dropped_total", line_writer_dropped(l->io->log), "stream",
                   "log", (const char *)NULL);
    if (l->feature->metrics)
        l->feature->metrics(l->feature->self, m);
    if (!m->failed)
        metrics_server_publish(l->io->metrics, m->buf, m->len);
}

/* What happened since the last poll: losses said at most once a second. The feature's
 * tick comes first, while the writer is still held: the monitor writes a poll's lines
 * there (its samples wait in a sample_batch until the poll ends). */
static void after_poll(struct loop *l)
{
    if (l->feature->tick)
        l->feature->tick(l->feature->self);
    if (l->holding) {
        line_writer_release(l->io->out);
        l->holding = false;
    }
    line_writer_report(l->io->out);
    line_writer_report(l->io->log);
    uint64_t now = monotonic_ms();
    if (l->io->metrics_at.len && !l->io->metrics && now - l->metrics_retry_ms >= METRICS_RETRY_MS) {
        l->metrics_retry_ms = now;
        listen_metrics(l->io, false);
    }
    if (l->io->metrics && now - l->metrics_ms >= METRICS_PERIOD_MS) {
        l->metrics_ms = now;
        publish_metrics(l);
    }
    if (l->lost_pending && log_due(&l->lost_rate, monotonic_ms())) {
        log_warn("lost %llu event(s) (perf buffer full), %llu so far", l->lost_pending, l->lost);
        l->lost_pending = 0;
    }
}

/* Reads what is left in the buffers (the programs still run), until they are empty. */
static void drain(struct shim_bpf *events)
{
    uint64_t end = monotonic_ms() + FINAL_DRAIN_MS;
    while (shim_poll(events, 0) > 0 && monotonic_ms() < end)
        ;
    shim_consume(events); /* what waits below the wakeup mark */
}

/* Waits for samples; with a wakeup mark above 1, reads every CPU's ring after a wakeup
 * (what waits below the mark elsewhere may be older than what woke the loop) and every
 * BATCH_MS (a CPU that is quiet never wakes the loop). */
static int poll_samples(struct loop *l, struct shim_bpf *events)
{
    if (l->feature->wakeup_events <= 1)
        return shim_poll(events, POLL_MS);
    int rc = shim_poll(events, BATCH_MS);
    uint64_t now = monotonic_ms();
    if (rc > 0 || (rc == 0 && now - l->consumed_ms >= BATCH_MS)) {
        l->consumed_ms = now;
        rc = shim_consume(events);
    }
    return rc;
}

/* The feature's perf buffer, opened for l (an events_opener's open). */
static int open_events_buffer(void *ctx, struct shim_bpf *events, struct error *e)
{
    struct loop *l = ctx;
    return shim_open_perf_buffer(events, l->feature->events_table, on_sample, on_lost, l,
                                 l->feature->perf_pages_per_cpu, l->feature->wakeup_events, e);
}

/* Prints the running line, polls the feature's perf buffer (opened by start for l) until
 * a signal. */
static int run_perf_loop(struct loop *l, struct shim_bpf *events)
{
    struct feature *f = l->feature;
    install_signals();
    say_running(l->io);
    while (!exiting) {
        if (poll_samples(l, events) < 0 && errno != EINTR)
            return log_fatal("reading %s: %s", f->events_table, strerror(errno));
        after_poll(l);
        if (reload_requested)
            reload(f, l->io);
        int err = line_writer_error(l->io->out);
        if (err) /* e.g. a closed pipe: nobody reads what we report */
            return log_fatal("cannot write the events: %s", strerror(err));
    }
    /* What the kernel sent before the programs go: each hit gets its line and action. */
    drain(events);
    after_poll(l);
    if (l->lost_pending)
        log_warn("lost %llu event(s) (perf buffer full)", l->lost_pending);
    if (l->lost)
        log_warn("%llu event(s) lost in all", l->lost);
    return 0;
}

/* Starts the feature in *mode; under --attach auto, a kprobe mode that fails to attach
 * falls back to tracepoint mode (*mode follows). */
static int start(struct feature *f, enum attach_mode requested, enum attach_mode *mode,
                 struct loop *l, struct shim_bpf **events)
{
    struct error e;
    const struct events_opener opener = {open_events_buffer, l};
    if (f->start(f->self, *mode, &opener, events, &e) == 0)
        return 0;
    if (*mode != ATTACH_KPROBE || requested != ATTACH_AUTO)
        return log_fatal("%s", e.msg);
    log_warn("%s", e.msg);
    log_note("attach mode: tracepoint (kprobe attach failed)");
    *mode = ATTACH_TRACEPOINT;
    if (f->start(f->self, *mode, &opener, events, &e) == 0)
        return 0;
    return log_fatal("%s", e.msg);
}

/* The scheduling priority the loop asks for: a reader that waits its turn behind busy
 * processes lets the perf buffer fill (50 namespaces' clients and resolvers on 2 CPUs
 * dropped 55% of the packets at nice 0, none at -10: tests/bench/monitor_burst.sh). As
 * auditd's priority_boost: raised when the tool may (CAP_SYS_NICE), else left. */
#define LOOP_NICE (-10)

static void raise_priority(void)
{
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    if (errno == 0 && nice > LOOP_NICE)
        (void)setpriority(PRIO_PROCESS, 0, LOOP_NICE);
}

/* With tracefs mounted: the attach mode, the programs, the loop. */
static int run_traced(struct feature *f, const struct options *opts, struct outputs *io)
{
    struct error e;
    int mode = attach_choose(opts->attach, &e);
    if (mode < 0)
        return log_fatal("%s", e.msg);
    enum attach_mode m = (enum attach_mode)mode;
    struct shim_bpf *events;
    struct loop loop = {.feature = f,
                        .io = io,
                        .feature_name = opts->feature == FEATURE_MONITOR ? "ebpf_monitor"
                                                                         : "ebpf_ipintelligence",
                        .started = time(NULL)};
    compiler_memory_release(); /* what loading libbcc left resident */
    if (start(f, opts->attach, &m, &loop, &events) != 0)
        return 1;
    compiler_memory_release(); /* the compiler is not used again */
    raise_priority();
    int rc = run_perf_loop(&loop, events);
    f->stop(f->self);
    f->report(f->self);
    metrics_text_free(&loop.metrics);
    return rc;
}

static int run(struct feature *f, const struct options *opts, struct outputs *io)
{
    struct error e;
    if (attach_check_kernel_headers(&e) != 0)
        return log_fatal("%s", e.msg);
    attach_ensure_tracefs();
    int rc = run_traced(f, opts, io);
    attach_release_tracefs(); /* the programs are gone: stopped, or never started */
    return rc;
}

int runtime_run(const struct options *opts)
{
    install_hangup();
    struct error denied; /* the capabilities this run needs, not the euid */
    struct caps_request asked = {.feature = opts->feature,
                                 .block = opts->guard.block,
                                 .attach = opts->attach,
                                 .inbound = opts->guard.inbound != NULL};
    if (caps_check_process(&asked,
                           opts->feature == FEATURE_MONITOR ? MONITOR_PERF_PAGES_PER_CPU
                                                            : GUARD_PERF_PAGES_PER_CPU,
                           &denied) != 0)
        return log_fatal("%s", denied.msg);
    umask(077); /* what we write (cores hold process memory) is ours alone */
    /* Until the programs run, SIGINT and SIGTERM end the tool at once, even when its
     * parent ignored them (a background job of a script): nothing outlives its fds. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    struct error e;
    struct outputs io = {0};
    FILE *log;
    /* Lines and warnings go out as they happen, and never wait for whoever reads them: a
     * stalled reader must not hold up the loop (new feeds, Ctrl-C) nor an action. The log
     * writes to a copy of fd 2, which becomes libbcc's filtered pipe. */
    int real_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (real_stderr < 0)
        return log_fatal("standard error: %s", strerror(errno));
    struct line_target log_target = {.fd = real_stderr, .owned = true};
    if (!(io.log = line_writer_open(&log_target, NULL, LOG_QUEUE_BYTES, &log, &e)))
        return log_fatal("%s", e.msg);
    log_set_stream(log);
    struct stderr_filter *filter = stderr_filter_start(opts->debug, &e);
    if (!filter)
        log_warn("%s", e.msg); /* libbcc's noise shows, nothing worse */
    int rc = 0;
    if (open_events(&opts->output, &io, &e) != 0 || open_metrics(&opts->output, &io, &e) != 0)
        rc = log_fatal("%s", e.msg);
    struct feature f;
    if (rc == 0 &&
        (opts->feature == FEATURE_MONITOR ? monitor_feature(&f, &opts->monitor, &io.events, &e)
                                          : guard_feature(&f, &opts->guard, &io.events, &e)) != 0) {
        rc = log_fatal("%s", e.msg);
    } else if (rc == 0) {
        rc = run(&f, opts, &io);
        f.destroy(f.self);
    }
    metrics_server_stop(io.metrics);
    ecs_agent_set(NULL); /* io.agent goes with this frame */
    if (filter)
        stderr_filter_stop(filter, real_stderr);
    if (io.out)
        line_writer_close(io.out, OUTPUT_DRAIN_MS);
    /* No closelog(): a syslog(3) call the writer was left in holds its lock for ever. */
    log_set_stream(NULL);
    line_writer_close(io.log, OUTPUT_DRAIN_MS);
    return rc;
}
