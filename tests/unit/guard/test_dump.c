/* Unit tests of --block dump on real child processes and the real gcore: the dump
 * directory walked by fd (symlinks, foreign owners and open permissions refused at every
 * level), a core taken whole and 0600, a core cut short by the byte budget or written
 * short by gcore removed and reported, a missing, failing or hanging gcore (cancelled with
 * its whole process group), a pid gone or reused, a process told by its identity (pidfs
 * inode, start tick and user), a process whose leader has exited; and the worker that runs
 * dumps off the event loop, one user's hanging gcore holding up no other user's dump. Everything
 * lives in a private directory under /var/lib (a root-owned chain: /tmp is writable by all),
 * removed at the end; alarm() bounds the run. */
#include "check.h"
#include "guard/core_file.h"
#include "guard/dump.h"
#include "base/private_dir.h"
#include "guard/dump_worker.h"
#include "output/format.h"
#include "base/proc_info.h"
#include "scratch.h"
#include "testlib.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[4096];

/* root/name, in a buffer valid until the next call with the same slot. */
static const char *path_in(int slot, const char *name)
{
    static char paths[4][4200];

    snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", root, name);
    return paths[slot];
}

static bool still_alive(pid_t pid)
{
    int status;

    return waitpid(pid, &status, WNOHANG) == 0;
}

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

