/* Unit tests of --block on real child processes (suspend, kill, dump with and without
 * gcore, a pid reused after the event, a pid that is gone) and of the dump directory's
 * checks. Everything lives in a private mkdtemp() directory removed at the end; every
 * child is reaped, and alarm() bounds the whole run. */
#include "actions.h"
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NO_PID INT_MAX /* above any pid_max, so never a process */

static char root[4096];

static uint64_t boottime_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A child that waits to be signalled. */
static pid_t spawn_child(void)
{
    pid_t pid = fork();

    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0)
        for (;;)
            pause();
    return pid;
}

/* The state letter of /proc/<pid>/stat, '?' when unreadable. */
static char proc_state(pid_t pid)
{
    char path[64], stat[1024] = "";
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r")))
        return '?';
    size_t n = fread(stat, 1, sizeof(stat) - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *paren = strrchr(stat, ')');
    return paren && paren[1] == ' ' ? paren[2] : '?';
}

/* True when the child still runs: not stopped, not exited, not signalled. */
static bool still_running(pid_t pid)
{
    int status;
    char state = proc_state(pid);

    return waitpid(pid, &status, WNOHANG | WUNTRACED) == 0 && (state == 'S' || state == 'R');
}

/* Waits for the child to end; true when SIGKILL ended it. */
static bool reaped_by_sigkill(pid_t pid)
{
    int status;

    return waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

static void reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* action_take with its messages captured into *msg (caller frees). */
static int take(enum block_action block, pid_t pid, uint64_t event_ns, const char *dir, char **msg)
{
    size_t size;
    FILE *err = open_memstream(msg, &size);

    if (!err) {
        perror("open_memstream");
        exit(2);
    }
    int rc = action_take(block, pid, event_ns, dir, err);
    fclose(err);
    return rc;
}

/* dump_dir_prepare with its messages captured into *msg (caller frees). */
static int prepare(const char *dir, char **msg)
{
    size_t size;
    FILE *err = open_memstream(msg, &size);

    if (!err) {
        perror("open_memstream");
        exit(2);
    }
    int rc = dump_dir_prepare(dir, err);
    fclose(err);
    return rc;
}

/* root/name, in a buffer valid until the next call with the same slot. */
static const char *path_in(int slot, const char *name)
{
    static char paths[4][4200];

    snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", root, name);
    return paths[slot];
}

static void test_print(void)
{
    pid_t pid = spawn_child();
    char *msg;

    CHECK_INT(take(BLOCK_PRINT, pid, boottime_ns(), root, &msg), 0);
    CHECK_STR(msg, "");
    CHECK(still_running(pid));
    free(msg);
    reap(pid);
}

static void test_suspend(void)
{
    pid_t pid = spawn_child();
    int status = 0;
    char *msg;

    CHECK_INT(take(BLOCK_SUSPEND, pid, boottime_ns(), root, &msg), 0);
    CHECK_STR(msg, "");
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) &&
          WSTOPSIG(status) == SIGSTOP);
    CHECK_INT(proc_state(pid), 'T');
    free(msg);
    reap(pid);
}

static void test_kill(void)
{
    pid_t pid = spawn_child();
    char *msg;

    CHECK_INT(take(BLOCK_KILL, pid, boottime_ns(), root, &msg), 0);
    CHECK_STR(msg, "");
    CHECK(reaped_by_sigkill(pid));
    free(msg);
}

/* An event older than the process now holding its pid: nobody is signalled. */
static void test_reused_pid(void)
{
    static const enum block_action blocks[] = {BLOCK_SUSPEND, BLOCK_KILL, BLOCK_DUMP};
    /* Well before the fork, beyond the clock-tick rounding of the start time. */
    uint64_t event = boottime_ns() - 1000000000u;
    pid_t pid = spawn_child();
    char *msg, want[160];

    snprintf(want, sizeof(want),
             "ebpfshield-bcc: pid %d was reused by a newer process; not signalled\n", (int)pid);
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
        CHECK_INT(take(blocks[i], pid, event, root, &msg), -1);
        CHECK_STR(msg, want);
        CHECK(strstr(msg, "reused") != NULL);
        CHECK(still_running(pid));
        free(msg);
    }
    reap(pid);
}

