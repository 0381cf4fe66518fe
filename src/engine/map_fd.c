/* bpf(2) on a table's fd: single and batch updates and deletes. */
#include "engine/map_fd.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ENOTSUPP_KERNEL 524 /* the kernel's own ENOTSUPP, which reaches user space as is */

static long bpf(int cmd, union bpf_attr *attr)
{
    return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static uint64_t ptr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* A batch command the kernel or the table's type lacks (an unknown command, or no batch
 * op: the kernel then leaves count as it was given), which the one-key calls do instead;
 * not an error after some keys went (count says how many). */
static bool no_batch(int err, const union bpf_attr *a, size_t count)
{
    bool lacking = err == EINVAL || err == EOPNOTSUPP || err == ENOTSUPP_KERNEL;
    return lacking && (a->batch.count == 0 || a->batch.count == count);
}

/* Every byte zero (the kernel refuses an attr with bytes set past the command's fields;
 * an initialiser of one union member need not clear the rest). */
static void attr_clear(union bpf_attr *a)
{
    memset(a, 0, sizeof(*a));
}

int map_fd_update(int fd, const void *key, const void *value, struct error *e)
{
    union bpf_attr a;
    attr_clear(&a);
    a.map_fd = (uint32_t)fd;
    a.key = ptr(key);
    a.value = ptr(value);
    a.flags = BPF_ANY;
    if (bpf(BPF_MAP_UPDATE_ELEM, &a) == 0)
        return 0;
    return error_set(e, "updating: %s", strerror(errno));
}

static int delete_one(int fd, const void *key, struct error *e)
{
    union bpf_attr a;
    attr_clear(&a);
    a.map_fd = (uint32_t)fd;
    a.key = ptr(key);
    if (bpf(BPF_MAP_DELETE_ELEM, &a) == 0 || errno == ENOENT)
        return 0;
    return error_set(e, "deleting: %s", strerror(errno));
}

int map_fd_update_batch(int fd, const void *keys, size_t key_size, const void *values,
                        size_t value_size, size_t count, struct error *e)
{
    if (count == 0)
        return 0;
    if (count > MAP_FD_BATCH)
        return error_set(e, "updating: %zu keys at once", count);
    union bpf_attr a;
    attr_clear(&a);
    a.batch.keys = ptr(keys);
    a.batch.values = ptr(values);
    a.batch.count = (uint32_t)count;
    a.batch.map_fd = (uint32_t)fd;
    a.batch.elem_flags = BPF_ANY;
    if (bpf(BPF_MAP_UPDATE_BATCH, &a) == 0)
        return 0;
    if (!no_batch(errno, &a, count))
        return error_set(e, "updating: %s", strerror(errno));
    const char *k = keys, *v = values;
    for (size_t i = 0; i < count; i++)
        if (map_fd_update(fd, k + i * key_size, v + i * value_size, e) != 0)
            return -1;
    return 0;
}

int map_fd_delete_batch(int fd, const void *keys, size_t key_size, size_t count, struct error *e)
{
    if (count > MAP_FD_BATCH)
        return error_set(e, "deleting: %zu keys at once", count);
    const char *at = keys;
    /* The kernel stops at a key that is not there and says how many went before it. */
    while (count > 0) {
        union bpf_attr a;
        attr_clear(&a);
        a.batch.keys = ptr(at);
        a.batch.count = (uint32_t)count;
        a.batch.map_fd = (uint32_t)fd;
        if (bpf(BPF_MAP_DELETE_BATCH, &a) == 0)
            return 0;
        if (no_batch(errno, &a, count)) {
            for (size_t i = 0; i < count; i++)
                if (delete_one(fd, at + i * key_size, e) != 0)
                    return -1;
            return 0;
        }
        if (errno != ENOENT || a.batch.count >= count)
            return error_set(e, "deleting: %s", strerror(errno));
        at += (a.batch.count + 1) * key_size;
        count -= a.batch.count + 1;
    }
    return 0;
}
