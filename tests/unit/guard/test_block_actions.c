/* Unit tests of the --block action table (block_actions.c): every row complete, names
 * unique and parsed back, and the facts the kernel program, the capability check and the
 * outputs read from it. */
#include "check.h"
#include "guard/block_actions.h"

#include <linux/capability.h>
#include <signal.h>
#include <string.h>

static void test_rows_complete(void)
{
    for (int i = 0; i < BLOCK_ACTION_COUNT; i++) {
        const struct block_action_info *a = &block_actions[i];
        CHECK(a->name && a->name[0] && a->words.verb && a->words.verb[0] && a->words.ecs_action);
        CHECK_INT(block_action_named(a->name), i);
        CHECK(a->refuses || (!a->signal && !a->dumps)); /* acting needs the refusal first */
        CHECK(!a->dumps || a->signal == SIGSTOP);       /* held still for its core */
        for (int k = 0; k < BLOCK_CAPS_MAX && a->caps[k].why; k++)
            CHECK(a->caps[k].cap >= 0 && a->caps[k].cap <= CAP_LAST_CAP);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(block_actions[j].name, a->name) != 0);
    }
}

static void test_names(void)
{
    static const char *const names[BLOCK_ACTION_COUNT] = {[BLOCK_PRINT] = "print",
                                                          [BLOCK_DUMP] = "dump",
                                                          [BLOCK_SUSPEND] = "suspend",
                                                          [BLOCK_KILL] = "kill",
                                                          [BLOCK_DENY] = "deny"};
    for (int i = 0; i < BLOCK_ACTION_COUNT; i++)
        CHECK_INT(block_action_named(names[i]), i);
    CHECK_INT(block_action_named(""), -1);
    CHECK_INT(block_action_named("Kill"), -1);
    CHECK_INT(block_action_named("killall"), -1);
}

/* What the kernel is compiled with (GUARD_REFUSE, GUARD_SIGNAL) and what dump needs. */
static void test_facts(void)
{
    CHECK(!block_actions[BLOCK_PRINT].refuses && block_actions[BLOCK_PRINT].signal == 0);
    CHECK(block_actions[BLOCK_DENY].refuses && block_actions[BLOCK_DENY].signal == 0);
    CHECK_INT(block_actions[BLOCK_SUSPEND].signal, SIGSTOP);
    CHECK_INT(block_actions[BLOCK_KILL].signal, SIGKILL);
    CHECK(block_actions[BLOCK_DUMP].dumps);
    for (int i = 0; i < BLOCK_ACTION_COUNT; i++)
        CHECK((block_actions[i].caps[0].why != NULL) == (i == BLOCK_DUMP));
    CHECK_INT(block_actions[BLOCK_DUMP].caps[0].cap, CAP_SYS_PTRACE);
    CHECK_INT(block_actions[BLOCK_DUMP].caps[1].cap, CAP_KILL);
}

int main(void)
{
    test_rows_complete();
    test_names();
    test_facts();
    CHECK_DONE();
}
