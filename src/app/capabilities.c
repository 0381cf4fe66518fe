/* The capabilities of a run, as measured on kernel 6.18 in tracepoint mode by starting a
 * root process with one capability at a time removed from its bounding set (the error
 * each removal gave is in the comment of its need):
 * - CAP_BPF, every run: the maps ("could not open bpf map: proc_names, error: Operation
 *   not permitted").
 * - CAP_PERFMON, every run: tracing programs ("Failed to load
 *   tracepoint__sched__sched_process_exec"), the guard's bpf_get_current_comm ("program of
 *   this type cannot use helper bpf_get_current_comm#16"), the perf buffer. Kprobe mode
 *   needs nothing more: bcc opens kprobes through the perf_kprobe PMU, which asks for
 *   CAP_PERFMON (its fallback writes kprobe_events, root's file).
 * - CAP_NET_RAW, ebpf_monitor: the AF_PACKET socket of the DNS filter ("opening raw packet
 *   socket: Operation not permitted").
 * - CAP_NET_ADMIN, every run: cgroup sock_addr and skb programs, the guard's and the
 *   monitor's socket hooks ("Failed to load guard_connect4: -1", "Failed to load
 *   monitor_connect4: -1").
 * - CAP_SYS_PTRACE, --block dump: gcore attaches to the process ("gcore failed").
 * - CAP_KILL, --block dump: the SIGKILL after the core, to a process of another user
 *   ("SIGKILL: Operation not permitted"; the kernel's own signals, bpf_send_signal, need
 *   none, so kill and suspend do not).
 * - CAP_IPC_LOCK, when the perf buffer exceeds RLIMIT_MEMLOCK plus what other processes
 *   of the user left of the perf allowance ("mmap: Operation not permitted" under a 1 MiB
 *   limit, and under 8 MiB for the monitor while the guard runs).
 * - CAP_SYS_ADMIN, only to mount tracefs or cgroup2 where they are not mounted (bcc
 *   cannot compile tracepoint programs without tracefs; both features need the cgroup2
 *   root).
 * - CAP_DAC_READ_SEARCH is not asked for: without it the monitor cannot name sockets'
 *   cgroups (open_by_handle_at), says so once, and goes on without them.
 * Nothing else: the instance lock in /run, the state directories, the feeds and /proc are
 * root's files or readable by all (uid 0 needs no CAP_DAC_OVERRIDE for its own files). */
#include "app/capabilities.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const cap_names[] = {"CAP_CHOWN",
                                        "CAP_DAC_OVERRIDE",
                                        "CAP_DAC_READ_SEARCH",
                                        "CAP_FOWNER",
                                        "CAP_FSETID",
                                        "CAP_KILL",
                                        "CAP_SETGID",
                                        "CAP_SETUID",
                                        "CAP_SETPCAP",
                                        "CAP_LINUX_IMMUTABLE",
                                        "CAP_NET_BIND_SERVICE",
                                        "CAP_NET_BROADCAST",
                                        "CAP_NET_ADMIN",
                                        "CAP_NET_RAW",
                                        "CAP_IPC_LOCK",
                                        "CAP_IPC_OWNER",
                                        "CAP_SYS_MODULE",
                                        "CAP_SYS_RAWIO",
                                        "CAP_SYS_CHROOT",
                                        "CAP_SYS_PTRACE",
                                        "CAP_SYS_PACCT",
                                        "CAP_SYS_ADMIN",
                                        "CAP_SYS_BOOT",
                                        "CAP_SYS_NICE",
                                        "CAP_SYS_RESOURCE",
                                        "CAP_SYS_TIME",
                                        "CAP_SYS_TTY_CONFIG",
                                        "CAP_MKNOD",
                                        "CAP_LEASE",
                                        "CAP_AUDIT_WRITE",
                                        "CAP_AUDIT_CONTROL",
                                        "CAP_SETFCAP",
                                        "CAP_MAC_OVERRIDE",
                                        "CAP_MAC_ADMIN",
                                        "CAP_SYSLOG",
                                        "CAP_WAKE_ALARM",
                                        "CAP_BLOCK_SUSPEND",
                                        "CAP_AUDIT_READ",
                                        "CAP_PERFMON",
                                        "CAP_BPF",
                                        "CAP_CHECKPOINT_RESTORE"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *caps_name(int cap)
{
    if (cap < 0 || (size_t)cap >= COUNT(cap_names))
        return "CAP_(unknown)";
    return cap_names[cap];
}

