/* What --block does to a process that touched a feed address: one row per action, read by
 * the kernel program's flags (guard_feature.c), the handler of its events, the output
 * formats and the capability check. */
#ifndef EBPFSHIELD_BLOCK_ACTIONS_H
#define EBPFSHIELD_BLOCK_ACTIONS_H

#include <stdbool.h>

#include "output/event.h"

/* What --block does on a feed hit, indexed into block_actions[]. */
enum block_action { BLOCK_PRINT, BLOCK_DUMP, BLOCK_SUSPEND, BLOCK_KILL, BLOCK_DENY };
#define BLOCK_ACTION_COUNT 5

#define DEFAULT_DUMP_DIR EBPFSHIELD_DUMP_DIR /* CMake: the state directory's dumps/ */
#define DEFAULT_DUMP_MAX_MIB 4096
/* The most all cores of the dump directory may take (--dump-total): four full ones. */
#define DEFAULT_DUMP_TOTAL_MIB 16384

/* A capability an action needs beyond the guard's own, and why (a phrase of the error). */
struct block_cap {
    int cap;
    const char *why;
};

#define BLOCK_CAPS_MAX 2

struct block_action_info {
    const char *name;       /* as --block takes it */
    bool refuses;           /* the kernel refuses the connection (GUARD_REFUSE) */
    int signal;             /* the kernel then sends it to the process (GUARD_SIGNAL; 0: none) */
    bool dumps;             /* the process's core is taken in user space (dump_worker.c) */
    bool freezes;           /* user space freezes the stopped process (victim_hold.c) */
    struct hit_words words; /* how its hits read */
    struct block_cap caps[BLOCK_CAPS_MAX]; /* why NULL: no more */
};

extern const struct block_action_info block_actions[BLOCK_ACTION_COUNT];

/* The action --block names name, or -1. */
int block_action_named(const char *name);

/* A hit of block's with result, as the output reports it; dump_dir: where --block dump
 * writes cores. */
struct hit_report block_hit_report(enum block_action block, enum hit_result result,
                                   const char *dump_dir);

#endif
