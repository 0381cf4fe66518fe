/* What every run shares: privilege and kernel checks, the attach mode and its kprobe to
 * tracepoint fallback, signals, and the perf-buffer loop that feeds a feature's samples
 * to its handler until SIGINT or SIGTERM. */
#ifndef EBPFSHIELD_RUNTIME_H
#define EBPFSHIELD_RUNTIME_H

#include "app/cli.h"

/* Runs the feature opts names; returns the exit status (0, or 1 after a message). */
int runtime_run(const struct options *opts);

#endif
