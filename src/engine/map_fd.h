/* A kernel table written through its fd with bpf(2) alone: what a thread other than the
 * event loop may do (libbcc's objects belong to the loop). Each returns 0, or -1 with a
 * message in e. */
#ifndef EBPFSHIELD_MAP_FD_H
#define EBPFSHIELD_MAP_FD_H

#include <stddef.h>

#include "base/log.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most keys one batch call is given (callers batch at most this many). */
#define MAP_FD_BATCH 1024

int map_fd_update(int fd, const void *key, const void *value, struct error *e);

/* count keys (key_size bytes each) with their values (value_size bytes each) in one call
 * where the kernel has batch updates for the table's type (BPF_MAP_UPDATE_BATCH, 5.6 on;
 * LPM tries later), else one call a key. */
int map_fd_update_batch(int fd, const void *keys, size_t key_size, const void *values,
                        size_t value_size, size_t count, struct error *e);

/* The same for deletes; a key that is not there is skipped. */
int map_fd_delete_batch(int fd, const void *keys, size_t key_size, size_t count, struct error *e);

#ifdef __cplusplus
}
#endif

#endif
