/* An XDP program linked to an interface by bpf(BPF_LINK_CREATE): the link goes with its
 * last fd, so nothing stays attached after any exit of the tool, SIGKILL included, unless
 * it is pinned (--persist), and then a later run takes it over. */
#ifndef EBPFSHIELD_XDP_LINK_H
#define EBPFSHIELD_XDP_LINK_H

#include <stdbool.h>

#include "base/log.h"

/* Links prog_fd to interface ifindex (named name, for messages): native (driver) XDP
 * where the driver has it, else generic; *native says which. The link's fd, or -1 with a
 * message in e (errno EBUSY or EEXIST: another program is attached there). */
int xdp_link_create(int prog_fd, unsigned ifindex, const char *name, bool *native, struct error *e);

/* The XDP link of interface ifindex pinned at pin, its program replaced by prog_fd
 * (BPF_LINK_UPDATE: the interface is never without one): its fd; -1 when there is none to
 * take over (anything else pinned there, another kind of object, a link of another
 * interface or one detached since, its interface gone, is unpinned, said);
 * XDP_LINK_KEPT when it is there but could not be read or updated: left as it is, its
 * program still running there, and the reason said. */
#define XDP_LINK_KEPT (-2)
int xdp_link_adopt(const char *pin, int prog_fd, unsigned ifindex);

/* Pins link at pin: 0, or -1 with a message in e. */
int xdp_link_pin(int link, const char *pin, struct error *e);

#endif
