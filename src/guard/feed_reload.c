/* The reload thread: load, sync, and on a failed sync the way back. */
#include "guard/feed_reload.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/quiet_thread.h"

struct feed_reload {
    pthread_t thread;
    const struct feed_sources *src;
    struct feed_registry *reg;
    const struct feed_tables *tables;
    const struct feed_set *old;
    struct feed_set *set; /* the result: NULL when it failed */
    struct error e;
    atomic_bool done, cancel;
};

static void *reload_thread(void *arg)
{
    struct feed_reload *r = arg;
    r->set = feeds_load(r->src, r->reg, &r->e);
    if (r->set && atomic_load(&r->cancel)) {
        feeds_free(r->set);
        r->set = NULL;
        error_set(&r->e, "reload cancelled: the tool is stopping");
    }
    if (r->set && feed_tables_sync(r->tables, r->old, r->set, &r->e) != 0) {
        struct error undo;
        if (feed_tables_sync(r->tables, r->set, r->old, &undo) != 0)
            log_warn("feeds: restoring the old set in the kernel: %s", undo.msg);
        feeds_free(r->set);
        r->set = NULL;
    }
    atomic_store(&r->done, true);
    return NULL;
}

int feed_reload_start(struct feed_reload **out, const struct feed_sources *src,
                      struct feed_registry *reg, const struct feed_tables *t,
                      const struct feed_set *old, struct error *e)
{
    struct feed_reload *r = calloc(1, sizeof(*r));
    if (!r)
        return error_set(e, "reload: %s", strerror(ENOMEM));
    *r = (struct feed_reload){.src = src, .reg = reg, .tables = t, .old = old};
    atomic_init(&r->done, false);
    atomic_init(&r->cancel, false);
    int err = quiet_thread_start(&r->thread, reload_thread, r);
    if (err != 0) {
        free(r);
        return error_set(e, "reload: starting its thread: %s", strerror(err));
    }
    *out = r;
    return 0;
}

void feed_reload_cancel(struct feed_reload *r)
{
    atomic_store(&r->cancel, true);
}

bool feed_reload_done(struct feed_reload *r)
{
    return atomic_load(&r->done);
}

struct feed_set *feed_reload_end(struct feed_reload *r, struct error *e)
{
    pthread_join(r->thread, NULL);
    struct feed_set *set = r->set;
    if (!set)
        *e = r->e;
    free(r);
    return set;
}
