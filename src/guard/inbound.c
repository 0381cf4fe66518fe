#include "guard/inbound.h"

#include <dirent.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/text.h"
#include "engine/map_fd.h"
#include "engine/iface_link.h"
#include "engine/tc_filter.h"
#include "guard/persist.h"

/* The length of the name starting at s (up to ',' or the end), or 0 when it is not one. */
static size_t name_length(const char *s)
{
    size_t n = strcspn(s, ",");
    if (n == 0 || n >= IF_NAMESIZE)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || s[i] == ':' || (unsigned char)s[i] < 0x21 || (unsigned char)s[i] == 0x7f)
            return 0;
    return n;
}

bool inbound_list_valid(const char *list)
{
    if (strcmp(list, "all") == 0)
        return true;
    size_t count = 0;
    for (const char *s = list;; s++) {
        size_t n = name_length(s);
        if (n == 0 || ++count > INBOUND_IFACES_MAX)
            return false;
        s += n;
        if (*s == '\0')
            return true;
    }
}

/* true when the name is one of list's. */
static bool listed_name(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *s = list;; s++) {
        size_t n = name_length(s);
        if (n == len && memcmp(s, name, n) == 0)
            return true;
        s += n;
        if (*s == '\0')
            return false;
    }
}

/* The interface's name, printable (an interface's name may hold any byte but '/', ':'
 * and white space), for a message. */
static const char *shown(const char *name, char out[IF_NAMESIZE * 4])
{
    text_printable(out, IF_NAMESIZE * 4, name, strnlen(name, IF_NAMESIZE));
    return out;
}

/* Tells the program which interface the kernel routes the packets of ifindex (name)
 * from: its master's (a bridge port's bridge, a bond slave's bond), or its own. */
static void set_l3dev(const struct inbound_links *l, unsigned ifindex, const char *name)
{
    char path[64], target[256];
    snprintf(path, sizeof(path), "/sys/class/net/%s/master", name);
    ssize_t n = readlink(path, target, sizeof(target) - 1);
    struct error e;
    uint32_t key = ifindex, master = 0;
    if (n > 0) {
        target[n] = '\0';
        const char *base = strrchr(target, '/');
        master = if_nametoindex(base ? base + 1 : target);
    }
    if (master == 0 && map_fd_delete_batch(l->l3dev_fd, &key, sizeof(key), 1, &e) != 0)
        log_warn("--inbound: %s", e.msg);
    if (master != 0 && map_fd_update(l->l3dev_fd, &key, &master, &e) != 0)
        log_warn("--inbound: %s", e.msg);
}

/* The pin of interface ifindex's XDP link, or (egress) of its TC egress link. */
static void pin_name(const struct inbound_links *l, unsigned ifindex, bool egress,
                     char out[INBOUND_PIN_MAX])
{
    snprintf(out, INBOUND_PIN_MAX, "%s%u%s", l->pin_prefix, ifindex,
             egress ? "_out" : ""); /* bpffs names: no dot */
}

static void pin_path(const struct inbound_links *l, unsigned ifindex, bool egress,
                     char out[PERSIST_PATH_MAX])
{
    char name[INBOUND_PIN_MAX];
    pin_name(l, ifindex, egress, name);
    persist_path(name, out);
}

/* "inbound_<inode of this network namespace>_" into out: 0, or -1 (errno). */
static int netns_prefix(char out[INBOUND_PIN_PREFIX_MAX])
{
    struct stat ns;
    if (stat("/proc/self/ns/net", &ns) != 0)
        return -1;
    snprintf(out, INBOUND_PIN_PREFIX_MAX, "inbound_%llu_", (unsigned long long)ns.st_ino);
    return 0;
}

/* Whether name is a pin of this namespace's inbound links (l's prefix, or this
 * namespace's where l was never opened: no --inbound). */
