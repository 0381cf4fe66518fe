/* What the runtime needs of a feature (ebpf_monitor, ebpf_ipintelligence): start its
 * kernel programs in an attach mode, turn each sample of its perf buffer into lines, report
 * its statistics at exit. */
#ifndef EBPFSHIELD_FEATURE_H
#define EBPFSHIELD_FEATURE_H

#include <stddef.h>

#include "engine/attach.h"
#include "base/log.h"

enum feature_id { FEATURE_GUARD, FEATURE_MONITOR };

struct shim_bpf;
struct metrics_text;

/* The runtime's reader of a feature's perf buffer: start opens it (on events, the program
 * that owns events_table) once that program is loaded and before any program that writes
 * into it is attached, so that nothing sent at start is lost. 0, or -1 with a message. */
struct events_opener {
    int (*open)(void *ctx, struct shim_bpf *events, struct error *e);
    void *ctx;
};

struct feature {
    void *self;               /* the feature's state, passed to every call */
    const char *events_table; /* the perf buffer its samples arrive on */
    int perf_pages_per_cpu;   /* its size */
    /* Samples that wait on a CPU before the kernel wakes the loop: 1 for every sample;
     * more spares a busy loop a wakeup per sample, and what waits below the mark is read
     * within BATCH_MS (runtime.c). */
    int wakeup_events;
    /* Compiles its programs in mode (never ATTACH_AUTO), has opener open events_table,
     * then attaches them; *events is the program that owns events_table. 0, or -1 with a
     * message in e (nothing left). */
    int (*start)(void *self, enum attach_mode mode, const struct events_opener *opener,
                 struct shim_bpf **events, struct error *e);
    /* One sample of events_table, size bytes as the kernel sent them. */
    void (*on_sample)(void *self, const void *data, size_t size);
    /* Called after every poll of the perf buffer, data or not (NULL: nothing to do). */
    void (*tick)(void *self);
    /* SIGHUP: reloads what the feature read at start (NULL: nothing); 0, or -1 with a
     * message in e and the feature as it was. */
    int (*reload)(void *self, struct error *e);
    /* Its counters in Prometheus's text format, for --metrics (NULL: none). */
    void (*metrics)(void *self, struct metrics_text *m);
    /* Statistics at exit (after stop), on the log stream. */
    void (*report)(void *self);
    /* Detaches and frees the programs of start, and ends what they set going; safe to
     * call when none runs. */
    void (*stop)(void *self);
    /* Frees self (after stop). */
    void (*destroy)(void *self);
};

#endif
