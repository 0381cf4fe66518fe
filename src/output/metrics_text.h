/* Prometheus's text exposition format (version 0.0.4), built into a growing buffer: a
 * family's # HELP and # TYPE lines, then its samples, label values escaped. Pure. */
#ifndef EBPFSHIELD_METRICS_TEXT_H
#define EBPFSHIELD_METRICS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

struct metrics_text {
    char *buf; /* NUL-terminated */
    size_t len, cap;
    bool failed; /* out of memory: the text is cut, and not to be served */
};

/* Empties m for a new exposition (keeps its buffer). */
void metrics_text_reset(struct metrics_text *m);
void metrics_text_free(struct metrics_text *m);

/* A family: name, type ("counter" or "gauge") and one line of help. */
void metrics_family(struct metrics_text *m, const char *name, const char *type, const char *help);

/* A sample of the family name: labels are name and value pairs, then NULL (none: NULL
 * alone). Values are whole numbers, as every metric here is. */
void metrics_sample(struct metrics_text *m, const char *name, unsigned long long value, ...)
    __attribute__((sentinel));

/* A family of one sample without labels. */
void metrics_single(struct metrics_text *m, const char *name, const char *type, const char *help,
                    unsigned long long value);

#endif
