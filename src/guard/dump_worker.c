#include "guard/dump_worker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "guard/block_actions.h"
#include "output/output.h"
#include "base/quiet_thread.h"

struct dump_worker;

struct dump_thread {
    struct dump_worker *w;
    size_t index;
};

struct dump_worker {
    const char *dir;
    struct dump_place place;
    const struct output *out;
    atomic_bool cancel;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct dump_job jobs[DUMP_QUEUE_MAX];
    uint16_t order[DUMP_QUEUE_MAX]; /* slots of jobs, oldest first */
    uint16_t free_slots[DUMP_QUEUE_MAX];
    size_t count, nfree;
    size_t capacity, user_capacity; /* jobs that may wait: each holds a pidfd */
    bool busy[DUMP_THREADS];        /* thread i is dumping process busy_pid[i] of busy_account[i] */
    uid_t busy_account[DUMP_THREADS];
    pid_t busy_pid[DUMP_THREADS];
    struct uid_accounts *accounts; /* charges a container's uids to its user (submit only) */
    bool stopping;
    unsigned long long failed;
    size_t started;
    pthread_t threads[DUMP_THREADS];
    struct dump_thread args[DUMP_THREADS];
};

/* The line of a job's hit. */
static void report(const struct dump_worker *w, const struct dump_job *job, enum hit_result result)
{
    struct hit_report r = block_hit_report(BLOCK_DUMP, result, w->dir);
    output_hit(w->out, &job->conn, &r);
}

/* One job: the dump (none once cancel is set), then its line (the dump's or, failing
 * that, what became of the process) and, on failure, the reason on the log. */
static void run_job(struct dump_worker *w, struct dump_job *job, const atomic_bool *cancel,
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

/* 1 when another thread is dumping a process of t's account (its user), or t's process
 * (whose events may carry two users: a name hit's is the socket's recorded one). Under
 * the lock. */
static bool user_busy(const struct dump_worker *w, const struct dump_target *t)
{
    for (size_t i = 0; i < DUMP_THREADS; i++)
        if (w->busy[i] && (w->busy_account[i] == t->account || w->busy_pid[i] == t->pid))
            return true;
    return false;
}

/* The queue position of the oldest job whose user has no dump running (any job once
 * cancelled), or count when there is none. Under the lock. */
static size_t next_job(const struct dump_worker *w)
{
    bool any = atomic_load(&w->cancel);
    for (size_t i = 0; i < w->count; i++)
        if (any || !user_busy(w, &w->jobs[w->order[i]].target))
            return i;
    return w->count;
}

/* Takes the job at queue position at out of the queue. Under the lock. */
static struct dump_job take_job(struct dump_worker *w, size_t at)
{
    uint16_t slot = w->order[at];
    memmove(&w->order[at], &w->order[at + 1], (w->count - at - 1) * sizeof(w->order[0]));
    w->count--;
    w->free_slots[w->nfree++] = slot;
    return w->jobs[slot];
}

/* A thread: the oldest job of a user whose process no other thread is dumping, so that
 * a gcore that hangs holds up its own user's dumps alone (until DUMP_TIMEOUT_MS). */
static void *work(void *arg)
{
    const struct dump_thread *t = arg;
    struct dump_worker *w = t->w;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        size_t at;
        while ((at = next_job(w)) == w->count && !(w->stopping && w->count == 0))
            pthread_cond_wait(&w->wake, &w->lock);
        if (at == w->count)
            break;
        struct dump_job job = take_job(w, at);
        w->busy[t->index] = true;
        w->busy_account[t->index] = job.target.account;
        w->busy_pid[t->index] = job.target.pid;
        pthread_mutex_unlock(&w->lock);
        run_job(w, &job, &w->cancel, "");
        pthread_mutex_lock(&w->lock);
        w->busy[t->index] = false;
        pthread_cond_broadcast(&w->wake); /* that user's next job may go */
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* How many jobs may wait: a pidfd each, beside the tool's own descriptors (systemd's soft
 * limit is 1024; the hard one is raised to where it allows). */
static size_t job_capacity(void)
{
    struct rlimit rl;
    const rlim_t reserve = 256, want = DUMP_QUEUE_MAX + reserve;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return DUMP_QUEUE_MAX / 16;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            getrlimit(RLIMIT_NOFILE, &rl);
    }
    size_t n = rl.rlim_cur > reserve + 64 ? (size_t)(rl.rlim_cur - reserve) : 64;
    if (n < DUMP_QUEUE_MAX)
        log_warn("open files are limited to %llu: at most %zu dumps wait, beyond that "
                 "victims are killed without a core",
                 (unsigned long long)rl.rlim_cur, n);
    return n < DUMP_QUEUE_MAX ? n : DUMP_QUEUE_MAX;
}

