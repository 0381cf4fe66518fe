#include "log.h"

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

    fputs(prefix, s);
    vfprintf(s, fmt, ap);
    fputc('\n', s);
}

void warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(PREFIX, fmt, ap);
    va_end(ap);
}

int fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(PREFIX, fmt, ap);
    va_end(ap);
    return 1;
}

void note(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog("", fmt, ap);
    va_end(ap);
}