static int mode_of(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* private_dir_open(path); on failure *msg is its message (else ""), caller frees. */
static int open_dir(const char *path, char **msg)
{
    struct error e = {""};
    int fd = private_dir_open(path, "dump directory", &e);

    *msg = strdup(e.msg);
    return fd;
}

static void check_refused(const char *path, const char *want)
{
    char *msg;
    int fd = open_dir(path, &msg);

    CHECK_INT(fd, -1);
    CHECK_STR(msg, want);
    free(msg);
    if (fd >= 0)
        close(fd);
}

static void test_dir_creates(void)
{
    char *msg;
    int fd = open_dir(path_in(0, "new/a/b"), &msg);

    CHECK(fd >= 0);
    CHECK_STR(msg, "");
    free(msg);
    close(fd);
    CHECK_INT(mode_of(path_in(0, "new")), 0700);
    CHECK_INT(mode_of(path_in(0, "new/a/b")), 0700);
    /* Again now that it exists, with a trailing slash, and relative to the cwd. */
    CHECK((fd = open_dir(path_in(0, "new/a/b/"), &msg)) >= 0);
    free(msg);
    close(fd);
    CHECK(chdir(path_in(0, "new")) == 0);
    CHECK((fd = open_dir("./a/b", &msg)) >= 0);
    CHECK_STR(msg, "");
    free(msg);
    close(fd);
    CHECK(chdir("/") == 0);
}

#define REFUSED "refusing dump directory: %s must belong to uid %d and be writable by nobody else"

static void check_refused_owner(const char *path, const char *culprit, int uid)
{
    char want[9000];

    snprintf(want, sizeof(want), REFUSED, culprit, uid);
    check_refused(path, want);
}

static void test_dir_refuses(void)
{
    char want[9000];

    CHECK(mkdir(path_in(0, "real"), 0700) == 0);
    CHECK(symlink(path_in(0, "real"), path_in(1, "link")) == 0);
    snprintf(want, sizeof(want), "dump directory %s: %s: not a directory (or a symlink)",
             path_in(0, "link"), path_in(1, "link"));
    check_refused(path_in(0, "link"), want);
    /* A symlink in the middle of the path. */
    snprintf(want, sizeof(want), "dump directory %s: %s: not a directory (or a symlink)",
             path_in(0, "link/sub"), path_in(1, "link"));
    check_refused(path_in(0, "link/sub"), want);
    FILE *f = fopen(path_in(0, "file"), "w");
    CHECK(f != NULL && fclose(f) == 0);
    snprintf(want, sizeof(want), "dump directory %s: %s: not a directory (or a symlink)",
             path_in(0, "file/sub"), path_in(1, "file"));
    check_refused(path_in(0, "file/sub"), want);

    CHECK(mkdir(path_in(0, "open"), 0700) == 0 && chmod(path_in(0, "open"), 0777) == 0);
    check_refused_owner(path_in(0, "open"), path_in(1, "open"), 0);
    /* An open directory above: refused there, nothing created below it. */
    check_refused_owner(path_in(0, "open/sub"), path_in(1, "open"), 0);
    CHECK_INT(entries(path_in(0, "open")), 0);
    CHECK(mkdir(path_in(0, "group"), 0770) == 0 && chmod(path_in(0, "group"), 0770) == 0);
    check_refused_owner(path_in(0, "group"), path_in(1, "group"), 0);
    CHECK(mkdir(path_in(0, "theirs"), 0755) == 0 && chown(path_in(0, "theirs"), 65534, 65534) == 0);
    check_refused_owner(path_in(0, "theirs"), path_in(1, "theirs"), 0);
    check_refused_owner(path_in(0, "theirs/sub"), path_in(1, "theirs"), 0);
    CHECK_INT(mode_of(path_in(0, "open")), 0777); /* refused, not altered */
    /* /tmp is writable by all (sticky or not, a parent must not be). */
    check_refused_owner("/tmp/ebpfshield-never", "/tmp", 0);
    snprintf(want, sizeof(want), "dump directory %s: \"..\" is not allowed",
             path_in(0, "real/../real"));
    check_refused(path_in(0, "real/../real"), want);
    check_refused("", "dump directory: empty path");
}

/* pid stopped, as the kernel leaves a process for --block dump, and pinned as its event. */
static pid_t stop_as_hit(pid_t pid, struct dump_target *t)
{
    kill(pid, SIGSTOP);
    *t = (struct dump_target){.pid = pid, .tid = pid, .event_boot_ns = boottime_ns(), .pidfd = -1};
    struct error e;
    CHECK_INT(dump_target_pin(t, &e), 0);
    return pid;
}

/* A stopped /bin/sleep. */
static pid_t stopped_child(struct dump_target *t)
{
    return stop_as_hit(spawn_sleep(), t);
}

/* An earlier core at path: mib MiB of written bytes (blocks, not a hole). */
static void write_earlier_core(const char *path, int mib)
{
    static const char block[1024] = {1};
    FILE *f = fopen(path, "w");
    for (int i = 0; f && i < mib * 1024; i++)
        fwrite(block, 1, sizeof(block), f);
    CHECK(f && fclose(f) == 0);
}

static enum dump_result dump(struct dump_target *t, const char *dir, uint64_t budget, char **msg)
{
    static const atomic_bool no = false;
    char *open_msg;
    struct error e = {""};
    int fd = open_dir(dir, &open_msg);

    CHECK_STR(open_msg, "");
    free(open_msg);
    struct dump_place place = {.dirfd = fd, .budget = budget, .total = UINT64_MAX};
    enum dump_result r = dump_process(t, &place, &no, &e);
    close(fd);
    *msg = strdup(e.msg);
    return r;
}

static void core_name(char *buf, size_t len, const char *dir, const struct dump_target *t,
                      pid_t thread)
{
    snprintf(buf, len, "%s/ebpfshield-u%u-%" PRIu64 ".%d", dir, (unsigned)t->account,
             t->event_boot_ns, (int)thread);
}

static void test_core_taken(void)
{
    struct dump_target t;
    pid_t pid = stopped_child(&t);
    const char *dir = path_in(0, "cores");
    char *msg, core[4400];

    CHECK_INT(dump(&t, dir, 1u << 30, &msg), DUMP_TAKEN);
    CHECK_STR(msg, "");
    free(msg);
    CHECK(reaped_by_sigkill(pid));
    core_name(core, sizeof(core), dir, &t, pid);
    CHECK_INT(mode_of(core), 0600);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(core_file_whole_at(fd, strrchr(core, '/') + 1));
    close(fd);
    CHECK_INT(entries(dir), 1);
}

/* A budget below the core's size: gcore is cut short, the piece removed, the process
 * killed all the same. */
static void test_budget(void)
{
    struct dump_target t;
    pid_t pid = stopped_child(&t);
    const char *dir = path_in(0, "small");
    char *msg, want[200];

    CHECK_INT(dump(&t, dir, 64 << 10, &msg), DUMP_NO_CORE);
    snprintf(want, sizeof(want),
             "pid %d was killed without a core: its core was cut short (budget 0 MiB, or the "
             "disk is full)",
             (int)pid);
    CHECK_STR(msg, want);
    free(msg);
    CHECK(reaped_by_sigkill(pid));
    CHECK_INT(entries(dir), 0);
}

/* The cores already in the directory (2 MiB of blocks) take the whole total of 1 MiB: no
 * gcore runs, the process is killed, the earlier core stays. */
static void test_total(void)
{
    struct dump_target t;
    pid_t pid = stopped_child(&t);
    const char *dir = path_in(0, "full");
    char *msg, want[200], earlier[4400];
    static const atomic_bool no = false;
    struct error e = {""};

    int fd = open_dir(dir, &msg);
    free(msg);
    snprintf(earlier, sizeof(earlier), "%s/ebpfshield-earlier", dir);
    write_earlier_core(earlier, 2);
    struct dump_place place = {.dirfd = fd, .budget = 1u << 30, .total = 1u << 20};
    CHECK_INT(dump_process(&t, &place, &no, &e), DUMP_NO_CORE);
    close(fd);
    snprintf(want, sizeof(want),
             "pid %d was killed without a core: the cores in the dump directory take 2 MiB "
             "of the 1 MiB --dump-total allows: no room for another",
             (int)pid);
    CHECK_STR(e.msg, want);
    CHECK(reaped_by_sigkill(pid));
    CHECK_INT(entries(dir), 1);
}

/* One user's cores take at most a quarter of the total: 5 MiB of root's cores already
 * there with a total of 16 MiB leave no room for root's next; the same file named for
 * another user leaves room, and the new core is named for root (its process's user) and
 * stays root's, 0600. */
static void test_user_share(void)
{
    struct dump_target t;
    pid_t pid = stopped_child(&t);
    const char *dir = path_in(0, "share");
    char *msg, want[300], earlier[4400], theirs[4400], core[4400];
    static const atomic_bool no = false;
    struct error e = {""};

    int fd = open_dir(dir, &msg);
    free(msg);
    snprintf(earlier, sizeof(earlier), "%s/ebpfshield-u0-1.1", dir);
    write_earlier_core(earlier, 5);
    struct dump_place place = {.dirfd = fd, .budget = 1u << 30, .total = 16u << 20};
    CHECK_INT(dump_process(&t, &place, &no, &e), DUMP_NO_CORE);
    snprintf(want, sizeof(want),
             "pid %d was killed without a core: the cores of uid 0 take 5 MiB of the 4 MiB one "
             "user may have (a quarter of --dump-total): no room for another",
             (int)pid);
    CHECK_STR(e.msg, want);
    CHECK(reaped_by_sigkill(pid));

    snprintf(theirs, sizeof(theirs), "%s/ebpfshield-u65534-1.1", dir);
    CHECK(rename(earlier, theirs) == 0);
    pid = stopped_child(&t);
    CHECK_INT(dump_process(&t, &place, &no, &e), DUMP_TAKEN);
    CHECK(reaped_by_sigkill(pid));
    core_name(core, sizeof(core), dir, &t, pid);
    struct stat st;
    CHECK(stat(core, &st) == 0 && st.st_uid == 0 && (st.st_mode & 0777) == 0600);
    close(fd);
    CHECK_INT(entries(dir), 2);
}

static void exec_mapping(const void *arg)
{
    (void)arg;
    execl("/usr/bin/python3", "python3", "-c",
          "import mmap, time\nm = mmap.mmap(-1, 64 << 20)\ntime.sleep(600)", (char *)NULL);
    _exit(127);
}

/* Pages of pid's address space (statm), 0 when unreadable. */
static unsigned long mapped_pages(pid_t pid)
{
    char path[64];
    unsigned long pages = 0;
    snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
    FILE *f = fopen(path, "r");
    if (f && fscanf(f, "%lu", &pages) != 1)
        pages = 0;
    if (f)
        fclose(f);
    return pages;
}

/* A process with 64 MiB mapped and never touched: gdb writes the zeros, the core keeps
 * its size, and gives their blocks back (under 32 MiB on disk). */
static void test_sparse_core(void)
{
    pid_t pid = spawn_child(exec_mapping, NULL);
    for (int i = 0; i < 500 && mapped_pages(pid) < (64ul << 20) / 4096; i++)
        usleep(10000);
    CHECK(mapped_pages(pid) >= (64ul << 20) / 4096);
    struct dump_target t;
    stop_as_hit(pid, &t);
    const char *dir = path_in(0, "sparse");
    char *msg, core[4400];
    CHECK_INT(dump(&t, dir, 1u << 30, &msg), DUMP_TAKEN);
    CHECK_STR(msg, "");
    free(msg);
    CHECK(reaped_by_sigkill(pid));
    core_name(core, sizeof(core), dir, &t, pid);
    struct stat st;
    CHECK(stat(core, &st) == 0);
    CHECK(st.st_size > (64 << 20));
    CHECK((uint64_t)st.st_blocks * 512 < (32u << 20));
}

/* Writes an executable bin/gcore script with body; returns bin. */
static const char *fake_gcore(const char *name, const char *body)
{
    const char *bin = path_in(1, name);
    char gcore[4300];

    CHECK(mkdir(bin, 0700) == 0);
    snprintf(gcore, sizeof(gcore), "%s/gcore", bin);
    FILE *f = fopen(gcore, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(body, f);
        fclose(f);
    }
    CHECK(chmod(gcore, 0700) == 0);
    return bin;
}

/* Dumps a stopped child with PATH=bin: killed without a core for the reason want, the
 * directory left empty. */
static void check_no_core(const char *bin, const char *dir, const char *want)
{
    char *old = strdup(getenv("PATH")), *msg, expected[300];
    struct dump_target t;
    pid_t pid = stopped_child(&t);

    setenv("PATH", bin, 1);
    CHECK_INT(dump(&t, dir, 1u << 30, &msg), DUMP_NO_CORE);
    setenv("PATH", old, 1);
    free(old);
    snprintf(expected, sizeof(expected), "pid %d was killed without a core: %s", (int)pid, want);
    CHECK_STR(msg, expected);
    free(msg);
    CHECK(reaped_by_sigkill(pid));
    CHECK_INT(entries(dir), 0);
}

static void test_gcore_missing_or_failing(void)
{
    CHECK(mkdir(path_in(1, "empty-bin"), 0700) == 0);
    check_no_core(path_in(1, "empty-bin"), path_in(0, "none"),
                  "gcore is not in PATH (it comes with gdb)");
    check_no_core(fake_gcore("fail-bin", "#!/bin/sh\nexit 1\n"), path_in(0, "fail"),
                  "gcore failed");
    /* Exit 0 with nothing written, or with a core cut short (a full disk): no dump. */
    check_no_core(fake_gcore("silent-bin", "#!/bin/sh\nexit 0\n"), path_in(0, "silent"),
                  "its core was cut short (budget 1024 MiB, or the disk is full)");
    check_no_core(fake_gcore("short-bin", "#!/bin/sh\n/usr/bin/head -c 100 /bin/sh > \"$2.$3\"\n"),
                  path_in(0, "short"),
                  "its core was cut short (budget 1024 MiB, or the disk is full)");
}

static char proc_state(pid_t pid)
{
    char state = '?';
    uint64_t start;

    return proc_read_stat(pid, pid, &state, &start) == 0 ? state : '?';
}

struct cancel_later {
    atomic_bool *cancel;
};

static void *cancel_soon(void *arg)
{
    struct cancel_later *c = arg;

    usleep(300 * 1000);
    atomic_store(c->cancel, true);
    return NULL;
}

/* A gcore that hangs is stopped on cancel with its whole process group. */
static void test_cancel(void)
{
    const char *bin =
        fake_gcore("hang-bin", "#!/bin/sh\n/bin/sleep 600 & echo $! > grandchild\nwait\n");
    const char *dir = path_in(0, "hang");
    char *old = strdup(getenv("PATH")), *msg, pidfile[4300];
    atomic_bool cancel = false;
    struct cancel_later later = {&cancel};
    struct dump_target t;
    pid_t pid = stopped_child(&t);
    pthread_t thread;
    struct error e = {""};

    int fd = open_dir(dir, &msg);
    free(msg);
    setenv("PATH", bin, 1);
    pthread_create(&thread, NULL, cancel_soon, &later);
    struct dump_place place = {.dirfd = fd, .budget = 1u << 30, .total = UINT64_MAX};
    CHECK_INT(dump_process(&t, &place, &cancel, &e), DUMP_NO_CORE);
    pthread_join(thread, NULL);
    setenv("PATH", old, 1);
    free(old);
    CHECK(strstr(e.msg, "dumping was cancelled") != NULL);
    CHECK(reaped_by_sigkill(pid));
    snprintf(pidfile, sizeof(pidfile), "%s/grandchild", dir);
    FILE *f = fopen(pidfile, "r");
    int grandchild = 0;
    CHECK(f && fscanf(f, "%d", &grandchild) == 1);
    if (f)
        fclose(f);
    usleep(100 * 1000);
    CHECK(grandchild > 0 && (kill(grandchild, 0) != 0 ||
                             proc_state(grandchild) ==
                                 'Z')); /* gone with gcore's group (a zombie until init reaps it) */
    unlink(pidfile);
    close(fd);
}

static void test_gone_or_reused(void)
{
    struct dump_target t;
    pid_t pid = stopped_child(&t);
    char *msg, want[120];

    struct error e;

    /* Pinned, then reaped (and its pid free for reuse) before its dump: not taken for
     * another holder of the pid. */
    reap(pid);
    CHECK_INT(dump(&t, path_in(0, "gone"), 1u << 30, &msg), DUMP_GONE);
    snprintf(want, sizeof(want), "pid %d exited before it could be dumped", (int)pid);
    CHECK_STR(msg, want);
    free(msg);
    /* Gone before the event reached user space. */
    t.pidfd = -1;
    CHECK_INT(dump_target_pin(&t, &e), -1);
    snprintf(want, sizeof(want), "pid %d exited before it could be dumped", (int)pid);
    CHECK_STR(e.msg, want);
    /* An event from before the process now holding the pid: not pinned. */
    pid = stopped_child(&t);
    dump_target_unpin(&t);
    t.event_boot_ns -= 1000000000u;
    CHECK_INT(dump_target_pin(&t, &e), -1);
    CHECK(still_alive(pid));
    reap(pid);
    CHECK_INT(entries(path_in(0, "gone")), 0);
}

/* The process's identity from the event decides, where the event has one: the pidfs
 * inode number of its pid (exact), else its start to the clock tick and its user. */
static void test_identity(void)
{
    struct dump_target t;
    pid_t pid = stopped_child(&t);
    struct stat st;
    char state;
    uint64_t start;
    struct error e;

    CHECK(fstat(t.pidfd, &st) == 0);
    CHECK_INT(proc_read_stat(pid, pid, &state, &start), 0);
    dump_target_unpin(&t);
    t.pid_ino = st.st_ino;
    CHECK_INT(dump_target_pin(&t, &e), 0);
    dump_target_unpin(&t);
    t.pid_ino = st.st_ino + 1; /* another pid (the start would match) */
    t.start_ns = start + 5000;
    CHECK_INT(dump_target_pin(&t, &e), -1);
    t.pid_ino = 0;
    CHECK_INT(dump_target_pin(&t, &e), 0); /* the same tick, the same user */
    dump_target_unpin(&t);
    t.uid = 65534;
    CHECK_INT(dump_target_pin(&t, &e), -1);
    t.uid = getuid();
    t.start_ns = start + 1000000000u / (uint64_t)sysconf(_SC_CLK_TCK); /* the next tick */
    CHECK_INT(dump_target_pin(&t, &e), -1);
    t.start_ns = start > 0 ? start - 1 : 1; /* the tick before */
    CHECK_INT(dump_target_pin(&t, &e), -1);
    reap(pid);
}

/* A python whose main thread exits (pthread_exit) while another sleeps: a small process,
 * not a fork of this test (under ASan its image maps terabytes). */
static void exec_leaderless(const void *arg)
{
    (void)arg;
    execl("/usr/bin/python3", "python3", "-c",
          "import ctypes, threading, time\n"
          "threading.Thread(target=time.sleep, args=(600,)).start()\n"
          "ctypes.CDLL(None).pthread_exit(None)\n",
          (char *)NULL);
    _exit(127);
}

/* The thread other than the leader. */
static pid_t other_thread(pid_t pid)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
    DIR *d = opendir(dir);
    pid_t tid = 0;

    for (const struct dirent *e; d && (e = readdir(d));)
        if (atoi(e->d_name) > 0 && atoi(e->d_name) != pid)
            tid = atoi(e->d_name);
    if (d)
        closedir(d);
    return tid;
}

