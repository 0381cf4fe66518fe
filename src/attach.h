/* Which hooks this kernel offers, and what libbcc needs before it can compile. */
#ifndef EBPFSHIELD_ATTACH_H
#define EBPFSHIELD_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"

/* Mounts tracefs at /sys/kernel/tracing when no tracing directory is there yet. */
void attach_ensure_tracefs(void);

/* True when kprobes can be created; otherwise why (a short phrase) is filled. */
bool attach_kprobes_available(char *why, size_t len);

/* Resolves --attach auto and says on err which mode was chosen and why. Returns the mode,
 * or -1 (message on err) when kprobe mode was required and is not available. */
int attach_choose(enum attach_mode requested, FILE *err);

/* Checks that libbcc will find kernel headers; one clear line on err if not. */
int attach_check_kernel_headers(FILE *err);

/* An fd of the cgroup-v2 root directory, or -1 with a message on err. */
int attach_open_cgroup2_root(FILE *err);

#endif
