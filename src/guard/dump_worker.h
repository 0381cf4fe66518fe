/* --block dump off the event loop: hits queue here and DUMP_THREADS threads dump them
 * (the kernel has stopped each already), oldest first but never two of one user (or of one
 * process) at once, a quarter of the queue at most one user's,
 * so that neither gcore nor one user's victims (a gcore that hangs) hold up the events or
 * another user's victim. Stopping the worker cancels the running gcores and kills what is
 * still queued without a core, so the tool exits at once. */
#ifndef EBPFSHIELD_DUMP_WORKER_H
#define EBPFSHIELD_DUMP_WORKER_H

#include <stdint.h>
#include <stdio.h>

#include <netinet/in.h>

#include "guard/dump.h"
#include "guard/uid_account.h"
#include "common/ebpfshield_events.h"
#include "base/log.h"
#include "output/output.h"

#define DUMP_QUEUE_MAX 4096
#define DUMP_THREADS 4

struct dump_worker;

/* One hit to dump: the process, and what its line shows. */
struct dump_job {
    struct dump_target target;
    struct conn_event conn;
};

/* Starts the thread; lines go to out, problems to the log. dir is the path shown in the
 * lines; place is where cores go; subuid is the file of subordinate uids (SUBUID_FILE:
 * a user's containers count as that user, uid_account.h). Returns NULL with a message
 * in e. */
struct dump_worker *dump_worker_start(const char *dir, struct dump_place place,
                                      const struct output *out, const char *subuid,
                                      struct error *e);

/* Queues job, its target pinned (dump_target_pin; the worker unpins it), never waiting. With the
 * queue full the process is killed without a core at once, and its line says so. */
void dump_worker_submit(struct dump_worker *w, const struct dump_job *job);

/* How many hits could not be dumped so far. */
unsigned long long dump_worker_failed(struct dump_worker *w);

/* Cancels, kills what is queued without a core, joins the thread and frees w. Returns how
 * many hits could not be dumped. */
unsigned long long dump_worker_stop(struct dump_worker *w);

#endif