/* A process whose leader has exited (state Z) is dumped through its live thread. */
static void test_leader_exited(void)
{
    pid_t pid = spawn_child(exec_leaderless, NULL);
    for (int i = 0; i < 200 && proc_state(pid) != 'Z'; i++)
        usleep(10 * 1000);
    CHECK_INT(proc_state(pid), 'Z');
    pid_t tid = other_thread(pid);
    kill(pid, SIGSTOP);
    struct dump_target t = {.pid = pid, .tid = tid, .event_boot_ns = boottime_ns(), .pidfd = -1};
    char *msg, core[4400];
    struct error e;

    CHECK(tid > 0);
    CHECK_INT(dump_target_pin(&t, &e), 0);
    CHECK_INT(dump(&t, path_in(0, "leaderless"), 4ull << 30, &msg), DUMP_TAKEN);
    CHECK_STR(msg, "");
    free(msg);
    CHECK(reaped_by_sigkill(pid));
    core_name(core, sizeof(core), path_in(0, "leaderless"), &t, tid);
    CHECK_INT(mode_of(core), 0600);
}

/* A worker writing cores into directory fd (1 GiB each, no total) and its lines into o,
 * on a fresh capture out, the log captured into log; subordinate uids from subuid. */
static struct dump_worker *start_worker(int fd, struct capture *out, struct capture *log,
                                        struct output *o, const char *subuid)
{
    struct error e;
    capture_open(out);
    capture_log(log);
    *o = (struct output){.stream = out->f, .format = output_format_named("text")};
    struct dump_worker *w = dump_worker_start(
        "/shown", (struct dump_place){.dirfd = fd, .budget = 1u << 30, .total = UINT64_MAX}, o,
        subuid, &e);
    CHECK(w != NULL);
    return w;
}

