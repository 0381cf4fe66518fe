/* --block dump on one process that the kernel refused and stopped (SIGSTOP): the core
 * taken with gcore into the dump directory's fd, within a byte budget, checked whole, then
 * the process killed. */
#ifndef EBPFSHIELD_DUMP_H
#define EBPFSHIELD_DUMP_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/log.h"

#define DUMP_TIMEOUT_MS 120000
/* Room left on the file system after a core: cores never fill the disk. */
#define DUMP_KEEP_FREE_BYTES (64ull << 20)

/* The process of a hit: its pid, the thread that connected, and when (CLOCK_BOOTTIME). */
struct dump_target {
    pid_t pid;
    pid_t tid;
    uint64_t event_boot_ns;
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

/* Dumps then kills t. The core is <dir>/ebpfshield-<event ns>.<thread>, 0600; a core cut
 * short (budget, full disk, gcore killed) is removed. When *cancel becomes true, gcore is
 * stopped and the process killed without a core. */
enum dump_result dump_process(const struct dump_target *t, const struct dump_place *place,
                              const atomic_bool *cancel, struct error *e);

#endif