static bool ours(const struct inbound_links *l, const char *name)
{
    char prefix[INBOUND_PIN_PREFIX_MAX];
    if (l->pin_prefix[0])
        memcpy(prefix, l->pin_prefix, sizeof(prefix));
    else if (netns_prefix(prefix) != 0)
        return false;
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

bool inbound_pin_foreign(const char *name, const void *l)
{
    return strncmp(name, "inbound_", 8) == 0 && !ours(l, name);
}

bool inbound_pin_linked(const char *name, const void *ctx)
{
    const struct inbound_links *l = ctx;
    char mine[INBOUND_PIN_MAX];
    if (!ours(l, name))
        return true;
    for (size_t i = 0; i < l->n; i++)
        for (int egress = 0; egress < 2; egress++) {
            pin_name(l, l->ifindex[i], egress, mine);
            if (strcmp(name, mine) == 0)
                return true;
        }
    return false;
}

/* Records interface ifindex as linked by fd (-1: an earlier run's link kept as it was),
 * and out (its egress link, or -1). */
static void hold(struct inbound_links *l, unsigned ifindex, int fd, int out)
{
    l->ifindex[l->n] = ifindex;
    l->out[l->n] = out;
    l->fd[l->n++] = fd;
}

#define INBOUND_FILTER (-3) /* link_egress: a clsact filter, which has no fd */

/* Without TCX links: the egress program as interface ifindex's clsact filter (name:
 * shown), the one of an earlier --persist run replaced in place; watched by the reaper
 * unless it is to stay (--persist). 0, or -1 (said). */
static int filter_egress(unsigned ifindex, const char *name, struct inbound_links *l)
{
    struct error e;
    bool made_qdisc;
    if (!l->pin && !l->reaper.pid && tc_reaper_start(&l->reaper, l->refusing, &e) != 0) {
        log_warn("--inbound: %s: packets leaving %s are not checked", e.msg, name);
        return -1;
    }
    if (tc_filter_attach(l->egress_fd, ifindex, l->refusing, name, &made_qdisc, &e) != 0) {
        log_warn("--inbound: %s", e.msg);
        return -1;
    }
    if (made_qdisc)
        tc_reaper_made_qdisc(&l->reaper, ifindex);
    return 0;
}

/* The TC egress link of interface ifindex (name: shown): an earlier --persist run's taken
 * over, else a new one, pinned with --persist. Its fd; INBOUND_FILTER for a filter (a
 * kernel without TCX links, said once); -1 when there is none or one kept as it was
 * (said). */
static int link_egress(unsigned ifindex, const char *name, struct inbound_links *l)
{
    struct error e;
    char pin[PERSIST_PATH_MAX];
    if (!l->tcx)
        return filter_egress(ifindex, name, l) == 0 ? INBOUND_FILTER : -1;
    pin_path(l, ifindex, true, pin);
    int fd = l->adopt ? iface_link_adopt(pin, IFACE_LINK_TCX, l->egress_fd, ifindex) : -1;
    if (fd == IFACE_LINK_KEPT) {
        log_warn("--inbound: %s keeps the egress program of an earlier --persist run", name);
        return -1;
    }
    if (fd >= 0)
        return fd;
    fd = iface_link_tcx_egress(l->egress_fd, ifindex, name, &e);
    if (fd < 0 && errno == EINVAL) {
        l->tcx = false;
        log_note("egress: this kernel has no TCX links (Linux 6.6): the egress program "
                 "goes in clsact filters, %s",
                 l->pin ? "kept after exit like the links (--unload removes them)"
                        : "which a reaper process removes once the tool is gone");
        return filter_egress(ifindex, name, l) == 0 ? INBOUND_FILTER : -1;
    }
    if (fd < 0)
        log_warn("--inbound: %s", e.msg);
    else if (l->pin && iface_link_pin(fd, pin, &e) != 0)
        log_warn("--inbound: %s: not kept after exit", e.msg);
    return fd;
}

/* Links interface name (ifindex) into l, said; a busy one said and left, one linked
 * already (named twice) skipped. */
static void link_one(unsigned ifindex, const char *name, struct inbound_links *l)
{
    struct error e;
    bool native;
    char show[IF_NAMESIZE * 4];
    for (size_t i = 0; i < l->n; i++)
        if (l->ifindex[i] == ifindex) {
            set_l3dev(l, ifindex, name); /* its master may have changed */
            return;
        }
    shown(name, show);
    if (l->n >= INBOUND_LINKS_MAX) {
        log_warn("--inbound: %s: more than %d interfaces, left alone", show, INBOUND_LINKS_MAX);
        return;
    }
    set_l3dev(l, ifindex, name);
    char pin[PERSIST_PATH_MAX];
    pin_path(l, ifindex, false, pin);
    const char *how = "taken over";
    int fd = l->adopt ? iface_link_adopt(pin, IFACE_LINK_XDP, l->prog_fd, ifindex) : -1;
    if (fd == IFACE_LINK_KEPT) { /* its pin and program stay: held as linked, without an fd */
        log_warn("--inbound: %s keeps the program of an earlier --persist run", show);
        int out = link_egress(ifindex, show, l);
        hold(l, ifindex, -1, out == INBOUND_FILTER ? -1 : out);
        return;
    }
    if (fd < 0) {
        fd = iface_link_xdp(l->prog_fd, ifindex, show, &native, &e);
        if (fd < 0) {
            log_warn("--inbound: %s", e.msg);
            return;
        }
        how = native ? "native XDP" : "generic XDP";
        if (l->pin && iface_link_pin(fd, pin, &e) != 0)
            log_warn("--inbound: %s: not kept after exit", e.msg);
    }
    int out = link_egress(ifindex, show, l);
    hold(l, ifindex, fd, out == INBOUND_FILTER ? -1 : out);
    log_note("inbound: %s (%s%s)", show, how,
             out == INBOUND_FILTER ? ", TC egress filter"
             : out >= 0            ? ", TC egress"
                                   : "");
}

/* Unlinks the interface ifindex (gone: the kernel has detached the program), said. */
static void unlink_one(unsigned ifindex, const char *name, struct inbound_links *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->ifindex[i] == ifindex) {
            char show[IF_NAMESIZE * 4];
            uint32_t key = ifindex;
            struct error e;
            char pin[PERSIST_PATH_MAX];
            for (int egress = 0; egress < 2; egress++) {
                pin_path(l, ifindex, egress, pin);
                if ((l->adopt || l->pin) && unlink(pin) != 0 && errno != ENOENT)
                    log_warn("--inbound: removing %s: %s", pin, strerror(errno));
            }
            if (l->fd[i] >= 0)
                close(l->fd[i]);
            if (l->out[i] >= 0)
                close(l->out[i]);
            if (map_fd_delete_batch(l->l3dev_fd, &key, sizeof(key), 1, &e) != 0)
                log_warn("--inbound: %s", e.msg);
            l->n--;
            l->fd[i] = l->fd[l->n];
            l->out[i] = l->out[l->n];
            l->ifindex[i] = l->ifindex[l->n];
            log_note("inbound: %s gone", shown(name, show));
            return;
        }
}

