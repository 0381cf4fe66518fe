/* State shared by main.c and the two features (monitor.c, ipintel.c). */
#ifndef EBPFSHIELD_APP_H
#define EBPFSHIELD_APP_H

#include <signal.h>

#include "bpf_shim.h"
#include "cli.h"
#include "feeds.h"

extern volatile sig_atomic_t exiting;

struct app {
    const struct options *opts;
    enum attach_mode mode; /* ATTACH_KPROBE or ATTACH_TRACEPOINT, never auto */
    struct feed_set *feeds;
    unsigned long long lost; /* perf samples the kernel had to drop */
    unsigned long long bad_packets;
};

/* 256 pages (1 MiB) per CPU: a burst of several thousand DNS frames fits. */
#define PERF_PAGES_PER_CPU 256

/* Opens table's perf buffer, prints the running line, polls until SIGINT/SIGTERM.
 * Returns 0 or 1. */
int app_run_perf_loop(struct app *app, struct shim_bpf *b, const char *table,
                      shim_sample_fn on_sample);

/* Compiles text, or prints why not. */
struct shim_bpf *app_compile(const char *text, const char *what);

/* Starts a feature's first program in app->mode; under --attach auto, a kprobe mode that
 * fails to attach falls back to tracepoint mode (app->mode follows). NULL on failure. */
struct shim_bpf *app_start(struct app *app, struct shim_bpf *(*start)(enum attach_mode mode));

int monitor_run(struct app *app);
int ipintel_run(struct app *app);

#endif
