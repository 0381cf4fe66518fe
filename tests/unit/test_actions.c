/* Unit tests of --block on real child processes (suspend, kill, dump with and without
 * gcore, a pid reused after the event, a pid that is gone) and of the dump directory's
 * checks. Everything lives in a private mkdtemp() directory removed at the end; every
 * child is reaped, and alarm() bounds the whole run. */
#include "actions.h"
#include "check.h"
#include "scratch.h"
#include "testlib.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char root[4096];

/* The state letter of /proc/<pid>/stat, '?' when unreadable. */
static char stat_state(pid_t pid)
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
    char state = stat_state(pid);

    return waitpid(pid, &status, WNOHANG | WUNTRACED) == 0 && (state == 'S' || state == 'R');
}

/* Waits for the child to end; true when SIGKILL ended it. */
static bool reaped_by_sigkill(pid_t pid)
{
    int status;

    return waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* action_take with what it logs captured into *msg (caller frees); a failure is warned
 * about as its callers do. */
static int take(enum block_action block, pid_t pid, uint64_t event_ns, const char *dir, char **msg)
{
    struct capture c;
    struct error e;

    capture_log(&c);
    int rc = action_take(block, pid, event_ns, dir, &e);
    if (rc != 0)
        warn("%s", e.msg);
    *msg = capture_log_text(&c);
    return rc;
}

/* dump_dir_prepare, the same way. */
static int prepare(const char *dir, char **msg)
{
    struct capture c;
    struct error e;

    capture_log(&c);
    int rc = dump_dir_prepare(dir, &e);
    if (rc != 0)
        warn("%s", e.msg);
    *msg = capture_log_text(&c);
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
    pid_t pid = spawn_sleep();
    char *msg;

    CHECK_INT(take(BLOCK_PRINT, pid, boottime_ns(), root, &msg), 0);
    CHECK_STR(msg, "");
    CHECK(still_running(pid));
    free(msg);
    reap(pid);
}

static void test_suspend(void)
{
    pid_t pid = spawn_sleep();
    int status = 0;
    char *msg;

    CHECK_INT(take(BLOCK_SUSPEND, pid, boottime_ns(), root, &msg), 0);
    CHECK_STR(msg, "");
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) &&
          WSTOPSIG(status) == SIGSTOP);
    CHECK_INT(stat_state(pid), 'T');
    free(msg);
    reap(pid);
}