static size_t add(struct caps_need *out, size_t n, int cap, const char *why)
{
    out[n] = (struct caps_need){.cap = cap, .why = why};
    return n + 1;
}

static const char *perfmon_why(const struct caps_request *r)
{
    bool kprobes = r->attach != ATTACH_TRACEPOINT;
    if (r->feature == FEATURE_MONITOR)
        return kprobes ? "to attach the kprobe and tracepoint programs and open the perf buffer"
                       : "to attach the tracepoint programs and open the perf buffer";
    return kprobes ? "for the guard's process names, kprobe, tracepoints and perf buffer"
                   : "for the guard's process names, tracepoints and perf buffer";
}

static const char *admin_why(const struct caps_request *r)
{
    if (r->perf_locked) /* this covers the mounts too */
        return "for perf_event_open, which kprobes, tracepoints and the perf buffer use: "
               "kernel.perf_event_paranoid is above 2, as Debian sets it, and then only "
               "CAP_SYS_ADMIN may";
    bool cgroup2 = r->cgroup2_missing;
    if (r->tracefs_missing && cgroup2)
        return "to mount tracefs at /sys/kernel/tracing and a cgroup2 hierarchy: no tracing "
               "directory is readable, no cgroup2 is mounted";
    if (r->tracefs_missing)
        return "to mount tracefs at /sys/kernel/tracing: no tracing directory is readable";
    return cgroup2 ? "to mount a cgroup2 hierarchy for the cgroup programs: none is mounted" : NULL;
}

/* BPF, PERFMON, NET_RAW, NET_ADMIN, the action's, IPC_LOCK, SYS_ADMIN. */
_Static_assert(4 + BLOCK_CAPS_MAX + 2 <= CAPS_NEED_MAX, "CAPS_NEED_MAX is too small");

size_t caps_needed(const struct caps_request *r, struct caps_need out[CAPS_NEED_MAX])
{
    size_t n = 0;
    n = add(out, n, CAP_BPF, "to create the BPF maps and load the programs");
    n = add(out, n, CAP_PERFMON, perfmon_why(r));
    if (r->feature == FEATURE_MONITOR) {
        n = add(out, n, CAP_NET_RAW, "to open the raw packet socket of the DNS filter");
        n = add(out, n, CAP_NET_ADMIN, "to load the monitor's socket hooks, cgroup programs");
    } else {
        n = add(out, n, CAP_NET_ADMIN,
                r->inbound ? "to load the guard's cgroup programs and link --inbound's XDP "
                             "programs to the interfaces"
                           : "to load the guard's cgroup programs");
    }
    if (r->feature == FEATURE_GUARD) {
        const struct block_cap *caps = block_actions[r->block].caps;
        for (size_t i = 0; i < BLOCK_CAPS_MAX && caps[i].why; i++)
            n = add(out, n, caps[i].cap, caps[i].why);
    }
    if (r->memlock_short)
        n = add(out, n, CAP_IPC_LOCK, "to lock the perf buffer, larger than RLIMIT_MEMLOCK allows");
    const char *admin = admin_why(r);
    if (admin)
        n = add(out, n, CAP_SYS_ADMIN, admin);
    return n;
}

static bool holds(uint64_t held, int cap)
{
    return (held >> cap) & 1;
}

/* The kernel accepts CAP_SYS_ADMIN wherever these are asked for (bpf_capable(),
 * perfmon_capable(), bpf_net_capable()). */
static bool covered(uint64_t held, int cap)
{
    if (holds(held, cap))
        return true;
    return (cap == CAP_BPF || cap == CAP_PERFMON || cap == CAP_NET_ADMIN) &&
           holds(held, CAP_SYS_ADMIN);
}

int caps_check(const struct caps_request *r, uint64_t held, struct error *e)
{
    struct caps_need need[CAPS_NEED_MAX];
    size_t n = caps_needed(r, need), missing = 0;
    char list[ERROR_MSG_MAX / 2];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (covered(held, need[i].cap))
            continue;
        int w = snprintf(list + len, sizeof(list) - len, "%s%s (%s)", missing ? ", " : "",
                         caps_name(need[i].cap), need[i].why);
        if (w > 0 && (size_t)w < sizeof(list) - len)
            len += (size_t)w;
        missing++;
    }
    if (!missing)
        return 0;
    return error_set(e, "missing %s: %s; it must run as root or be granted %s",
                     missing == 1 ? "capability" : "capabilities", list,
                     missing == 1 ? "it" : "them");
}

