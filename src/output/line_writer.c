#include "output/line_writer.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "base/quiet_thread.h"

/* A pipe that polls writable has a free page: a write this size never blocks there. */
#define CHUNK 4096
#define POLL_MS 100

struct line_writer {
    struct line_target target;
    int next_fd;        /* a reopen's fd, taken at the next line start; -1: none */
    bool at_line_start; /* the bytes written so far end with a newline */
    char *line;         /* syslog: the message being sent */
    const char *name;   /* in messages; NULL: none (the log's own writer) */
    size_t cap;
    pthread_mutex_t lock;
    pthread_cond_t wake;    /* to the thread: bytes queued, or closing */
    pthread_cond_t drained; /* from the thread: the queue is empty, or writing failed */
    char *buf;              /* queued bytes: buf[head, tail) */
    size_t head, tail, size;
    unsigned long long dropped; /* lines */
    bool dropping;              /* since the last warning; cleared once the queue drains */
    bool drop_untold;           /* a drop began that line_writer_report() has not said */
    int error;                  /* a write that cannot work again (EPIPE: nobody reads) */
    int failing;                /* errno of the last write, while writes fail (ENOSPC) */
    bool fail_untold;           /* failing began and line_writer_report() has not said */
    bool held;                  /* line_writer_hold(): the thread is woken at the release */
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
        if (!w->held || w->tail - w->head >= CHUNK)
            pthread_cond_signal(&w->wake);
    } else {
        w->dropped += lines_in(data, n);
        w->drop_untold |= !w->dropping;
        w->dropping = true;
    }
    pthread_mutex_unlock(&w->lock);
    return (ssize_t)n;
}

void line_writer_hold(struct line_writer *w)
{
    pthread_mutex_lock(&w->lock);
    w->held = true;
    pthread_mutex_unlock(&w->lock);
}

void line_writer_release(struct line_writer *w)
{
    pthread_mutex_lock(&w->lock);
    w->held = false;
    if (w->head != w->tail)
        pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

/* Why lines do not get out: nobody reads, or writes fail (a full disk). */
static const char *stuck(int failing)
{
    return failing ? "cannot be written" : "is not being read";
}

unsigned long long line_writer_dropped(struct line_writer *w)
{
    pthread_mutex_lock(&w->lock);
    unsigned long long dropped = w->dropped;
    pthread_mutex_unlock(&w->lock);
    return dropped;
}

void line_writer_report(struct line_writer *w)
{
    pthread_mutex_lock(&w->lock);
    bool tell_drop = w->drop_untold && w->name, tell_fail = w->fail_untold && w->name;
    w->drop_untold = w->fail_untold = false;
    unsigned long long dropped = w->dropped;
    int failing = w->failing;
    pthread_mutex_unlock(&w->lock);
    if (tell_fail)
        log_warn("cannot write to %s (%s): lines wait in memory, %zu MiB at most", w->name,
                 strerror(failing), w->cap >> 20);
    if (tell_drop)
        log_warn("%s %s: dropping lines until it is (%llu so far)", w->name, stuck(failing),
                 dropped);
}

/* Waits until fd takes a write or POLL_MS pass; true when it does. */
static bool writable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    return poll(&p, 1, POLL_MS) > 0;
}

/* A reopen's fd replaces the current one between two lines. Called with the lock held. */
static void switch_fd(struct line_writer *w)
{
    if (w->next_fd < 0 || !w->at_line_start)
        return;
    if (w->target.owned)
        close(w->target.fd);
    w->target = (struct line_target){.fd = w->next_fd, .owned = true};
    w->next_fd = -1;
}

/* Writes at most a CHUNK to the fd, up to the last line end in it when there is one, or
 * the first while a line is half out (so that a reopen switches files right after that
 * line). Called and returns with the lock held. */
