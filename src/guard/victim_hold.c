#include "guard/victim_hold.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/proc_info.h"

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

/* Waits up to STOP_WAIT_MS for the kernel's SIGSTOP to stop pid (it does as the refused
 * call returns), so that it is frozen stopped ('T' in ps), not in the freezer's sleep. */
#define STOP_WAIT_MS 20
static void wait_stopped(pid_t pid)
{
    const struct timespec ms = {0, 1000000L};
    char state = 0;
    uint64_t start;
    for (int i = 0; i < STOP_WAIT_MS; i++) {
        if (proc_read_stat(pid, pid, &state, &start) != 0 || state == 'T' || state == 't')
            return;
        nanosleep(&ms, NULL);
    }
}

int victim_hold_freeze(int cgroot, pid_t pid, uint64_t id, struct victim_hold *h, struct error *e)
{
    *h = (struct victim_hold){.dirfd = -1, .parentfd = -1};
    char pidtext[16];
    snprintf(h->name, sizeof(h->name), "%d.%" PRIu64, (int)pid, id);
    snprintf(pidtext, sizeof(pidtext), "%d", (int)pid);
    const char *step = VICTIM_HOLD_DIR;
    h->parentfd = open_dir_at(cgroot, VICTIM_HOLD_DIR);
    h->held = h->parentfd >= 0; /* from here release() closes what is open */
    if (h->held) {
        step = "its cgroup";
        h->dirfd = open_dir_at(h->parentfd, h->name);
    }
    if (h->dirfd >= 0) {
        step = "cgroup.freeze"; /* frozen before the process moves in: it never runs there */
        if (write_at(h->dirfd, "cgroup.freeze", "1") == 0) {
            step = "cgroup.procs";
            wait_stopped(pid);
            if (write_at(h->dirfd, "cgroup.procs", pidtext) == 0)
                return 0;
        }
    }
    int err = errno;
    victim_hold_release(h, 1);
    return error_set(e, "pid %d could not be frozen (%s: %s): a SIGCONT can resume it", (int)pid,
                     step, strerror(err));
}

int victim_hold_thaw(const struct victim_hold *h, struct error *e)
{
    if (h->held && h->dirfd >= 0 && write_at(h->dirfd, "cgroup.freeze", "0") != 0)
        return error_set(e, "cgroup.freeze: %s", strerror(errno));
    return 0;
}

void victim_hold_release(struct victim_hold *h, int remove)
{
    const struct timespec tick = {0, 10 * 1000000L};
    if (!h->held)
        return;
    for (int i = 0; remove && h->dirfd >= 0 && i < 100; i++) {
        if (unlinkat(h->parentfd, h->name, AT_REMOVEDIR) == 0 || errno != EBUSY)
            break;
        nanosleep(&tick, NULL); /* a killed process leaves its cgroup as it exits */
    }
    if (h->dirfd >= 0)
        close(h->dirfd);
    if (h->parentfd >= 0)
        close(h->parentfd);
    *h = (struct victim_hold){.dirfd = -1, .parentfd = -1};
}

int victim_hold_prepare(int cgroot, struct error *e)
{
    int fd = open_dir_at(cgroot, VICTIM_HOLD_DIR);
    if (fd < 0)
        return error_set(e, "cannot make the cgroup " VICTIM_HOLD_DIR " (%s%s)", strerror(errno),
                         errno == EACCES ? ": it takes CAP_DAC_OVERRIDE" : "");
    close(fd);
    return 0;
}

bool victim_hold_holds(pid_t pid, const char *root)
{
    char path[64], line[4096], want[4200];
    snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
    /* From the root down: a user may name a cgroup of its own ebpfshield.hold. */
    int n = snprintf(want, sizeof(want), "0::%s/" VICTIM_HOLD_DIR "/", root);
    FILE *f = fopen(path, "re");
    bool held = false;
    while (f && !held && fgets(line, sizeof(line), f))
        held = strncmp(line, want, (size_t)n) == 0;
    if (f)
        fclose(f);
    return held;
}

void victim_hold_tidy(int cgroot)
{
    int fd = openat(cgroot, VICTIM_HOLD_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return;
    }
    /* A cgroup is removed only once empty: held processes keep theirs. */
    for (const struct dirent *d; (d = readdir(dir));)
        if (d->d_type == DT_DIR && d->d_name[0] != '.')
            unlinkat(fd, d->d_name, AT_REMOVEDIR);
    closedir(dir);
    unlinkat(cgroot, VICTIM_HOLD_DIR, AT_REMOVEDIR);
}
