#include "engine/iface_link.h"

#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TCX_EGRESS 47        /* enum bpf_attach_type's BPF_TCX_EGRESS (Linux 6.6) */
#define TCX_BEFORE (1U << 3) /* BPF_F_BEFORE: with no relative program, first of all */

_Static_assert((int)IFACE_LINK_XDP == (int)BPF_LINK_TYPE_XDP, "bpf_link_type");

static int link_create(int prog_fd, unsigned ifindex, unsigned attach_type, unsigned flags)
{
    union bpf_attr a; /* TCX's relative_fd and expected_revision left 0 */
    memset(&a, 0, sizeof(a));
    a.link_create.prog_fd = (unsigned)prog_fd;
    a.link_create.target_ifindex = ifindex;
    a.link_create.attach_type = attach_type;
    a.link_create.flags = flags;
    return (int)syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
}

int iface_link_xdp(int prog_fd, unsigned ifindex, const char *name, bool *native, struct error *e)
{
    int fd = link_create(prog_fd, ifindex, BPF_XDP, XDP_FLAGS_DRV_MODE);
    *native = fd >= 0;
    if (fd < 0 && errno != EBUSY && errno != EEXIST)
        fd = link_create(prog_fd, ifindex, BPF_XDP, XDP_FLAGS_SKB_MODE);
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

int iface_link_tcx_egress(int prog_fd, unsigned ifindex, const char *name, struct error *e)
{
    int fd = link_create(prog_fd, ifindex, TCX_EGRESS, TCX_BEFORE);
    if (fd >= 0)
        return fd;
    int err = errno;
    error_set(e, "%s: cannot link the egress program: %s", name, strerror(err));
    errno = err;
    return -1;
}

int iface_link_adopt(const char *pin, enum iface_link_kind kind, int prog_fd, unsigned ifindex)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.pathname = (uint64_t)(uintptr_t)pin;
    int link = (int)syscall(__NR_bpf, BPF_OBJ_GET, &a, sizeof(a));
    if (link < 0 && errno == ENOENT)
        return -1;
    if (link < 0) { /* out of files or memory, say: proof of nothing, so left alone */
        log_warn("%s: cannot take it over (%s)", pin, strerror(errno));
        return IFACE_LINK_KEPT;
    }
    struct bpf_link_info info;
    memset(&info, 0, sizeof(info));
    memset(&a, 0, sizeof(a));
    a.info.bpf_fd = (uint32_t)link;
    a.info.info_len = sizeof(info);
    a.info.info = (uint64_t)(uintptr_t)&info;
    bool read = syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)) == 0;
    /* XDP's and TCX's link info both begin with the interface's index */
    bool live_here = read && info.type == (unsigned)kind && info.xdp.ifindex == ifindex;
    if (live_here) {
        memset(&a, 0, sizeof(a));
        a.link_update.link_fd = (uint32_t)link;
        a.link_update.new_prog_fd = (uint32_t)prog_fd;
        if (syscall(__NR_bpf, BPF_LINK_UPDATE, &a, sizeof(a)) == 0)
            return link;
    }
    if (!read || live_here) {
        log_warn("%s: cannot take it over (%s)", pin, strerror(errno));
        close(link);
        return IFACE_LINK_KEPT;
    }
    log_warn(
        "%s: not a link of this kind on this interface (another kind or interface, or detached: "
        "its interface gone): unpinned, linked anew",
        pin);
    close(link);
    unlink(pin);
    return -1;
}

int iface_link_pin(int link, const char *pin, struct error *e)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.pathname = (uint64_t)(uintptr_t)pin;
    a.bpf_fd = (uint32_t)link;
    if (syscall(__NR_bpf, BPF_OBJ_PIN, &a, sizeof(a)) == 0)
        return 0;
    return error_set(e, "pinning %s: %s", pin, strerror(errno));
}
