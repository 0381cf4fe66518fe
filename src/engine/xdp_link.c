#include "engine/xdp_link.h"

#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int link_create(int prog_fd, unsigned ifindex, unsigned flags)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.link_create.prog_fd = (unsigned)prog_fd;
    a.link_create.target_ifindex = ifindex;
    a.link_create.attach_type = BPF_XDP;
    a.link_create.flags = flags;
    return (int)syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
}

int xdp_link_create(int prog_fd, unsigned ifindex, const char *name, bool *native, struct error *e)
{
    int fd = link_create(prog_fd, ifindex, XDP_FLAGS_DRV_MODE);
    *native = fd >= 0;
    if (fd < 0 && errno != EBUSY && errno != EEXIST)
        fd = link_create(prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
    if (fd >= 0)
        return fd;
    int err = errno;
    if (err == EBUSY || err == EEXIST)
        error_set(e, "%s already has an XDP program (another tool's): left alone", name);
    else
        error_set(e, "%s: cannot attach the XDP program: %s", name, strerror(err));
    errno = err;
    return -1;
}
