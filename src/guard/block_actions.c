#include "guard/block_actions.h"

#include <linux/capability.h>
#include <signal.h>
#include <string.h>

/* The lines of print, suspend and kill are the original's (main.py), dump's names our
 * directory; deny's is not in the original and is worded like its others. Dump stops the
 * process (SIGSTOP) until its core is taken, then kills it. */
const struct block_action_info block_actions[BLOCK_ACTION_COUNT] = {
    [BLOCK_PRINT] = {.name = "print",
                     .words = {.verb = "touched a bad IP",
                               .verb_domain = "touched a bad domain",
                               .ecs_action = "connection-reported"}},
    [BLOCK_DUMP] = {.name = "dump",
                    .refuses = true,
                    .signal = SIGSTOP,
                    .dumps = true,
                    .freezes = true,
                    .words = {.verb = "eBPFShield took a dump in", .ecs_action = "process-dumped"},
                    .caps = {{CAP_SYS_PTRACE, "for gcore to attach to the process it dumps"},
                             {CAP_KILL, "to kill a dumped process of another user"}}},
    [BLOCK_SUSPEND] = {.name = "suspend",
                       .refuses = true,
                       .signal = SIGSTOP,
                       .freezes = true,
                       .words = {.verb = "was suspended",
                                 .verb_space = true,
                                 .ecs_action = "process-suspended"}},
    [BLOCK_KILL] = {.name = "kill",
                    .refuses = true,
                    .signal = SIGKILL,
                    .words = {.verb = "was killed by eBPFShield",
                              .verb_space = true,
                              .ecs_action = "process-killed"}},
    [BLOCK_DENY] = {.name = "deny",
                    .refuses = true,
                    .words = {.verb = "was denied by eBPFShield",
                              .verb_space = true,
                              .ecs_action = "connection-denied"}},
};

int block_action_named(const char *name)
{
    for (int i = 0; i < BLOCK_ACTION_COUNT; i++)
        if (strcmp(block_actions[i].name, name) == 0)
            return i;
    return -1;
}

struct hit_report block_hit_report(enum block_action block, enum hit_result result,
                                   const char *dump_dir)
{
    const struct block_action_info *a = &block_actions[block];
    /* A dump without a core: the process was killed. */
    const struct block_action_info *done = result == HIT_NO_CORE ? &block_actions[BLOCK_KILL] : a;
    return (struct hit_report){.block = a->name,
                               .refused = a->refuses,
                               .words = &done->words,
                               .result = result,
                               .dump_dir = a->dumps && result == HIT_ACTED ? dump_dir : NULL};
}
