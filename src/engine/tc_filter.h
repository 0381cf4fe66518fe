/* A TC program as a clsact egress filter (cls_bpf, direct action), for kernels without
 * TCX links (before Linux 6.6). A filter is not a link: it stays in the kernel after its
 * process. So a reaper, a child of the tool that holds nothing of it, removes the tool's
 * filters once the tool is gone, whatever the way (SIGKILL included); with --persist they
 * are meant to stay, and the next start replaces each one's program in place. A refusing
 * run's filters and a --block print run's have handles of their own, so that neither
 * replaces nor removes the other's. */
#ifndef EBPFSHIELD_TC_FILTER_H
#define EBPFSHIELD_TC_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/log.h"

#define TC_FILTER_QDISCS_MAX 1024 /* qdiscs made, which a reaper remembers */

/* Adds the egress filter of a run (refusing: the --block action refuses) running prog_fd
 * to interface ifindex (named name, for messages), or replaces the program of the one
 * there (an earlier --persist run's); the interface's clsact qdisc is made when it has
 * none (*made_qdisc then true). 0, or -1 with a message in e. */
int tc_filter_attach(int prog_fd, unsigned ifindex, bool refusing, const char *name,
                     bool *made_qdisc, struct error *e);

/* Removes such a run's egress filter from interface ifindex, and then, when drop_qdisc,
 * the clsact qdisc if it holds no other filter. 0, or -1 (errno: ENOENT when there is
 * none, and then the qdisc is left alone). System calls only: safe in a child forked by a
 * threaded process. */
int tc_filter_detach(unsigned ifindex, bool refusing, bool drop_qdisc);

/* Removes such a run's egress filters from every interface of this network namespace but
 * the n of keep, each with its clsact qdisc when that holds no other filter (a --persist
 * run's, whose maker is not known any more; an empty one does nothing): the number
 * removed (each said on the log stream when say). */
int tc_filter_detach_others(const unsigned *keep, size_t n, bool refusing, bool say);

/* The reaper: a child whose end of a pipe sees EOF when the tool is gone; it then removes
 * the run's filter from every interface of the namespace, and the qdiscs the tool made. */
struct tc_reaper {
    pid_t pid; /* 0: none */
    int fd;    /* the tool's end of the pipe */
};

/* Starts r's child for a run's filters (refusing: as tc_filter_attach's). 0, or -1 with a
 * message in e. */
int tc_reaper_start(struct tc_reaper *r, bool refusing, struct error *e);

/* Tells r's child that the tool made interface ifindex's qdisc. */
void tc_reaper_made_qdisc(const struct tc_reaper *r, unsigned ifindex);

/* At the tool's own exit: the pipe closed, so the child removes the filters as it would
 * after a SIGKILL of the tool, and waited for. */
void tc_reaper_stop(struct tc_reaper *r);

#endif
