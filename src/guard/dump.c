#include "guard/dump.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard/core_file.h"
#include "base/proc_info.h"

extern char **environ;

#define WAIT_TICK_MS 20

/* 1 when the process pinned by t->pidfd is the event's (dump_target_pin). */
static int same_process(const struct dump_target *t)
{
    struct stat st;
    if (t->pid_ino)
        return fstat(t->pidfd, &st) == 0 && (uint64_t)st.st_ino == t->pid_ino;
    char state;
    uint64_t start;
    uid_t uid;
    if (proc_read_stat(t->pid, t->pid, &state, &start) != 0)
        return 0;
    if (!t->start_ns)
        return start <= t->event_boot_ns;
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t tick = hz > 0 ? 1000000000ULL / (uint64_t)hz : 1;
    return start == t->start_ns / tick * tick && proc_uid(t->pid, &uid) == 0 && uid == t->uid;
}

int dump_target_pin(struct dump_target *t, struct error *e)
{
    t->pidfd = pidfd_open(t->pid, 0);
    if (t->pidfd < 0 && errno != ESRCH) /* no fd to pin it with: it is left stopped */
        return error_set(e, "pid %d: pidfd_open: %s: it stays stopped, without a core", (int)t->pid,
                         strerror(errno));
    /* /proc was read by pid: it was the pinned process's if that one still lives. */
    if (t->pidfd >= 0 && same_process(t) && pidfd_send_signal(t->pidfd, 0, NULL, 0) == 0)
        return 0;
    dump_target_unpin(t);
    return error_set(e, "pid %d exited before it could be dumped", (int)t->pid);
}

void dump_target_unpin(struct dump_target *t)
{
    if (t->pidfd >= 0)
        close(t->pidfd);
    t->pidfd = -1;
}

/* The id to give gcore: the process (pinned), or, when its leader has exited (a process
 * lives on in its other threads), the thread that connected, if it started no later than
 * the event. 0 when neither is there. */
static pid_t event_thread(const struct dump_target *t)
{
    char state;
    uint64_t start;
    if (proc_read_stat(t->pid, t->pid, &state, &start) != 0)
        return 0;
    if (state != 'Z' && state != 'X')
        return t->pid;
    if (t->tid != t->pid && proc_read_stat(t->pid, t->tid, &state, &start) == 0 &&
        start <= t->event_boot_ns && state != 'Z' && state != 'X')
        return t->tid;
    return 0;
}

static int find_gcore(char *buf, size_t len)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/bin:/bin");
    char *save = NULL;
    for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
        if (snprintf(buf, len, "%s/gcore", dir) < (int)len && access(buf, X_OK) == 0)
            return 0;
    return -1;
}

/* The disk space the cores in dirfd take, and those charged to account (core_prefix
 * names it; a core of an older version names none): their allocated blocks, so a
 * sparse file counts for what it holds. 0, or -1 with a message in e. */
static int cores_used(int dirfd, uid_t account, uint64_t *used, uint64_t *users, struct error *e)
{
    int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0); /* no gcore of another thread inherits it */
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return error_set(e, "dump directory: %s", strerror(errno));
    }
    rewinddir(dir); /* the fd's offset is shared with dirfd's */
    *used = *users = 0;
    const struct dirent *d;
    struct stat st;
    while ((d = readdir(dir)))
        if (strncmp(d->d_name, "ebpfshield-", 11) == 0 &&
            fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
            unsigned owner;
            *used += (uint64_t)st.st_blocks * 512;
            if (sscanf(d->d_name, "ebpfshield-u%u-", &owner) == 1 && owner == account)
                *users += (uint64_t)st.st_blocks * 512;
        }
    closedir(dir);
    return 0;
}

/* The most bytes a core charged to account may take in place now: its budget, or less so
 * that the cores stay within the total, the account's within its share of it, and
 * DUMP_KEEP_FREE_BYTES stay free. 0, or -1 with a message in e when there is no room. */
