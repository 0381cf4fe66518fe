/* ebpf_ipintelligence in user space: a connect event, already checked against the feeds
 * (and refused, with the action's signal sent) in the kernel, printed; on a hit with
 * --block dump, handed to the dump worker. Free of libbcc. */
#ifndef EBPFSHIELD_GUARD_HANDLER_H
#define EBPFSHIELD_GUARD_HANDLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "guard/block_actions.h"
#include "guard/dump_worker.h"
#include "threatfeed/feeds.h"
#include "output/output.h"
#include "common/ebpfshield_events.h"

struct metrics_text;

/* The kernel's record of what a process resolved (resolved_names): 1 found, 0 not. */
typedef int (*resolved_lookup_fn)(void *ctx, const struct resolved_key *key,
                                  struct resolved_name *value);

struct guard_handler {
    const struct output *out;
    enum block_action block;
    bool verbose;                      /* print every connection */
    struct dump_worker *dumps;         /* with --block dump */
    const struct feed_registry *feeds; /* names the feed of a hit */
    const struct feed_set *const *set; /* the set in use (domain hits are checked by name) */
    resolved_lookup_fn resolved;       /* names an address hit's domain; NULL: none */
    void *resolved_ctx;
    bool freeze; /* suspend and dump: the stopped process is frozen in a cgroup of its own */
    int cgroot;  /* with freeze: the cgroup2 root */
    int holds;   /* and its holding directory (victim_holds_open) */
    void (*waiting)(void *ctx); /* a signal waits for the syscall-exit program */
    /* A suspended process tgid is frozen: the kernel's hold of it may go. */
    void (*frozen)(void *ctx, uint32_t tgid);
    void *ctx;                         /* of waiting and frozen */
    unsigned long long hits;           /* connections to a feed address or DNS messages for a
                                        * feed name */
    unsigned long long domain_hits;    /* the latter */
    unsigned long long failed_actions; /* hits whose action could not be carried out */
    unsigned long long repeats;        /* hits of floods counted, not printed one by one */
    unsigned long long unsaid;         /* of them, those not said per process (flood_unsaid) */
    unsigned long long egress_dropped; /* packets to feed addresses only egress saw */
    /* The kernel's name-check counters, read when the programs stop: DNS messages dropped
     * unread (refusing), TCP segments held back until their question was whole, answers
     * to a listed question (dropped when refusing). */
    unsigned long long dropped_unread, held_partial, answers_listed;
    /* --inbound: the kernel's counters (EBPFSHIELD_INBOUND_*, read when the programs stop;
     * [EBPFSHIELD_INBOUND_COUNTERS]: the packets in all) and the lines printed. */
    unsigned long long inbound[EBPFSHIELD_INBOUND_COUNTERS + 1];
    unsigned long long inbound_reports;
};

/* One netevent, domainevent or inboundevent sample (or a guard_notice, handed to waiting): the
 * verbose line, and on a feed hit its line (with --block dump, the worker prints it once the core
 * is taken). Every hit gets one line: the action's, or that the process exited before the action
 * could reach it. */
void guard_handle_sample(struct guard_handler *h, const void *data, size_t size);

/* Its counters for --metrics (metrics_text.h), with what the kernel and the dump worker
 * count until stop adds it to h: the flood hits not said per process, the dumps failed. */
void guard_metrics(const struct guard_handler *h, unsigned long long unsaid,
                   unsigned long long dumps_failed, struct metrics_text *m);

/* A flood's count of process pid's hits not printed one by one, said on the log (state:
 * what became of the process, "ended" or "is running"). */
void guard_report_repeats(struct guard_handler *h, uint32_t pid, uint32_t count, const char *state);

/* The statistics at exit, on the log stream (nothing when there was no hit). */
void guard_report(const struct guard_handler *h);

#endif
