/* Output that never blocks the tool: lines go into a bounded queue in memory and a thread
 * writes them out (to an fd, or to syslog one message per line), so a reader that stalls
 * (a full pipe, a stopped terminal, a slow syslog daemon) holds up neither the event loop
 * nor an action. When the queue is full, lines are dropped whole and counted, and a
 * warning says so. */
#ifndef EBPFSHIELD_LINE_WRITER_H
#define EBPFSHIELD_LINE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/log.h"

/* The longest line queued in one piece (a longer one may be split when the queue fills). */
#define LINE_WRITER_LINE_MAX (256u << 10)

struct line_writer;

/* Where the lines go. */
struct line_target {
    int fd;      /* when not syslog */
    bool owned;  /* the writer closes fd at the end (and at a reopen) */
    bool syslog; /* each line is one syslog(3) message; a line that starts with "<PRI>"
                  * (a decimal facility | level) is sent with that priority */
};

/* Starts writing to t; *stream is a line-buffered FILE whose writes only queue. cap is the
 * most bytes queued at once; name says what t is in warnings ("standard output"), NULL
 * for the writer that carries the log itself: it says nothing (its warnings would go where
 * nobody reads). Returns the writer, or NULL with a message in e. */
struct line_writer *line_writer_open(const struct line_target *t, const char *name, size_t cap,
                                     FILE **stream, struct error *e);

/* From the next line on, writes go to fd (owned: closed at the end or the next reopen);
 * the fd written so far is closed once its last whole line is out, if it was owned. For
 * logrotate: the file is reopened on SIGHUP. */
void line_writer_reopen(struct line_writer *w, int fd);

/* Between hold and release, lines queue without waking the thread until a write's worth
 * (4 KiB) is waiting: the event loop holds while it handles a batch of samples, so that a
 * burst is written in few writes and few thread switches, not one per line. */
void line_writer_hold(struct line_writer *w);
void line_writer_release(struct line_writer *w);

/* Warns, once per episode, that lines are being dropped: called from the event loop, never
 * from a write (the log may be another writer's stream). */
void line_writer_report(struct line_writer *w);

/* 0 while writing works; else the errno of the write that failed (EPIPE: nobody reads). */
int line_writer_error(struct line_writer *w);

/* The lines dropped so far (the queue was full). */
unsigned long long line_writer_dropped(struct line_writer *w);

/* Closes the stream, lets the thread write what is queued for up to wait_ms, stops it,
 * and frees w. Returns how many lines were never written (dropped or left queued); when
 * any, a warning has said why. */
unsigned long long line_writer_close(struct line_writer *w, int wait_ms);

#endif
