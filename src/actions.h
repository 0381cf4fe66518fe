/* What --block does to a process that touched a feed address. Signals go through a
 * pidfd checked against the event's time, so a recycled pid is never signalled. */
#ifndef EBPFSHIELD_ACTIONS_H
#define EBPFSHIELD_ACTIONS_H

#include <stdint.h>
#include <sys/types.h>

#include "log.h"

/* What --block does on a feed hit. Every action but print has the kernel refuse the
 * connection first; deny does nothing more. */
enum block_action { BLOCK_PRINT, BLOCK_DUMP, BLOCK_SUSPEND, BLOCK_KILL, BLOCK_DENY };

#define DEFAULT_DUMP_DIR "/var/lib/ebpfshield/dumps"

/* The signal the kernel sends a process after refusing its connection for block (0:
 * none): SIGKILL for kill; SIGSTOP for suspend, and for dump before the core is taken. */
int action_signal(enum block_action block);

/* Carries out block (nothing for BLOCK_PRINT and BLOCK_DENY) on process pid, seen connecting at
 * event_boot_ns (CLOCK_BOOTTIME). Returns 0 when done, or -1 with a message in e (the
 * process was gone or is not the one of the event, a signal failed). With a missing or
 * failing gcore, or no core written, the process is still killed, and -1 says so. */
int action_take(enum block_action block, pid_t pid, uint64_t event_boot_ns, const char *dump_dir,
                struct error *e);

/* Creates dir (and missing parents) 0700 and checks that it is a real directory owned by
 * us that nobody else can write. Returns 0, or -1 with a message in e. */
int dump_dir_prepare(const char *dir, struct error *e);

#endif
