#include "engine/tc_filter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The tool's filter, told apart from anyone else's by its priority, handle and kind; a
 * refusing run's handle and a print run's differ. */
#define FILTER_PRIO 1
#define FILTER_HANDLE(refusing) ((refusing) ? 0xeb5u : 0xeb6u)
#define FILTER_NAME "ebpfshield_leaving"
#define REAPED_LINKS_MAX 65536 /* interfaces of a namespace the reaper goes through */

struct request {
    struct nlmsghdr n;
    struct tcmsg t;
    char attrs[256];
};

static void attr(struct request *r, unsigned short type, const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *)((char *)&r->n + NLMSG_ALIGN(r->n.nlmsg_len));
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(a), data, len);
    r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void request_init(struct request *r, unsigned short type, unsigned short flags,
                         unsigned ifindex, uint32_t parent)
{
    memset(r, 0, sizeof(*r));
    r->n.nlmsg_len = NLMSG_LENGTH(sizeof(r->t));
    r->n.nlmsg_type = type;
    r->n.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
    r->t.tcm_family = AF_UNSPEC;
    r->t.tcm_ifindex = (int)ifindex;
    r->t.tcm_parent = parent;
}

/* The filter's identity in a request: egress of clsact, priority, protocol, handle, kind. */
static void filter_request(struct request *r, unsigned short type, unsigned short flags,
                           unsigned ifindex, bool refusing)
{
    request_init(r, type, flags, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS));
    r->t.tcm_handle = FILTER_HANDLE(refusing);
    r->t.tcm_info = TC_H_MAKE((uint32_t)FILTER_PRIO << 16, htons(ETH_P_ALL));
    attr(r, TCA_KIND, "bpf", 4);
}

/* The interface of a link message, into the links (at most REAPED_LINKS_MAX). */
struct links {
    unsigned index[REAPED_LINKS_MAX];
    size_t n;
};

/* Sends r and reads the kernel's answer: 0, or -1 with errno. On dumps (NLM_F_DUMP),
 * *count gets the number of messages before the end, and links (when not NULL) the
 * interface of each link message. System calls only. */
