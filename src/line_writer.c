#include "line_writer.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "quiet_thread.h"

/* A pipe that polls writable has a free page: a write this size never blocks there. */
#define CHUNK 4096
#define POLL_MS 100

struct line_writer {
    int fd;
    const char *name; /* in messages; NULL: none (the log's own writer) */
    size_t cap;
    pthread_mutex_t lock;
    pthread_cond_t wake;    /* to the thread: bytes queued, or closing */
    pthread_cond_t drained; /* from the thread: the queue is empty, or writing failed */
    char *buf;              /* queued bytes: buf[head, tail) */
    size_t head, tail, size;
    unsigned long long dropped; /* lines */
    bool dropping;              /* since the last warning; cleared once the queue drains */
    bool drop_untold;           /* a drop began that line_writer_report() has not said */
    int error;
    bool closing, stop;
    pthread_t thread;
    FILE *stream;
};

static unsigned long long lines_in(const char *data, size_t n)
{
    unsigned long long lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += data[i] == '\n';
    return lines ? lines : 1;
}

/* Room for n more bytes at the tail, moving (only when the end is reached: a backlog is
 * not copied per line) or growing the buffer (bounded by cap). */
static bool make_room(struct line_writer *w, size_t n)
{
    if (w->tail - w->head + n > w->cap)
        return false;
    if (w->tail + n <= w->size)
        return true;
    if (w->head > 0) {
        memmove(w->buf, w->buf + w->head, w->tail - w->head);
        w->tail -= w->head;
        w->head = 0;
    }
    if (w->tail + n <= w->size)
        return true;
    size_t size = w->size ? w->size : CHUNK;
    while (size < w->tail + n)
        size *= 2;
    char *buf = realloc(w->buf, size);
    if (!buf)
        return false;
    w->buf = buf;
    w->size = size;
    return true;
}

/* The stream's write: queues or drops, never waits for the reader. */
static ssize_t queue_write(void *cookie, const char *data, size_t n)
{
    struct line_writer *w = cookie;
    pthread_mutex_lock(&w->lock);
    if (w->error) {
        /* reported by line_writer_error() */
    } else if (make_room(w, n)) {
        memcpy(w->buf + w->tail, data, n);
        w->tail += n;
        pthread_cond_signal(&w->wake);
    } else {
        w->dropped += lines_in(data, n);
        w->drop_untold |= !w->dropping;
        w->dropping = true;
    }
    pthread_mutex_unlock(&w->lock);
    return (ssize_t)n;
}

void line_writer_report(struct line_writer *w)
{
    pthread_mutex_lock(&w->lock);
    bool tell = w->drop_untold && w->name;
    w->drop_untold = false;
    unsigned long long dropped = w->dropped;
    pthread_mutex_unlock(&w->lock);
    if (tell)
        warn("%s is not being read: dropping lines until it is (%llu so far)", w->name, dropped);
}

/* Waits until fd takes a write or POLL_MS pass; true when it does. */
static bool writable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    return poll(&p, 1, POLL_MS) > 0;
}

static void *write_loop(void *arg)
{
    struct line_writer *w = arg;
    char chunk[CHUNK];
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->head == w->tail && !w->closing && !w->stop)
            pthread_cond_wait(&w->wake, &w->lock);
        if (w->stop || w->head == w->tail)
            break;
        size_t n = w->tail - w->head < CHUNK ? w->tail - w->head : CHUNK;
        memcpy(chunk, w->buf + w->head, n);
        pthread_mutex_unlock(&w->lock);
        ssize_t done = writable(w->fd) ? write(w->fd, chunk, n) : 0;
        int err = done < 0 ? errno : 0;
        pthread_mutex_lock(&w->lock);
        if (done > 0)
            w->head += (size_t)done;
        if (err && err != EINTR && err != EAGAIN)
            w->error = err;
        if (w->head == w->tail || w->error) {
            w->dropping = false;
            pthread_cond_broadcast(&w->drained);
        }
        if (w->error)
            break;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct line_writer *line_writer_open(int fd, const char *name, size_t cap, FILE **stream,
                                     struct error *e)
{
    struct line_writer *w = calloc(1, sizeof(*w));
    if (!w) {
        error_set(e, "out of memory");
        return NULL;
    }
    w->fd = fd;
    w->name = name;
    w->cap = cap;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    pthread_cond_init(&w->drained, NULL);
    w->stream = fopencookie(w, "w", (cookie_io_functions_t){.write = queue_write});
    if (!w->stream || setvbuf(w->stream, NULL, _IOLBF, CHUNK) != 0) {
        error_set(e, "cannot set up %s: %s", name ? name : "the log", strerror(errno));
        goto fail;
    }
    int rc = quiet_thread_start(&w->thread, write_loop, w);
    if (rc != 0) {
        error_set(e, "cannot start the output thread: %s", strerror(rc));
        goto fail;
    }
    *stream = w->stream;
    return w;
fail:
    if (w->stream)
        fclose(w->stream);
    free(w);
    return NULL;
}

int line_writer_error(struct line_writer *w)
{
    pthread_mutex_lock(&w->lock);
    int err = w->error;
    pthread_mutex_unlock(&w->lock);
    return err;
}

unsigned long long line_writer_close(struct line_writer *w, int wait_ms)
{
    fclose(w->stream); /* hands the last line to the queue */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->lock);
    w->closing = true;
    pthread_cond_signal(&w->wake);
    while (w->head != w->tail && !w->error &&
           pthread_cond_timedwait(&w->drained, &w->lock, &until) == 0)
        ;
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    /* A write that blocks despite poll (a tty after XOFF, a hung file system) must not
     * hold the exit: past the deadline the thread is left to die with the process. */
    until.tv_sec += 1;
    if (pthread_timedjoin_np(w->thread, NULL, &until) != 0) {
        if (w->name)
            warn("%s is blocked: lines still queued are not written", w->name);
        return 0;
    }
    line_writer_report(w);
    unsigned long long left =
        w->head == w->tail ? 0 : lines_in(w->buf + w->head, w->tail - w->head);
    if (left && w->name)
        warn("%s is not being read: %llu line(s) not written", w->name, left);
    unsigned long long lost = left + w->dropped;
    pthread_cond_destroy(&w->drained);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w->buf);
    free(w);
    return lost;
}