static int room_for_core(const struct dump_place *place, uid_t account, uint64_t *room,
                         struct error *e)
{
    struct statvfs vfs;
    uint64_t used = 0, users = 0, share = place->total / DUMP_USER_SHARE;
    if (fstatvfs(place->dirfd, &vfs) != 0)
        return error_set(e, "dump directory: %s", strerror(errno));
    uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
    if (avail <= DUMP_KEEP_FREE_BYTES)
        return error_set(e, "dump directory has %llu MiB free: no room for a core",
                         (unsigned long long)(avail >> 20));
    if (cores_used(place->dirfd, account, &used, &users, e) != 0)
        return -1;
    if (used >= place->total)
        return error_set(e,
                         "the cores in the dump directory take %llu MiB of the %llu MiB "
                         "--dump-total allows: no room for another",
                         (unsigned long long)(used >> 20),
                         (unsigned long long)(place->total >> 20));
    if (users >= share)
        return error_set(e,
                         "the cores of uid %u take %llu MiB of the %llu MiB one user may have "
                         "(a quarter of --dump-total): no room for another",
                         (unsigned)account, (unsigned long long)(users >> 20),
                         (unsigned long long)(share >> 20));
    avail -= DUMP_KEEP_FREE_BYTES;
    *room = avail < place->budget ? avail : place->budget;
    if (*room > place->total - used)
        *room = place->total - used;
    if (*room > share - users)
        *room = share - users;
    return 0;
}

/* gcore in its own process group (so that gdb goes with it), in the dump directory, its
 * files limited to room bytes, its output silenced. Only async-signal-safe calls between
 * fork and exec: the tool has threads. */
static pid_t spawn_gcore(const char *gcore, int dirfd, uint64_t room, const char *prefix,
                         pid_t thread)
{
    char id[16];
    snprintf(id, sizeof(id), "%d", (int)thread);
    char *const argv[] = {"gcore", "-o", (char *)prefix, id, NULL};
    const struct rlimit limit = {.rlim_cur = room, .rlim_max = room};
    pid_t child = fork();
    if (child != 0) {
        if (child > 0)
            setpgid(child, child);
        return child;
    }
    struct sigaction dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};
    sigset_t none;
    sigemptyset(&none);
    umask(077); /* cores hold process memory: 0600 */
    int null = open("/dev/null", O_RDWR);
    /* SIGXFSZ ignored: past the limit, writes fail and the core is found short. */
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
        (null > 2 && close(null) != 0) || setpgid(0, 0) != 0 ||
        setrlimit(RLIMIT_FSIZE, &limit) != 0 || fchdir(dirfd) != 0 ||
        sigaction(SIGXFSZ, &ign, NULL) != 0 || sigaction(SIGPIPE, &dfl, NULL) != 0 ||
        sigprocmask(SIG_SETMASK, &none, NULL) != 0)
        _exit(126);
    execve(gcore, argv, environ);
    _exit(127);
}

/* gcores that outlived their SIGKILL (a gdb stuck in an uninterruptible read, as of a
 * FUSE file that never answers): reaped later, so that no dump thread waits for them. */
#define ABANDONED_MAX 64
static pid_t abandoned[ABANDONED_MAX];
static size_t abandoned_count;
static pthread_mutex_t abandoned_lock = PTHREAD_MUTEX_INITIALIZER;

/* Reaps the abandoned gcores that have ended; with child, adds it (the oldest is
 * forgotten when full: init reaps it once the tool exits). */
static void reap_abandoned(pid_t child)
{
    pthread_mutex_lock(&abandoned_lock);
    for (size_t i = 0; i < abandoned_count;)
        if (waitpid(abandoned[i], NULL, WNOHANG) != 0)
            abandoned[i] = abandoned[--abandoned_count];
        else
            i++;
    if (child > 0) {
        if (abandoned_count == ABANDONED_MAX)
            memmove(abandoned, abandoned + 1, --abandoned_count * sizeof(abandoned[0]));
        abandoned[abandoned_count++] = child;
    }
    pthread_mutex_unlock(&abandoned_lock);
}

/* Thaws t's frozen process once thread is traced by gcore's debugger (in child's process
 * group): the debugger's stop then holds it, never a SIGCONT. true once done. */
static bool thaw_when_traced(const struct dump_target *t, pid_t thread, pid_t child)
{
    pid_t tracer = 0;
    if (proc_tracer(t->pid, thread, &tracer) != 0 || tracer <= 0 || getpgid(tracer) != child)
        return false;
    struct error e;
    if (victim_hold_thaw(&t->hold, &e) != 0)
        log_warn("pid %d: %s", (int)t->pid, e.msg);
    return true;
}

/* gcore's wait status, or -1; past DUMP_TIMEOUT_MS or on cancel its group is killed, and
 * DUMP_GRACE_MS after that it is abandoned. t's process is thawed once traced. */