static struct ifreq request(const char *name)
{
    struct ifreq r;
    memset(&r, 0, sizeof(r));
    memcpy(r.ifr_name, name, strnlen(name, IF_NAMESIZE - 1));
    return r;
}

/* true when the interface is up and not loopback. */
static bool up_not_loopback(int sock, const char *name)
{
    struct ifreq r = request(name);
    return ioctl(sock, SIOCGIFFLAGS, &r) == 0 && (r.ifr_flags & IFF_UP) &&
           !(r.ifr_flags & IFF_LOOPBACK);
}

/* true when the interface's frames start with an Ethernet header, which the program
 * reads (a tunnel's, WireGuard's or PPP's packets start at their IP header). */
static bool ethernet(int sock, const char *name)
{
    struct ifreq r = request(name);
    return ioctl(sock, SIOCGIFHWADDR, &r) == 0 && r.ifr_hwaddr.sa_family == ARPHRD_ETHER;
}

/* true when the interface sits on others (a VLAN device, a bridge, a bond, a macvlan:
 * sysfs's lower_* links; a bridge or a bond before its first port), which see its
 * packets first. */
static bool upper(const char *name)
{
    char path[64];
    snprintf(path, sizeof(path), "/sys/class/net/%s", name);
    DIR *d = opendir(path);
    const struct dirent *e;
    bool found = false;
    while (d && !found && (e = readdir(d)))
        found = strncmp(e->d_name, "lower_", 6) == 0 || strcmp(e->d_name, "bridge") == 0 ||
                strcmp(e->d_name, "bonding") == 0;
    if (d)
        closedir(d);
    return found;
}

