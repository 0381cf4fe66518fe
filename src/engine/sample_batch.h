/* The samples of one poll, handed on in the order the kernel took them. A perf buffer is
 * one ring per CPU, read ring after ring, and the monitor is woken only once several
 * samples wait on one CPU: without this a DNS answer read from CPU 0's ring would be
 * printed before its query, read from CPU 1's. */
#ifndef EBPFSHIELD_SAMPLE_BATCH_H
#define EBPFSHIELD_SAMPLE_BATCH_H

#include <stddef.h>
#include <stdint.h>

typedef void (*sample_fn)(void *ctx, const void *data, size_t size);

struct sample_batch;

/* A batch that holds at most max_bytes of samples before it flushes by itself; fn gets
 * each sample at a flush. NULL when out of memory. */
struct sample_batch *sample_batch_new(size_t max_bytes, sample_fn fn, void *ctx);

/* Keeps a copy of a sample taken at ts (the same clock for all). When it would not fit,
 * what the batch holds is flushed first; when no copy can be made, it goes to fn at once. */
void sample_batch_add(struct sample_batch *b, uint64_t ts, const void *data, size_t size);

/* Hands every sample held to fn, oldest first (equal times in the order added), and
 * empties the batch. */
void sample_batch_flush(struct sample_batch *b);

/* Frees the batch and what it holds (flush first to keep it); NULL is fine. */
void sample_batch_free(struct sample_batch *b);

#endif
