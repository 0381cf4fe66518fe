#include "guard/peer_netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/text.h"

struct request {
    struct nlmsghdr n;
    union {
        struct ifinfomsg link;
        struct rtgenmsg gen;
    };
    char attrs[64];
};

/* Sends r, and finds attribute type (a 32-bit value) in the kernel's answer, whose
 * attributes begin header_len bytes into it: 0 with *value, or -1. */
static int ask(struct request *r, size_t header_len, unsigned short type, int32_t *value)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -1;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    uint32_t buf[8192]; /* aligned for nlmsghdr; a link's answer holds its statistics */
    int rc = -1;
    ssize_t n = sendto(fd, r, r->n.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0
                    ? -1
                    : recv(fd, buf, sizeof(buf), 0);
    close(fd);
    const struct nlmsghdr *h = (const void *)buf;
    if (n <= 0 || !NLMSG_OK(h, (unsigned)n) || h->nlmsg_type == NLMSG_ERROR ||
        h->nlmsg_len < NLMSG_SPACE(header_len))
        return -1;
    const struct rtattr *a = (const void *)((const char *)NLMSG_DATA(h) + NLMSG_ALIGN(header_len));
    int left = (int)(h->nlmsg_len - NLMSG_SPACE(header_len));
    for (; RTA_OK(a, left); a = RTA_NEXT(a, left))
        if (a->rta_type == type && RTA_PAYLOAD(a) >= sizeof(*value)) {
            memcpy(value, RTA_DATA(a), sizeof(*value));
            rc = 0;
        }
    return rc;
}

/* The id this namespace gives the namespace of interface ifindex's peer: 0, or -1. */
static int peer_nsid(unsigned ifindex, int32_t *nsid)
{
    struct request r;
    memset(&r, 0, sizeof(r));
    r.n.nlmsg_len = NLMSG_LENGTH(sizeof(r.link));
    r.n.nlmsg_type = RTM_GETLINK;
    r.n.nlmsg_flags = NLM_F_REQUEST;
    r.link.ifi_family = AF_UNSPEC;
    r.link.ifi_index = (int)ifindex;
    return ask(&r, sizeof(r.link), IFLA_LINK_NETNSID, nsid);
}

/* The id this namespace gives the namespace whose file fd is open: 0, or -1. */
static int nsid_of(int fd, int32_t *nsid)
{
    struct request r;
    memset(&r, 0, sizeof(r));
    r.n.nlmsg_len = NLMSG_LENGTH(sizeof(r.gen));
    r.n.nlmsg_type = RTM_GETNSID;
    r.n.nlmsg_flags = NLM_F_REQUEST;
    r.gen.rtgen_family = AF_UNSPEC;
    struct rtattr *a = (struct rtattr *)((char *)&r.n + NLMSG_ALIGN(r.n.nlmsg_len));
    uint32_t u = (uint32_t)fd;
    a->rta_type = NETNSA_FD;
    a->rta_len = RTA_LENGTH(sizeof(u));
    memcpy(RTA_DATA(a), &u, sizeof(u));
    r.n.nlmsg_len = NLMSG_ALIGN(r.n.nlmsg_len) + RTA_ALIGN(a->rta_len);
    return ask(&r, sizeof(r.gen), NETNSA_NSID, nsid) == 0 && *nsid >= 0 ? 0 : -1;
}

/* Whether a namespace file of dir (root's: ip netns, Docker) has id nsid: its name, after
 * prefix, into out. Opened without following a link, and only when it is a namespace. */
static bool named_in(const char *dir, const char *prefix, int32_t nsid,
                     char out[PEER_NETNS_NAME_MAX])
{
    DIR *d = opendir(dir);
    const struct dirent *e;
    bool found = false;
    while (d && !found && (e = readdir(d))) {
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        struct statfs fs;
        int32_t id;
        if (fd < 0)
            continue;
        if (fstatfs(fd, &fs) == 0 && fs.f_type == NSFS_MAGIC && nsid_of(fd, &id) == 0 &&
            id == nsid) {
            size_t n = strlen(prefix);
            memcpy(out, prefix, n + 1);
            text_printable(out + n, PEER_NETNS_NAME_MAX - n, e->d_name,
                           strnlen(e->d_name, PEER_NETNS_NAME_MAX));
            found = true;
        }
        close(fd);
    }
    if (d)
        closedir(d);
    return found;
}

int peer_netns_name(unsigned ifindex, char out[PEER_NETNS_NAME_MAX])
{
    int32_t nsid;
    if (peer_nsid(ifindex, &nsid) != 0 || nsid < 0)
        return -1;
    if (!named_in("/run/netns", "", nsid, out) &&
        !named_in("/run/docker/netns", "docker:", nsid, out))
        snprintf(out, PEER_NETNS_NAME_MAX, "nsid:%d", (int)nsid);
    return 0;
}
