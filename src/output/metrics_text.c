#include "output/metrics_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes (and the NUL). */
static bool reserve(struct metrics_text *m, size_t n)
{
    if (m->failed)
        return false;
    if (m->len + n + 1 <= m->cap)
        return true;
    size_t cap = m->cap ? m->cap : 4096;
    while (cap < m->len + n + 1)
        cap *= 2;
    char *buf = realloc(m->buf, cap);
    if (!buf) {
        m->failed = true;
        return false;
    }
    m->buf = buf;
    m->cap = cap;
    return true;
}

static void append(struct metrics_text *m, const char *s, size_t n)
{
    if (!reserve(m, n))
        return;
    memcpy(m->buf + m->len, s, n);
    m->len += n;
    m->buf[m->len] = '\0';
}

static void append_str(struct metrics_text *m, const char *s)
{
    append(m, s, strlen(s));
}

/* A label value or help text: backslash and newline escaped, and the double quote too in
 * a label value (the format's rules). */
static void append_escaped(struct metrics_text *m, const char *s, bool quote)
{
    for (; *s; s++) {
        if (*s == '\\')
            append(m, "\\\\", 2);
        else if (*s == '\n')
            append(m, "\\n", 2);
        else if (*s == '"' && quote)
            append(m, "\\\"", 2);
        else
            append(m, s, 1);
    }
}

void metrics_text_reset(struct metrics_text *m)
{
    m->len = 0;
    m->failed = false;
    if (m->buf)
        m->buf[0] = '\0';
}

void metrics_text_free(struct metrics_text *m)
{
    free(m->buf);
    *m = (struct metrics_text){0};
}

void metrics_family(struct metrics_text *m, const char *name, const char *type, const char *help)
{
    append_str(m, "# HELP ");
    append_str(m, name);
    append(m, " ", 1);
    append_escaped(m, help, false);
    append_str(m, "\n# TYPE ");
    append_str(m, name);
    append(m, " ", 1);
    append_str(m, type);
    append(m, "\n", 1);
}

void metrics_sample(struct metrics_text *m, const char *name, unsigned long long value, ...)
{
    append_str(m, name);
    va_list ap;
    va_start(ap, value);
    const char *label;
    bool labelled = false;
    for (; (label = va_arg(ap, const char *)) != NULL; labelled = true) {
        const char *v = va_arg(ap, const char *);
        append(m, labelled ? "," : "{", 1);
        append_str(m, label);
        append(m, "=\"", 2);
        append_escaped(m, v ? v : "", true);
        append(m, "\"", 1);
    }
    va_end(ap);
    char number[32];
    int n = snprintf(number, sizeof(number), "%s %llu\n", labelled ? "}" : "", value);
    append(m, number, (size_t)n);
}

void metrics_single(struct metrics_text *m, const char *name, const char *type, const char *help,
                    unsigned long long value)
{
    metrics_family(m, name, type, help);
    metrics_sample(m, name, value, (const char *)NULL);
}
