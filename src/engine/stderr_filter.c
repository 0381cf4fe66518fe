#include "engine/stderr_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/quiet_thread.h"

#define LINE_MAX_SHOWN 4096

/* libbcc's lines that say nothing an operator can act on. */
static const char *const noise[] = {
    "sha1 socket not available",
    "WARNING: cannot get prog tag, ignore saving source with program tag",
};

struct stderr_filter {
    int read_fd;
    bool show_all;
    unsigned long dropped;
    pthread_t thread;
};

static bool is_noise(const char *line)
{
    for (size_t i = 0; i < sizeof(noise) / sizeof(noise[0]); i++)
        if (strncmp(line, noise[i], strlen(noise[i])) == 0)
            return true;
    return false;
}

static void pass_line(struct stderr_filter *f, const char *line)
{
    if (!f->show_all && is_noise(line))
        f->dropped++;
    else
        log_note("%s", line);
}

/* Reads the pipe until every writer has closed it, line by line (a longer line is handed
 * on in pieces). */
static void *filter_loop(void *arg)
{
    struct stderr_filter *f = arg;
    char buf[LINE_MAX_SHOWN + 1];
    size_t have = 0;
    for (;;) {
        ssize_t n = read(f->read_fd, buf + have, LINE_MAX_SHOWN - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t)n;
        char *start = buf, *nl;
        while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
            *nl = '\0';
            pass_line(f, start);
            start = nl + 1;
        }
        have -= (size_t)(start - buf);
        memmove(buf, start, have);
        if (have == LINE_MAX_SHOWN) {
            buf[have] = '\0';
            pass_line(f, buf);
            have = 0;
        }
    }
    if (have) {
        buf[have] = '\0';
        pass_line(f, buf);
    }
    return NULL;
}

struct stderr_filter *stderr_filter_start(bool show_all, struct error *e)
{
    int p[2];
    struct stderr_filter *f = calloc(1, sizeof(*f));
    if (!f) {
        error_set(e, "out of memory");
        return NULL;
    }
    if (pipe2(p, O_CLOEXEC) != 0) {
        error_set(e, "cannot filter standard error: %s", strerror(errno));
        free(f);
        return NULL;
    }
    *f = (struct stderr_filter){.read_fd = p[0], .show_all = show_all};
    int rc = quiet_thread_start(&f->thread, filter_loop, f);
    if (rc != 0 || dup2(p[1], STDERR_FILENO) < 0) {
        error_set(e, "cannot filter standard error: %s", strerror(rc ? rc : errno));
        close(p[1]);
        if (rc == 0)
            pthread_join(f->thread, NULL);
        close(p[0]);
        free(f);
        return NULL;
    }
    close(p[1]); /* fd 2 is now the only writer (and what children inherit) */
    return f;
}

unsigned long stderr_filter_stop(struct stderr_filter *f, int real_stderr)
{
    dup2(real_stderr, STDERR_FILENO); /* closes our end: the thread reads to EOF */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    /* A child that outlived us (a hung gcore) may hold the pipe: then it is left open. */
    if (pthread_timedjoin_np(f->thread, NULL, &until) != 0)
        return f->dropped;
    close(f->read_fd);
    unsigned long dropped = f->dropped;
    free(f);
    return dropped;
}
