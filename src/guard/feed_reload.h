/* A reload off the event loop: a thread loads the new set from the same sources and syncs
 * the kernel's tables to it while the loop goes on reading events; the loop takes the set
 * (or the reason it failed) once the thread is done. */
#ifndef EBPFSHIELD_FEED_RELOAD_H
#define EBPFSHIELD_FEED_RELOAD_H

#include <stdbool.h>

#include "guard/feed_tables.h"
#include "threatfeed/feeds.h"
#include "base/log.h"

struct feed_reload;

/* Starts the thread. src, reg, t and old (the set the tables hold) must stay as they are
 * until feed_reload_end; reg may be read meanwhile (it locks). 0, or -1 with a message
 * in e. */
int feed_reload_start(struct feed_reload **out, const struct feed_sources *src,
                      struct feed_registry *reg, const struct feed_tables *t,
                      const struct feed_set *old, struct error *e);

/* Asks the thread to stop short: a set still being loaded is dropped before it reaches
 * the tables (a sync under way goes to its end, so that the tables hold one set). */
void feed_reload_cancel(struct feed_reload *r);

/* True once the thread has finished (feed_reload_end will not wait). */
bool feed_reload_done(struct feed_reload *r);

/* Waits for the thread and frees r. Returns the new set, which the tables now hold, or
 * NULL with a message in e: the tables hold old again (or, if even that failed, both
 * sets' entries; said). */
struct feed_set *feed_reload_end(struct feed_reload *r, struct error *e);

#endif