/* The worker: lines for each job once done; stopping it kills what waits without a core. */
static void test_worker(void)
{
    struct capture out, log;
    char *msg;
    const char *dir = path_in(0, "worker");
    int fd = open_dir(dir, &msg);
    free(msg);
    struct output o;
    struct dump_worker *w = start_worker(fd, &out, &log, &o, SUBUID_FILE);
    struct dump_job job = {.conn = {.comm = "sleep", .ip = "192.0.2.7"}};
    pid_t pid = stopped_child(&job.target);
    job.conn.pid = (uint32_t)pid;
    dump_worker_submit(w, &job);
    CHECK(reaped_by_sigkill(pid));
    CHECK_INT(dump_worker_stop(w), 0);
    char *logged = capture_log_text(&log), *text = capture_text(&out), want[200];
    snprintf(want, sizeof(want),
             "Client:sleep (pid:%d) eBPFShield took a dump in /shown/ (ip-blacklist:192.0.2.7)\n",
             (int)pid);
    CHECK_STR(text, want);
    CHECK_STR(logged, "");
    free(text);
    free(logged);

    /* A gcore that hangs: stop cancels it and kills the queued process too. */
    char *old = strdup(getenv("PATH"));
    setenv("PATH", fake_gcore("worker-hang-bin", "#!/bin/sh\nexec /bin/sleep 600\n"), 1);
    w = start_worker(fd, &out, &log, &o, SUBUID_FILE);
    pid_t pids[2];
    for (int i = 0; i < 2; i++) {
        pids[i] = stopped_child(&job.target);
        job.conn.pid = (uint32_t)pids[i];
        dump_worker_submit(w, &job);
    }
    usleep(200 * 1000);
    CHECK_INT(dump_worker_stop(w), 2);
    setenv("PATH", old, 1);
    free(old);
    for (int i = 0; i < 2; i++)
        CHECK(reaped_by_sigkill(pids[i]));
    text = capture_text(&out);
    logged = capture_log_text(&log);
    for (int i = 0; i < 2; i++) { /* in either order: cancelled side by side */
        snprintf(want, sizeof(want),
                 "Client:sleep (pid:%d) was killed by eBPFShield (ip-blacklist:192.0.2.7) \n",
                 (int)pids[i]);
        CHECK(strstr(text, want) != NULL);
    }
    CHECK_INT(strlen(text), 2 * strlen(want));
    CHECK(strstr(logged, "dumping was cancelled") != NULL);
    free(text);
    free(logged);
    close(fd);
}

