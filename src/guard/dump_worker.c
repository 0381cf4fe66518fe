#include "guard/dump_worker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "guard/block_actions.h"
#include "output/output.h"
#include "base/quiet_thread.h"

struct dump_worker {
    const char *dir;
    struct dump_place place;
    const struct output *out;
    atomic_bool cancel;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct dump_job queue[DUMP_QUEUE_MAX];
    size_t head, count;
    bool stopping;
    unsigned long long failed;
    pthread_t thread;
};

/* The line of a job's hit. */
static void report(const struct dump_worker *w, const struct dump_job *job, enum hit_result result)
{
    struct hit_report r = block_hit_report(BLOCK_DUMP, result, w->dir);
    output_hit(w->out, &job->conn, &r);
}

/* One job: the dump (none once cancel is set), then its line (the dump's or, failing
 * that, what became of the process) and, on failure, the reason on the log. */
static void run_job(struct dump_worker *w, const struct dump_job *job, const atomic_bool *cancel,
                    const char *why)
{
    struct error e;
    enum dump_result r = dump_process(&job->target, &w->place, cancel, &e);
    if (r == DUMP_TAKEN) {
        report(w, job, HIT_ACTED);
        return;
    }
    log_warn("%s%s", e.msg, why);
    report(w, job, r == DUMP_NO_CORE ? HIT_NO_CORE : HIT_EXITED);
    pthread_mutex_lock(&w->lock);
    w->failed++;
    pthread_mutex_unlock(&w->lock);
}

static void *work(void *arg)
{
    struct dump_worker *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->count == 0 && !w->stopping)
            pthread_cond_wait(&w->wake, &w->lock);
        if (w->count == 0)
            break;
        struct dump_job job = w->queue[w->head];
        w->head = (w->head + 1) % DUMP_QUEUE_MAX;
        w->count--;
        pthread_mutex_unlock(&w->lock);
        run_job(w, &job, &w->cancel, "");
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct dump_worker *dump_worker_start(const char *dir, struct dump_place place,
                                      const struct output *out, struct error *e)
{
    struct dump_worker *w = calloc(1, sizeof(*w));
    if (!w) {
        error_set(e, "out of memory");
        return NULL;
    }
    w->dir = dir; /* field by field: a compound literal of the queue would be on the stack */
    w->place = place;
    w->out = out;
    atomic_init(&w->cancel, false);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    int rc = quiet_thread_start(&w->thread, work, w);
    if (rc != 0) {
        error_set(e, "cannot start the dump thread: %s", strerror(rc));
        free(w);
        return NULL;
    }
    return w;
}

void dump_worker_submit(struct dump_worker *w, const struct dump_job *job)
{
    pthread_mutex_lock(&w->lock);
    bool queued = w->count < DUMP_QUEUE_MAX;
    if (queued) {
        w->queue[(w->head + w->count) % DUMP_QUEUE_MAX] = *job;
        w->count++;
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&w->lock);
    if (queued)
        return;
    /* Too many stopped processes waiting: this one goes without a core. */
    static const atomic_bool now = true;
    char why[64];
    snprintf(why, sizeof(why), " (%d dumps already waiting)", DUMP_QUEUE_MAX);
    run_job(w, job, &now, why);
}

unsigned long long dump_worker_stop(struct dump_worker *w)
{
    atomic_store(&w->cancel, true);
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    unsigned long long failed = w->failed;
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
    return failed;
}
