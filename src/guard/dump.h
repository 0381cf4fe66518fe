/* --block dump on one process that the kernel refused and stopped (SIGSTOP): the core
 * taken with gcore into the dump directory's fd, within a byte budget, checked whole, then
 * the process killed. */
#ifndef EBPFSHIELD_DUMP_H
#define EBPFSHIELD_DUMP_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/log.h"
#include "guard/victim_hold.h"

/* The most one gcore may take: a hanging one holds up its own user's next dump alone. */
#define DUMP_TIMEOUT_MS 60000
/* How long a killed gcore is waited for before it is left to be reaped later. */
#define DUMP_GRACE_MS 2000
/* One user's cores take at most this fraction of the total (1/4): one user's victims never
 * leave another's without room. */
#define DUMP_USER_SHARE 4
/* Room left on the file system after a core: cores never fill the disk. */
#define DUMP_KEEP_FREE_BYTES (64ull << 20)

/* The process of a hit: its pid, the thread that connected, and when (CLOCK_BOOTTIME);
 * its identity from the event (0: unknown); the pidfd dump_target_pin opens (-1 before). */
struct dump_target {
    pid_t pid;
    pid_t tid;
    uid_t uid;
    uid_t account; /* whom its dumps are charged to (uid_account.h; dump_worker_submit) */
    uint64_t event_boot_ns;
    uint64_t start_ns; /* its leader's start_boottime */
    uint64_t pid_ino;  /* the pidfs inode number of its pid */
    int pidfd;
    struct victim_hold hold; /* frozen while it waits (zero: not held) */
};

struct dump_place {
    int dirfd;       /* from private_dir_open() */
    uint64_t budget; /* the most bytes of one core */
    uint64_t total;  /* the most bytes all cores in the directory may take */
};

enum dump_result {
    DUMP_TAKEN,   /* core written whole, process killed */
    DUMP_NO_CORE, /* process killed without a core; e says why */
    DUMP_GONE,    /* the process of the event is gone (or its pid was reused): not signalled */
};

/* Pins t's process with a pidfd (t->pidfd), when the process now holding t->pid is the
 * event's: the same pidfs inode where the event has one (exact); else the same start to
 * the clock tick and the same user; else (no identity) started no later than the event.
 * At once on the event, so that a pid reused while the dump waits is never taken for it.
 * 0, or -1 with a message in e. */
int dump_target_pin(struct dump_target *t, struct error *e);

/* Closes t's pidfd, if pinned. */
void dump_target_unpin(struct dump_target *t);

/* Dumps then kills pinned t (unpinned and its hold removed after; a held process is
 * thawed once gcore's debugger has attached, which stops it). The core is <dir>/ebpfshield-<event
 * ns>.<thread>, 0600; a core cut short (budget, full disk, gcore killed) is removed. When *cancel
 * becomes true, gcore is stopped and the process killed without a core. */
enum dump_result dump_process(struct dump_target *t, const struct dump_place *place,
                              const atomic_bool *cancel, struct error *e);

#endif