/* --inbound all: links the interface if it is up, Ethernet, not loopback and not on top
 * of others; one without an Ethernet header said. */
static void link_if_all(unsigned ifindex, const char *name, struct inbound_links *l)
{
    if (!up_not_loopback(l->sock, name) || upper(name))
        return;
    if (ethernet(l->sock, name)) {
        link_one(ifindex, name, l);
        return;
    }
    char show[IF_NAMESIZE * 4];
    log_warn("--inbound all: %s carries no Ethernet header: not checked", shown(name, show));
}

/* An interface new, renamed or changed (ifindex, its name): linked when it is one to
 * check. */
static void link_changed(struct inbound_links *l, unsigned ifindex, const char *name)
{
    if (strcmp(l->list, "all") == 0)
        link_if_all(ifindex, name, l);
    else if (listed_name(l->list, name) && ethernet(l->sock, name))
        link_one(ifindex, name, l);
}

/* Every interface there now considered as link_changed does (all: every Ethernet
 * interface that is up, but loopback and upper devices). 0, or -1 with e. */
static int link_present(struct inbound_links *l, struct error *e)
{
    struct if_nameindex *all = if_nameindex();
    if (!all)
        return error_set(e, "--inbound: cannot list the interfaces: %s", strerror(errno));
    for (const struct if_nameindex *i = all; i->if_index; i++)
        link_changed(l, i->if_index, i->if_name);
    if_freenameindex(all);
    return 0;
}

/* --inbound NAME[,NAME...]: each, which must be an Ethernet interface. 0, or -1 with e. */
static int link_named(struct inbound_links *l, struct error *e)
{
    for (const char *s = l->list;; s++) {
        char name[IF_NAMESIZE] = {0};
        size_t n = name_length(s);
        memcpy(name, s, n);
        unsigned ifindex = if_nametoindex(name);
        if (ifindex == 0)
            return error_set(e, "--inbound: no interface named %s", name);
        if (!ethernet(l->sock, name))
            return error_set(e,
                             "--inbound: %s carries no Ethernet header (a tunnel, WireGuard, "
                             "PPP): not supported",
                             name);
        link_one(ifindex, name, l);
        s += n;
        if (*s == '\0')
            return 0;
    }
}

/* A netlink socket on the kernel's link messages (non-blocking), or -1 (said). */
static int open_netlink(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        log_warn("--inbound: cannot follow interfaces as they come and go (netlink: %s): "
                 "only those of start are checked",
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Room for two link fds per interface beside the tool's other descriptors (systemd's soft
 * limit is 1024): the soft limit raised by 2 * INBOUND_LINKS_MAX, as far as the hard one
 * lets. */
static void room_for_links(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
        return;
    rlim_t want = rl.rlim_cur + 2 * INBOUND_LINKS_MAX;
    rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl); /* else: each link that fails is said */
}

int inbound_links_open(int prog_fd, int egress_fd, int l3dev_fd, bool refusing, bool adopt,
                       bool pin, const char *list, struct inbound_links *l, struct error *e)
{
    if (netns_prefix(l->pin_prefix) != 0)
        return error_set(e, "--inbound: /proc/self/ns/net: %s", strerror(errno));
    room_for_links();
    l->prog_fd = prog_fd;
    l->egress_fd = egress_fd;
    l->tcx = true;
    l->refusing = refusing;
    l->reaper.pid = 0;
    l->adopt = adopt;
    l->pin = pin;
    l->l3dev_fd = l3dev_fd;
    l->list = list;
    l->n = 0;
    l->follows = false;
    l->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); /* for the interfaces' flags */
    l->open = l->sock >= 0;
    if (!l->open)
        return error_set(e, "--inbound: socket: %s", strerror(errno));
    l->netlink = open_netlink(); /* before the scan: nothing that comes up meanwhile is missed */
    l->follows = l->netlink >= 0;
    int rc = strcmp(list, "all") == 0 ? link_present(l, e) : link_named(l, e);
    if (rc == 0 && l->n == 0)
        rc = error_set(e, "--inbound %s: no interface could be linked", list);
    if (rc == 0) /* an earlier run's (a reaper killed with it) on interfaces not linked now */
        tc_filter_detach_others(l->ifindex, l->n, refusing, true);
    if (rc != 0)
        inbound_links_close(l);
    return rc;
}

