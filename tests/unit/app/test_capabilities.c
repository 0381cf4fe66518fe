/* Unit tests of the capability check: the set each feature and --block action needs (as
 * measured, see capabilities.c), the exact one-line message for every missing one, the
 * kernel's CAP_SYS_ADMIN fallback, Debian's perf_event_paranoid 3, the memlock arithmetic of
 * perf_mmap() on the cases measured on a 2-CPU machine, and the real effective set: capget against
 * /proc/self/status, and this process with CAP_NET_RAW dropped from its effective set. */
#include "app/capabilities.h"
#include "check.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIT(c) (1ull << (c))
#define MIB (1024ull * 1024)

static uint64_t mask_of(const struct caps_request *r)
{
    struct caps_need need[CAPS_NEED_MAX];
    uint64_t m = 0;
    size_t n = caps_needed(r, need);
    for (size_t i = 0; i < n; i++)
        m |= BIT(need[i].cap);
    return m;
}

static struct caps_request monitor(void)
{
    return (struct caps_request){.feature = FEATURE_MONITOR, .attach = ATTACH_TRACEPOINT};
}

static struct caps_request guard(enum block_action block)
{
    return (struct caps_request){
        .feature = FEATURE_GUARD, .block = block, .attach = ATTACH_TRACEPOINT};
}

static void test_names(void)
{
    CHECK_STR(caps_name(CAP_NET_RAW), "CAP_NET_RAW");
    CHECK_STR(caps_name(CAP_SYS_PTRACE), "CAP_SYS_PTRACE");
    CHECK_STR(caps_name(CAP_KILL), "CAP_KILL");
    CHECK_STR(caps_name(CAP_BPF), "CAP_BPF");
    CHECK_STR(caps_name(CAP_PERFMON), "CAP_PERFMON");
    CHECK_STR(caps_name(CAP_IPC_LOCK), "CAP_IPC_LOCK");
    CHECK_STR(caps_name(CAP_SYS_ADMIN), "CAP_SYS_ADMIN");
    CHECK_STR(caps_name(CAP_LAST_CAP), "CAP_CHECKPOINT_RESTORE");
    CHECK_STR(caps_name(CAP_LAST_CAP + 1), "CAP_(unknown)");
    CHECK_STR(caps_name(-1), "CAP_(unknown)");
}

static void test_sets(void)
{
    const uint64_t base = BIT(CAP_BPF) | BIT(CAP_PERFMON);
    const uint64_t mon = base | BIT(CAP_NET_RAW) | BIT(CAP_NET_ADMIN);
    struct caps_request r = monitor();
    CHECK_INT(mask_of(&r), mon);
    r.attach = ATTACH_KPROBE; /* kprobes through the perf_kprobe PMU: CAP_PERFMON */
    CHECK_INT(mask_of(&r), mon);
    r.block = BLOCK_DUMP; /* --block is ebpf_ipintelligence's */
    CHECK_INT(mask_of(&r), mon);
    r.cgroup2_missing = true; /* the socket hooks need the cgroup2 root */
    CHECK_INT(mask_of(&r), mon | BIT(CAP_SYS_ADMIN));
    r.cgroup2_missing = false;
    r.tracefs_missing = true;
    CHECK_INT(mask_of(&r), mon | BIT(CAP_SYS_ADMIN));
    r = monitor();
    r.memlock_short = true;
    CHECK_INT(mask_of(&r), mon | BIT(CAP_IPC_LOCK));

    const enum block_action plain[] = {BLOCK_PRINT, BLOCK_DENY, BLOCK_SUSPEND, BLOCK_KILL};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        r = guard(plain[i]);
        CHECK_INT(mask_of(&r), base | BIT(CAP_NET_ADMIN));
        r.attach = ATTACH_AUTO;
        CHECK_INT(mask_of(&r), base | BIT(CAP_NET_ADMIN));
    }
    r = guard(BLOCK_DUMP);
    CHECK_INT(mask_of(&r), base | BIT(CAP_NET_ADMIN) | BIT(CAP_SYS_PTRACE) | BIT(CAP_KILL));
    r = guard(BLOCK_KILL);
    r.cgroup2_missing = true;
    CHECK_INT(mask_of(&r), base | BIT(CAP_NET_ADMIN) | BIT(CAP_SYS_ADMIN));
    r.tracefs_missing = true; /* one CAP_SYS_ADMIN for both mounts */
    struct caps_need need[CAPS_NEED_MAX];
    CHECK_INT(caps_needed(&r, need), 4);
}

