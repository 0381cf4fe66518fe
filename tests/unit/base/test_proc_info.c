/* Unit tests of what /proc tells about a process: its name (or the kernel's name when it
 * is gone, made printable), its start time on CLOCK_BOOTTIME (also behind a name with
 * spaces and parentheses) and interface names. Children are real forked processes,
 * killed and reaped before the test ends. */
#include "check.h"
#include "base/proc_info.h"
#include "testlib.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Names the child name (when not NULL). */
static void set_name(const void *name)
{
    if (name)
        prctl(PR_SET_NAME, name, 0, 0, 0);
}

static pid_t spawn_named(const char *name)
{
    return spawn_child(set_name, name);
}

static void test_comm_self(void)
{
    char want[64] = "", got[64];
    FILE *f = fopen("/proc/self/comm", "r");

    CHECK(f != NULL);
    if (f) {
        CHECK(fgets(want, sizeof(want), f) != NULL);
        fclose(f);
    }
    want[strcspn(want, "\n")] = '\0';
    CHECK(want[0] != '\0');
    proc_comm(getpid(), "fallback", sizeof("fallback"), got, sizeof(got));
    CHECK_STR(got, want);
    CHECK_STR(got, "test_proc_info");
    /* A short buffer truncates and stays terminated. */
    proc_comm(getpid(), "fallback", sizeof("fallback"), got, 5);
    CHECK_STR(got, "test");
}

static void test_comm_fallback(void)
{
    char kernel[16] = "cur\x1bl\tx", full[16], got[64];

    proc_comm(NO_PID, kernel, sizeof(kernel), got, sizeof(got));
    CHECK_STR(got, "cur?l?x");
    /* A kernel comm that fills its array without a NUL is bounded by its length. */
    memset(full, 'k', sizeof(full));
    proc_comm(NO_PID, full, sizeof(full), got, sizeof(got));
    CHECK_STR(got, "kkkkkkkkkkkkkkkk");
    proc_comm(NO_PID, full, 3, got, sizeof(got));
    CHECK_STR(got, "kkk");
}

/* A name that mimics the fields of /proc/<pid>/stat must not shift them. */
static void check_named_child(const char *name)
{
    uint64_t before = boottime_ns(), start = 0;
    long tick_ns = 1000000000L / sysconf(_SC_CLK_TCK);
    pid_t pid = spawn_named(name);
    char got[64], state = '?';

    proc_comm(pid, "fallback", sizeof("fallback"), got, sizeof(got));
    CHECK_STR(got, name);
    CHECK_INT(proc_read_stat(pid, pid, &state, &start), 0);
    CHECK(state == 'S' || state == 'R'); /* parsed past the odd name: pausing or about to */
    /* starttime is in clock ticks, rounded down. */
    CHECK(start + (uint64_t)tick_ns >= before);
    CHECK(start <= boottime_ns());
    reap(pid);
}

static void test_odd_names(void)
{
    check_named_child("a b)c");
    check_named_child("x) R 1 2 3 (");
    check_named_child(") 9 9 9 9 9 9 )");
}

static void test_start_time(void)
{
    uint64_t self = 0, child = 0, now;
    pid_t pid = spawn_named(NULL);
    char state = '?';

    CHECK_INT(proc_read_stat(getpid(), getpid(), &state, &self), 0);
    CHECK_INT(state, 'R'); /* reading its own stat, it runs */
    CHECK_INT(proc_read_stat(pid, pid, &state, &child), 0);
    now = boottime_ns();
    CHECK(self > 0);
    CHECK(child >= self);
    CHECK(child <= now);
    CHECK(self <= now);
    reap(pid);
    errno = 0;
    CHECK_INT(proc_read_stat(NO_PID, NO_PID, &state, &child), -1);
    CHECK_INT(errno, ENOENT);
}

static void test_ifname(void)
{
    char buf[32];

    proc_ifname(1, buf, sizeof(buf));
    CHECK_STR(buf, "lo");
    proc_ifname(999999, buf, sizeof(buf));
    CHECK_STR(buf, "999999");
    proc_ifname(0, buf, sizeof(buf));
    CHECK_STR(buf, "0");
    proc_ifname(4294967295u, buf, sizeof(buf));
    CHECK_STR(buf, "4294967295");
    proc_ifname(999999, buf, 4);
    CHECK_STR(buf, "999");
}

int main(void)
{
    alarm(60); /* a lost child must not hang the test */
    test_comm_self();
    test_comm_fallback();
    test_odd_names();
    test_start_time();
    test_ifname();
    CHECK_DONE();
}