static int talk_links(struct request *r, int *count, struct links *links)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -1;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    r->n.nlmsg_flags |= NLM_F_ACK;
    int rc = -1, err = EIO;
    if (sendto(fd, r, r->n.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
        err = errno;
    else
        for (bool done = false; !done;) {
            uint32_t buf[8192]; /* aligned for nlmsghdr; 32 KiB: a dump's whole skb */
            ssize_t n = recv(fd, buf, sizeof(buf), 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                err = n < 0 ? errno : EIO;
                break;
            }
            unsigned left = (unsigned)n;
            for (const struct nlmsghdr *h = (const void *)buf; !done && NLMSG_OK(h, left);
                 h = NLMSG_NEXT(h, left)) {
                if (h->nlmsg_type == NLMSG_DONE) {
                    rc = 0, done = true;
                } else if (h->nlmsg_type == NLMSG_ERROR) {
                    const struct nlmsgerr *e = NLMSG_DATA(h);
                    err = -e->error;
                    rc = e->error == 0 ? 0 : -1;
                    done = true;
                } else {
                    if (count)
                        (*count)++;
                    if (links && h->nlmsg_type == RTM_NEWLINK && links->n < REAPED_LINKS_MAX &&
                        h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg)))
                        links->index[links->n++] =
                            (unsigned)((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
                }
            }
        }
    close(fd);
    errno = err;
    return rc;
}

static int talk(struct request *r, int *count)
{
    return talk_links(r, count, NULL);
}

static void delete_qdisc(unsigned ifindex)
{
    struct request r;
    request_init(&r, RTM_DELQDISC, 0, ifindex, TC_H_CLSACT);
    r.t.tcm_handle = TC_H_MAKE(TC_H_CLSACT, 0);
    talk(&r, NULL);
}

int tc_filter_attach(int prog_fd, unsigned ifindex, bool refusing, const char *name,
                     bool *made_qdisc, struct error *e)
{
    struct request r;
    request_init(&r, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, TC_H_CLSACT);
    r.t.tcm_handle = TC_H_MAKE(TC_H_CLSACT, 0);
    attr(&r, TCA_KIND, "clsact", 7);
    *made_qdisc = talk(&r, NULL) == 0;
    if (!*made_qdisc && errno != EEXIST)
        return error_set(e, "%s: cannot add a clsact qdisc: %s", name, strerror(errno));
    filter_request(&r, RTM_NEWTFILTER, NLM_F_CREATE, ifindex, refusing); /* or replace ours */
    struct rtattr *options = (struct rtattr *)((char *)&r.n + NLMSG_ALIGN(r.n.nlmsg_len));
    attr(&r, TCA_OPTIONS, NULL, 0);
    uint32_t fd = (uint32_t)prog_fd, flags = TCA_BPF_FLAG_ACT_DIRECT;
    attr(&r, TCA_BPF_FD, &fd, sizeof(fd));
    attr(&r, TCA_BPF_NAME, FILTER_NAME, sizeof(FILTER_NAME));
    attr(&r, TCA_BPF_FLAGS, &flags, sizeof(flags));
    options->rta_len = (unsigned short)((char *)&r.n + r.n.nlmsg_len - (char *)options);
    if (talk(&r, NULL) == 0)
        return 0;
    int err = errno;
    if (*made_qdisc)
        delete_qdisc(ifindex);
    *made_qdisc = false;
    return error_set(e, "%s: cannot add the egress filter: %s", name, strerror(err));
}

int tc_filter_detach(unsigned ifindex, bool refusing, bool drop_qdisc)
{
    struct request r;
    filter_request(&r, RTM_DELTFILTER, 0, ifindex, refusing);
    int rc = talk(&r, NULL);
    int err = errno;
    if (!drop_qdisc || rc != 0) /* a qdisc without the tool's filter is not the tool's */
        goto out;
    int filters = 0;
    for (uint32_t minor = TC_H_MIN_INGRESS; minor <= TC_H_MIN_EGRESS; minor++) {
        request_init(&r, RTM_GETTFILTER, NLM_F_DUMP, ifindex, TC_H_MAKE(TC_H_CLSACT, minor));
        if (talk(&r, &filters) != 0)
            goto out;
    }
    if (filters == 0) /* nobody else's: the qdisc made for ours goes too */
        delete_qdisc(ifindex);
out:
    errno = err;
    return rc;
}

int tc_filter_detach_others(const unsigned *keep, size_t n, bool refusing, bool say)
{
    struct if_nameindex *all = if_nameindex();
    int removed = 0;
    for (const struct if_nameindex *i = all; i && i->if_index; i++) {
        bool kept = false;
        for (size_t k = 0; k < n && !kept; k++)
            kept = keep[k] == i->if_index;
        if (kept || tc_filter_detach(i->if_index, refusing, true) != 0)
            continue;
        removed++;
        if (say)
            log_note("removed the egress filter of %s", i->if_name);
    }
    if (all)
        if_freenameindex(all);
    return removed;
}

/* The child: remembers the qdiscs the tool made until EOF (the tool gone), then removes
 * the run's filter from every interface of the namespace (so that none of those the tool
 * linked, however many came and went, is missed). System calls only (its parent may have
 * had threads). */
static void reap(int fd, bool refusing)
{
    static unsigned made[TC_FILTER_QDISCS_MAX];
    static struct links links; /* 256 KiB: static, not on the stack */
    size_t n = 0;
    uint32_t ifindex;
    for (;;) {
        ssize_t got = read(fd, &ifindex, sizeof(ifindex));
        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof(ifindex))
            break;
        if (n < TC_FILTER_QDISCS_MAX)
            made[n++] = ifindex;
    }
    struct request r;
    request_init(&r, RTM_GETLINK, NLM_F_DUMP, 0, 0);
    r.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)); /* an ifinfomsg, not a tcmsg */
    talk_links(&r, NULL, &links);
    for (size_t i = 0; i < links.n; i++) {
        bool ours = false;
        for (size_t k = 0; k < n && !ours; k++)
            ours = made[k] == links.index[i];
        tc_filter_detach(links.index[i], refusing, ours);
    }
}

int tc_reaper_start(struct tc_reaper *r, bool refusing, struct error *e)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return error_set(e, "the egress filters' reaper: pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(p[0]);
        close(p[1]);
        return error_set(e, "the egress filters' reaper: fork: %s", strerror(err));
    }
    if (pid == 0) {
        /* Nothing of the tool held (its links, maps, lock, stdout), no signal but SIGKILL
         * ends it before the tool is gone: Ctrl-C reaches the whole process group. */
        static const int ignored[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGUSR1,
                                      SIGUSR2, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
        struct sigaction ignore = {.sa_handler = SIG_IGN};
        for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
            sigaction(ignored[i], &ignore, NULL);
        int null = open("/dev/null", O_RDWR);
        if (dup2(p[0], 3) != 3 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
            dup2(null, 2) < 0)
            _exit(1);
        if (close_range(4, ~0U, 0) != 0) /* (before Linux 5.9) */
            for (int i = 4; i < 65536; i++)
                close(i);
        prctl(PR_SET_NAME, "ebpfshield-reap");
        reap(3, refusing);
        _exit(0);
    }
    close(p[0]);
    r->pid = pid;
    r->fd = p[1];
    return 0;
}

void tc_reaper_made_qdisc(const struct tc_reaper *r, unsigned ifindex)
{
    uint32_t i = ifindex;
    if (r->pid && write(r->fd, &i, sizeof(i)) != (ssize_t)sizeof(i))
        log_warn("the egress filters' reaper: %s: the clsact qdisc of interface %u may stay "
                 "after exit",
                 strerror(errno), ifindex);
}

void tc_reaper_stop(struct tc_reaper *r)
{
    if (!r->pid)
        return;
    close(r->fd);
    while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    r->pid = 0;
}
