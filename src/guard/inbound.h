/* --inbound: the interfaces whose incoming packets the guard's XDP program checks, and
 * whose outgoing ones its TC egress program checks (bpf_text/guard/inbound_guard.h): the
 * list checked as the command line gives it, the interfaces resolved and linked at start,
 * then followed as they come and go (a netlink socket on the kernel's link messages, read
 * by the guard's loop), unlinked at stop (and by the kernel at any exit: the links go with
 * their fds). */
#ifndef EBPFSHIELD_INBOUND_H
#define EBPFSHIELD_INBOUND_H

#include <stdbool.h>
#include <stddef.h>

#include "base/log.h"
#include "engine/tc_filter.h"

#define INBOUND_IFACES_MAX 64     /* names in a list */
#define INBOUND_LINKS_MAX 1024    /* interfaces linked at once (all: a host's containers) */
#define INBOUND_PIN_PREFIX_MAX 32 /* "inbound_<netns inode>_" */
#define INBOUND_PIN_MAX 48        /* and the ifindex, and "_out" for the egress link */

/* true when list is "all" or interface names (1 to 15 bytes, none of '/', ':', ',' or
 * white space, as the kernel takes them) separated by commas, INBOUND_IFACES_MAX at most. */
bool inbound_list_valid(const char *list);

struct inbound_links {
    int prog_fd;
    int egress_fd;           /* the TC egress program */
    bool tcx;                /* the kernel links TC programs (false once it said it cannot) */
    bool refusing;           /* the --block action refuses (the filters' handle: tc_filter.h) */
    struct tc_reaper reaper; /* without TCX links and --persist: removes the filters */
    int l3dev_fd;            /* inbound_l3dev: the interface each one's packets are routed from */
    bool adopt;              /* links pinned by an earlier --persist run are taken over */
    bool pin;                /* links are pinned (--persist) */
    char pin_prefix[INBOUND_PIN_PREFIX_MAX]; /* "inbound_<netns inode>_": this namespace's pins */
    const char *list;
    bool open;    /* sock is open */
    int sock;     /* for the interfaces' flags */
    bool follows; /* netlink is open */
    int netlink;  /* the kernel's link messages */
    size_t n;
    int fd[INBOUND_LINKS_MAX];  /* -1: an earlier run's link kept as it was (not taken over) */
    int out[INBOUND_LINKS_MAX]; /* the egress link, -1: none (or a filter: no fd), or one kept */
    unsigned ifindex[INBOUND_LINKS_MAX];
};

/* Links prog_fd (XDP) and egress_fd (TC egress, where the kernel has TCX links: said once
 * when it has not) to each interface of list, each said with how ("inbound: eth0 (native
 * XDP, TC egress)"), and tells the program (l3dev_fd) the master of each that has one.
 * adopt: the links an earlier --persist run pinned for an interface are taken over
 * ("inbound: eth0 (taken over, TC egress)"); pin: each link is pinned. "all": every Ethernet
 * interface that is up, loopback and those that sit on others (VLAN devices, bridges, bonds: their
 * lower ones are linked) left out, others without an Ethernet header said and left out. One with
 * another tool's XDP program is left alone, said. 0 when at least one is linked, else -1 with a
 * message in e (a name that is no interface, or one without an Ethernet header, is one). */
int inbound_links_open(int prog_fd, int egress_fd, int l3dev_fd, bool refusing, bool adopt,
                       bool pin, const char *list, struct inbound_links *l, struct error *e);

/* persist_prune's keep functions (ctx: the inbound_links). Pins are named by the network
 * namespace and the interface ("inbound_<netns inode>_<ifindex>", and "..._out" for the
 * egress link: an interface's number is its namespace's), and another namespace's are its
 * own run's business: inbound_pin_foreign keeps another namespace's inbound pins alone;
 * inbound_pin_linked keeps every pin but this namespace's inbound ones that l does not hold (l may
 * be one never opened: no --inbound). */
bool inbound_pin_foreign(const char *name, const void *l);
bool inbound_pin_linked(const char *name, const void *l);

/* What changed since the last call (never blocks): an interface that came up (all) or
 * appeared under a listed name is linked, said as at start; one deleted is unlinked,
 * said ("inbound: veth1a2b gone"). */
void inbound_links_follow(struct inbound_links *l);

void inbound_links_close(struct inbound_links *l);

#endif
