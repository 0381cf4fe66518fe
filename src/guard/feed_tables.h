/* The guard's feed tables in the kernel, written by their fds (map_fd.h), so that a
 * reload's thread can sync them while the event loop goes on. */
#ifndef EBPFSHIELD_FEED_TABLES_H
#define EBPFSHIELD_FEED_TABLES_H

#include "threatfeed/feeds.h"
#include "base/log.h"

struct feed_tables {
    int v4, v6;        /* the LPM tries: feeds_v4, feeds_v6 */
    int names;         /* the domain table: domains */
    int names_checked; /* domain_active[0]: 1 while a name is listed */
};

/* The tables from old's entries (NULL: none) to new's, never holding less than one of
 * them: every new entry goes in before an old one goes. 0, or -1 with a message in e. */
int feed_tables_sync(const struct feed_tables *t, const struct feed_set *old,
                     const struct feed_set *new, struct error *e);

#endif
