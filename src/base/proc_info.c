#include "base/proc_info.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/text.h"

/* Reads a small /proc file into buf (NUL-terminated); returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    int saved = errno;
    close(fd);
    errno = saved;
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

int proc_comm_raw(pid_t pid, char *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    ssize_t n = read_small(path, buf, len);
    if (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    return n > 0 ? 0 : -1;
}

void proc_comm(pid_t pid, const char *fallback, size_t fallback_len, char *buf, size_t len)
{
    char raw[64];
    if (proc_comm_raw(pid, raw, sizeof(raw)) == 0)
        text_printable(buf, len, raw, sizeof(raw));
    else
        text_printable(buf, len, fallback, fallback_len);
}

int proc_read_stat(pid_t pid, pid_t tid, char *state, uint64_t *start_ns)
{
    char path[64], stat[1024];
    snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    if (read_small(path, stat, sizeof(stat)) < 0)
        return -1;
    /* comm may hold spaces and parentheses: fields are counted after the last ')'. */
    const char *p = strrchr(stat, ')');
    if (!p || p[1] != ' ' || p[2] == '\0') {
        errno = EINVAL;
        return -1;
    }
    *state = p[2];
    for (int field = 2; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    if (!p) {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    char *end;
    unsigned long long ticks = strtoull(p + 1, &end, 10);
    long hz = sysconf(_SC_CLK_TCK);
    if (errno || end == p + 1 || hz <= 0) {
        errno = EINVAL;
        return -1;
    }
    *start_ns = (uint64_t)ticks * (1000000000ULL / (uint64_t)hz);
    return 0;
}

/* The first number after "\n<key>:" in the status file of thread tid of process pid
 * (/proc/<pid>/task/<tid>/status); 0, or -1. */
static int status_number(pid_t pid, pid_t tid, const char *key, unsigned long *v)
{
    char path[64], status[4096], field[32];
    snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)tid);
    snprintf(field, sizeof(field), "\n%s:", key);
    if (read_small(path, status, sizeof(status)) < 0)
        return -1;
    const char *p = strstr(status, field);
    char *end;
    if (!p)
        return -1;
    errno = 0;
    *v = strtoul(p + strlen(field), &end, 10);
    return errno || end == p + strlen(field) ? -1 : 0;
}

int proc_tracer(pid_t pid, pid_t tid, pid_t *tracer)
{
    unsigned long v;
    if (status_number(pid, tid, "TracerPid", &v) != 0)
        return -1;
    *tracer = (pid_t)v;
    return 0;
}

int proc_uid(pid_t pid, uid_t *uid)
{
    unsigned long v;
    if (status_number(pid, pid, "Uid", &v) != 0) /* the first of real, effective, ... */
        return -1;
    *uid = (uid_t)v;
    return 0;
}

int proc_ppid(pid_t pid, uint32_t *ppid)
{
    char path[64], stat[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (read_small(path, stat, sizeof(stat)) < 0)
        return -1;
    const char *p = strrchr(stat, ')'); /* the name may hold spaces and parentheses */
    unsigned int v;
    if (!p || sscanf(p, ") %*c %u", &v) != 1)
        return -1;
    *ppid = v;
    return 0;
}

int proc_exe(pid_t pid, char *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
    if (len == 0)
        return -1;
    ssize_t n = readlink(path, buf, len - 1);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

void proc_ifname(uint32_t ifindex, char *buf, size_t len)
{
    char name[IF_NAMESIZE];
    if (if_indextoname(ifindex, name))
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "%" PRIu32, ifindex);
}

#define IFNAME_TTL_MS 1000

void proc_ifname_cached(struct ifname_cache *cache, uint32_t ifindex, uint64_t now_ms, char *buf,
                        size_t len)
{
    struct ifname_slot *slot = &cache->slots[ifindex % IFNAME_CACHE_SLOTS];
    if (slot->ifindex != ifindex || now_ms >= slot->expires_ms) {
        proc_ifname(ifindex, slot->name, sizeof(slot->name));
        slot->ifindex = ifindex;
        slot->expires_ms = now_ms + IFNAME_TTL_MS;
    }
    snprintf(buf, len, "%s", slot->name);
}
