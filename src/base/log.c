#include "base/log.h"

#include <stdarg.h>

#define PREFIX "ebpfshield-bcc: "

static FILE *log_stream;

static FILE *stream(void)
{
    return log_stream ? log_stream : stderr;
}

void log_set_stream(FILE *s)
{
    log_stream = s;
}

int error_set(struct error *e, const char *fmt, ...)
{
    va_list ap;

    if (!e)
        return -1;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return -1;
}

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
    FILE *s = stream();

    flockfile(s); /* one line, whole, whatever thread logs too */
    fputs(prefix, s);
    vfprintf(s, fmt, ap);
    fputc('\n', s);
    funlockfile(s);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(PREFIX, fmt, ap);
    va_end(ap);
}

int log_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(PREFIX, fmt, ap);
    va_end(ap);
    return 1;
}

void log_note(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog("", fmt, ap);
    va_end(ap);
}

#define WARN_INTERVAL_MS 1000

bool log_due(struct log_rate *r, uint64_t now_ms)
{
    if (now_ms < r->next_ms)
        return false;
    r->next_ms = now_ms + WARN_INTERVAL_MS;
    return true;
}
