/* What --block does to a process that touched a feed address. Signals go through a
 * pidfd checked against the event's time, so a recycled pid is never signalled. */
#ifndef EBPFSHIELD_ACTIONS_H
#define EBPFSHIELD_ACTIONS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"

/* Carries out block (nothing for BLOCK_PRINT) on process pid, seen connecting at
 * event_boot_ns (CLOCK_BOOTTIME). Returns 0 when done, or -1 with a message on err (the
 * process was gone or is not the one of the event, a signal failed). A missing or failing
 * gcore is reported on err and the process is still killed (returns 0). */
int action_take(enum block_action block, pid_t pid, uint64_t event_boot_ns, const char *dump_dir,
                FILE *err);

/* Creates dir (and missing parents) 0700 and checks that it is a real directory owned by
 * us that nobody else can write. Returns 0, or -1 with a message on err. */
int dump_dir_prepare(const char *dir, FILE *err);

#endif