/* caps_check's message for r with held, or "" when it passes. */
static const char *message(const struct caps_request *r, uint64_t held)
{
    static struct error e;
    if (caps_check(r, held, &e) == 0)
        return "";
    return e.msg;
}

/* --inbound: CAP_NET_ADMIN named for its XDP links too. */
static void test_inbound_message(void)
{
    struct caps_request r = {.feature = FEATURE_GUARD, .block = BLOCK_PRINT, .inbound = true};
    CHECK_STR(message(&r, BIT(CAP_BPF) | BIT(CAP_PERFMON)),
              "missing capability: CAP_NET_ADMIN (to load the guard's cgroup programs and link "
              "--inbound's XDP programs to the interfaces); it must run as root or be granted "
              "it");
}

static void test_messages(void)
{
    struct caps_request r = monitor();
    const uint64_t mon = BIT(CAP_BPF) | BIT(CAP_PERFMON) | BIT(CAP_NET_RAW) | BIT(CAP_NET_ADMIN);
    CHECK_STR(message(&r, mon), "");
    CHECK_STR(message(&r, ~0ull), "");
    CHECK_STR(message(&r, mon & ~BIT(CAP_NET_RAW)),
              "missing capability: CAP_NET_RAW (to open the raw packet socket of the DNS "
              "filter); it must run as root or be granted it");
    CHECK_STR(message(&r, mon & ~BIT(CAP_PERFMON)),
              "missing capability: CAP_PERFMON (to attach the tracepoint programs and open the "
              "perf buffer); it must run as root or be granted it");
    CHECK_STR(message(&r, 0),
              "missing capabilities: CAP_BPF (to create the BPF maps and load the programs), "
              "CAP_PERFMON (to attach the tracepoint programs and open the perf buffer), "
              "CAP_NET_RAW (to open the raw packet socket of the DNS filter), CAP_NET_ADMIN (to "
              "load the monitor's socket hooks, cgroup programs); it must run as root or be "
              "granted them");
    CHECK_STR(message(&r, mon & ~BIT(CAP_NET_ADMIN)),
              "missing capability: CAP_NET_ADMIN (to load the monitor's socket hooks, cgroup "
              "programs); it must run as root or be granted it");
    /* CAP_SYS_ADMIN covers CAP_BPF and CAP_PERFMON (the kernel's fallback), not a raw
     * socket. */
    CHECK_STR(message(&r, BIT(CAP_SYS_ADMIN)),
              "missing capability: CAP_NET_RAW (to open the raw packet socket of the DNS "
              "filter); it must run as root or be granted it");
    r.attach = ATTACH_AUTO;
    CHECK_STR(message(&r, mon & ~BIT(CAP_PERFMON)),
              "missing capability: CAP_PERFMON (to attach the kprobe and tracepoint programs and "
              "open the perf buffer); it must run as root or be granted it");
    r.tracefs_missing = true;
    CHECK_STR(message(&r, mon),
              "missing capability: CAP_SYS_ADMIN (to mount tracefs at /sys/kernel/tracing: no "
              "tracing directory is readable); it must run as root or be granted it");
    r.memlock_short = true;
    CHECK_STR(message(&r, mon | BIT(CAP_SYS_ADMIN)),
              "missing capability: CAP_IPC_LOCK (to lock the perf buffer, larger than "
              "RLIMIT_MEMLOCK allows); it must run as root or be granted it");

    r = guard(BLOCK_DUMP);
    const uint64_t dump =
        BIT(CAP_BPF) | BIT(CAP_PERFMON) | BIT(CAP_NET_ADMIN) | BIT(CAP_SYS_PTRACE) | BIT(CAP_KILL);
    CHECK_STR(message(&r, dump), "");
    CHECK_STR(message(&r, dump & ~BIT(CAP_KILL)),
              "missing capability: CAP_KILL (to kill a dumped process of another user); it "
              "must run as root or be granted it");
    CHECK_STR(message(&r, dump & ~BIT(CAP_SYS_PTRACE)),
              "missing capability: CAP_SYS_PTRACE (for gcore to attach to the process it "
              "dumps); it must run as root or be granted it");
    CHECK_STR(message(&r, dump & ~BIT(CAP_NET_ADMIN)),
              "missing capability: CAP_NET_ADMIN (to load the guard's cgroup programs); it "
              "must run as root or be granted it");
    CHECK_STR(message(&r, dump & ~(BIT(CAP_SYS_PTRACE) | BIT(CAP_KILL))),
              "missing capabilities: CAP_SYS_PTRACE (for gcore to attach to the process it "
              "dumps), CAP_KILL (to kill a dumped process of another user); it must run as "
              "root or be granted them");
    r = guard(BLOCK_KILL);
    CHECK_STR(message(&r, BIT(CAP_SYS_ADMIN)), ""); /* covers BPF, PERFMON, NET_ADMIN */
    CHECK_STR(message(&r, dump & ~(BIT(CAP_SYS_PTRACE) | BIT(CAP_KILL))), "");
    CHECK_STR(message(&r, BIT(CAP_BPF) | BIT(CAP_NET_ADMIN)),
              "missing capability: CAP_PERFMON (for the guard's process names, tracepoints and "
              "perf buffer); it must run as root or be granted it");
    r.cgroup2_missing = true;
    CHECK_STR(message(&r, dump),
              "missing capability: CAP_SYS_ADMIN (to mount a cgroup2 hierarchy for the cgroup "
              "programs: none is mounted); it must run as root or be granted it");
    r.tracefs_missing = true;
    CHECK_STR(message(&r, dump),
              "missing capability: CAP_SYS_ADMIN (to mount tracefs at /sys/kernel/tracing and a "
              "cgroup2 hierarchy: no tracing directory is readable, no cgroup2 is mounted); it "
              "must run as root or be granted it");
}

