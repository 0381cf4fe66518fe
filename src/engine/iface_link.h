/* Programs linked to an interface by bpf(BPF_LINK_CREATE): an XDP program on its way in,
 * a TC one on its way out (a TCX link, Linux 6.6). A link goes with its last fd, so
 * nothing stays attached after any exit of the tool, SIGKILL included, unless it is
 * pinned (--persist), and then a later run takes it over. */
#ifndef EBPFSHIELD_IFACE_LINK_H
#define EBPFSHIELD_IFACE_LINK_H

#include <stdbool.h>

#include "base/log.h"

/* The kinds of link, as bpf_link_info.type says them (uapi values: 6.1's headers have
 * no TCX). */
enum iface_link_kind {
    IFACE_LINK_XDP = 6,
    IFACE_LINK_TCX = 11,
};

/* Links prog_fd to interface ifindex (named name, for messages): native (driver) XDP
 * where the driver has it, else generic; *native says which. The link's fd, or -1 with a
 * message in e (errno EBUSY or EEXIST: another program is attached there). */
int iface_link_xdp(int prog_fd, unsigned ifindex, const char *name, bool *native, struct error *e);

/* Links the TC program prog_fd to interface ifindex's egress, before any program there
 * (none that comes first can let a packet past it; its TC_ACT_UNSPEC lets them run).
 * The link's fd, or -1 with a message in e; errno EINVAL: the kernel has no TCX links. */
int iface_link_tcx_egress(int prog_fd, unsigned ifindex, const char *name, struct error *e);

/* The link of kind on interface ifindex pinned at pin, its program replaced by prog_fd
 * (BPF_LINK_UPDATE: the interface is never without one): its fd; -1 when there is none to
 * take over (anything else pinned there, another kind of object, a link of another
 * interface or one detached since, its interface gone, is unpinned, said);
 * IFACE_LINK_KEPT when it is there but could not be read or updated: left as it is, its
 * program still running there, and the reason said. */
#define IFACE_LINK_KEPT (-2)
int iface_link_adopt(const char *pin, enum iface_link_kind kind, int prog_fd, unsigned ifindex);

/* Pins link at pin: 0, or -1 with a message in e. */
int iface_link_pin(int link, const char *pin, struct error *e);

#endif
