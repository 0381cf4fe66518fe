/* The network namespace at the other end of an interface (a veth pair's peer: the
 * container, VM or `ip netns` a forwarded packet came from), named for a Forwarded hit.
 * The kernel tells only a number (the peer's namespace id, as this namespace numbers
 * them); names come from the bind mounts that `ip netns` (/run/netns), Docker
 * (/run/docker/netns) and CNI plugins keep, each asked for its id. */
#ifndef EBPFSHIELD_PEER_NETNS_H
#define EBPFSHIELD_PEER_NETNS_H

#include <stddef.h>

#define PEER_NETNS_NAME_MAX 80

/* The name of the namespace of interface ifindex's peer into out: the bind mount's file
 * name ("ebs-cont"; Docker's: "docker:<sandbox id>"), else "nsid:<id>". 0, or -1 when the
 * peer is in this namespace, the interface has none, or it is gone. */
int peer_netns_name(unsigned ifindex, char out[PEER_NETNS_NAME_MAX]);

#endif
