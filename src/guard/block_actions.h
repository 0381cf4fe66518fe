/* What --block does to a process that touched a feed address. */
#ifndef EBPFSHIELD_BLOCK_ACTIONS_H
#define EBPFSHIELD_BLOCK_ACTIONS_H

/* What --block does on a feed hit. Every action but print has the kernel refuse the
 * connection first; deny does nothing more. */
enum block_action { BLOCK_PRINT, BLOCK_DUMP, BLOCK_SUSPEND, BLOCK_KILL, BLOCK_DENY };
#define BLOCK_ACTION_COUNT 5

/* The actions' names as --block takes them, indexed by enum block_action. */
extern const char *const block_action_names[BLOCK_ACTION_COUNT];

#define DEFAULT_DUMP_DIR EBPFSHIELD_DUMP_DIR /* CMake: the state directory's dumps/ */
#define DEFAULT_DUMP_MAX_MIB 4096

/* The signal the kernel sends a process after refusing its connection for block (0:
 * none): SIGKILL for kill; SIGSTOP for suspend, and for dump before the core is taken
 * (dump.c). */
int action_signal(enum block_action block);

#endif
