/* The pins that keep the guard's cgroup programs attached when the tool exits (--persist):
 * links and maps pinned in a root-only bpffs directory. The next start adopts the links,
 * swapping its programs in atomically (shim_attach_cgroup), so that no connection gets
 * through between two runs; --unload removes them. */
#ifndef EBPFSHIELD_PERSIST_H
#define EBPFSHIELD_PERSIST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/log.h"

#define PERSIST_BPFFS "/sys/fs/bpf"
#define PERSIST_DIR PERSIST_BPFFS "/ebpfshield-bcc"
#define PERSIST_PATH_MAX 96

/* Whether pins of an earlier run are there (0: *present set), with create making the
 * directory (mounting bpffs at /sys/fs/bpf first when none is there): bpffs, a directory
 * of root's that nobody else may enter, never through a symlink. -1 with a message. */
int persist_prepare(bool create, bool *present, struct error *e);

/* PERSIST_DIR "/" name into out. */
void persist_path(const char *name, char out[PERSIST_PATH_MAX]);

/* Renames the pin from to to, in place of what to was: 0, or -1 with a message. */
int persist_rename(const char *from, const char *to, struct error *e);

/* Whether the pin named name stays (ctx: the caller's). */
typedef bool persist_keep_fn(const char *name, const void *ctx);

/* Removes every pin of the directory but those keep keeps (NULL: none), and the
 * directory once empty; each removal said on the log stream when say. The number
 * removed, or -1 with a message. */
int persist_prune(persist_keep_fn *keep, const void *ctx, bool say, struct error *e);

#endif
