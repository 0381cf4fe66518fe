/* Which capabilities a run needs (feature, --block action, attach mode, what this machine
 * lacks), checked against the effective set before anything else happens. The needs were
 * measured by removing one capability at a time from a root process (README). */
#ifndef EBPFSHIELD_CAPABILITIES_H
#define EBPFSHIELD_CAPABILITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "guard/block_actions.h"
#include "engine/attach.h"
#include "engine/feature.h"
#include "base/log.h"

/* What a run asks for and what it will have to do on this machine. */
struct caps_request {
    enum feature_id feature;
    enum block_action block; /* ebpf_ipintelligence */
    enum attach_mode attach; /* as asked: auto may take kprobes */
    bool inbound;            /* --inbound: XDP programs linked to interfaces */
    bool tracefs_missing;    /* no tracing directory: the tool mounts tracefs */
    bool cgroup2_missing;    /* no cgroup2 mount: one is made for the cgroup programs */
    bool memlock_short;      /* the perf buffer exceeds what RLIMIT_MEMLOCK lets it lock */
    bool perf_locked;        /* kernel.perf_event_paranoid above 2 (Debian's default 3): its
                              * patch lets only CAP_SYS_ADMIN call perf_event_open */
};

/* A needed capability and why (a phrase shown in the error). */
struct caps_need {
    int cap;
    const char *why;
};

#define CAPS_NEED_MAX 8

/* The capabilities r needs, in out; returns how many. */
size_t caps_needed(const struct caps_request *r, struct caps_need out[CAPS_NEED_MAX]);

/* 0 when held (bit n: capability n) covers r; otherwise -1 and e holds one line naming
 * every missing capability with why. CAP_SYS_ADMIN stands in for CAP_BPF, CAP_PERFMON
 * and CAP_NET_ADMIN, as the kernel lets it. */
int caps_check(const struct caps_request *r, uint64_t held, struct error *e);

/* "CAP_NET_RAW" for CAP_NET_RAW; "CAP_<n>" for one this table does not name. */
const char *caps_name(int cap);

/* True when perf buffers of pages_per_cpu pages (plus the header page) on each of cpus
 * exceed what the kernel lets a process lock without CAP_IPC_LOCK: RLIMIT_MEMLOCK
 * (memlock bytes; UINT64_MAX for unlimited) plus what is left of the per-user perf
 * allowance (kernel.perf_event_mlock_kb per CPU) once the user's other processes took
 * theirs (others_pages, their perf buffers), unless kernel.perf_event_paranoid is -1. */
bool caps_memlock_short(uint64_t pages_per_cpu, uint64_t page_size, unsigned cpus, uint64_t memlock,
                        uint64_t mlock_kb, int paranoid, uint64_t others_pages);

/* The pages of the perf buffers mapped by the other processes of uid that this process
 * may read the maps of (a process with capabilities it lacks hides its own); /proc as
 * open in proc_fd. */
uint64_t caps_perf_pages_of_uid(int proc_fd, uid_t uid, uint64_t page_size);

/* This process's effective set (capget(2)); 0, or -1 with a message in e (*held then 0). */
int caps_effective(uint64_t *held, struct error *e);

/* The feature, block action and attach mode of asked, on this machine (tracefs, cgroup2,
 * the memlock limit for a perf buffer of perf_pages_per_cpu; asked's other fields are
 * ignored), checked against this process's effective set. */
int caps_check_process(const struct caps_request *asked, int perf_pages_per_cpu, struct error *e);

#endif
