#include "guard/block_actions.h"

#include <signal.h>

const char *const block_action_names[BLOCK_ACTION_COUNT] = {"print", "dump", "suspend", "kill",
                                                            "deny"};

int action_signal(enum block_action block)
{
    switch (block) {
    case BLOCK_KILL:
        return SIGKILL;
    case BLOCK_SUSPEND:
    case BLOCK_DUMP:
        return SIGSTOP;
    case BLOCK_PRINT:
    case BLOCK_DENY:
        break;
    }
    return 0;
}
