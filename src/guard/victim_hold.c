#include "guard/victim_hold.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/proc_info.h"

#define MS 1000000L

/* Writes text to file of directory dirfd: 0, or -1 with errno. */
static int write_at(int dirfd, const char *file, const char *text)
{
    int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    int err = errno;
    close(fd);
    errno = err;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The directory name of dirfd (created 0755 root's when missing); -1 with errno. */
static int open_dir_at(int dirfd, const char *name)
{
    if (mkdirat(dirfd, name, 0755) != 0 && errno != EEXIST)
        return -1;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || st.st_uid != 0)) {
        close(fd);
        errno = EPERM; /* made by someone else: not ours to hold processes in */
        return -1;
    }
    return fd;
}

int victim_holds_open(int cgroot, struct error *e)
{
    int fd = open_dir_at(cgroot, VICTIM_HOLD_DIR);
    if (fd < 0)
        return error_set(e, "cannot make the cgroup " VICTIM_HOLD_DIR " (%s%s)", strerror(errno),
                         errno == EACCES ? ": it takes CAP_DAC_OVERRIDE" : "");
    write_at(fd, "cgroup.subtree_control", "+pids"); /* where the root has it on */
    return fd;
}

/* While the kernel's SIGSTOP is on its way (pid running, 'R'), up to 5 ms for it to stop,
 * so that it is frozen stopped ('T' in ps), not in the freezer's sleep. */
static void wait_stopped(pid_t pid)
{
    const struct timespec ms = {0, MS};
    char state = 0;
    uint64_t start;
    for (int i = 0; i < 5; i++) {
        if (proc_read_stat(pid, pid, &state, &start) != 0 || state != 'R')
            return;
        nanosleep(&ms, NULL);
    }
}

/* The cgroup of pid, as /proc/<pid>/cgroup gives it ("/a/b"), into buf; 0, or -1. */
static int cgroup_of(pid_t pid, char *buf, size_t len)
{
    char path[64], line[4096];
    snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
    FILE *f = fopen(path, "re");
    int rc = -1;
    while (f && rc != 0 && fgets(line, sizeof(line), f))
        if (strncmp(line, "0::/", 4) == 0 && snprintf(buf, len, "%s", line + 3) < (int)len) {
            buf[strcspn(buf, "\n")] = '\0';
            rc = 0;
        }
    if (f)
        fclose(f);
    return rc;
}

/* Moves every process of cgroup dirfd back to from (a path under cgroot), thawed: the
 * pid number the hold moved was another process's. */
static void move_back(int cgroot, int dirfd, const char *from)
{
    write_at(dirfd, "cgroup.freeze", "0");
    int procs = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
    int back = openat(cgroot, from[1] ? from + 1 : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FILE *f = procs >= 0 ? fdopen(procs, "re") : NULL;
    char pid[16];
    while (f && back >= 0 && fgets(pid, sizeof(pid), f)) {
        pid[strcspn(pid, "\n")] = '\0';
        write_at(back, "cgroup.procs", pid);
    }
    if (f)
        fclose(f);
    else if (procs >= 0)
        close(procs);
    if (back >= 0)
        close(back);
}

int victim_hold_freeze(int cgroot, int holds_fd, pid_t pid, int pidfd, uint64_t id,
                       struct victim_hold *h, struct error *e)
{
    *h = (struct victim_hold){.holds_fd = holds_fd};
    char pidtext[16], from[4096];
    snprintf(h->name, sizeof(h->name), "%d.%" PRIu64, (int)pid, id);
    snprintf(pidtext, sizeof(pidtext), "%d", (int)pid);
    if (cgroup_of(pid, from, sizeof(from)) != 0)
        return error_set(e, "pid %d could not be frozen (its cgroup is unknown)", (int)pid);
    const char *step = "its cgroup";
    int dirfd = open_dir_at(holds_fd, h->name);
    if (dirfd >= 0) {
        write_at(dirfd, "pids.max", "0"); /* forks nothing (where pids is on) */
        step = "cgroup.freeze";           /* frozen before the process moves in */
        if (write_at(dirfd, "cgroup.freeze", "1") == 0) {
            step = "cgroup.procs";
            wait_stopped(pid);
            h->held = write_at(dirfd, "cgroup.procs", pidtext) == 0;
        }
    }
    int err = errno;
    /* Moved by number: if the pinned process is gone, the number may have been another's. */
    if (h->held && pidfd_send_signal(pidfd, 0, NULL, 0) != 0) {
        move_back(cgroot, dirfd, from);
        h->held = false;
        step = "it exited meanwhile";
        err = ESRCH;
    }
    if (dirfd >= 0)
        close(dirfd);
    if (h->held)
        return 0;
    unlinkat(holds_fd, h->name, AT_REMOVEDIR);
    return error_set(e, "pid %d could not be frozen (%s: %s): a SIGCONT can resume it", (int)pid,
                     step, strerror(err));
}

/* Writes text to file of h's cgroup: 0, or -1 with errno. */
static int write_hold(const struct victim_hold *h, const char *file, const char *text)
{
    int dirfd = openat(h->holds_fd, h->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dirfd < 0)
        return -1;
    int rc = write_at(dirfd, file, text);
    int err = errno;
    close(dirfd);
    errno = err;
    return rc;
}

int victim_hold_thaw(const struct victim_hold *h, struct error *e)
{
    if (h->held && write_hold(h, "cgroup.freeze", "0") != 0)
        return error_set(e, "cgroup.freeze: %s", strerror(errno));
    return 0;
}

void victim_hold_kill(const struct victim_hold *h)
{
    if (h->held)
        write_hold(h, "cgroup.kill", "1"); /* Linux 5.14 on; else the pidfd's SIGKILL alone */
}

void victim_hold_release(struct victim_hold *h, int wait_ms)
{
    const struct timespec tick = {0, 10 * MS};
    for (int waited = 0; h->held; waited += 10) {
        if (unlinkat(h->holds_fd, h->name, AT_REMOVEDIR) == 0 || errno != EBUSY ||
            waited >= wait_ms)
            break;
        nanosleep(&tick, NULL);
    }
    h->held = false;
}

bool victim_hold_holds(pid_t pid, const char *root)
{
    char path[4096], want[4200];
    /* From the root down: a user may name a cgroup of its own ebpfshield.hold. */
    int n = snprintf(want, sizeof(want), "%s/" VICTIM_HOLD_DIR "/", root);
    return cgroup_of(pid, path, sizeof(path)) == 0 && strncmp(path, want, (size_t)n) == 0;
}

void victim_hold_tidy(int cgroot, int wait_ms)
{
    const struct timespec tick = {0, 10 * MS};
    int fd = openat(cgroot, VICTIM_HOLD_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return;
    }
    /* A cgroup is removed only once empty: held processes keep theirs. */
    int busy = 1;
    for (int waited = 0; busy && waited <= wait_ms; waited += 10) {
        busy = 0;
        rewinddir(dir);
        for (const struct dirent *d; (d = readdir(dir));)
            if (d->d_type == DT_DIR && d->d_name[0] != '.' &&
                unlinkat(fd, d->d_name, AT_REMOVEDIR) != 0 && errno == EBUSY)
                busy = 1;
        if (busy && waited < wait_ms)
            nanosleep(&tick, NULL);
    }
    closedir(dir);
    unlinkat(cgroot, VICTIM_HOLD_DIR, AT_REMOVEDIR);
}