static void test_gone_pid(void)
{
    pid_t pid = spawn_child();
    char *msg, want[160];

    reap(pid); /* its pid is now free (a reuse would be refused as well) */
    CHECK_INT(take(BLOCK_KILL, pid, boottime_ns(), root, &msg), -1);
    snprintf(want, sizeof(want), "ebpfshield-bcc: pid %d: ", (int)pid);
    CHECK(strncmp(msg, want, strlen(want)) == 0);
    free(msg);
    CHECK_INT(take(BLOCK_SUSPEND, NO_PID, boottime_ns(), root, &msg), -1);
    CHECK_STR(msg, "ebpfshield-bcc: pid 2147483647: No such process (exited before it could "
                   "be stopped)\n");
    free(msg);
    CHECK_INT(take(BLOCK_PRINT, NO_PID, boottime_ns(), root, &msg), 0);
    CHECK_STR(msg, "");
    free(msg);
}

/* Number of entries in dir besides . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;

    if (!d)
        return -1;
    for (const struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void test_dump_with_gcore(void)
{
    const char *dir = path_in(0, "dumps");
    pid_t pid = spawn_child();
    uint64_t event = boottime_ns();
    char *msg, core[4300];
    struct stat st;

    CHECK_INT(prepare(dir, &msg), 0);
    free(msg);
    CHECK_INT(take(BLOCK_DUMP, pid, event, dir, &msg), 0);
    CHECK_STR(msg, "");
    CHECK(reaped_by_sigkill(pid));
    free(msg);
    snprintf(core, sizeof(core), "%s/ebpfshield-%" PRIu64 ".%d", dir, event, (int)pid);
    CHECK(stat(core, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0);
    CHECK_INT(entries(dir), 1);
}

/* Runs a --block dump with PATH set to bin only; returns the message (caller frees). */
static char *dump_with_path(const char *bin, const char *dir)
{
    const char *saved = getenv("PATH");
    char *old = saved ? strdup(saved) : NULL, *msg;
    pid_t pid = spawn_child();

    setenv("PATH", bin, 1);
    CHECK_INT(take(BLOCK_DUMP, pid, boottime_ns(), dir, &msg), 0);
    if (old)
        setenv("PATH", old, 1);
    else
        unsetenv("PATH");
    free(old);
    CHECK(reaped_by_sigkill(pid));
    char *with_pid;
    if (asprintf(&with_pid, "%d|%s", (int)pid, msg) < 0)
        exit(2);
    free(msg);
    return with_pid;
}

/* Expects the message "<pid>|want" with %1$d standing for the pid. */
static void check_pid_message(const char *got, const char *want)
{
    int pid = atoi(got);
    char *expected;

    if (asprintf(&expected, want, pid) < 0)
        exit(2);
    CHECK_STR(strchr(got, '|') + 1, expected);
    free(expected);
}

static void test_dump_without_gcore(void)
{
    const char *dir = path_in(0, "dumps-none"), *bin = path_in(1, "empty-bin");
    char *msg;

    CHECK(mkdir(bin, 0700) == 0);
    CHECK_INT(prepare(dir, &msg), 0);
    free(msg);
    msg = dump_with_path(bin, dir);
    check_pid_message(msg, "ebpfshield-bcc: cannot run gcore (No such file or directory; it "
                           "comes with gdb): pid %1$d is killed without a core\n");
    free(msg);
    CHECK_INT(entries(dir), 0);
}

/* A gcore that fails is reported, and the process is still killed. */
static void test_dump_gcore_fails(void)
{
    const char *dir = path_in(0, "dumps-fail"), *bin = path_in(1, "failing-bin");
    char gcore[4300], *msg;
    FILE *f;

    CHECK(mkdir(bin, 0700) == 0);
    snprintf(gcore, sizeof(gcore), "%s/gcore", bin);
    f = fopen(gcore, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("#!/bin/sh\nexit 1\n", f);
        fclose(f);
    }
    CHECK(chmod(gcore, 0700) == 0);
    CHECK_INT(prepare(dir, &msg), 0);
    free(msg);
    msg = dump_with_path(bin, dir);
    check_pid_message(msg,
                      "ebpfshield-bcc: gcore failed for pid %1$d: pid %1$d is killed without a "
                      "core\n");
    free(msg);
    CHECK_INT(entries(dir), 0);
}