struct dump_worker *dump_worker_start(const char *dir, struct dump_place place,
                                      const struct output *out, const char *subuid, struct error *e)
{
    struct dump_worker *w = calloc(1, sizeof(*w));
    if (!w) {
        error_set(e, "out of memory");
        return NULL;
    }
    w->dir = dir; /* field by field: a compound literal of the queue would be on the stack */
    w->place = place;
    w->out = out;
    if (!(w->accounts = uid_accounts_new(subuid))) {
        free(w);
        error_set(e, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < DUMP_QUEUE_MAX; i++)
        w->free_slots[i] = (uint16_t)(DUMP_QUEUE_MAX - 1 - i);
    w->nfree = DUMP_QUEUE_MAX;
    atomic_init(&w->cancel, false);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    w->capacity = job_capacity();
    w->user_capacity = w->capacity / 4;
    for (; w->started < DUMP_THREADS; w->started++) {
        w->args[w->started] = (struct dump_thread){w, w->started};
        int rc = quiet_thread_start(&w->threads[w->started], work, &w->args[w->started]);
        if (rc != 0) {
            error_set(e, "cannot start the dump threads: %s", strerror(rc));
            dump_worker_stop(w);
            return NULL;
        }
    }
    return w;
}

/* How many queued jobs are charged to account. Under the lock. */
static size_t user_jobs(const struct dump_worker *w, uid_t account)
{
    size_t n = 0;
    for (size_t i = 0; i < w->count; i++)
        n += w->jobs[w->order[i]].target.account == account;
    return n;
}

void dump_worker_submit(struct dump_worker *w, const struct dump_job *submitted)
{
    struct dump_job job = *submitted;
    job.target.account = uid_accounts_of(w->accounts, job.target.uid); /* this thread only */
    pthread_mutex_lock(&w->lock);
    size_t mine = user_jobs(w, job.target.account), waiting = w->count;
    bool queued = w->count < w->capacity && mine < w->user_capacity;
    if (queued) {
        uint16_t slot = w->free_slots[--w->nfree];
        w->jobs[slot] = job;
        w->order[w->count++] = slot;
        pthread_cond_broadcast(&w->wake);
    }
    pthread_mutex_unlock(&w->lock);
    if (queued)
        return;
    /* Too many stopped processes waiting: this one goes without a core. */
    static const atomic_bool now = true;
    char why[96];
    if (mine >= w->user_capacity)
        snprintf(why, sizeof(why), " (%zu dumps of user %u already waiting)", mine,
                 (unsigned)job.target.account);
    else
        snprintf(why, sizeof(why), " (%zu dumps already waiting)", waiting);
    run_job(w, &job, &now, why);
}

unsigned long long dump_worker_failed(struct dump_worker *w)
{
    pthread_mutex_lock(&w->lock);
    unsigned long long failed = w->failed;
    pthread_mutex_unlock(&w->lock);
    return failed;
}

unsigned long long dump_worker_stop(struct dump_worker *w)
{
    atomic_store(&w->cancel, true);
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    for (size_t i = 0; i < w->started; i++)
        pthread_join(w->threads[i], NULL);
    unsigned long long failed = w->failed;
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    uid_accounts_free(w->accounts);
    free(w);
    return failed;
}
