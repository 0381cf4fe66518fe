/* Unit tests of holding a stopped process frozen in a cgroup of its own, on the real
 * cgroup2 hierarchy (a scratch cgroup stands in for its root) and real child processes:
 * frozen where a SIGCONT would resume it, found held, thawed, killed with what it forked
 * (cgroup.kill), its cgroup removed, and tidied; a pid number found another's after the
 * move moved back; a holding directory made by another user refused. */
#include "check.h"
#include "guard/victim_hold.h"
#include "base/proc_info.h"
#include "testlib.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char scratch[4096], scratch_rel[256]; /* the latter: its path in the hierarchy */

/* The first cgroup2 mount's path into buf; 0, or -1. */
static int cgroup2_mount(char *buf, size_t len)
{
    FILE *f = fopen("/proc/mounts", "re");
    char dev[256], dir[4096], type[64];
    int rc = -1;
    while (f && rc != 0 && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
        if (strcmp(type, "cgroup2") == 0 && snprintf(buf, len, "%s", dir) < (int)len)
            rc = 0;
    if (f)
        fclose(f);
    return rc;
}

/* The value of key in the cgroup.events of cgroup directory dir, or -1. */
static int events_value(const char *dir, const char *key)
{
    char path[4500], k[64];
    int v, found = -1;
    snprintf(path, sizeof(path), "%s/cgroup.events", dir);
    FILE *f = fopen(path, "re");
    while (f && fscanf(f, "%63s %d", k, &v) == 2)
        if (strcmp(k, key) == 0)
            found = v;
    if (f)
        fclose(f);
    return found;
}

static bool still_running(pid_t pid)
{
    int status;
    return waitpid(pid, &status, WNOHANG) == 0;
}

static char state_of(pid_t pid)
{
    char state = '?';
    uint64_t start;
    return proc_read_stat(pid, pid, &state, &start) == 0 ? state : '?';
}

static int holds_fd;

static void test_freeze_thaw_remove(int cgroot)
{
    struct victim_hold h;
    struct error e = {""};
    char dir[4400];
    pid_t pid = spawn_sleep();
    int pidfd = pidfd_open(pid, 0);

    kill(pid, SIGSTOP);
    CHECK_INT(victim_hold_freeze(cgroot, holds_fd, pid, pidfd, 42, &h, &e), 0);
    CHECK_STR(e.msg, "");
    CHECK(victim_hold_holds(pid, scratch_rel));
    snprintf(dir, sizeof(dir), "%s/" VICTIM_HOLD_DIR "/%d.42", scratch, (int)pid);
    for (int i = 0; i < 100 && events_value(dir, "frozen") != 1; i++)
        usleep(10 * 1000);
    CHECK_INT(events_value(dir, "frozen"), 1);
    CHECK_INT(state_of(pid), 'T');
    kill(pid, SIGCONT); /* no longer stopped, but frozen: it does not run */
    usleep(100 * 1000);
    CHECK_INT(events_value(dir, "frozen"), 1);
    CHECK_INT(victim_hold_thaw(&h, &e), 0);
    for (int i = 0; i < 100 && events_value(dir, "frozen") != 0; i++)
        usleep(10 * 1000);
    CHECK_INT(events_value(dir, "frozen"), 0);
    victim_hold_kill(&h);
    victim_hold_release(&h, 1000);
    CHECK(access(dir, F_OK) != 0);
    CHECK(reaped_by_sigkill(pid));
    close(pidfd);
}

/* cgroup.kill ends what the held process forked too (thawed, as a dump thaws it). */
static void exec_forker(const void *arg)
{
    (void)arg;
    execl("/bin/sh", "sh", "-c", "sleep 0.3; sleep 600 & wait", (char *)NULL);
    _exit(127);
}

static void test_kill_all(int cgroot)
{
    struct victim_hold h;
    struct error e;
    pid_t pid = spawn_child(exec_forker, NULL);
    int pidfd = pidfd_open(pid, 0);
    char dir[4400];

    CHECK_INT(victim_hold_freeze(cgroot, holds_fd, pid, pidfd, 9, &h, &e), 0);
    CHECK_INT(victim_hold_thaw(&h, &e), 0);
    usleep(600 * 1000); /* it forks its sleep in the cgroup (unless pids.max stops it) */
    snprintf(dir, sizeof(dir), "%s/" VICTIM_HOLD_DIR "/%d.9", scratch, (int)pid);
    victim_hold_kill(&h);
    CHECK(reaped_by_sigkill(pid));
    victim_hold_release(&h, 1000);
    CHECK(access(dir, F_OK) != 0); /* empty: the sleep it forked is gone too */
    close(pidfd);
}

/* The pinned process gone, its pid number another's: that one is moved back, not held. */
static void test_moved_back(int cgroot)
{
    struct victim_hold h;
    struct error e;
    pid_t gone = spawn_sleep(), other = spawn_sleep();
    int pidfd = pidfd_open(gone, 0);
    char want[200];

    reap(gone);
    CHECK_INT(victim_hold_freeze(cgroot, holds_fd, other, pidfd, 5, &h, &e), -1);
    snprintf(want, sizeof(want),
             "pid %d could not be frozen (it exited meanwhile: No such process): a SIGCONT can "
             "resume it",
             (int)other);
    CHECK_STR(e.msg, want);
    CHECK(!victim_hold_holds(other, scratch_rel));
    CHECK(still_running(other));
    reap(other);
    close(pidfd);
}

/* A suspended process's cgroup stays (released without removal); tidy removes it once
 * the process is gone, and the holding directory with it. */
static void test_tidy(int cgroot)
{
    struct victim_hold h;
    struct error e;
    char dir[4400];
    pid_t pid = spawn_sleep();
    int pidfd = pidfd_open(pid, 0);

    kill(pid, SIGSTOP);
    CHECK_INT(victim_hold_freeze(cgroot, holds_fd, pid, pidfd, 7, &h, &e), 0);
    snprintf(dir, sizeof(dir), "%s/" VICTIM_HOLD_DIR, scratch);
    close(holds_fd);
    victim_hold_tidy(cgroot, 0);
    CHECK(victim_hold_holds(pid, scratch_rel)); /* still held: nothing removed */
    CHECK(access(dir, F_OK) == 0);
    kill(pid, SIGKILL);
    CHECK(waitpid(pid, NULL, 0) == pid);
    victim_hold_tidy(cgroot, 1000);
    CHECK(access(dir, F_OK) != 0);
    close(pidfd);
}

/* A holding directory that is not root's is not used. */
static void test_foreign_dir(int cgroot)
{
    struct error e;
    char dir[4400];

    snprintf(dir, sizeof(dir), "%s/" VICTIM_HOLD_DIR, scratch);
    CHECK(mkdir(dir, 0755) == 0);
    CHECK(chown(dir, 65534, 65534) == 0);
    CHECK_INT(victim_holds_open(cgroot, &e), -1);
    CHECK_STR(e.msg, "cannot make the cgroup " VICTIM_HOLD_DIR " (Operation not permitted)");
    rmdir(dir);
}

int main(void)
{
    char mount[2048];
    alarm(60);
    if (cgroup2_mount(mount, sizeof(mount)) != 0) {
        fprintf(stderr, "no cgroup2 mounted\n");
        return 1;
    }
    snprintf(scratch_rel, sizeof(scratch_rel), "/ebpfshield-test.%d", (int)getpid());
    snprintf(scratch, sizeof(scratch), "%s%s", mount, scratch_rel);
    CHECK(mkdir(scratch, 0755) == 0);
    int cgroot = open(scratch, O_RDONLY | O_DIRECTORY);
    CHECK(cgroot >= 0);
    struct error e;
    holds_fd = victim_holds_open(cgroot, &e);
    CHECK(holds_fd >= 0);
    test_freeze_thaw_remove(cgroot);
    test_kill_all(cgroot);
    test_moved_back(cgroot);
    test_tidy(cgroot); /* closes holds_fd */
    test_foreign_dir(cgroot);
    close(cgroot);
    CHECK(rmdir(scratch) == 0);
    CHECK_DONE();
}
