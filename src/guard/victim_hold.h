/* A victim of --block suspend or dump held in a cgroup of its own, frozen (the cgroup v2
 * freezer): a SIGCONT does not resume a frozen process, and neither does a tracer that
 * suppresses its SIGSTOP. The cgroup is <cgroup2 root>/ebpfshield.hold/<pid>.<event ns>,
 * root's all the way up, so that no user with a delegated cgroup can move its process
 * back out; pids.max 0 there (where the pids controller is on), so that it forks nothing;
 * a fatal signal still ends it, and cgroup.kill ends whatever is in it. */
#ifndef EBPFSHIELD_VICTIM_HOLD_H
#define EBPFSHIELD_VICTIM_HOLD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/log.h"

#define VICTIM_HOLD_DIR "ebpfshield.hold"

struct victim_hold {
    bool held;    /* zero: not held */
    int holds_fd; /* the holding directory (borrowed from victim_holds_open) */
    char name[48];
};

/* Makes and opens the holding directory under cgroot (a cgroup2 root fd; root's cgroup
 * root is 0555: it takes CAP_DAC_OVERRIDE), the pids controller on for its cgroups where
 * the root has it: its fd, or -1 with a message in e. */
int victim_holds_open(int cgroot, struct error *e);

/* Freezes process pid (pinned by pidfd) into a new cgroup of holds_fd's, named by id; the
 * move is by pid number, so it is undone when the pinned process turns out gone. 0, or
 * -1 with a message in e (the process is not held). cgroot: where it is moved back. */
int victim_hold_freeze(int cgroot, int holds_fd, pid_t pid, int pidfd, uint64_t id,
                       struct victim_hold *h, struct error *e);

/* Lets the held process run again (gcore's debugger, attached, stops it at once). */
int victim_hold_thaw(const struct victim_hold *h, struct error *e);

/* SIGKILL to every process in h's cgroup (cgroup.kill: what it forked included). */
void victim_hold_kill(const struct victim_hold *h);

/* Forgets h, removing its cgroup once empty: tried for up to wait_ms (a process killed a
 * moment ago leaves it as it exits); else left to victim_hold_tidy. */
void victim_hold_release(struct victim_hold *h, int wait_ms);

/* Whether process pid is in a cgroup under the holding directory already; root: the
 * path of the cgroot given to the other calls in the hierarchy ("": its root). */
bool victim_hold_holds(pid_t pid, const char *root);

/* Removes the cgroups under cgroot's holding directory that hold no process (any more),
 * waiting up to wait_ms for those of processes killed a moment ago, then the directory
 * once empty. */
void victim_hold_tidy(int cgroot, int wait_ms);

#endif
