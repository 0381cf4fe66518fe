/* ebpfshield-bcc: DNS monitor and threat-feed connection guard on eBPF. */
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions.h"
#include "app.h"
#include "attach.h"
#include "output.h"

volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
    (void)sig;
    exiting = 1;
}

/* No SA_RESTART: a blocking poll returns at once with EINTR. */
static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void on_lost(void *ctx, unsigned long long lost)
{
    struct app *app = ctx;
    app->lost += lost;
    fprintf(stderr, "ebpfshield-bcc: lost %llu event(s) (perf buffer full), %llu so far\n", lost,
            app->lost);
}

struct shim_bpf *app_compile(const char *text, const char *what)
{
    struct shim_bpf *b;
    struct shim_err err;
    if (shim_init(&b, text, &err) == 0)
        return b;
    fprintf(stderr, "ebpfshield-bcc: %s: %s\n", what, err.msg);
    return NULL;
}

struct shim_bpf *app_start(struct app *app, struct shim_bpf *(*start)(enum attach_mode mode))
{
    struct shim_bpf *b = start(app->mode);
    if (!b && app->mode == ATTACH_KPROBE && app->opts->attach == ATTACH_AUTO) {
        fprintf(stderr, "attach mode: tracepoint (kprobe attach failed)\n");
        app->mode = ATTACH_TRACEPOINT;
        b = start(app->mode);
    }
    return b;
}

int app_run_perf_loop(struct app *app, struct shim_bpf *b, const char *table,
                      shim_sample_fn on_sample)
{
    struct shim_err err;
    if (shim_open_perf_buffer(b, table, on_sample, on_lost, app, PERF_PAGES_PER_CPU, &err)) {
        fprintf(stderr, "ebpfshield-bcc: %s\n", err.msg);
        return 1;
    }
    malloc_trim(0); /* hand back what libbcc's compiler freed: most of the startup peak */
    printf("%s\n", RUNNING_LINE);
    while (!exiting) {
        if (shim_poll(b, table, 250) < 0 && errno != EINTR) {
            fprintf(stderr, "ebpfshield-bcc: reading %s: %s\n", table, strerror(errno));
            return 1;
        }
        if (ferror(stdout)) { /* e.g. a closed pipe: nobody reads what we report */
            fprintf(stderr, "ebpfshield-bcc: cannot write to standard output\n");
            return 1;
        }
    }
    if (app->lost)
        fprintf(stderr, "ebpfshield-bcc: %llu event(s) lost in all\n", app->lost);
    if (app->bad_packets)
        fprintf(stderr, "ebpfshield-bcc: %llu DNS packet(s) could not be decoded\n",
                app->bad_packets);
    return 0;
}

/* True when dir holds at least one *.txt entry. */
static int has_txt(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    if (!d)
        return 0;
    while (!found && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        found = n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0;
    }
    closedir(d);
    return found;
}

static struct feed_set *load_feeds(const struct options *opts)
{
    const char *dir = opts->feeds_dir;
    if (!dir)
        dir = has_txt("feeds") ? "feeds" : EBPFSHIELD_FEEDS_DIR;
    struct feed_set *set = feeds_load_dir(dir, stderr);
    if (!set)
        fprintf(stderr,
                "No feeds available. Run feeds/update-feeds.sh\n"
                "ebpfshield-bcc: no usable feed in %s\n",
                dir);
    return set;
}

static int run(struct app *app)
{
    const struct options *opts = app->opts;
    if (opts->feature == FEATURE_IPINTELLIGENCE) {
        if (!(app->feeds = load_feeds(opts)))
            return 1;
        if (opts->block == BLOCK_DUMP && dump_dir_prepare(opts->dump_dir, stderr) != 0)
            return 1;
    }
    if (attach_check_kernel_headers(stderr) != 0)
        return 1;
    attach_ensure_tracefs();
    int mode = attach_choose(opts->attach, stderr);
    if (mode < 0)
        return 1;
    app->mode = (enum attach_mode)mode;
    install_signals();
    return opts->feature == FEATURE_MONITOR ? monitor_run(app) : ipintel_run(app);
}

int main(int argc, char **argv)
{
    struct options opts;
    if (cli_parse(argc, argv, &opts, stderr) != CLI_OK)
        return 2;
    if (opts.help) {
        cli_usage(stdout, "ebpfshield-bcc", true);
        return 0;
    }
    if (opts.version) {
        printf("ebpfshield-bcc %s\n", EBPFSHIELD_VERSION);
        return 0;
    }
    if (geteuid() != 0) {
        fprintf(stderr, "ebpfshield-bcc: must run as root (loading eBPF programs needs "
                        "CAP_BPF and CAP_PERFMON or CAP_SYS_ADMIN); try sudo\n");
        return 1;
    }
    /* Lines go out as they happen, also into a pipe or a file. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct app app = {.opts = &opts};
    int rc = run(&app);
    feeds_free(app.feeds);
    return rc;
}
