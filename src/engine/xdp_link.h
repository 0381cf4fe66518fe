/* An XDP program linked to an interface by bpf(BPF_LINK_CREATE): the link goes with its
 * last fd, so nothing stays attached after any exit of the tool, SIGKILL included. */
#ifndef EBPFSHIELD_XDP_LINK_H
#define EBPFSHIELD_XDP_LINK_H

#include <stdbool.h>

#include "base/log.h"

/* Links prog_fd to interface ifindex (named name, for messages): native (driver) XDP
 * where the driver has it, else generic; *native says which. The link's fd, or -1 with a
 * message in e (errno EBUSY or EEXIST: another program is attached there). */
int xdp_link_create(int prog_fd, unsigned ifindex, const char *name, bool *native, struct error *e);

#endif
