#include "engine/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <sys/syscall.h>

/* libbcc prefers the debugfs path when it exists; so do we. */
static const char *const tracing_dirs[] = {"/sys/kernel/debug/tracing", "/sys/kernel/tracing"};

static const char *tracing_dir(void)
{
    char path[128];
    for (size_t i = 0; i < sizeof(tracing_dirs) / sizeof(tracing_dirs[0]); i++) {
        snprintf(path, sizeof(path), "%s/events", tracing_dirs[i]);
        if (access(path, F_OK) == 0)
            return tracing_dirs[i];
    }
    return NULL;
}

int attach_tracepoint_field(const char *event, const char *field)
{
    const char *dir = tracing_dir();
    char path[256], line[512], want[128];
    if (!dir)
        return -1;
    snprintf(path, sizeof(path), "%s/events/%s/format", dir, event);
    snprintf(want, sizeof(want), " %s;", field);
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    int offset = -1;
    while (offset < 0 && fgets(line, sizeof(line), f)) {
        const char *at = strstr(line, "offset:");
        if (strstr(line, want) && at)
            offset = atoi(at + strlen("offset:"));
    }
    fclose(f);
    return offset;
}

bool attach_tracepoint_exists(const char *tracepoint)
{
    const char *dir = tracing_dir(), *colon = strchr(tracepoint, ':');
    char path[512];
    if (!dir || !colon)
        return true;
    snprintf(path, sizeof(path), "%s/events/%.*s/%s", dir, (int)(colon - tracepoint), tracepoint,
             colon + 1);
    return access(path, F_OK) == 0;
}

#define TRACEFS_DIR "/sys/kernel/tracing"

static bool tracefs_mounted_here; /* attach_ensure_tracefs() mounted it */

bool attach_tracefs_mounted(void)
{
    return tracing_dir() != NULL;
}

void attach_ensure_tracefs(void)
{
    if (!tracing_dir() &&
        mount("tracefs", TRACEFS_DIR, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0)
        tracefs_mounted_here = true;
}

void attach_release_tracefs(void)
{
    if (!tracefs_mounted_here)
        return;
    tracefs_mounted_here = false;
    /* Not lazily: whoever uses it meanwhile keeps it. */
    if (umount2(TRACEFS_DIR, UMOUNT_NOFOLLOW) != 0)
        log_warn("tracefs mounted at start stays at %s: %s", TRACEFS_DIR, strerror(errno));
}

bool attach_kprobes_available(char *why, size_t len)
{
    const char *dir = tracing_dir();
    if (!dir) {
        snprintf(why, len, "no tracefs mounted");
        return false;
    }
    char path[128];
    snprintf(path, sizeof(path), "%s/kprobe_events", dir);
    if (access(path, W_OK) == 0)
        return true;
    snprintf(why, len, "%s: %s (kernel built without CONFIG_KPROBES?)", path, strerror(errno));
    return false;
}

int attach_choose(enum attach_mode requested, struct error *e)
{
    char why[256];
    bool kprobes = attach_kprobes_available(why, sizeof(why));
    switch (requested) {
    case ATTACH_KPROBE:
        if (!kprobes)
            return error_set(e, "--attach kprobe: kprobes unavailable: %s", why);
        log_note("attach mode: kprobe (requested)");
        return ATTACH_KPROBE;
    case ATTACH_TRACEPOINT:
        log_note("attach mode: tracepoint (requested)");
        return ATTACH_TRACEPOINT;
    case ATTACH_AUTO:
        break;
    }
    if (kprobes) {
        log_note("attach mode: kprobe (kprobes available)");
        return ATTACH_KPROBE;
    }
    log_note("attach mode: tracepoint (kprobes unavailable: %s)", why);
    return ATTACH_TRACEPOINT;
}

static bool headers_at(const char *dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/include/linux/kconfig.h", dir);
    return access(path, R_OK) == 0;
}

int attach_check_kernel_headers(struct error *e)
{
    struct utsname u;
    char dir[300];
    const char *env = getenv("BCC_KERNEL_SOURCE");
    if (env && headers_at(env))
        return 0;
    uname(&u);
    snprintf(dir, sizeof(dir), "/lib/modules/%s/build", u.release);
    if (headers_at(dir) || access("/sys/kernel/kheaders.tar.xz", R_OK) == 0)
        return 0;
    snprintf(dir, sizeof(dir), "/lib/modules/%s/source", u.release);
    if (headers_at(dir))
        return 0;
    return error_set(e,
                     "kernel headers for %s not found in /lib/modules/%s/build: install "
                     "linux-headers-%s (for a kernel Debian does not ship, "
                     "scripts/kernel-headers.sh points libbcc at Debian's linux-headers-amd64)",
                     u.release, u.release, u.release);
}

/* The first cgroup2 mount point in /proc/self/mounts, or NULL. */
static char *find_cgroup2_mount(char *buf, size_t len)
{
    FILE *mounts = setmntent("/proc/self/mounts", "r");
    struct mntent *m;
    char *found = NULL;
    if (!mounts)
        return NULL;
    while (!found && (m = getmntent(mounts)) != NULL) {
        if (strcmp(m->mnt_type, "cgroup2") == 0) {
            snprintf(buf, len, "%s", m->mnt_dir);
            found = buf;
        }
    }
    endmntent(mounts);
    return found;
}

/* Mounts the cgroup2 hierarchy on a fresh root-only directory just long enough to open
 * its root (e.g. under `ip netns exec`, which remounts /sys without it). */
static int open_cgroup2_privately(struct error *e)
{
    char dir[] = "/run/ebpfshield-cgroup2.XXXXXX";
    int fd = -1;
    if (!mkdtemp(dir))
        return error_set(e, "cannot create a mount point in /run: %s", strerror(errno));
    if (mount("cgroup2", dir, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0) {
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        umount2(dir, MNT_DETACH);
    }
    if (fd < 0)
        error_set(e,
                  "no cgroup2 hierarchy (tracepoint mode of ebpf_ipintelligence attaches to "
                  "its root): %s",
                  strerror(errno));
    rmdir(dir);
    return fd;
}

bool attach_cgroup2_mounted(void)
{
    char path[PATH_MAX];
    return find_cgroup2_mount(path, sizeof(path)) != NULL;
}

int attach_open_cgroup2_root(struct error *e)
{
    char path[PATH_MAX];
    if (find_cgroup2_mount(path, sizeof(path))) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0)
            return fd;
    }
    return open_cgroup2_privately(e);
}