/* The name in a link message's attributes (len bytes after its ifinfomsg), or "" when
 * it has none. */
static void message_name(const struct ifinfomsg *ifi, size_t len, char name[IF_NAMESIZE])
{
    name[0] = '\0';
    const struct rtattr *a = (const struct rtattr *)((const char *)ifi + NLMSG_ALIGN(sizeof(*ifi)));
    size_t left = len > NLMSG_ALIGN(sizeof(*ifi)) ? len - NLMSG_ALIGN(sizeof(*ifi)) : 0;
    int n = (int)left;
    for (; RTA_OK(a, n); a = RTA_NEXT(a, n)) {
        if (a->rta_type != IFLA_IFNAME)
            continue;
        size_t k = strnlen(RTA_DATA(a), RTA_PAYLOAD(a));
        if (k > 0 && k < IF_NAMESIZE) {
            memcpy(name, RTA_DATA(a), k);
            name[k] = '\0';
        }
        return;
    }
}

/* One link message from the kernel (a bridge's own messages about its ports, family
 * AF_BRIDGE, left out: a port leaving its bridge is not gone; an interface's end, or its
 * move to another namespace, is AF_UNSPEC). */
static void on_message(struct inbound_links *l, const struct nlmsghdr *h)
{
    if ((h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) ||
        h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
        return;
    const struct ifinfomsg *ifi = NLMSG_DATA(h);
    char name[IF_NAMESIZE];
    message_name(ifi, h->nlmsg_len - NLMSG_HDRLEN, name);
    if (ifi->ifi_family != AF_UNSPEC || ifi->ifi_index <= 0 || !name[0])
        return;
    if (h->nlmsg_type == RTM_NEWLINK) /* (in order: a number reused comes after its end) */
        link_changed(l, (unsigned)ifi->ifi_index, name);
    else
        unlink_one((unsigned)ifi->ifi_index, name, l);
}

/* After lost messages (the socket's buffer overran, or a message did not fit):
 * interfaces gone unlinked, every one there now considered again. */
static void rescan(struct inbound_links *l)
{
    char name[IF_NAMESIZE];
    for (size_t i = l->n; i-- > 0;)
        if (!if_indextoname(l->ifindex[i], name)) {
            snprintf(name, sizeof(name), "if%u", l->ifindex[i]);
            unlink_one(l->ifindex[i], name, l);
        }
    struct error e;
    if (link_present(l, &e) != 0)
        log_warn("%s", e.msg);
}

void inbound_links_follow(struct inbound_links *l)
{
    if (!l->follows)
        return;
    uint32_t buf[2048]; /* aligned for nlmsghdr */
    for (;;) {
        struct sockaddr_nl from;
        socklen_t fromlen = sizeof(from);
        ssize_t n =
            recvfrom(l->netlink, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
        if ((n < 0 && errno == ENOBUFS) || n > (ssize_t)sizeof(buf)) {
            rescan(l);
            continue;
        }
        if (n <= 0)
            break;
        if (from.nl_pid != 0) /* not the kernel's */
            continue;
        unsigned left = (unsigned)n;
        for (const struct nlmsghdr *h = (const void *)buf; NLMSG_OK(h, left);
             h = NLMSG_NEXT(h, left))
            on_message(l, h);
    }
}

void inbound_links_close(struct inbound_links *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->fd[i] >= 0)
            close(l->fd[i]);
        if (l->out[i] >= 0)
            close(l->out[i]);
    }
    l->n = 0;
    tc_reaper_stop(&l->reaper);
    if (l->follows)
        close(l->netlink);
    l->follows = false;
    if (l->open)
        close(l->sock);
    l->open = false;
}