/* kernel.perf_event_paranoid above 2 (Debian's 3; the stock kernel in tests/vm): only
 * CAP_SYS_ADMIN may call perf_event_open, whatever the feature. */
static void test_perf_locked(void)
{
    struct caps_request r = monitor();
    r.perf_locked = true;
    const uint64_t mon = BIT(CAP_BPF) | BIT(CAP_PERFMON) | BIT(CAP_NET_RAW) | BIT(CAP_NET_ADMIN);
    CHECK_INT(mask_of(&r), mon | BIT(CAP_SYS_ADMIN));
    CHECK_STR(message(&r, mon),
              "missing capability: CAP_SYS_ADMIN (for perf_event_open, which kprobes, "
              "tracepoints and the perf buffer use: kernel.perf_event_paranoid is above 2, as "
              "Debian sets it, and then only CAP_SYS_ADMIN may); it must run as root or be "
              "granted it");
    CHECK_STR(message(&r, BIT(CAP_SYS_ADMIN) | BIT(CAP_NET_RAW)), "");
    r = guard(BLOCK_DENY);
    r.perf_locked = r.tracefs_missing = r.cgroup2_missing = true; /* one reason for all */
    struct caps_need need[CAPS_NEED_MAX];
    CHECK_INT(caps_needed(&r, need), 4);
    CHECK_STR(message(&r, BIT(CAP_SYS_ADMIN)), "");
}

static void test_memlock(void)
{
    /* Measured on 2 CPUs, kernel.perf_event_mlock_kb 516, paranoid 2: the monitor's 4 MiB
     * per CPU start under the default 8 MiB limit and fail under 1 MiB ("mmap: Operation
     * not permitted"); ipintelligence's 1 MiB per CPU start under 1 MiB (exactly at it). */
    CHECK(!caps_memlock_short(1024, 4096, 2, 8 * MIB, 516, 2, 0));
    CHECK(caps_memlock_short(1024, 4096, 2, 1 * MIB, 516, 2, 0));
    CHECK(!caps_memlock_short(256, 4096, 2, 1 * MIB, 516, 2, 0));
    CHECK(caps_memlock_short(256, 4096, 3, 1 * MIB, 516, 2, 0));
    /* 8 CPUs under the default limit: the monitor needs CAP_IPC_LOCK. */
    CHECK(caps_memlock_short(1024, 4096, 8, 8 * MIB, 516, 2, 0));
    CHECK(!caps_memlock_short(1024, 4096, 8, UINT64_MAX, 516, 2, 0));
    CHECK(!caps_memlock_short(1024, 4096, 8, 0, 516, -1, 0));
    CHECK(caps_memlock_short(1024, 4096, 8, 0, 516, 0, 0));
    /* 2 CPUs, the guard's buffers (2 x 257 pages) taken first: the monitor's are short
     * under 8 MiB (measured: "mmap: Operation not permitted"); a lesser share is not. */
    CHECK(caps_memlock_short(1024, 4096, 2, 8 * MIB, 516, 2, 514));
    CHECK(!caps_memlock_short(1024, 4096, 2, 8 * MIB, 516, 2, 100));
}