static void write_some(struct line_writer *w, char *chunk)
{
    switch_fd(w);
    size_t n = w->tail - w->head < CHUNK ? w->tail - w->head : CHUNK;
    const char *end =
        w->at_line_start ? memrchr(w->buf + w->head, '\n', n) : memchr(w->buf + w->head, '\n', n);
    if (end)
        n = (size_t)(end - (w->buf + w->head)) + 1;
    memcpy(chunk, w->buf + w->head, n);
    int fd = w->target.fd;
    pthread_mutex_unlock(&w->lock);
    ssize_t done = writable(fd) ? write(fd, chunk, n) : 0;
    int err = done < 0 ? errno : 0;
    pthread_mutex_lock(&w->lock);
    if (done > 0) {
        w->head += (size_t)done;
        w->at_line_start = chunk[done - 1] == '\n';
        w->failing = 0;
    }
    if (!err || err == EINTR || err == EAGAIN)
        return;
    if (err == EPIPE || err == EBADF || err == EINVAL) {
        w->error = err;
        return;
    }
    /* A full disk or quota, an I/O error: the tool goes on (its guard must not stop for
     * this); the lines wait and the write is tried again. */
    w->fail_untold |= !w->failing;
    w->failing = err;
    pthread_mutex_unlock(&w->lock);
    poll(NULL, 0, POLL_MS);
    pthread_mutex_lock(&w->lock);
}

/* One line as one syslog message, with the priority its "<PRI>" gives. */
static void send_syslog(const char *line)
{
    int priority = LOG_DAEMON | LOG_INFO;
    const char *msg = line;
    if (line[0] == '<') {
        char *end;
        long pri = strtol(line + 1, &end, 10);
        if (*end == '>' && end > line + 1 && pri >= 0 && pri <= (LOG_LOCAL7 | LOG_DEBUG)) {
            priority = (int)pri;
            msg = end + 1;
        }
    }
    syslog(priority, "%s", msg);
}

/* Sends the first queued line (cut at LINE_WRITER_LINE_MAX) to syslog. Called and returns
 * with the lock held. */
static void send_line(struct line_writer *w)
{
    size_t avail = w->tail - w->head;
    const char *start = w->buf + w->head;
    const char *nl = memchr(start, '\n', avail);
    size_t n = nl ? (size_t)(nl - start) : avail;
    if (n > LINE_WRITER_LINE_MAX)
        n = LINE_WRITER_LINE_MAX;
    memcpy(w->line, start, n);
    w->line[n] = '\0';
    size_t taken = n + (nl && start + n == nl);
    pthread_mutex_unlock(&w->lock);
    send_syslog(w->line);
    pthread_mutex_lock(&w->lock);
    w->head += taken;
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
        if (w->target.syslog)
            send_line(w);
        else
            write_some(w, chunk);
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

struct line_writer *line_writer_open(const struct line_target *t, const char *name, size_t cap,
                                     FILE **stream, struct error *e)
{
    struct line_writer *w = calloc(1, sizeof(*w));
    if (!w || (t->syslog && !(w->line = malloc(LINE_WRITER_LINE_MAX + 1)))) {
        free(w);
        error_set(e, "out of memory");
        return NULL;
    }
    w->target = *t;
    w->next_fd = -1;
    w->at_line_start = true;
    w->name = name;
    w->cap = cap;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    pthread_cond_init(&w->drained, NULL);
    w->stream = fopencookie(w, "w", (cookie_io_functions_t){.write = queue_write});
    if (!w->stream || setvbuf(w->stream, NULL, _IOLBF, LINE_WRITER_LINE_MAX) != 0) {
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
    free(w->line);
    free(w);
    return NULL;
}

void line_writer_reopen(struct line_writer *w, int fd)
{
    pthread_mutex_lock(&w->lock);
    if (w->next_fd >= 0)
        close(w->next_fd); /* two reopens before a line: the first one's file is not used */
    w->next_fd = fd;
    pthread_mutex_unlock(&w->lock);
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
        pthread_mutex_lock(&w->lock); /* the thread is in a write or syslog(), not here */
        unsigned long long lost =
            w->dropped + (w->head == w->tail ? 0 : lines_in(w->buf + w->head, w->tail - w->head));
        pthread_mutex_unlock(&w->lock);
        if (w->name)
            log_warn("%s is blocked: %llu line(s) still queued are not written", w->name, lost);
        return lost;
    }
    line_writer_report(w);
    unsigned long long left =
        w->head == w->tail ? 0 : lines_in(w->buf + w->head, w->tail - w->head);
    if (left && w->name)
        log_warn("%s %s: %llu line(s) not written", w->name, stuck(w->failing), left);
    unsigned long long lost = left + w->dropped;
    pthread_cond_destroy(&w->drained);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    if (w->target.owned)
        close(w->target.fd);
    if (w->next_fd >= 0)
        close(w->next_fd);
    free(w->line);
    free(w->buf);
    free(w);
    return lost;
}