static int wait_gcore(const struct dump_target *t, pid_t thread, pid_t child,
                      const atomic_bool *cancel)
{
    const struct timespec tick = {0, WAIT_TICK_MS * 1000000L};
    long killed_at = -1;
    bool thawed = !t->hold.held;
    for (long waited = 0;; waited += WAIT_TICK_MS) {
        if (!thawed)
            thawed = thaw_when_traced(t, thread, child);
        int status;
        pid_t r = waitpid(child, &status, WNOHANG);
        if (r == child)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (killed_at < 0 && (waited >= DUMP_TIMEOUT_MS || atomic_load(cancel)))
            killed_at = waited;
        if (killed_at >= 0)
            kill(-child, SIGKILL);
        if (killed_at >= 0 && waited - killed_at >= DUMP_GRACE_MS) {
            reap_abandoned(child);
            return -1;
        }
        nanosleep(&tick, NULL);
    }
}

/* What gcore -o is given for t: named for its account (its user), whose share the core counts in
 * from its first byte (cores_used); gcore appends .<thread> (core_name). The core stays root's and
 * 0600: its user never gets it (it may hold what a setuid program read). */
static void core_prefix(char *buf, size_t len, const struct dump_target *t)
{
    snprintf(buf, len, "ebpfshield-u%u-%" PRIu64, (unsigned)t->account, t->event_boot_ns);
}

static void core_name(char *buf, size_t len, const struct dump_target *t, pid_t thread)
{
    char prefix[64];
    core_prefix(prefix, sizeof(prefix), t);
    snprintf(buf, len, "%s.%d", prefix, (int)thread);
}

static void remove_core(const struct dump_target *t, pid_t thread, const struct dump_place *place)
{
    char name[96];
    core_name(name, sizeof(name), t, thread);
    unlinkat(place->dirfd, name, 0);
}

/* The core of thread's process into place. 0 when it is there whole; else -1 with the
 * reason in e and nothing left behind. */
static int take_core(const struct dump_target *t, pid_t thread, const struct dump_place *place,
                     const atomic_bool *cancel, struct error *e)
{
    char gcore[PATH_MAX], prefix[64], name[96];
    uint64_t room = 0;
    if (find_gcore(gcore, sizeof(gcore)) != 0)
        return error_set(e, "gcore is not in PATH (it comes with gdb)");
    if (room_for_core(place, t->account, &room, e) != 0)
        return -1;
    core_prefix(prefix, sizeof(prefix), t);
    core_name(name, sizeof(name), t, thread);
    reap_abandoned(0);
    pid_t child = spawn_gcore(gcore, place->dirfd, room, prefix, thread);
    if (child < 0)
        return error_set(e, "cannot run gcore: %s", strerror(errno));
    int status = wait_gcore(t, thread, child, cancel);
    bool ran = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ran && core_file_whole_at(place->dirfd, name)) {
        /* Its zeros given back, the share and the total count what it holds; whole
         * either way. */
        (void)core_file_sparsen_at(place->dirfd, name);
        return 0;
    }
    remove_core(t, thread, place);
    if (atomic_load(cancel))
        return error_set(e, "dumping was cancelled");
    if (!ran)
        return error_set(e, "gcore failed");
    return error_set(e, "its core was cut short (budget %" PRIu64 " MiB, or the disk is full)",
                     room >> 20);
}

enum dump_result dump_process(struct dump_target *t, const struct dump_place *place,
                              const atomic_bool *cancel, struct error *e)
{
    pid_t thread = t->pidfd < 0 ? 0 : event_thread(t);
    /* /proc was read by pid: it was the pinned process's if that one still lives. */
    /* Removing its cgroup waits for the killed process to leave it, but not on cancel. */
    int wait_ms = atomic_load(cancel) ? 0 : 1000;
    if (!thread || pidfd_send_signal(t->pidfd, 0, NULL, 0) != 0) {
        dump_target_unpin(t);
        victim_hold_kill(&t->hold); /* whatever is left in its cgroup */
        victim_hold_release(&t->hold, wait_ms);
        error_set(e, "pid %d exited before it could be dumped", (int)t->pid);
        return DUMP_GONE;
    }
    struct error why;
    int cored = atomic_load(cancel) ? error_set(&why, "dumping was cancelled")
                                    : take_core(t, thread, place, cancel, &why);
    int killed = pidfd_send_signal(t->pidfd, SIGKILL, NULL, 0);
    int err = errno;
    victim_hold_kill(&t->hold); /* and whatever it forked, thawed, since it was held */
    dump_target_unpin(t);
    victim_hold_release(&t->hold, wait_ms);
    if (killed != 0) { /* gone meanwhile: whatever was dumped may not be its core */
        remove_core(t, thread, place);
        error_set(e, "pid %d: SIGKILL: %s", (int)t->pid, strerror(err));
        return DUMP_GONE;
    }
    if (cored != 0) {
        error_set(e, "pid %d was killed without a core: %s", (int)t->pid, why.msg);
        return DUMP_NO_CORE;
    }
    return DUMP_TAKEN;
}