/* A child of this process maps a perf buffer of 1 + 8 pages: caps_perf_pages_of_uid
 * counts them (and what other processes of this uid hold), not this process's. */
static void test_perf_pages_of_others(void)
{
    long page = sysconf(_SC_PAGESIZE);
    int ready[2];
    if (pipe(ready) != 0) {
        CHECK(0);
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        struct perf_event_attr attr = {.type = PERF_TYPE_SOFTWARE,
                                       .size = sizeof(attr),
                                       .config = PERF_COUNT_SW_DUMMY,
                                       .exclude_kernel = 1};
        int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
        void *buf = fd >= 0
                        ? mmap(NULL, 9 * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                        : MAP_FAILED;
        char ok = buf != MAP_FAILED;
        if (write(ready[1], &ok, 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    char ok = 0;
    CHECK(read(ready[0], &ok, 1) == 1 && ok);
    int proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    uint64_t before = 0;
    CHECK(proc >= 0);
    if (proc >= 0 && ok) {
        before = caps_perf_pages_of_uid(proc, getuid(), (uint64_t)page);
        CHECK(before >= 9);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    if (proc >= 0 && ok)
        CHECK(caps_perf_pages_of_uid(proc, getuid(), (uint64_t)page) <= before - 9);
    if (proc >= 0)
        close(proc);
    close(ready[0]);
    close(ready[1]);
}

/* CapEff of /proc/self/status. */
static uint64_t status_effective(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    unsigned long long v = ~0ull;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "CapEff: %llx", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

static int set_effective(uint64_t eff)
{
    struct __user_cap_header_struct head = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    if (syscall(SYS_capget, &head, data) != 0)
        return -1;
    data[0].effective = (uint32_t)eff;
    data[1].effective = (uint32_t)(eff >> 32);
    return (int)syscall(SYS_capset, &head, data);
}

static void test_this_process(void)
{
    uint64_t held = 0;
    struct error e;
    CHECK_INT(caps_effective(&held, &e), 0);
    CHECK_INT(held, status_effective());

    /* This process without CAP_NET_RAW in its effective set: the monitor's check names it
     * (alone when the rest is held, as root). */
    struct caps_request asked = {.feature = FEATURE_MONITOR, .attach = ATTACH_AUTO};
    const uint64_t rest = BIT(CAP_BPF) | BIT(CAP_PERFMON) | BIT(CAP_SYS_ADMIN) | BIT(CAP_IPC_LOCK);
    CHECK_INT(set_effective(held & ~BIT(CAP_NET_RAW)), 0);
    int rc = caps_check_process(&asked, 1024, &e);
    CHECK_INT(rc, -1);
    if ((held & rest) == rest)
        CHECK_STR(e.msg, "missing capability: CAP_NET_RAW (to open the raw packet socket of the "
                         "DNS filter); it must run as root or be granted it");
    else
        CHECK(strstr(e.msg, "CAP_NET_RAW (to open the raw packet socket") != NULL);
    CHECK_INT(set_effective(held), 0);
    uint64_t back = 0;
    CHECK_INT(caps_effective(&back, &e), 0);
    CHECK_INT(back, held);
    if ((held & (rest | BIT(CAP_NET_RAW))) == (rest | BIT(CAP_NET_RAW)))
        CHECK_INT(caps_check_process(&asked, 1024, &e), 0);
}

int main(void)
{
    test_names();
    test_sets();
    test_messages();
    test_inbound_message();
    test_perf_locked();
    test_memlock();
    test_perf_pages_of_others();
    test_this_process();
    CHECK_DONE();
}
