/* Threads of the tool besides the event loop (the output writer, the dump worker). */
#ifndef EBPFSHIELD_QUIET_THREAD_H
#define EBPFSHIELD_QUIET_THREAD_H

#include <pthread.h>

/* pthread_create(t, fn, arg) for a thread that takes no signal, so that SIGINT and SIGTERM
 * always reach (and wake) the event loop. Returns pthread_create's result. */
int quiet_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
