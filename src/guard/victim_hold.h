/* A victim of --block suspend or dump held in a cgroup of its own, frozen (the cgroup v2
 * freezer): a SIGCONT does not resume a frozen process, and neither does a tracer that
 * suppresses its SIGSTOP. The cgroup is <cgroup2 root>/ebpfshield.hold/<pid>.<event ns>,
 * root's all the way up, so that no user with a delegated cgroup can move its process
 * back out; a fatal signal still ends a frozen process. */
#ifndef EBPFSHIELD_VICTIM_HOLD_H
#define EBPFSHIELD_VICTIM_HOLD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/log.h"

#define VICTIM_HOLD_DIR "ebpfshield.hold"

struct victim_hold {
    bool held; /* zero: nothing open */
    int dirfd; /* the process's own cgroup (-1: none) */
    int parentfd;
    char name[48];
};

/* Freezes process pid into a new cgroup under cgroot (a cgroup2 root fd); id names it.
 * 0, or -1 with a message in e (the process is not held). */
int victim_hold_freeze(int cgroot, pid_t pid, uint64_t id, struct victim_hold *h, struct error *e);

/* Lets the held process run again (gcore's debugger, attached, stops it at once). */
int victim_hold_thaw(const struct victim_hold *h, struct error *e);

/* Closes h; with remove, also removes its cgroup, waiting up to a second for it to empty
 * (a process killed a moment ago). A suspended process stays held (remove 0). */
void victim_hold_release(struct victim_hold *h, int remove);

/* Makes the holding directory under cgroot (root's cgroup root is 0555: it takes
 * CAP_DAC_OVERRIDE): 0, or -1 with a message in e. */
int victim_hold_prepare(int cgroot, struct error *e);

/* Whether process pid is in a cgroup under the holding directory already; root: the
 * path of the cgroot given to the other calls in the hierarchy ("": its root). */
bool victim_hold_holds(pid_t pid, const char *root);

/* Removes the cgroups under cgroot's holding directory that hold no process any more (a
 * suspended one killed since), and the directory once empty. */
void victim_hold_tidy(int cgroot);

#endif
