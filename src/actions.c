#include "actions.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <spawn.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "proc_info.h"

extern char **environ;

#define GCORE_TIMEOUT_MS 120000

/* A pidfd for pid, provided that the process started no later than the event (after the
 * open, the pidfd pins that very process). Returns the fd or -1 with a message. */
static int open_event_process(pid_t pid, uint64_t event_boot_ns, struct error *e)
{
    int fd = pidfd_open(pid, 0);
    if (fd < 0)
        return error_set(e, "pid %d: %s (exited before it could be stopped)", (int)pid,
                         strerror(errno));
    uint64_t start;
    char state;
    if (proc_read_stat(pid, &state, &start) != 0)
        error_set(e, "pid %d: cannot read its start time: %s", (int)pid, strerror(errno));
    else if (start > event_boot_ns)
        error_set(e, "pid %d was reused by a newer process; not signalled", (int)pid);
    else if (state == 'Z') /* signals to a zombie "succeed" but do nothing */
        error_set(e, "pid %d: exited before it could be stopped", (int)pid);
    else
        return fd;
    close(fd);
    return -1;
}

static int send_signal(int pidfd, pid_t pid, int sig, struct error *e)
{
    if (pidfd_send_signal(pidfd, sig, NULL, 0) == 0)
        return 0;
    return error_set(e, "pid %d: %s: %s", (int)pid, strsignal(sig), strerror(errno));
}

/* Waits for child up to GCORE_TIMEOUT_MS, killing it past that; returns its wait status
 * or -1. */
static int wait_bounded(pid_t child)
{
    struct timespec tick = {0, 50 * 1000 * 1000};
    int status;
    for (int waited = 0;; waited += 50) {
        pid_t r = waitpid(child, &status, WNOHANG);
        if (r == child)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (waited >= GCORE_TIMEOUT_MS)
            kill(child, SIGKILL);
        nanosleep(&tick, NULL);
    }
}

/* True when path is a non-empty regular file (gcore exits 0 on a full disk, too). */
static bool core_written(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* Runs gcore (no shell) with its output silenced; writes <dir>/ebpfshield-<ts>.<pid>.
 * Returns 0 when the core is there, or -1 after a warning. */
static int take_core(pid_t pid, uint64_t event_boot_ns, const char *dump_dir)
{
    char prefix[PATH_MAX], pidstr[16];
    snprintf(prefix, sizeof(prefix), "%s/ebpfshield-%" PRIu64, dump_dir, event_boot_ns);
    snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
    char *const argv[] = {"gcore", "-o", prefix, pidstr, NULL};

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    pid_t child;
    int rc = posix_spawnp(&child, "gcore", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        warn("cannot run gcore (%s; it comes with gdb): pid %d is killed without a core",
             strerror(rc), (int)pid);
        return -1;
    }
    int status = wait_bounded(child);
    char core[PATH_MAX + 16];
    snprintf(core, sizeof(core), "%s.%d", prefix, (int)pid);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        warn("gcore failed for pid %d: pid %d is killed without a core", (int)pid, (int)pid);
        return -1;
    }
    if (!core_written(core)) {
        warn("gcore wrote no core for pid %d (disk full?): it is killed without one", (int)pid);
        return -1;
    }
    return 0;
}

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

int action_take(enum block_action block, pid_t pid, uint64_t event_boot_ns, const char *dump_dir,
                struct error *e)
{
    if (block == BLOCK_PRINT || block == BLOCK_DENY)
        return 0;
    int fd = open_event_process(pid, event_boot_ns, e);
    if (fd < 0)
        return -1;
    int rc = 0;
    switch (block) {
    case BLOCK_SUSPEND:
        rc = send_signal(fd, pid, SIGSTOP, e);
        break;
    case BLOCK_KILL:
        rc = send_signal(fd, pid, SIGKILL, e);
        break;
    case BLOCK_DUMP:
        rc = send_signal(fd, pid, SIGSTOP, e);
        if (rc == 0) {
            int cored = take_core(pid, event_boot_ns, dump_dir);
            rc = send_signal(fd, pid, SIGKILL, e);
            if (rc == 0 && cored != 0)
                rc = error_set(e, "pid %d was killed without a core", (int)pid);
        }
        break;
    case BLOCK_PRINT:
    case BLOCK_DENY:
        break;
    }
    close(fd);
    return rc;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static int make_dirs(const char *dir)
{
    char path[PATH_MAX];
    if (dir[0] == '\0') { /* the scan below starts at path + 1 */
        errno = ENOENT;
        return -1;
    }
    if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = saved;
        if (saved == '\0')
            return 0;
    }
}

int dump_dir_prepare(const char *dir, struct error *e)
{
    struct stat st;
    if (make_dirs(dir) != 0)
        return error_set(e, "cannot create dump directory %s: %s", dir, strerror(errno));
    if (lstat(dir, &st) != 0)
        return error_set(e, "dump directory %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return error_set(e, "dump directory %s is not a directory (or is a symlink)", dir);
    if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
        return error_set(e,
                         "refusing dump directory %s: it must belong to uid %d and be writable "
                         "by nobody else (cores hold process memory)",
                         dir, (int)geteuid());
    return 0;
}