static int mode_of(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static void test_prepare_creates(void)
{
    const char *top = path_in(0, "new"), *mid = path_in(1, "new/a"), *leaf = path_in(2, "new/a/b");
    char *msg;

    CHECK_INT(prepare(leaf, &msg), 0);
    CHECK_STR(msg, "");
    free(msg);
    CHECK_INT(mode_of(top), 0700);
    CHECK_INT(mode_of(mid), 0700);
    CHECK_INT(mode_of(leaf), 0700);
    /* Again, now that it exists, and with a trailing slash. */
    CHECK_INT(prepare(leaf, &msg), 0);
    CHECK_STR(msg, "");
    free(msg);
    CHECK_INT(prepare(path_in(3, "new/a/b/"), &msg), 0);
    CHECK_STR(msg, "");
    free(msg);
    CHECK_INT(mode_of(leaf), 0700);
}

/* Expects dump_dir_prepare(path) to fail with the message want (%1$s is path, %2$d our
 * uid). */
static void check_refused_dir(const char *path, const char *want)
{
    char *msg, *expected;

    if (asprintf(&expected, want, path, (int)geteuid()) < 0)
        exit(2);
    CHECK_INT(prepare(path, &msg), -1);
    CHECK_STR(msg, expected);
    free(expected);
    free(msg);
}

#define OPEN_TO_OTHERS                                                                             \
    "ebpfshield-bcc: refusing dump directory %1$s: it must belong to uid %2$d and be "             \
    "writable by nobody else (cores hold process memory)\n"
#define NOT_A_DIR "ebpfshield-bcc: dump directory %1$s is not a directory (or is a symlink)\n"

static void make_dir_mode(const char *path, mode_t mode)
{
    CHECK(mkdir(path, 0700) == 0);
    CHECK(chmod(path, mode) == 0);
}

static void test_prepare_refuses(void)
{
    const char *real = path_in(0, "real"), *link = path_in(1, "link");
    FILE *f;

    make_dir_mode(real, 0700);
    CHECK(symlink(real, link) == 0);
    check_refused_dir(link, NOT_A_DIR);
    f = fopen(path_in(1, "file"), "w");
    CHECK(f != NULL && fclose(f) == 0);
    check_refused_dir(path_in(1, "file"), NOT_A_DIR);
    check_refused_dir(path_in(1, "file/sub"),
                      "ebpfshield-bcc: cannot create dump directory %1$s: Not a directory\n");
    make_dir_mode(path_in(1, "open"), 0777);
    check_refused_dir(path_in(1, "open"), OPEN_TO_OTHERS);
    make_dir_mode(path_in(1, "sticky"), 01777);
    check_refused_dir(path_in(1, "sticky"), OPEN_TO_OTHERS);
    make_dir_mode(path_in(1, "group"), 0770);
    check_refused_dir(path_in(1, "group"), OPEN_TO_OTHERS);
    make_dir_mode(path_in(1, "other-owner"), 0700);
    if (geteuid() == 0) { /* only root can give a directory away */
        CHECK(chown(path_in(1, "other-owner"), 65534, 65534) == 0);
        check_refused_dir(path_in(1, "other-owner"), OPEN_TO_OTHERS);
    }
    CHECK_INT(mode_of(path_in(1, "open")), 0777); /* refused, not altered */
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");

    alarm(60); /* a child that is never signalled must not hang the test */
    snprintf(root, sizeof(root), "%s/test_actions.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 2;
    }
    test_print();
    test_suspend();
    test_kill();
    test_reused_pid();
    test_gone_pid();
    test_dump_with_gcore();
    test_dump_without_gcore();
    test_dump_gcore_fails();
    test_prepare_creates();
    test_prepare_refuses();
    if (nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "cannot remove %s: %s\n", root, strerror(errno));
    CHECK_DONE();
}
