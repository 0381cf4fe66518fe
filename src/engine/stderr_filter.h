/* libbcc writes to file descriptor 2 itself: "sha1 socket not available ..." and "WARNING:
 * cannot get prog tag ..." on every start on kernels without AF_ALG, noise an operator
 * cannot act on. While the filter runs, fd 2 is a pipe whose lines a thread hands to the
 * log, less those two kinds (unless show_all); compile errors and the rest pass. */
#ifndef EBPFSHIELD_STDERR_FILTER_H
#define EBPFSHIELD_STDERR_FILTER_H

#include <stdbool.h>

#include "base/log.h"

struct stderr_filter;

/* Puts the filter on fd 2; what passes goes to the log stream (log_note()), which must not
 * write to fd 2 itself. Returns NULL with a message in e (fd 2 as it was). */
struct stderr_filter *stderr_filter_start(bool show_all, struct error *e);

/* Gives fd 2 back to real_stderr's file, hands over what is left (1 s at most), and
 * frees f. Returns the number of lines dropped as noise. */
unsigned long stderr_filter_stop(struct stderr_filter *f, int real_stderr);

#endif
