#include "guard/inbound.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/xdp_link.h"

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

/* Links interface name (ifindex) into l, said; a busy one said and left, one linked
 * already (named twice) skipped. */
static void link_one(int prog_fd, unsigned ifindex, const char *name, struct inbound_links *l)
{
    struct error e;
    bool native;
    for (size_t i = 0; i < l->n; i++)
        if (l->ifindex[i] == ifindex)
            return;
    int fd = -1;
    if (l->n >= INBOUND_IFACES_MAX)
        error_set(&e, "%s: more than %d interfaces, left alone", name, INBOUND_IFACES_MAX);
    else
        fd = xdp_link_create(prog_fd, ifindex, name, &native, &e);
    if (fd < 0) {
        log_warn("--inbound: %s", e.msg);
        return;
    }
    l->ifindex[l->n] = ifindex;
    l->fd[l->n++] = fd;
    log_note("inbound: %s (%s XDP)", name, native ? "native" : "generic");
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
 * sysfs's lower_* links), which see its packets first. */
static bool upper(const char *name)
{
    char path[64];
    snprintf(path, sizeof(path), "/sys/class/net/%s", name);
    DIR *d = opendir(path);
    const struct dirent *e;
    bool found = false;
    while (d && !found && (e = readdir(d)))
        found = strncmp(e->d_name, "lower_", 6) == 0;
    if (d)
        closedir(d);
    return found;
}

/* --inbound all: every Ethernet interface that is up, but loopback and upper devices. 0,
 * or -1 with e. */
static int link_all(int prog_fd, int sock, struct inbound_links *l, struct error *e)
{
    struct if_nameindex *all = if_nameindex();
    if (!all)
        return error_set(e, "--inbound all: cannot list the interfaces: %s", strerror(errno));
    for (const struct if_nameindex *i = all; i->if_index; i++) {
        if (!up_not_loopback(sock, i->if_name) || upper(i->if_name))
            continue;
        if (ethernet(sock, i->if_name))
            link_one(prog_fd, i->if_index, i->if_name, l);
        else
            log_warn("--inbound all: %s carries no Ethernet header: not checked", i->if_name);
    }
    if_freenameindex(all);
    return 0;
}

/* --inbound NAME[,NAME...]: each, which must be an Ethernet interface. 0, or -1 with e. */
static int link_named(int prog_fd, int sock, const char *list, struct inbound_links *l,
                      struct error *e)
{
    for (const char *s = list;; s++) {
        char name[IF_NAMESIZE] = {0};
        size_t n = name_length(s);
        memcpy(name, s, n);
        unsigned ifindex = if_nametoindex(name);
        if (ifindex == 0)
            return error_set(e, "--inbound: no interface named %s", name);
        if (!ethernet(sock, name))
            return error_set(e,
                             "--inbound: %s carries no Ethernet header (a tunnel, WireGuard, "
                             "PPP): not supported",
                             name);
        link_one(prog_fd, ifindex, name, l);
        s += n;
        if (*s == '\0')
            return 0;
    }
}

int inbound_links_open(int prog_fd, const char *list, struct inbound_links *l, struct error *e)
{
    l->n = 0;
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); /* for the interfaces' flags */
    if (sock < 0)
        return error_set(e, "--inbound: socket: %s", strerror(errno));
    int rc = strcmp(list, "all") == 0 ? link_all(prog_fd, sock, l, e)
                                      : link_named(prog_fd, sock, list, l, e);
    close(sock);
    if (rc == 0 && l->n == 0)
        rc = error_set(e, "--inbound %s: no interface could be linked", list);
    if (rc != 0)
        inbound_links_close(l);
    return rc;
}

void inbound_links_close(struct inbound_links *l)
{
    for (size_t i = 0; i < l->n; i++)
        close(l->fd[i]);
    l->n = 0;
}