bool caps_memlock_short(uint64_t pages_per_cpu, uint64_t page_size, unsigned cpus, uint64_t memlock,
                        uint64_t mlock_kb, int paranoid, uint64_t others_pages)
{
    /* perf_mmap(): pages past the user's allowance are charged to the process, which may
     * pin RLIMIT_MEMLOCK of them, unless CAP_IPC_LOCK or paranoid -1. The allowance is
     * shared by every process of the user. */
    if (paranoid < 0 || memlock == UINT64_MAX || page_size == 0)
        return false;
    uint64_t pages = (uint64_t)cpus * (pages_per_cpu + 1);
    uint64_t allowance = (mlock_kb * 1024 / page_size) * cpus;
    allowance -= others_pages < allowance ? others_pages : allowance;
    return pages > memlock / page_size + allowance;
}

/* The pages of the perf buffers in one maps file (lines ending in [perf_event]). */
static uint64_t perf_pages_in_maps(FILE *maps, uint64_t page_size)
{
    char line[512];
    uint64_t pages = 0;
    while (fgets(line, sizeof(line), maps)) {
        unsigned long long start, end;
        if (strstr(line, "[perf_event]") && sscanf(line, "%llx-%llx", &start, &end) == 2 &&
            end > start)
            pages += (end - start) / page_size;
    }
    return pages;
}

uint64_t caps_perf_pages_of_uid(int proc_fd, uid_t uid, uint64_t page_size)
{
    int fd = dup(proc_fd);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    uint64_t pages = 0;
    const struct dirent *d;
    char path[64];
    while ((d = readdir(dir))) {
        struct stat st;
        char *end;
        long pid = strtol(d->d_name, &end, 10);
        if (*end || pid <= 0 || pid == getpid() ||
            fstatat(proc_fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_uid != uid)
            continue;
        snprintf(path, sizeof(path), "%ld/maps", pid);
        int maps_fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        FILE *maps = maps_fd >= 0 ? fdopen(maps_fd, "re") : NULL;
        if (!maps) {
            if (maps_fd >= 0)
                close(maps_fd);
            continue;
        }
        pages += perf_pages_in_maps(maps, page_size);
        fclose(maps);
    }
    closedir(dir);
    return pages;
}

int caps_effective(uint64_t *held, struct error *e)
{
    struct __user_cap_header_struct head = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof(data));
    int rc = 0;
    if (syscall(SYS_capget, &head, data) != 0) /* data stays zeroed: none held */
        rc = error_set(e, "capget: %s", strerror(errno));
    *held = (uint64_t)data[0].effective | (uint64_t)data[1].effective << 32;
    return rc;
}

/* A number from a /proc/sys file, or fallback. */
static long long sysctl_number(const char *path, long long fallback)
{
    long long v = fallback;
    FILE *f = fopen(path, "re");
    if (f) {
        if (fscanf(f, "%lld", &v) != 1)
            v = fallback;
        fclose(f);
    }
    return v;
}

static bool memlock_short(int perf_pages_per_cpu, int paranoid)
{
    struct rlimit rl;
    uint64_t memlock = UINT64_MAX;
    if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        memlock = rl.rlim_cur;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN), page = sysconf(_SC_PAGESIZE);
    long long mlock_kb = sysctl_number("/proc/sys/kernel/perf_event_mlock_kb", 516);
    uint64_t page_size = page > 0 ? (uint64_t)page : 4096, others = 0;
    int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc >= 0) {
        others = caps_perf_pages_of_uid(proc, getuid(), page_size);
        close(proc);
    }
    return caps_memlock_short((uint64_t)perf_pages_per_cpu, page_size,
                              cpus > 0 ? (unsigned)cpus : 1, memlock,
                              mlock_kb > 0 ? (uint64_t)mlock_kb : 0, paranoid, others);
}

int caps_check_process(const struct caps_request *asked, int perf_pages_per_cpu, struct error *e)
{
    int paranoid = (int)sysctl_number("/proc/sys/kernel/perf_event_paranoid", 2);
    struct caps_request r = *asked;
    r.tracefs_missing = !attach_tracefs_mounted();
    r.cgroup2_missing = !attach_cgroup2_mounted();
    r.memlock_short = memlock_short(perf_pages_per_cpu, paranoid);
    r.perf_locked = paranoid > 2;
    uint64_t held;
    if (caps_effective(&held, e) != 0)
        return -1;
    return caps_check(&r, held, e);
}
