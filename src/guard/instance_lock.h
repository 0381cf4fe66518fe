/* One enforcing instance per host: two would refuse, signal and dump the same process
 * twice (two gdbs fighting over ptrace). */
#ifndef EBPFSHIELD_INSTANCE_LOCK_H
#define EBPFSHIELD_INSTANCE_LOCK_H

#include "base/log.h"

#define INSTANCE_LOCK_DIR "/run/ebpfshield-bcc"

/* Takes the lock (a flock on INSTANCE_LOCK_DIR/enforce.lock, which holds our pid). Returns
 * its fd, to be held until exit, or -1 with a message in e (naming the other instance's
 * pid when one holds it). */
int instance_lock(struct error *e);

#endif