/* 0 when the kernel loads a program of type (expected attach type, BTF id of the kernel
 * function it attaches to: 0 for none) of insns, else the errno of its refusal. */
static int program_load_error(enum bpf_prog_type type, enum bpf_attach_type expected,
                              uint32_t btf_id, const struct bpf_insn *insns, unsigned int count)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = type;
    attr.expected_attach_type = expected;
    attr.attach_btf_id = btf_id;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = count;
    attr.license = (uint64_t)(uintptr_t) "GPL";
    int fd = (int)syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

/* Whether the kernel loads a program of type (and expected attach type) of insns. */
static bool program_loads(enum bpf_prog_type type, enum bpf_attach_type expected,
                          const struct bpf_insn *insns, unsigned int count)
{
    return program_load_error(type, expected, 0, insns, count) == 0;
}

/* r0 = get_current_pid_tgid(); r1 = 0; r0 = send_signal(r1); r0 = 1; exit */
static const struct bpf_insn signals_task[] = {
    {.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_current_pid_tgid},
    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0},
    {.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_send_signal},
    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1},
    {.code = BPF_JMP | BPF_EXIT},
};

bool attach_skb_knows_task(void)
{
    return program_loads(BPF_PROG_TYPE_CGROUP_SKB, 0, signals_task,
                         sizeof(signals_task) / sizeof(signals_task[0]));
}

bool attach_sock_addr_signals(void)
{
    return program_loads(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, signals_task,
                         sizeof(signals_task) / sizeof(signals_task[0]));
}

bool attach_sock_addr_reads_task(void)
{
    /* r3 = get_current_task(); r1 = fp - 8; r2 = 8; probe_read_kernel(r1, r2, r3); r0 = 1 */
    const struct bpf_insn insns[] = {
        {.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_current_task},
        {.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_3, .src_reg = BPF_REG_0},
        {.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_10},
        {.code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_1, .imm = -8},
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 8},
        {.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_probe_read_kernel},
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1},
        {.code = BPF_JMP | BPF_EXIT},
    };
    return program_loads(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, insns,
                         sizeof(insns) / sizeof(insns[0]));
}

/* Whether bpf is among the LSMs the kernel runs (securityfs' lsm: "capability,...,bpf"). */
static int bpf_lsm_active(struct error *e)
{
    const char *path = "/sys/kernel/security/lsm";
    char list[512];
    FILE *f = fopen(path, "re");
    if (!f)
        return error_set(e, "cannot tell whether the kernel runs BPF LSM programs (%s: %s)", path,
                         strerror(errno));
    size_t n = fread(list, 1, sizeof(list) - 1, f);
    fclose(f);
    list[n] = '\0';
    for (char *save = NULL, *lsm = strtok_r(list, ",\n", &save); lsm;
         lsm = strtok_r(NULL, ",\n", &save))
        if (strcmp(lsm, "bpf") == 0)
            return 0;
    return error_set(e, "bpf is not among the LSMs the kernel runs (%s: %s)", path, list);
}

int attach_lsm_runs(int btf_id, struct error *e)
{
    const struct bpf_insn insns[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    int err = program_load_error(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, (uint32_t)btf_id, insns,
                                 sizeof(insns) / sizeof(insns[0]));
    if (err)
        return error_set(e, "the kernel refuses BPF LSM programs (%s)", strerror(err));
    return bpf_lsm_active(e);
}

bool attach_skb_knows_netns(void)
{
    /* r1 is the context: r0 = get_netns_cookie(r1); r0 = 1; exit */
    const struct bpf_insn insns[] = {
        {.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_netns_cookie},
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1},
        {.code = BPF_JMP | BPF_EXIT},
    };
    return program_loads(BPF_PROG_TYPE_CGROUP_SKB, 0, insns, sizeof(insns) / sizeof(insns[0]));
}

int attach_own_netns(uint64_t *cookie, struct error *e)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return error_set(e, "socket: %s", strerror(errno));
    socklen_t len = sizeof(*cookie);
    int rc = getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len);
    int err = errno;
    close(fd);
    if (rc != 0)
        return error_set(e,
                         "this kernel does not tell a network namespace's cookie "
                         "(SO_NETNS_COOKIE, Linux 5.14 and later): %s",
                         strerror(err));
    return 0;
}