static void test_kill(void)
{
    pid_t pid = spawn_sleep();
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
    pid_t pid = spawn_sleep();
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
    pid_t pid = spawn_sleep();
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

/* An exited but not yet reaped process (a zombie): no action, no "killed" line. */
static void test_zombie(void)
{
    pid_t pid = spawn_sleep();
    siginfo_t info;
    char *msg, want[160];

    kill(pid, SIGKILL);
    waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT); /* exited, left unreaped */
    CHECK_INT(stat_state(pid), 'Z');
    CHECK_INT(take(BLOCK_KILL, pid, boottime_ns(), root, &msg), -1);
    snprintf(want, sizeof(want), "ebpfshield-bcc: pid %d: exited before it could be stopped\n",
             (int)pid);
    CHECK_STR(msg, want);
    free(msg);
    reap(pid);
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

/* True when path starts with an ELF header of type ET_CORE. */
static bool is_elf_core(const char *path)
{
    unsigned char hdr[EI_NIDENT + 2] = {0};
    FILE *f = fopen(path, "rb");

    if (!f)
        return false;
    size_t n = fread(hdr, 1, sizeof(hdr), f);
    fclose(f);
    unsigned type = hdr[EI_DATA] == ELFDATA2MSB ? (unsigned)hdr[16] << 8 | hdr[17]
                                                : (unsigned)hdr[17] << 8 | hdr[16];
    return n == sizeof(hdr) && memcmp(hdr, ELFMAG, SELFMAG) == 0 && type == ET_CORE;
}

static void test_dump_with_gcore(void)
{
    const char *dir = path_in(0, "dumps");
    pid_t pid = spawn_sleep();
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
    CHECK(stat(core, &st) == 0 && S_ISREG(st.st_mode));
    CHECK(is_elf_core(core));
    CHECK_INT(entries(dir), 1);
}

/* Runs --block dump with PATH set to bin only: the child must still be killed, with the
 * warning want (%1$d is its pid) and the error that no core was taken, and no core may
 * appear in dir. */
static void check_dump_with_path(const char *bin, const char *dir, const char *want)
{
    const char *saved = getenv("PATH");
    char *old = saved ? strdup(saved) : NULL, *msg, *expected;
    pid_t pid = spawn_sleep();

    CHECK_INT(prepare(dir, &msg), 0);
    free(msg);
    setenv("PATH", bin, 1);
    CHECK_INT(take(BLOCK_DUMP, pid, boottime_ns(), dir, &msg), -1);
    if (old)
        setenv("PATH", old, 1);
    else
        unsetenv("PATH");
    free(old);
    CHECK(reaped_by_sigkill(pid));
    char *format;
    if (asprintf(&format, "%s%s", want, "ebpfshield-bcc: pid %1$d was killed without a core\n") <
            0 ||
        asprintf(&expected, format, (int)pid) < 0)
        exit(2);
    free(format);
    CHECK_STR(msg, expected);
    CHECK_INT(entries(dir), 0);
    free(expected);
    free(msg);
}

static void test_dump_without_gcore(void)
{
    const char *bin = path_in(1, "empty-bin");

    CHECK(mkdir(bin, 0700) == 0);
    check_dump_with_path(bin, path_in(0, "dumps-none"),
                         "ebpfshield-bcc: cannot run gcore (No such file or directory; it comes "
                         "with gdb): pid %1$d is killed without a core\n");
}

/* A gcore that fails is reported, and the process is still killed. */
/* Writes an executable bin/gcore script with body. */
static void fake_gcore(const char *bin, const char *body)
{
    char gcore[4300];
    FILE *f;

    CHECK(mkdir(bin, 0700) == 0);
    snprintf(gcore, sizeof(gcore), "%s/gcore", bin);
    f = fopen(gcore, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(body, f);
        fclose(f);
    }
    CHECK(chmod(gcore, 0700) == 0);
}

static void test_dump_gcore_fails(void)
{
    const char *bin = path_in(1, "failing-bin");

    fake_gcore(bin, "#!/bin/sh\nexit 1\n");
    check_dump_with_path(bin, path_in(0, "dumps-fail"),
                         "ebpfshield-bcc: gcore failed for pid %1$d: pid %1$d is killed without "
                         "a core\n");
}

/* gcore says it succeeded but wrote nothing (as on a full disk): no "took a dump". */
static void test_dump_gcore_writes_nothing(void)
{
    const char *bin = path_in(1, "silent-bin");

    fake_gcore(bin, "#!/bin/sh\nexit 0\n");
    check_dump_with_path(bin, path_in(0, "dumps-silent"),
                         "ebpfshield-bcc: gcore wrote no core for pid %1$d (disk full?): it is "
                         "killed without one\n");
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
    check_refused_dir("", "ebpfshield-bcc: cannot create dump directory %1$s: No such file or "
                          "directory\n");
    char long_dir[5000];
    memset(long_dir, 'd', sizeof(long_dir) - 1);
    long_dir[sizeof(long_dir) - 1] = '\0';
    check_refused_dir(long_dir, "ebpfshield-bcc: cannot create dump directory %1$s: File name "
                                "too long\n");
}

int main(void)
{
    alarm(60); /* a child that is never signalled must not hang the test */
    scratch_dir_create(root, sizeof(root), "test_actions");
    test_print();
    test_suspend();
    test_kill();
    test_reused_pid();
    test_gone_pid();
    test_zombie();
    test_dump_with_gcore();
    test_dump_without_gcore();
    test_dump_gcore_fails();
    test_dump_gcore_writes_nothing();
    test_prepare_creates();
    test_prepare_refuses();
    if (scratch_dir_remove(root) != 0)
        check_failures++; /* it may hold cores */
    CHECK_DONE();
}