/* The path of an executable in PATH; 0, or -1. */
static int find_in_path(const char *name, char *buf, size_t len)
{
    char dirs[4096];
    snprintf(dirs, sizeof(dirs), "%s", getenv("PATH"));
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save))
        if (snprintf(buf, len, "%s/%s", d, name) < (int)len && access(buf, X_OK) == 0)
            return 0;
    return -1;
}

/* The text of a small file (NULL when it cannot be read), to free. */
static char *read_file_text(const char *path)
{
    char *text = calloc(1, 4096);
    FILE *f = fopen(path, "r");
    if (text && f)
        CHECK(fread(text, 1, 4095, f) < 4095);
    if (f)
        fclose(f);
    return text;
}

/* One user's gcores hang (gcore waits forever for these pids): another user's victim
 * is dumped meanwhile, and the hanging user's second victim waits, still stopped and its
 * gcore not started, for its first; stopping kills both. The two are of uids 200001 and
 * 65534: one user, nobody, whose subordinate uids hold the first. */
static void test_worker_fair(void)
{
    struct capture out, log;
    char *msg, hang_list[4300], started[4300], subuid[4300], script[17000], gcore[4096];
    const char *dir = path_in(0, "fair");
    int fd = open_dir(dir, &msg);
    free(msg);
    snprintf(hang_list, sizeof(hang_list), "%s/hang-pids", root);
    snprintf(started, sizeof(started), "%s/gcore-started", root);
    snprintf(subuid, sizeof(subuid), "%s/subuid", root);
    FILE *f = fopen(subuid, "w");
    CHECK(f && fputs("nobody:200000:10\n", f) >= 0 && fclose(f) == 0);
    CHECK_INT(find_in_path("gcore", gcore, sizeof(gcore)), 0);
    snprintf(script, sizeof(script),
             "#!/bin/sh\nPATH='%s'\necho \"$3\" >>%s\n"
             "case \" $(cat %s) \" in *\" $3 \"*) exec sleep 600;; esac\nexec %s \"$@\"\n",
             getenv("PATH"), started, hang_list, gcore);
    char *old = strdup(getenv("PATH"));
    setenv("PATH", fake_gcore("fair-bin", script), 1);
    struct output o;
    struct dump_worker *w = start_worker(fd, &out, &log, &o, subuid);
    struct dump_job job = {.conn = {.comm = "sleep", .ip = "192.0.2.7"}}, jobs[2] = {job, job};
    pid_t hung[2];
    f = fopen(hang_list, "w");
    for (int i = 0; i < 2; i++) {
        hung[i] = stopped_child(&jobs[i].target);
        jobs[i].target.uid = i == 0 ? 200001 : 65534;
        if (f)
            fprintf(f, "%d ", (int)hung[i]);
    }
    CHECK(f && fclose(f) == 0);
    for (int i = 0; i < 2; i++)
        dump_worker_submit(w, &jobs[i]);
    usleep(300 * 1000); /* the first hangs now */
    pid_t other = stopped_child(&job.target);
    job.target.uid = 0;
    dump_worker_submit(w, &job);
    CHECK(reaped_by_sigkill(other));
    CHECK(still_alive(hung[1]));
    CHECK_INT(proc_state(hung[1]), 'T');
    char pids[64], *gcores = read_file_text(started);
    snprintf(pids, sizeof(pids), "%d\n%d\n", (int)hung[0], (int)other); /* not hung[1] */
    CHECK_STR(gcores, pids);
    free(gcores);
    CHECK_INT(dump_worker_stop(w), 2);
    setenv("PATH", old, 1);
    free(old);
    for (int i = 0; i < 2; i++)
        CHECK(reaped_by_sigkill(hung[i]));
    char *text = capture_text(&out), *logged = capture_log_text(&log);
    CHECK(strstr(text, "took a dump in /shown/") != NULL);
    free(text);
    free(logged);
    unlink(hang_list);
    unlink(started);
    unlink(subuid);
    close(fd);
}

int main(void)
{
    alarm(120); /* a child that is never signalled must not hang the test */
    snprintf(root, sizeof(root), "/var/lib/ebpfshield-test.XXXXXX");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 2;
    }
    test_dir_creates();
    test_dir_refuses();
    test_core_taken();
    test_budget();
    test_total();
    test_user_share();
    test_sparse_core();
    test_gcore_missing_or_failing();
    test_cancel();
    test_gone_or_reused();
    test_identity();
    test_leader_exited();
    test_worker();
    test_worker_fair();
    if (scratch_dir_remove(root) != 0)
        check_failures++;
    CHECK_DONE();
}
