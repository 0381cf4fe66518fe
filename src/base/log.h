/* The one way ebpfshield-bcc reports problems: modules return -1 with a message in a
 * struct error; callers print it through log_warn() or log_fatal(), which add the tool's prefix. */
#ifndef EBPFSHIELD_LOG_H
#define EBPFSHIELD_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ERROR_MSG_MAX 8192 /* room for an over-long path and the reason */

struct error {
    char msg[ERROR_MSG_MAX];
};

/* Fills e (when not NULL) with the formatted message; returns -1 for `return error_set(...)`. */
int error_set(struct error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "ebpfshield-bcc: <message>\n" on the log stream (stderr unless log_set_stream). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Like log_warn(); returns the exit status 1, for `return log_fatal(...)` on the way out. */
int log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A status line without the prefix (e.g. "attach mode: ..."), on the log stream. */
void log_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* At most one warning a second for a problem that may repeat at packet rate: the caller
 * counts, and says what it counted when log_due() lets it. */
struct log_rate {
    uint64_t next_ms;
};

/* True (and the next second starts) when now_ms is a second past the last true. */
bool log_due(struct log_rate *r, uint64_t now_ms);

/* Where warn/fatal/note write; NULL restores stderr. For tests. */
void log_set_stream(FILE *stream);

#ifdef __cplusplus
}
#endif

#endif
